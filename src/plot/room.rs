//! The room in one chart: every learner's speedup curve, coloured by how many CPUs
//! their machine had, with the room's median per worker count drawn on top and the
//! ideal line behind. Same frame, axes and palette as the speedup chart.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Axis, Scale, short_number};
use super::frame::{self, INK, LegendEntry, REFERENCE, Symbol, series_color};
use super::{Drawn, PlotError};

/// One learner's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomCurve {
    /// CPUs the learner's machine made available: the curve's colour.
    pub cpus: usize,
    /// (workers, speedup against 1 worker), in worker order.
    pub points: Vec<(usize, f64)>,
    /// Listed among the outliers: drawn dashed.
    pub outlier: bool,
}

/// What the room chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomChart {
    /// Title line.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Footer.
    pub footer: String,
    /// Every learner's curve.
    pub curves: Vec<RoomCurve>,
    /// The room's median speedup per worker count.
    pub median: Vec<(usize, f64)>,
}

impl RoomChart {
    /// The distinct CPU counts, ascending, with how many curves have each.
    pub fn cpu_classes(&self) -> Vec<(usize, usize)> {
        let mut classes: Vec<(usize, usize)> = Vec::new();
        for curve in &self.curves {
            match classes.iter_mut().find(|(c, _)| *c == curve.cpus) {
                Some((_, n)) => *n += 1,
                None => classes.push((curve.cpus, 1)),
            }
        }
        classes.sort_unstable();
        classes
    }
}

/// Draws the room chart.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, room: &RoomChart) -> Result<(), PlotError> {
    let classes = room.cpu_classes();
    let color_of = |cpus: usize| series_color(classes.iter().position(|(c, _)| *c == cpus).unwrap_or(0));
    let mut legend: Vec<LegendEntry> = classes
        .iter()
        .map(|&(cpus, n)| {
            let learners = if n == 1 { "1 result".to_string() } else { format!("{n} results") };
            LegendEntry::new(
                Symbol::Line { color: color_of(cpus), dashed: false },
                format!("{cpus} CPU{}: {learners}", if cpus == 1 { "" } else { "s" }),
            )
        })
        .collect();
    if !room.median.is_empty() {
        legend.push(LegendEntry::new(Symbol::Measured { color: INK, shape: 2 }, "room median"));
    }
    legend.push(LegendEntry::new(Symbol::Line { color: REFERENCE, dashed: false }, "ideal: S = p"));
    if room.curves.iter().any(|c| c.outlier) {
        legend.push(LegendEntry::new(Symbol::Line { color: REFERENCE, dashed: true }, "outlier (see room.md)"));
    }
    let framed = frame::frame(root, &room.title, &room.subtitle, &room.footer, &legend)?;
    let theme = framed.theme;
    let all: Vec<(usize, f64)> = room.curves.iter().flat_map(|c| c.points.iter().copied()).collect();
    if all.len() < 2 {
        return frame::draw_message(&framed.plot, &theme, "no speedup curve: needs results at 1 worker and more");
    }
    let measured: Vec<usize> = all.iter().map(|p| p.0).collect();
    let max_workers = measured.iter().copied().max().unwrap_or(1);
    let x = Axis::workers(max_workers, &measured);
    let finite = all.iter().map(|p| p.1).filter(|s| s.is_finite() && *s > 0.0);
    let low = finite.clone().fold(1.0, f64::min);
    let high = finite.fold(max_workers as f64, f64::max);
    let y = Axis::new(Scale::Log2, low, high, 0.04);
    let y_label = |v: f64| format!("{}x", short_number(v));
    let x_label = |v: f64| short_number(v.round());
    let mut chart =
        frame::plane(&framed.plot, &theme, &x, &y, ("workers", "speedup vs 1 worker"), (&x_label, &y_label))?;

    let line = theme.line();
    let ideal: Vec<(f64, f64)> =
        (0..=60).map(|i| x.range.end * f64::from(i) / 60.0).map(|t| (t, y.scale.position(t.exp2()))).collect();
    for piece in frame::clip(&ideal, y.range.start, y.range.end) {
        chart.draw_series(std::iter::once(PathElement::new(piece, REFERENCE.stroke_width(line)))).drawn()?;
    }
    let at = |(w, s): (usize, f64)| (x.scale.position(w as f64), y.scale.position(s));
    // Outliers first, so the ordinary curves are drawn over them.
    let mut order: Vec<&RoomCurve> = room.curves.iter().collect();
    order.sort_by_key(|c| !c.outlier);
    for curve in order {
        let color = color_of(curve.cpus);
        let path: Vec<(f64, f64)> = curve.points.iter().copied().filter(|p| p.1 > 0.0).map(at).collect();
        let style = color.mix(0.7).stroke_width(line.max(2) - 1);
        for piece in frame::clip(&path, y.range.start, y.range.end) {
            if curve.outlier {
                chart
                    .draw_series(std::iter::once(plotters::element::DashedPathElement::new(
                        piece,
                        theme.px(5.0),
                        theme.px(4.0),
                        style,
                    )))
                    .drawn()?;
            } else {
                chart.draw_series(std::iter::once(PathElement::new(piece, style))).drawn()?;
            }
        }
        for &p in &curve.points {
            if y.contains(p.1) {
                frame::draw_marker(chart.plotting_area(), at(p), 0, theme.px(2.5), color, true, 1)?;
            }
        }
    }
    let median: Vec<(f64, f64)> = room.median.iter().copied().filter(|p| p.1 > 0.0).map(at).collect();
    for piece in frame::clip(&median, y.range.start, y.range.end) {
        chart.draw_series(std::iter::once(PathElement::new(piece, INK.stroke_width(line + 2)))).drawn()?;
    }
    for &p in &room.median {
        if y.contains(p.1) {
            frame::draw_marker(chart.plotting_area(), at(p), 2, theme.px(5.0), INK, true, line)?;
        }
    }
    Ok(())
}
