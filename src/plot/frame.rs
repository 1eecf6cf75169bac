//! What every chart shares: sizes that scale with the picture, colours, the title and
//! footer, a legend in its own panel beside the plot (so it never covers data),
//! markers, and the cartesian plane on scaled axes.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Axis;
use super::font::FAMILY;
use super::{Drawn, PlotError};

/// The plane every x-y chart draws on: linear axes in scaled coordinates with our ticks.
pub type Plane = Cartesian2d<Ticked, Ticked>;

/// A linear plotters axis over scaled coordinates whose ticks are ours (plotters'
/// `WithKeyPoints` over f64 cannot take a label formatter).
#[derive(Clone)]
pub struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn of(axis: &Axis) -> Self {
        Self { inner: axis.range.clone().into(), ticks: axis.tick_coordinates() }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // Values far off the axis (a broken report, a curve's asymptote) would overflow
        // plotters' pixel arithmetic: keep them within ten spans of the visible range.
        let range = self.inner.range();
        let span = (range.end - range.start).abs();
        let value = if value.is_nan() {
            range.start
        } else {
            value.clamp(range.start.min(range.end) - 10.0 * span, range.start.max(range.end) + 10.0 * span)
        };
        self.inner.map(&value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// Text colour.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Secondary text (subtitle, footer).
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
/// The ideal line and reference marks.
pub const REFERENCE: RGBColor = RGBColor(120, 120, 120);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// The oversubscribed band.
pub const BAND: RGBAColor = RGBAColor(0, 0, 0, 0.06);

/// Series colours (Okabe-Ito, distinguishable with colour-blindness), by order.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(60, 60, 60),
];

/// The colour of the `index`-th series.
pub fn series_color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Sizes relative to an 800 x 500 picture, so a 1600 x 1000 export looks the same, only
/// sharper.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    scale: f64,
}

impl Theme {
    /// The theme for a drawing area of this size.
    pub fn for_size((width, height): (u32, u32)) -> Self {
        Self { scale: (f64::from(width) / 800.0).min(f64::from(height) / 500.0).max(0.4) }
    }

    /// A length given for 800 x 500, in pixels of this picture.
    pub fn px(&self, base: f64) -> i32 {
        (base * self.scale).round().max(1.0) as i32
    }

    /// Like [`Theme::px`], unsigned.
    pub fn upx(&self, base: f64) -> u32 {
        self.px(base) as u32
    }

    /// Font of the given size (for 800 x 500) in a given colour.
    pub fn text(&self, size: f64, color: &'static RGBColor) -> TextStyle<'static> {
        (FAMILY, size * self.scale).into_font().color(color)
    }

    /// Tick labels.
    pub fn tick(&self) -> TextStyle<'static> {
        self.text(13.0, &INK)
    }

    /// Axis descriptions.
    pub fn axis_label(&self) -> TextStyle<'static> {
        self.text(14.0, &INK)
    }

    /// Legend entries.
    pub fn legend(&self) -> TextStyle<'static> {
        self.text(13.0, &INK)
    }

    /// Lines of series.
    pub fn line(&self) -> u32 {
        self.upx(2.0)
    }
}

/// The mark drawn for a legend entry.
#[derive(Debug, Clone, Copy)]
pub enum Symbol {
    /// A measured series: marker with a whisker.
    Measured { color: RGBColor, shape: usize },
    /// A hollow marker.
    Hollow { color: RGBColor, shape: usize },
    /// A line, solid or dashed.
    Line { color: RGBColor, dashed: bool },
    /// A dotted line.
    Dotted(RGBColor),
    /// A bar of a histogram.
    Bar(RGBColor),
}

/// One line of a legend.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    pub symbol: Symbol,
    pub text: String,
}

impl LegendEntry {
    pub fn new(symbol: Symbol, text: impl Into<String>) -> Self {
        Self { symbol, text: text.into() }
    }
}

/// The parts of a laid-out chart.
pub struct Framed<DB: DrawingBackend> {
    /// Where the plot goes.
    pub plot: DrawingArea<DB, Shift>,
    pub theme: Theme,
}

/// Clears `root`, draws title, subtitle, footer and legend, and returns the area left
/// for the plot.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    footer: &str,
    legend: &[LegendEntry],
) -> Result<Framed<DB>, PlotError> {
    let theme = Theme::for_size(root.dim_in_pixel());
    root.fill(&WHITE).drawn()?;
    let (width, height) = root.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);

    let top = theme.px(12.0);
    let title_style = theme.text(19.0, &INK).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title.to_string(), (width / 2, top), title_style)).drawn()?;
    let mut header = top + theme.px(26.0);
    if !subtitle.is_empty() {
        let style = theme.text(13.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(subtitle.to_string(), (width / 2, header), style)).drawn()?;
        header += theme.px(20.0);
    }
    let footer_height = if footer.is_empty() { theme.px(8.0) } else { theme.px(26.0) };
    if !footer.is_empty() {
        let style = theme.text(11.5, &MUTED).pos(Pos::new(HPos::Left, VPos::Center));
        let y = height - footer_height / 2;
        root.draw(&PathElement::new(
            vec![(theme.px(10.0), y - footer_height / 2), (width - theme.px(10.0), y - footer_height / 2)],
            GRID.stroke_width(1),
        ))
        .drawn()?;
        root.draw(&Text::new(footer.to_string(), (theme.px(12.0), y), style)).drawn()?;
    }
    let body = root.margin(header + theme.px(4.0), footer_height, 0, 0);

    if legend.is_empty() {
        return Ok(Framed { plot: body.margin(0, 0, 0, theme.px(16.0)), theme });
    }
    let style = theme.legend();
    let mut text_width = 0;
    for entry in legend {
        let (w, _) = root.estimate_text_size(&entry.text, &style).drawn()?;
        text_width = text_width.max(w as i32);
    }
    let symbol_width = theme.px(30.0);
    let legend_width = (symbol_width + theme.px(8.0) + text_width + theme.px(14.0)).min(width * 45 / 100);
    let (plot, legend_area) = body.split_horizontally(width - legend_width);
    draw_legend(&legend_area, &theme, legend, symbol_width)?;
    Ok(Framed { plot: plot.margin(0, 0, 0, theme.px(6.0)), theme })
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    legend: &[LegendEntry],
    symbol_width: i32,
) -> Result<(), PlotError> {
    let row = theme.px(21.0);
    let x0 = theme.px(2.0);
    let mut y = theme.px(14.0);
    let text_style = theme.legend().pos(Pos::new(HPos::Left, VPos::Center));
    for entry in legend {
        let middle = x0 + symbol_width / 2;
        let line = theme.line();
        match entry.symbol {
            Symbol::Measured { color, shape } => {
                let half = theme.px(7.0);
                area.draw(&PathElement::new(
                    vec![(middle, y - half), (middle, y + half)],
                    color.stroke_width(line / 2 + 1),
                ))
                .drawn()?;
                draw_marker(area, (middle, y), shape, theme.px(4.5), color, true, line)?;
            }
            Symbol::Dotted(color) => {
                let path = vec![(x0, y), (x0 + symbol_width, y)];
                area.draw(&DashedPathElement::new(
                    path,
                    theme.px(2.0),
                    theme.px(4.0),
                    color.stroke_width(line.max(2) - 1),
                ))
                .drawn()?;
            }
            Symbol::Bar(color) => {
                let half = theme.px(7.0);
                let (left, right) = (middle - theme.px(6.0), middle + theme.px(6.0));
                area.draw(&Rectangle::new([(left, y - half), (right, y + half)], color.filled())).drawn()?;
            }
            Symbol::Hollow { color, shape } => {
                draw_marker(area, (middle, y), shape, theme.px(4.5), color, false, line)?;
            }
            Symbol::Line { color, dashed } => {
                let (a, b) = ((x0, y), (x0 + symbol_width, y));
                if dashed {
                    area.draw(&DashedPathElement::new(
                        vec![a, b],
                        theme.px(5.0),
                        theme.px(3.0),
                        color.stroke_width(line),
                    ))
                    .drawn()?;
                } else {
                    area.draw(&PathElement::new(vec![a, b], color.stroke_width(line))).drawn()?;
                }
            }
        }
        let text_x = x0 + symbol_width + theme.px(8.0);
        area.draw(&Text::new(entry.text.clone(), (text_x, y), text_style.clone())).drawn()?;
        y += row;
    }
    Ok(())
}

/// Draws a min-max whisker at plot x `at`, from `low` to `high`, with caps `cap` pixels
/// to either side.
pub fn draw_whisker<DB: DrawingBackend, CT: CoordTranslate<From = (f64, f64)>>(
    area: &DrawingArea<DB, CT>,
    at: f64,
    (low, high): (f64, f64),
    cap: i32,
    style: ShapeStyle,
) -> Result<(), PlotError> {
    area.draw(&PathElement::new(vec![(at, low), (at, high)], style)).drawn()?;
    for end in [low, high] {
        area.draw(
            &(EmptyElement::<(f64, f64), DB>::at((at, end)) + PathElement::new(vec![(-cap, 0), (cap, 0)], style)),
        )
        .drawn()?;
    }
    Ok(())
}

/// Draws a marker of one of five shapes (circle, triangle, square, diamond, inverted
/// triangle), filled or hollow, `radius` pixels from its centre.
pub fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    shape: usize,
    radius: i32,
    color: RGBColor,
    filled: bool,
    stroke: u32,
) -> Result<(), PlotError>
where
    CT::From: Clone,
{
    let r = radius;
    let outline: Vec<(i32, i32)> = match shape % 5 {
        0 => Vec::new(),
        1 => vec![(0, -r - r / 4), (r + r / 6, r - r / 4), (-r - r / 6, r - r / 4)],
        2 => vec![(-r + 1, -r + 1), (r - 1, -r + 1), (r - 1, r - 1), (-r + 1, r - 1)],
        3 => vec![(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
        _ => vec![(0, r + r / 4), (r + r / 6, -r + r / 4), (-r - r / 6, -r + r / 4)],
    };
    let base = || EmptyElement::<CT::From, DB>::at(at.clone());
    if outline.is_empty() {
        if filled {
            area.draw(&(base() + Circle::new((0, 0), r, color.filled()))).drawn()
        } else {
            area.draw(
                &(base() + Circle::new((0, 0), r, WHITE.filled()) + Circle::new((0, 0), r, color.stroke_width(stroke))),
            )
            .drawn()
        }
    } else if filled {
        area.draw(&(base() + Polygon::new(outline, color.filled()))).drawn()
    } else {
        let mut closed = outline.clone();
        closed.push(outline[0]);
        area.draw(
            &(base() + Polygon::new(outline, WHITE.filled()) + PathElement::new(closed, color.stroke_width(stroke))),
        )
        .drawn()
    }
}

/// Builds the plane for `x` and `y` inside `area`, with axis descriptions and tick
/// labels formatted from unscaled values.
pub fn plane<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x: &Axis,
    y: &Axis,
    (x_desc, y_desc): (&str, &str),
    (x_label, y_label): (&dyn Fn(f64) -> String, &dyn Fn(f64) -> String),
) -> Result<ChartContext<'a, DB, Plane>, PlotError> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(10.0))
        .margin_left(theme.px(10.0))
        .x_label_area_size(theme.px(42.0))
        .y_label_area_size(theme.px(68.0))
        .build_cartesian_2d(Ticked::of(x), Ticked::of(y))
        .drawn()?;
    let (xs, ys) = (x.scale, y.scale);
    let x_format = move |v: &f64| x_label(xs.value_at(*v));
    let y_format = move |v: &f64| y_label(ys.value_at(*v));
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(theme.tick())
        .axis_desc_style(theme.axis_label())
        .set_all_tick_mark_size(theme.px(4.0))
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .drawn()?;
    Ok(chart)
}

/// Splits a polyline (axis coordinates) into the pieces inside `y_range`, cutting
/// exactly at the edges, so curves never run over labels (SVG does not clip).
pub fn clip(points: &[(f64, f64)], y_low: f64, y_high: f64) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| y >= y_low && y <= y_high;
    let cut = |a: (f64, f64), b: (f64, f64), edge: f64| {
        let t = (edge - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), edge)
    };
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, &p) in points.iter().enumerate() {
        if !p.1.is_finite() {
            continue;
        }
        let previous = if i > 0 { Some(points[i - 1]) } else { None };
        if inside(p.1) {
            if current.is_empty()
                && let Some(q) = previous.filter(|q| q.1.is_finite() && !inside(q.1))
            {
                current.push(cut(q, p, if q.1 > y_high { y_high } else { y_low }));
            }
            current.push(p);
        } else if !current.is_empty() {
            let q = *current.last().unwrap_or(&p);
            current.push(cut(q, p, if p.1 > y_high { y_high } else { y_low }));
            pieces.push(std::mem::take(&mut current));
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces.retain(|piece| piece.len() >= 2);
    pieces
}

/// Shades the part of the worker axis beyond the available CPUs and labels it.
pub fn draw_oversubscribed<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    theme: &Theme,
    x: &Axis,
    y: &Axis,
    cpus: usize,
) -> Result<(), PlotError> {
    let boundary = x.scale.position(cpus as f64 + 0.5);
    if boundary >= x.range.end {
        return Ok(());
    }
    let area = chart.plotting_area();
    area.draw(&Rectangle::new([(boundary, y.range.start), (x.range.end, y.range.end)], BAND.filled())).drawn()?;
    let (left, _) = area.map_coordinate(&(boundary, y.range.end));
    let (right, top) = area.map_coordinate(&(x.range.end, y.range.end));
    let style = theme.text(12.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Top));
    let label = "oversubscribed";
    let (w, _) = area.estimate_text_size(label, &style).drawn()?;
    if (right - left) as u32 > w + theme.upx(6.0) {
        let root = chart.plotting_area().strip_coord_spec();
        let (x0, y0) = root.get_base_pixel();
        let (abs_x, abs_y) = ((left + right) / 2 - x0, top + theme.px(5.0) - y0);
        root.draw(&Text::new(label, (abs_x, abs_y), style)).drawn()?;
    }
    Ok(())
}

/// A centred message in place of a chart that has nothing to draw.
pub fn draw_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    text: &str,
) -> Result<(), PlotError> {
    let (w, h) = area.dim_in_pixel();
    let style = theme.text(15.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(text.to_string(), (w as i32 / 2, h as i32 / 2), style)).drawn()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_cuts_at_the_edge() {
        let line = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)];
        let pieces = clip(&line, 0.0, 1.5);
        assert_eq!(pieces, vec![vec![(0.0, 0.0), (1.0, 1.0), (1.5, 1.5)]]);
        let pieces = clip(&line, 0.5, 5.0);
        assert_eq!(pieces, vec![vec![(0.5, 0.5), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]]);
        assert!(clip(&line, 10.0, 11.0).is_empty());
    }
}
