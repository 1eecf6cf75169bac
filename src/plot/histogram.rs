//! A histogram of a distribution: how often each value came out over repetitions (the
//! race-condition lesson's final counts, or run times). Whole numbers in a small range
//! get one bar per value; anything else gets round-width bins.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{Axis, Scale, nice_step, short_number};
use super::frame::{self, LegendEntry, REFERENCE, Symbol, series_color};
use super::{Drawn, PlotError};

/// Values to draw as a histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Title line.
    pub title: String,
    /// Line under the title (e.g. how the values were obtained).
    pub subtitle: String,
    /// Footer (e.g. the machine card).
    pub footer: String,
    /// What the values are, with unit: the x axis description.
    pub x_desc: String,
    /// The values.
    pub values: Vec<f64>,
    /// A value to mark with a vertical line (e.g. the correct count), and its name.
    pub marker: Option<(f64, String)>,
}

/// Bins of a histogram: left edges, the common width and the counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    /// Left edge of the first bin.
    pub start: f64,
    /// Width of every bin.
    pub width: f64,
    /// Values per bin.
    pub counts: Vec<u64>,
}

/// Bins `values`: one per whole number when they all are whole and span at most 40,
/// else about sqrt(n) (5 to 40) bins or a few more, of a round width.
pub fn bins(values: &[f64]) -> Bins {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return Bins { start: 0.0, width: 1.0, counts: Vec::new() };
    }
    let low = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let high = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let whole = finite.iter().all(|v| v.fract() == 0.0);
    let (start, width) = if whole && high - low <= 40.0 {
        (low - 0.5, 1.0)
    } else {
        let target = (finite.len() as f64).sqrt().clamp(5.0, 40.0) as usize;
        let width = if high > low { nice_step(high - low, target * 2) } else { (low.abs() * 0.1).max(1e-9) };
        let width = if whole { width.max(1.0).round() } else { width };
        ((low / width).floor() * width - if whole { 0.5 } else { 0.0 }, width)
    };
    let count = (((high - start) / width).floor() as usize + 1).max(1);
    let mut counts = vec![0u64; count];
    for v in finite {
        let index = (((v - start) / width).floor() as usize).min(count - 1);
        counts[index] += 1;
    }
    Bins { start, width, counts }
}

/// Draws the histogram.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, distribution: &Distribution) -> Result<(), PlotError> {
    let binned = bins(&distribution.values);
    let color = series_color(0);
    let mut legend = vec![LegendEntry::new(
        Symbol::Bar(color),
        format!("{} values, {} bins", distribution.values.len(), binned.counts.len()),
    )];
    if let Some((_, name)) = &distribution.marker {
        legend.push(LegendEntry::new(Symbol::Line { color: REFERENCE, dashed: true }, name.clone()));
    }
    let framed = frame::frame(root, &distribution.title, &distribution.subtitle, &distribution.footer, &legend)?;
    let theme = framed.theme;
    if binned.counts.is_empty() {
        return frame::draw_message(&framed.plot, &theme, "no values");
    }
    let end = binned.start + binned.width * binned.counts.len() as f64;
    let (mut low, mut high) = (binned.start, end);
    if let Some((m, _)) = distribution.marker {
        low = low.min(m - binned.width);
        high = high.max(m + binned.width);
    }
    let x = Axis::new(Scale::Linear, low, high, 0.03);
    let top = binned.counts.iter().copied().max().unwrap_or(1) as f64;
    let mut y = Axis::new(Scale::Linear, 0.0, top, 0.04);
    y.range.start = 0.0;
    y.ticks.retain(|t| t.fract() == 0.0);
    let label = |v: f64| short_number(v);
    let mut chart = frame::plane(&framed.plot, &theme, &x, &y, (&distribution.x_desc, "how often"), (&label, &label))?;
    let gap = binned.width * 0.06;
    let bars = binned.counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(|(i, &count)| {
        let left = binned.start + i as f64 * binned.width;
        Rectangle::new([(left + gap, 0.0), (left + binned.width - gap, count as f64)], color.mix(0.85).filled())
    });
    chart.draw_series(bars).drawn()?;
    if let Some((m, _)) = distribution.marker {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(m, y.range.start), (m, y.range.end)],
                theme.px(6.0),
                theme.px(4.0),
                REFERENCE.stroke_width(theme.line()),
            )))
            .drawn()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_get_one_bin_each() {
        let b = bins(&[3.0, 5.0, 5.0, 7.0]);
        assert_eq!(b.start, 2.5);
        assert_eq!(b.width, 1.0);
        assert_eq!(b.counts, vec![1, 0, 2, 0, 1]);
    }

    #[test]
    fn wide_values_get_round_bins() {
        let values: Vec<f64> = (0..100).map(|i| f64::from(i) * 0.013).collect();
        let b = bins(&values);
        assert_eq!(b.counts.iter().sum::<u64>(), 100);
        assert!(b.counts.len() >= 5 && b.counts.len() <= 41, "{b:?}");
        assert!(bins(&[]).counts.is_empty());
        assert_eq!(bins(&[2.5, 2.5]).counts, vec![2]);
    }
}
