//! Interleaved rounds: the order in which a plan's repetitions run, and the speedups
//! read round by round.
//!
//! A shared machine's load comes in bursts. Measured point after point, a burst lands on
//! whichever point is running and makes its speedup wrong; measured in rounds (every
//! point once per round, each round starting one point further along), a burst lands on
//! one round of every point instead. Each round then gives its own speedup (the
//! 1-worker time of that round over the point's time in that round), and the median of
//! these per-round ratios is the speedup, with the ratio of the medians beside it. When
//! the middle half of the per-round ratios spans more than [`DISAGREE`] of their
//! median, the rounds disagree and the point is flagged.

use serde::{Deserialize, Serialize};

use super::stats::Summary;

/// The order in which the repetitions of a plan's points run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Every repetition of one point, then the next point: each point appears as soon as
    /// it is done (the Lab's live view), but a burst of other load lands on one point.
    Sequential,
    /// Round after round: each round runs every point once, starting one point further
    /// along each time, so that other programs' load spreads over all points.
    Interleaved,
}

impl Order {
    /// The order of reports written before parlab knew rounds: point after point.
    pub fn before_rounds() -> Self {
        Order::Sequential
    }

    /// The order's name, as `--order` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Order::Sequential => "sequential",
            Order::Interleaved => "interleaved",
        }
    }
}

/// The per-round ratios of a point's middle half may span at most this fraction of
/// their median before the point is flagged: its rounds disagree.
pub const DISAGREE: f64 = 0.10;

/// The position in which round `round` runs its `i`-th execution, among `points` points:
/// round 0 runs 0, 1, 2 ...; round 1 runs 1, 2, ... 0; and so on.
pub fn position(round: usize, i: usize, points: usize) -> usize {
    (round + i) % points.max(1)
}

/// The speedup of a point read round by round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundSpeedup {
    /// Median of the per-round ratios base / time.
    pub median: f64,
    /// (third quartile - first quartile) / median of those ratios.
    pub spread: f64,
}

impl RoundSpeedup {
    /// Pairs round r of `base` with round r of `times`; `None` unless both hold the same
    /// number (at least one) of positive times.
    pub fn of(base: &[f64], times: &[f64]) -> Option<Self> {
        if base.is_empty() || base.len() != times.len() || times.iter().chain(base).any(|&t| t.is_nan() || t <= 0.0) {
            return None;
        }
        let ratios: Vec<f64> = base.iter().zip(times).map(|(b, t)| b / t).collect();
        let median = Summary::of(&ratios)?.median;
        Some(Self { median, spread: quartile_spread(&ratios) })
    }

    /// Whether the rounds disagree by more than [`DISAGREE`].
    pub fn disagrees(&self) -> bool {
        self.spread > DISAGREE
    }
}

/// (q3 - q1) / median of `values`, quartiles by linear interpolation; 0 for none.
pub fn quartile_spread(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let at = q * (sorted.len() - 1) as f64;
        let (low, high) = (at.floor() as usize, at.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
    };
    if sorted.is_empty() {
        return 0.0;
    }
    let median = quantile(0.5);
    if median > 0.0 { (quantile(0.75) - quantile(0.25)) / median } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn every_round_visits_every_point_once_starting_one_further_along() {
        let rounds: Vec<Vec<usize>> = (0..3).map(|r| (0..3).map(|i| position(r, i, 3)).collect()).collect();
        assert_eq!(rounds, [[0, 1, 2], [1, 2, 0], [2, 0, 1]]);
        assert_eq!(position(5, 0, 1), 0);
    }

    #[test]
    fn a_burst_in_one_round_moves_neither_the_median_nor_the_flag() {
        // 1 worker ~1.0 s, 2 workers ~0.5 s; round 2 of the 2-worker point was hit by a burst.
        let base = [1.0, 1.02, 0.99, 1.01, 1.0];
        let two = [0.5, 0.51, 0.9, 0.5, 0.505];
        let r = RoundSpeedup::of(&base, &two).unwrap();
        assert_relative_eq!(r.median, 2.0, epsilon = 1e-9);
        assert!(!r.disagrees(), "spread {}", r.spread);
    }

    #[test]
    fn rounds_that_scatter_are_flagged() {
        let base = [1.0; 5];
        let scattered = [0.5, 0.7, 0.55, 0.8, 0.62];
        let r = RoundSpeedup::of(&base, &scattered).unwrap();
        assert!(r.disagrees(), "spread {}", r.spread);
    }

    #[test]
    fn slow_drift_cancels_round_by_round() {
        // The machine slows down steadily; both points slow together, round by round.
        let base: Vec<f64> = (0..5).map(|r| 1.0 + 0.2 * r as f64).collect();
        let two: Vec<f64> = base.iter().map(|t| t / 1.9).collect();
        let r = RoundSpeedup::of(&base, &two).unwrap();
        assert_relative_eq!(r.median, 1.9, epsilon = 1e-12);
        assert_relative_eq!(r.spread, 0.0, epsilon = 1e-12);
    }

    #[test]
    fn unpaired_rounds_give_nothing() {
        assert!(RoundSpeedup::of(&[1.0, 1.0], &[0.5]).is_none());
        assert!(RoundSpeedup::of(&[], &[]).is_none());
        assert!(RoundSpeedup::of(&[1.0], &[0.0]).is_none());
    }

    #[test]
    fn quartile_spread_of_known_values() {
        assert_relative_eq!(quartile_spread(&[1.0, 2.0, 3.0, 4.0, 5.0]), 2.0 / 3.0);
        assert_relative_eq!(quartile_spread(&[2.0]), 0.0);
        assert_relative_eq!(quartile_spread(&[]), 0.0);
    }
}
