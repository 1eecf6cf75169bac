//! Summary statistics of repeated timings.

use serde::{Deserialize, Serialize};

/// A relative spread above this marks a point as noisy.
pub const NOISY_SPREAD: f64 = 0.05;

/// Median, extremes and spread of a set of timings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Middle value (mean of the two middle values for an even count).
    pub median: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// (max - min) / median: how much the repetitions disagree.
    pub spread: f64,
}

impl Summary {
    /// Summarises `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) };
        let (min, max) = (sorted[0], sorted[n - 1]);
        let spread = if median > 0.0 { (max - min) / median } else { 0.0 };
        Some(Self { median, min, max, spread })
    }

    /// Whether the repetitions disagree by more than [`NOISY_SPREAD`].
    pub fn noisy(&self) -> bool {
        self.spread > NOISY_SPREAD
    }
}

/// Index of the value closest to the median (the repetition whose extra figures are kept).
pub fn median_index(values: &[f64]) -> Option<usize> {
    let median = Summary::of(values)?.median;
    (0..values.len()).min_by(|&a, &b| (values[a] - median).abs().total_cmp(&(values[b] - median).abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn summaries() {
        let table: &[(&[f64], f64, f64, f64, f64)] = &[
            (&[2.0], 2.0, 2.0, 2.0, 0.0),
            (&[3.0, 1.0, 2.0], 2.0, 1.0, 3.0, 1.0),
            (&[1.0, 2.0, 3.0, 4.0], 2.5, 1.0, 4.0, 1.2),
            (&[1.0, 1.01, 1.02, 0.99, 1.0], 1.0, 0.99, 1.02, 0.03),
        ];
        for &(values, median, min, max, spread) in table {
            let s = Summary::of(values).unwrap();
            assert_relative_eq!(s.median, median);
            assert_relative_eq!(s.min, min);
            assert_relative_eq!(s.max, max);
            assert_relative_eq!(s.spread, spread, epsilon = 1e-12);
        }
        assert!(Summary::of(&[]).is_none());
        assert!(!Summary::of(&[1.0, 1.01, 1.02, 0.99, 1.0]).unwrap().noisy());
        assert!(Summary::of(&[1.0, 1.2]).unwrap().noisy());
    }

    #[test]
    fn median_index_points_at_the_middle_repetition() {
        assert_eq!(median_index(&[5.0, 1.0, 3.0]), Some(2));
        assert_eq!(median_index(&[]), None);
    }
}
