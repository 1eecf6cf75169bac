//! A 2D histogram as a square heat map with a colour bar: where random walkers ended
//! up (the seeds draw the same counts as a hexbin joint plot). Built from any outcome
//! holding a square `histogram` of counts and its `bin_width`, so no kernel is named.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, Scale, nice_step, short_number};
use super::frame::{self, INK, MUTED};
use super::{Drawn, PlotError, machine_card, thousands};
use crate::kernels::Value;
use crate::measure::Report;

/// A square grid of counts to draw as a heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Title line.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Footer (machine card).
    pub footer: String,
    /// Cells per side.
    pub bins: usize,
    /// Counts, `bins` x `bins`, row-major: row 0 is the lowest y, column 0 the lowest x.
    pub counts: Vec<u64>,
    /// Width of one cell in data units; the grid is centred on 0.
    pub cell_width: f64,
    /// What a count counts, for the colour bar.
    pub count_label: String,
    /// A circle to draw around the centre: radius and its explanation.
    pub circle: Option<(f64, String)>,
}

impl Heatmap {
    /// The heat map a report's outcome holds, if any: a square `histogram` of counts
    /// with its `bin_width` (the walk kernel's endpoints).
    pub fn from_report(report: &Report) -> Option<Self> {
        let outcome = &report.points.first()?.outcome;
        let Some(Value::Ints(counts)) = outcome.values.get("histogram") else { return None };
        let bins = (counts.len() as f64).sqrt().round() as usize;
        if bins < 2 || bins * bins != counts.len() {
            return None;
        }
        let cell_width = outcome.scalar("bin_width")?;
        let total: u64 = counts.iter().sum();
        let title = match (outcome.scalar("walkers"), outcome.scalar("steps")) {
            (Some(walkers), Some(steps)) => format!(
                "Where {} random walkers ended after {} steps",
                thousands(walkers as u64),
                thousands(steps as u64)
            ),
            _ => format!("{}: 2D histogram of {} counts", report.plan.spec.kernel, thousands(total)),
        };
        let circle = outcome.scalar("msd").map(|msd| {
            let rms = msd.sqrt();
            let theory =
                outcome.scalar("steps").map_or(String::new(), |n| format!(" (theory √(2n) = {:.1})", (2.0 * n).sqrt()));
            (rms, format!("dashed circle: root-mean-square distance {rms:.1}{theory}"))
        });
        let cell = short_number(cell_width);
        let subtitle = match &circle {
            Some((_, text)) => format!("cells of {cell} x {cell} steps; {text}"),
            None => format!("cells of {cell} x {cell}"),
        };
        Some(Self {
            title,
            subtitle,
            footer: machine_card(report),
            bins,
            counts: counts.clone(),
            cell_width,
            count_label: "walkers".into(),
            circle,
        })
    }
}

/// Viridis, sampled at five points: dark purple (few) to yellow (many).
const VIRIDIS: [(f64, (u8, u8, u8)); 5] =
    [(0.0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)), (1.0, (253, 231, 37))];

/// The colour of a fraction 0..=1 of the largest count.
pub fn viridis(fraction: f64) -> RGBColor {
    let f = fraction.clamp(0.0, 1.0);
    for pair in VIRIDIS.windows(2) {
        let ((a, ca), (b, cb)) = (pair[0], pair[1]);
        if f <= b {
            let t = (f - a) / (b - a);
            let mix = |x: u8, y: u8| (f64::from(x) + t * (f64::from(y) - f64::from(x))).round() as u8;
            return RGBColor(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2));
        }
    }
    RGBColor(253, 231, 37)
}

/// Draws the heat map.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, map: &Heatmap) -> Result<(), PlotError> {
    let framed = frame::frame(root, &map.title, &map.subtitle, &map.footer, &[])?;
    let theme = framed.theme;
    let body = &framed.plot;
    let (width, height) = body.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    // plane() puts 10 + 68 px left of the plot, 10 right, 8 above and 42 below.
    let (left_labels, bottom_labels, top) = (theme.px(10.0) + theme.px(68.0), theme.px(42.0), theme.px(26.0));
    let bar_width = theme.px(110.0);
    let side = (width - left_labels - bar_width - theme.px(20.0)).min(height - bottom_labels - top).max(10);
    let used = left_labels + side + theme.px(10.0) + bar_width;
    let (_, centred) = body.split_horizontally(((width - used) / 2).max(0));
    let (chart_area, bar_area) = centred.split_horizontally(left_labels + side + theme.px(10.0));
    let (chart_area, _) = chart_area.split_vertically(top + side + bottom_labels);
    // plane() leaves 8 px above the plotting area; the rest of `top` holds the bar's label.
    let chart_area = chart_area.margin(top - theme.px(8.0), 0, 0, 0);

    let half = map.cell_width * map.bins as f64 / 2.0;
    let mut axis = Axis::new(Scale::Linear, -half, half, 0.0);
    let step = nice_step(2.0 * half, 6);
    axis.ticks = (((-half) / step).ceil() as i64..=(half / step).floor() as i64).map(|i| i as f64 * step).collect();
    let label = |v: f64| short_number(v);
    let mut chart = frame::plane(
        &chart_area,
        &theme,
        &axis,
        &axis,
        ("x (steps from the start)", "y (steps from the start)"),
        (&label, &label),
    )?;
    let max = map.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let cells = map.counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(|(index, &count)| {
        let (row, column) = (index / map.bins, index % map.bins);
        let x0 = -half + column as f64 * map.cell_width;
        let y0 = -half + row as f64 * map.cell_width;
        Rectangle::new([(x0, y0), (x0 + map.cell_width, y0 + map.cell_width)], viridis(count as f64 / max).filled())
    });
    chart.draw_series(cells).drawn()?;
    if let Some(&(radius, _)) = map.circle.as_ref().filter(|(r, _)| *r > 0.0 && *r < half) {
        let ring: Vec<(f64, f64)> = (0..=96)
            .map(|i| {
                let angle = std::f64::consts::TAU * f64::from(i) / 96.0;
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect();
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                ring,
                theme.px(6.0),
                theme.px(4.0),
                WHITE.stroke_width(theme.line()),
            )))
            .drawn()?;
    }

    // Colour bar: aligned with the plotting area, labelled with round counts.
    let bar_x = theme.px(10.0);
    let bar_w = theme.px(16.0);
    let steps = 64;
    for i in 0..steps {
        let y0 = top + side - (side * (i + 1)) / steps;
        let y1 = top + side - (side * i) / steps;
        let color = viridis((f64::from(i) + 0.5) / f64::from(steps));
        bar_area.draw(&Rectangle::new([(bar_x, y0), (bar_x + bar_w, y1)], color.filled())).drawn()?;
    }
    bar_area.draw(&Rectangle::new([(bar_x, top), (bar_x + bar_w, top + side)], MUTED.stroke_width(1))).drawn()?;
    let tick_style = theme.tick().pos(Pos::new(HPos::Left, VPos::Center));
    let count_step = nice_step(max, 5).max(1.0);
    let mut value = 0.0;
    while value <= max {
        let y = top + side - ((value / max) * f64::from(side)).round() as i32;
        bar_area
            .draw(&PathElement::new(
                vec![(bar_x + bar_w, y), (bar_x + bar_w + theme.px(4.0), y)],
                MUTED.stroke_width(1),
            ))
            .drawn()?;
        bar_area
            .draw(&Text::new(thousands(value as u64), (bar_x + bar_w + theme.px(7.0), y), tick_style.clone()))
            .drawn()?;
        value += count_step;
    }
    let label_style = theme.text(13.0, &INK).pos(Pos::new(HPos::Left, VPos::Bottom));
    bar_area
        .draw(&Text::new(format!("{} per cell", map.count_label), (bar_x, top - theme.px(2.0)), label_style))
        .drawn()?;
    Ok(())
}
