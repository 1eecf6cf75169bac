//! Time vs workers: median wall time with min-max whiskers per backend, the ideal
//! T(1) / p, and the fitted T(p) = a + b / p. A backend measured at one worker count
//! only (seq) is a horizontal reference line. Linear seconds, or log-log.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{Axis, Scale, seconds_label, short_number};
use super::frame::{self, LegendEntry, REFERENCE, Symbol, series_color};
use super::{Drawn, PlotError, TimeScale, kernel_title, machine_card};
use crate::measure::{Law, Point, Report};

/// Draws the time chart.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    time_scale: TimeScale,
) -> Result<(), PlotError> {
    let backends = report.backends();
    let series: Vec<(&str, Vec<&Point>)> = backends.iter().map(|b| (*b, report.points_of(b))).collect();
    let cpus = report.machine.available_parallelism;

    let mut legend = Vec::new();
    let weak = report.plan.scale.is_weak();
    for (i, (backend, points)) in series.iter().enumerate() {
        let color = series_color(i);
        if let [single] = points.as_slice() {
            let workers =
                if single.workers == 1 { "1 worker".to_string() } else { format!("{} workers", single.workers) };
            legend.push(LegendEntry::new(
                Symbol::Line { color, dashed: true },
                format!("{backend}, {workers}: {}", seconds_label(round3(single.median_s))),
            ));
            continue;
        }
        legend.push(LegendEntry::new(Symbol::Measured { color, shape: i }, backend.to_string()));
        if let Some(fit) = report.fit_of(backend).filter(|f| f.law == Law::Amdahl) {
            legend.push(LegendEntry::new(
                Symbol::Line { color, dashed: true },
                format!("Amdahl fit s = {:.3}", fit.serial_fraction),
            ));
        }
    }
    let has_ideal = series.iter().any(|(_, points)| points.len() >= 2 && points[0].workers == 1);
    if has_ideal {
        let ideal = if weak { "ideal (weak scaling): T(1), per backend" } else { "ideal: T(1) / p, per backend" };
        legend.push(LegendEntry::new(Symbol::Dotted(REFERENCE), ideal));
    }
    if report.points.iter().any(|p| p.oversubscribed) {
        legend.push(LegendEntry::new(
            Symbol::Hollow { color: REFERENCE, shape: 0 },
            format!("more workers than {cpus} CPUs"),
        ));
    }

    let title = format!("Time: {}", kernel_title(report));
    let subtitle = format!(
        "median of {} timed runs, whiskers from fastest to slowest{}",
        report.plan.repetitions,
        if time_scale == TimeScale::LogLog { "; log-log: ideal scaling is a straight line" } else { "" }
    );
    let framed = frame::frame(root, &title, &subtitle, &machine_card(report), &legend)?;
    let theme = framed.theme;
    if report.points.is_empty() {
        return frame::draw_message(&framed.plot, &theme, "no measured points");
    }

    let measured: Vec<usize> = report.points.iter().map(|p| p.workers).collect();
    let max_workers = measured.iter().copied().max().unwrap_or(1);
    let x = Axis::workers(max_workers, &measured);
    let high = report.points.iter().map(|p| p.max_s).fold(0.0, f64::max);
    let y = match time_scale {
        TimeScale::Linear => {
            let mut axis = Axis::new(Scale::Linear, 0.0, high, 0.03);
            axis.range.start = 0.0;
            axis
        }
        TimeScale::LogLog => {
            let ideal_low = series
                .iter()
                .filter(|(_, points)| points.len() >= 2 && points[0].workers == 1)
                .map(|(_, points)| points[0].median_s / max_workers as f64);
            let low = report.points.iter().map(|p| p.min_s).chain(ideal_low).fold(f64::INFINITY, f64::min);
            Axis::new(Scale::Log10, low.max(1e-9), high.max(low * 1.01), 0.05)
        }
    };
    let x_label = |v: f64| short_number(v.round());
    let y_label = |v: f64| seconds_label(v);
    let y_desc = if time_scale == TimeScale::LogLog { "median time (log scale)" } else { "median time" };
    let mut chart = frame::plane(&framed.plot, &theme, &x, &y, ("workers", y_desc), (&x_label, &y_label))?;
    frame::draw_oversubscribed(&mut chart, &theme, &x, &y, cpus)?;

    let line = theme.line();
    let thin = line.max(2) - 1;
    let samples: Vec<f64> = (0..=120).map(|i| x.range.end * f64::from(i) / 120.0).collect();
    for (i, (backend, points)) in series.iter().enumerate() {
        let color = series_color(i);
        if let [single] = points.as_slice() {
            let level = y.scale.position(single.median_s);
            if y.contains(single.median_s) {
                let path = vec![(x.range.start, level), (x.range.end, level)];
                chart
                    .draw_series(std::iter::once(DashedPathElement::new(
                        path,
                        theme.px(6.0),
                        theme.px(4.0),
                        color.stroke_width(line),
                    )))
                    .drawn()?;
            }
            continue;
        }
        if points[0].workers == 1 {
            let t1 = points[0].median_s;
            // Weak scaling: p workers on p times the size ideally take the 1-worker time.
            let at = |p: f64| if weak { t1 } else { t1 / p };
            let ideal: Vec<(f64, f64)> = samples.iter().map(|&t| (t, y.scale.position(at(t.exp2())))).collect();
            for piece in frame::clip(&ideal, y.range.start, y.range.end) {
                chart
                    .draw_series(std::iter::once(DashedPathElement::new(
                        piece,
                        theme.px(2.0),
                        theme.px(4.0),
                        color.stroke_width(thin),
                    )))
                    .drawn()?;
            }
        }
        if let Some(fit) = report.fit_of(backend).filter(|f| f.law == Law::Amdahl) {
            let curve: Vec<(f64, f64)> =
                samples.iter().map(|&t| (t, y.scale.position(fit.serial_s + fit.parallel_s / t.exp2()))).collect();
            for piece in frame::clip(&curve, y.range.start, y.range.end) {
                chart
                    .draw_series(std::iter::once(DashedPathElement::new(
                        piece,
                        theme.px(6.0),
                        theme.px(4.0),
                        color.stroke_width(line),
                    )))
                    .drawn()?;
            }
        }
    }
    let multi: Vec<(usize, &Vec<&Point>)> =
        series.iter().enumerate().filter(|(_, (_, p))| p.len() >= 2).map(|(i, (_, p))| (i, p)).collect();
    let span = x.range.end - x.range.start;
    let count = multi.len() as f64;
    for (order, (i, points)) in multi.iter().enumerate() {
        let color = series_color(*i);
        let dodge = (order as f64 - (count - 1.0) / 2.0) * 0.018 * span;
        let at = |p: &Point| x.scale.position(p.workers as f64) + dodge;
        let joined: Vec<(f64, f64)> = points.iter().map(|p| (at(p), y.scale.position(p.median_s))).collect();
        chart.draw_series(std::iter::once(PathElement::new(joined, color.mix(0.45).stroke_width(thin)))).drawn()?;
        for p in points.iter() {
            let px = at(p);
            let style = color.stroke_width(thin);
            frame::draw_whisker(chart.plotting_area(), px, (y.clamp(p.min_s), y.clamp(p.max_s)), theme.px(4.0), style)?;
            let centre = (px, y.scale.position(p.median_s));
            frame::draw_marker(chart.plotting_area(), centre, *i, theme.px(5.0), color, !p.oversubscribed, line)?;
        }
    }
    Ok(())
}

/// Three significant figures.
fn round3(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powf(value.log10().floor() - 2.0);
    (value / magnitude).round() * magnitude
}
