//! Speedup vs workers: measured medians with min-max whiskers per backend, the ideal
//! line, each backend's fitted Amdahl curve (Gustafson line under weak scaling) with its
//! serial fraction in the legend, and the oversubscribed region beyond the available CPUs. The efficiency chart is the
//! same picture divided by the worker count, so it is drawn here too.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{Axis, Scale, short_number};
use super::frame::{self, LegendEntry, REFERENCE, Symbol, series_color};
use super::{Drawn, PlotError, kernel_title, machine_card, scaling_backends};
use crate::measure::Law;
use crate::measure::Report;

/// Which ratio the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ratio {
    /// S(p) = T(1) / T(p).
    Speedup,
    /// E(p) = S(p) / p.
    Efficiency,
}

impl Ratio {
    fn of(self, speedup: f64, workers: f64) -> f64 {
        match self {
            Ratio::Speedup => speedup,
            Ratio::Efficiency => speedup / workers,
        }
    }
}

/// Draws the speedup chart.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, report: &Report) -> Result<(), PlotError> {
    draw_ratio(root, report, Ratio::Speedup)
}

/// One measured point ready to draw: workers, median, low and high ends of the whisker.
struct Mark {
    workers: usize,
    median: f64,
    low: f64,
    high: f64,
    oversubscribed: bool,
}

/// Draws speedup or efficiency against workers.
pub fn draw_ratio<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    ratio: Ratio,
) -> Result<(), PlotError> {
    let series = scaling_backends(report);
    let cpus = report.machine.available_parallelism;
    let marks: Vec<Vec<Mark>> = series
        .iter()
        .map(|(_, points)| {
            points
                .iter()
                .filter_map(|p| {
                    let speedup = p.speedup?;
                    let base = p.median_s * speedup;
                    let w = p.workers as f64;
                    Some(Mark {
                        workers: p.workers,
                        median: ratio.of(speedup, w),
                        low: ratio.of(base / p.max_s, w),
                        high: ratio.of(base / p.min_s, w),
                        oversubscribed: p.oversubscribed,
                    })
                })
                .collect()
        })
        .collect();

    let mut legend = Vec::new();
    // Colours and shapes follow the backend's place in the report, as in every chart.
    let all = report.backends();
    let style_of = |backend: &str| all.iter().position(|b| *b == backend).unwrap_or(0);
    for (backend, _) in &series {
        let i = style_of(backend);
        let color = series_color(i);
        legend.push(LegendEntry::new(Symbol::Measured { color, shape: i }, backend.to_string()));
        if let Some(fit) = report.fit_of(backend).filter(|f| f.law == Law::Gustafson) {
            legend.push(LegendEntry::new(
                Symbol::Line { color, dashed: true },
                format!("Gustafson fit s = {:.3} (weak scaling)", fit.serial_fraction),
            ));
        } else if let Some(fit) = report.fit_of(backend) {
            let limit =
                fit.speedup_limit.map_or(" (no limit)".into(), |l| format!(" (max {}x)", short_number(round2(l))));
            legend.push(LegendEntry::new(
                Symbol::Line { color, dashed: true },
                format!("Amdahl fit s = {:.3}{limit}", fit.serial_fraction),
            ));
        }
    }
    let ideal = match ratio {
        Ratio::Speedup => "ideal: S = p",
        Ratio::Efficiency => "ideal: 100 %",
    };
    legend.push(LegendEntry::new(Symbol::Line { color: REFERENCE, dashed: false }, ideal));
    if marks.iter().flatten().any(|m| m.oversubscribed) {
        legend.push(LegendEntry::new(
            Symbol::Hollow { color: REFERENCE, shape: 0 },
            format!("more workers than {cpus} CPUs"),
        ));
    }

    let weak = report.plan.scale.is_weak();
    let (title, y_desc) = match (ratio, weak) {
        (Ratio::Speedup, false) => (format!("Speedup: {}", kernel_title(report)), "speedup vs 1 worker"),
        (Ratio::Efficiency, false) => {
            (format!("Efficiency: {}", kernel_title(report)), "efficiency (speedup / workers)")
        }
        (Ratio::Speedup, true) => {
            (format!("Scaled speedup, weak scaling: {}", kernel_title(report)), "scaled speedup p·T(1,n) / T(p,p·n)")
        }
        (Ratio::Efficiency, true) => {
            (format!("Scaled efficiency, weak scaling: {}", kernel_title(report)), "efficiency T(1,n) / T(p,p·n)")
        }
    };
    let subtitle = if weak {
        format!(
            "weak scaling: p workers on p times the size; median of {} timed runs, whiskers from slowest to fastest",
            report.plan.repetitions
        )
    } else {
        format!(
            "median of {} timed runs, whiskers from slowest to fastest; each backend against itself at 1 worker",
            report.plan.repetitions
        )
    };
    let framed = frame::frame(root, &title, &subtitle, &machine_card(report), &legend)?;
    let theme = framed.theme;
    if series.is_empty() {
        return frame::draw_message(
            &framed.plot,
            &theme,
            "needs one backend measured at 1 worker and at least one more worker count",
        );
    }

    let measured: Vec<usize> = marks.iter().flatten().map(|m| m.workers).collect();
    let max_workers = measured.iter().copied().max().unwrap_or(1);
    let x = Axis::workers(max_workers, &measured);
    let fitted: Vec<&crate::measure::Fit> = series.iter().filter_map(|(b, _)| report.fit_of(b)).collect();
    let y = match ratio {
        Ratio::Speedup => {
            let low = marks.iter().flatten().map(|m| m.low).fold(1.0, f64::min);
            // The ideal line and every fitted curve stay in view over the whole worker
            // range, so the reader sees where the measured points fall short of them.
            let widest = max_workers as f64;
            let curves = fitted.iter().map(|f| f.predicted_speedup(widest));
            let high = marks.iter().flatten().map(|m| m.high).chain(curves).fold(widest, f64::max);
            // Log-log: the ideal S = p is a straight diagonal and straight joins between
            // measured points never cross it falsely.
            Axis::new(Scale::Log2, low, high, 0.04)
        }
        Ratio::Efficiency => {
            let high = marks.iter().flatten().map(|m| m.high).fold(1.0, f64::max);
            let mut axis = Axis::new(Scale::Linear, 0.0, high, 0.03);
            axis.range.start = 0.0;
            axis
        }
    };

    let y_label = move |v: f64| match ratio {
        Ratio::Speedup => format!("{}x", short_number(v)),
        Ratio::Efficiency => format!("{}%", short_number((v * 100.0).round())),
    };
    let x_label = |v: f64| short_number(v.round());
    let mut chart = frame::plane(&framed.plot, &theme, &x, &y, ("workers", y_desc), (&x_label, &y_label))?;
    frame::draw_oversubscribed(&mut chart, &theme, &x, &y, cpus)?;

    let line = theme.line();
    // Curves start at 1 worker: fewer than one worker means nothing.
    let samples: Vec<f64> = (0..=120).map(|i| x.range.end * f64::from(i) / 120.0).collect();
    let ideal: Vec<(f64, f64)> = samples.iter().map(|&t| (t, y.scale.position(ratio.of(t.exp2(), t.exp2())))).collect();
    for piece in frame::clip(&ideal, y.range.start, y.range.end) {
        chart.draw_series(std::iter::once(PathElement::new(piece, REFERENCE.stroke_width(line)))).drawn()?;
    }
    for (backend, _) in &series {
        let i = style_of(backend);
        let Some(fit) = report.fit_of(backend) else { continue };
        let curve: Vec<(f64, f64)> = samples
            .iter()
            .map(|&t| (t, y.scale.position(ratio.of(fit.predicted_speedup(t.exp2()), t.exp2()))))
            .collect();
        let style = series_color(i).stroke_width(line);
        for piece in frame::clip(&curve, y.range.start, y.range.end) {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(piece, theme.px(6.0), theme.px(4.0), style)))
                .drawn()?;
        }
    }
    let span = x.range.end - x.range.start;
    let count = series.len() as f64;
    for (order, backend_marks) in marks.iter().enumerate() {
        let i = style_of(series[order].0);
        let color = series_color(i);
        // Backends at the same worker count are nudged apart so whiskers do not hide each other.
        let dodge = (order as f64 - (count - 1.0) / 2.0) * 0.018 * span;
        let at = |m: &Mark| x.scale.position(m.workers as f64) + dodge;
        let joined: Vec<(f64, f64)> = backend_marks.iter().map(|m| (at(m), y.scale.position(m.median))).collect();
        chart
            .draw_series(std::iter::once(PathElement::new(joined, color.mix(0.45).stroke_width(line.max(2) - 1))))
            .drawn()?;
        for m in backend_marks {
            let px = at(m);
            let style = color.stroke_width(line.max(2) - 1);
            frame::draw_whisker(chart.plotting_area(), px, (y.clamp(m.low), y.clamp(m.high)), theme.px(4.0), style)?;
            let centre = (px, y.scale.position(m.median));
            if y.contains(m.median) {
                frame::draw_marker(chart.plotting_area(), centre, i, theme.px(5.0), color, !m.oversubscribed, line)?;
            }
        }
    }
    Ok(())
}

fn round2(value: f64) -> f64 {
    if value >= 10.0 { value.round() } else { (value * 10.0).round() / 10.0 }
}
