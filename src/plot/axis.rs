//! Axes: linear or logarithmic scales with ticks a reader expects (1, 2, 4, 8 workers;
//! 1-2-5 steps for seconds). Charts are drawn in "scaled" coordinates (log2 of the
//! worker count, say) on a plain linear plotters axis; the tick labels are computed from
//! the unscaled values, so one chart type covers every scale.

use std::ops::Range;

/// How values map onto an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Value as is.
    Linear,
    /// log2 of the value: each doubling is the same distance.
    Log2,
    /// log10 of the value.
    Log10,
}

impl Scale {
    /// Value to axis coordinate.
    pub fn position(self, value: f64) -> f64 {
        match self {
            Scale::Linear => value,
            Scale::Log2 => value.log2(),
            Scale::Log10 => value.log10(),
        }
    }

    /// Axis coordinate to value.
    pub fn value_at(self, coordinate: f64) -> f64 {
        match self {
            Scale::Linear => coordinate,
            Scale::Log2 => coordinate.exp2(),
            Scale::Log10 => 10f64.powf(coordinate),
        }
    }
}

/// One axis: its scale, its range in axis coordinates and its ticks (as values).
#[derive(Debug, Clone)]
pub struct Axis {
    pub scale: Scale,
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
}

impl Axis {
    /// An axis showing values `low..=high` with `pad` of the span (in axis coordinates)
    /// added on both sides.
    pub fn new(scale: Scale, low: f64, high: f64, pad: f64) -> Self {
        // Zero or negative values on a log scale, NaN or infinite ones: fall back to a
        // visible range rather than ticks without end.
        let (a, b) = (scale.position(low), scale.position(high));
        let (a, b) = match (a.is_finite(), b.is_finite()) {
            (true, true) => (a, b),
            (true, false) => (a, a),
            (false, true) => (b, b),
            (false, false) => (0.0, 0.0),
        };
        let (a, b) = (a.clamp(-1e300, 1e300), b.clamp(-1e300, 1e300));
        let pad = if pad.is_finite() { pad.clamp(0.0, 10.0) } else { 0.0 };
        let span = if b > a { b - a } else { 1.0 };
        let (a, b) = if b > a { (a, b) } else { (a - 0.5, a + 0.5) };
        let range = (a - pad * span)..(b + pad * span);
        let (low, high) = (scale.value_at(range.start), scale.value_at(range.end));
        let ticks = match scale {
            Scale::Linear => linear_ticks(low, high, 6),
            Scale::Log2 => log2_ticks(low, high),
            Scale::Log10 => log10_ticks(low, high),
        };
        Self { scale, range, ticks }
    }

    /// The worker axis: log2, from 1 to `max_workers`, ticks at powers of two plus each
    /// measured count that is not too close to another tick.
    pub fn workers(max_workers: usize, measured: &[usize]) -> Self {
        let high = max_workers.max(1) as f64;
        let mut axis = if high <= 1.0 {
            Axis { scale: Scale::Log2, range: -0.6..0.6, ticks: vec![1.0] }
        } else {
            Axis::new(Scale::Log2, 1.0, high, 0.07)
        };
        axis.ticks.retain(|&t| t >= 1.0 && t <= high);
        for &count in measured.iter().filter(|&&c| c >= 1) {
            let c = (count as f64).log2();
            if axis.ticks.iter().all(|&t| (t.log2() - c).abs() > 0.35) {
                axis.ticks.push(count as f64);
            }
        }
        axis.ticks.sort_by(f64::total_cmp);
        axis
    }

    /// Tick positions in axis coordinates.
    pub fn tick_coordinates(&self) -> Vec<f64> {
        self.ticks.iter().map(|&t| self.scale.position(t)).collect()
    }

    /// Whether a value lies inside the visible range.
    pub fn contains(&self, value: f64) -> bool {
        let c = self.scale.position(value);
        c.is_finite() && c >= self.range.start && c <= self.range.end
    }

    /// Clamps a value into the visible range (for whiskers that run off the chart).
    pub fn clamp(&self, value: f64) -> f64 {
        let c = self.scale.position(value);
        let ordered = self.range.start <= self.range.end;
        if c.is_nan() || !ordered { self.range.start } else { c.clamp(self.range.start, self.range.end) }
    }
}

/// A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks.
pub fn nice_step(span: f64, count: usize) -> f64 {
    let raw = span / count.max(1) as f64;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Most ticks an axis gets, whatever its values (a guard against degenerate ranges).
const MAX_TICKS: i64 = 64;

fn linear_ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    if !(low.is_finite() && high.is_finite() && low <= high) {
        return Vec::new();
    }
    let step = nice_step(high - low, count);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    if last.saturating_sub(first) > MAX_TICKS {
        return vec![low, high];
    }
    (first..=last).map(|i| tidy(i as f64 * step)).collect()
}

/// 1.2000000000000002 -> 1.2: tick values are round by construction, so ten significant
/// digits lose nothing and make labels and snapshots exact.
fn tidy(value: f64) -> f64 {
    format!("{value:.10e}").parse().unwrap_or(value)
}

fn log2_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high.is_finite() && low <= high) {
        return linear_ticks(low, high, 8);
    }
    let (a, b) = (low.log2().ceil() as i32, high.log2().floor() as i32);
    if i64::from(b) - i64::from(a) > MAX_TICKS {
        return vec![low, high];
    }
    if b - a < 2 {
        // Fewer than three powers of two: round linear steps read better.
        return linear_ticks(low, high, 8);
    }
    (a..=b).map(|k| 2f64.powi(k)).collect()
}

fn log10_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high.is_finite() && low <= high) {
        return linear_ticks(low, high, 6);
    }
    if high.log10() - low.log10() > MAX_TICKS as f64 {
        return vec![low, high];
    }
    let (a, b) = (low.log10().floor() as i32, high.log10().ceil() as i32);
    let decades = high.log10() - low.log10();
    let mantissas: &[f64] = if decades > 2.5 { &[1.0] } else { &[1.0, 2.0, 5.0] };
    let mut ticks = Vec::new();
    for k in a..=b {
        for m in mantissas {
            // Dividing keeps 0.2 exact where multiplying by 0.1 would not.
            let t = if k < 0 { m / 10f64.powi(-k) } else { m * 10f64.powi(k) };
            if t >= low * (1.0 - 1e-9) && t <= high * (1.0 + 1e-9) {
                ticks.push(t);
            }
        }
    }
    ticks
}

/// A number with as few digits as it needs: 1, 1.5, 0.25, 12.5.
pub fn short_number(value: f64) -> String {
    if value == value.round() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Seconds with a unit chosen for the value: 1.5 s, 250 ms, 40 µs.
pub fn seconds_label(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude == 0.0 {
        "0".into()
    } else if magnitude >= 1.0 {
        format!("{} s", short_number(value))
    } else if magnitude >= 1e-3 {
        format!("{} ms", short_number(value * 1e3))
    } else {
        format!("{} µs", short_number(value * 1e6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_ticks_are_powers_of_two() {
        let axis = Axis::workers(64, &[1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(axis.ticks, vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]);
        let axis = Axis::workers(8, &[1, 2, 3, 6, 7, 8]);
        assert_eq!(axis.ticks, vec![1.0, 2.0, 3.0, 4.0, 6.0, 8.0]);
        let axis = Axis::workers(1, &[1]);
        assert_eq!(axis.ticks, vec![1.0]);
        assert!(axis.range.start < 0.0 && axis.range.end > 0.0);
    }

    #[test]
    fn degenerate_ranges_give_few_ticks_and_never_panic() {
        for (low, high) in
            [(0.0, 0.0), (0.0, 1.0), (-1.0, -2.0), (f64::NAN, 1.0), (1e-300, 1e300), (1.0, f64::INFINITY)]
        {
            for scale in [Scale::Linear, Scale::Log2, Scale::Log10] {
                let axis = Axis::new(scale, low, high, 0.05);
                assert!(axis.range.start.is_finite() && axis.range.end.is_finite(), "{scale:?} {low} {high}");
                assert!(axis.ticks.len() <= 2 * MAX_TICKS as usize, "{scale:?} {low} {high}");
                let _ = axis.clamp(low);
            }
        }
        let axis = Axis::workers(0, &[0, 1]);
        assert_eq!(axis.ticks, vec![1.0]);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(1.0, 4), 0.25);
        assert_eq!(nice_step(3.0, 6), 0.5);
        assert_eq!(nice_step(100.0, 6), 20.0);
    }

    #[test]
    fn log_ticks() {
        assert_eq!(log2_ticks(0.95, 2.05), vec![1.0, 1.2, 1.4, 1.6, 1.8, 2.0]);
        assert_eq!(log2_ticks(0.77, 2.05), vec![0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0]);
        assert_eq!(log2_ticks(0.7, 3.0), vec![1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(log2_ticks(0.9, 4.5), vec![1.0, 2.0, 4.0]);
        assert_eq!(log2_ticks(0.9, 70.0), vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]);
        assert_eq!(log10_ticks(0.009, 1.1), vec![0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]);
    }

    #[test]
    fn labels() {
        assert_eq!(short_number(2.0), "2");
        assert_eq!(short_number(1.5), "1.5");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(seconds_label(1.5), "1.5 s");
        assert_eq!(seconds_label(0.25), "250 ms");
        assert_eq!(seconds_label(4e-5), "40 µs");
    }
}
