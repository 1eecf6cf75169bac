//! Speedup, efficiency, the Karp-Flatt metric and the Amdahl fit.
//!
//! Amdahl's law: with a serial fraction s, p workers give at most
//! S(p) = 1 / (s + (1 - s) / p). Fitting T(p) = a + b / p by least squares to measured
//! times gives s = a / (a + b).

use serde::{Deserialize, Serialize};

/// S = T(reference) / T(p).
pub fn speedup(reference_s: f64, time_s: f64) -> f64 {
    reference_s / time_s
}

/// E = S / p.
pub fn efficiency(speedup: f64, workers: usize) -> f64 {
    speedup / workers as f64
}

/// Karp-Flatt experimentally determined serial fraction e = (1/S - 1/p) / (1 - 1/p);
/// undefined at p = 1.
pub fn karp_flatt(speedup: f64, workers: usize) -> Option<f64> {
    (workers > 1 && speedup > 0.0).then(|| {
        let p = workers as f64;
        (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p)
    })
}

/// Amdahl's predicted speedup for serial fraction `s` on `workers` workers.
pub fn amdahl_speedup(serial_fraction: f64, workers: f64) -> f64 {
    1.0 / (serial_fraction + (1.0 - serial_fraction) / workers)
}

/// A least-squares fit of T(p) = a + b / p.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AmdahlFit {
    /// Time that does not shrink with more workers, seconds.
    pub serial_s: f64,
    /// Time that divides across workers, seconds.
    pub parallel_s: f64,
    /// a / (a + b), clamped to 0..=1 (noise can push the raw value outside).
    pub serial_fraction: f64,
    /// Coefficient of determination of the fit (1 = perfect).
    pub r_squared: f64,
}

impl AmdahlFit {
    /// Fits (workers, seconds) points. Needs at least two distinct worker counts.
    pub fn fit(points: &[(usize, f64)]) -> Option<Self> {
        let xs: Vec<f64> = points.iter().map(|&(p, _)| 1.0 / p as f64).collect();
        let ys: Vec<f64> = points.iter().map(|&(_, t)| t).collect();
        let n = xs.len() as f64;
        if xs.len() < 2 {
            return None;
        }
        let mean_x = xs.iter().sum::<f64>() / n;
        let mean_y = ys.iter().sum::<f64>() / n;
        let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
        if sxx <= f64::EPSILON * n {
            return None;
        }
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
        let b = sxy / sxx;
        let a = mean_y - b * mean_x;
        let total = a + b;
        if total.is_nan() || total <= 0.0 {
            return None;
        }
        let syy: f64 = ys.iter().map(|y| (y - mean_y).powi(2)).sum();
        let residual: f64 = xs.iter().zip(&ys).map(|(x, y)| (y - (a + b * x)).powi(2)).sum();
        let r_squared = if syy > 0.0 { 1.0 - residual / syy } else { 1.0 };
        Some(Self { serial_s: a, parallel_s: b, serial_fraction: (a / total).clamp(0.0, 1.0), r_squared })
    }

    /// The speedup this fit predicts at `workers`.
    pub fn predicted_speedup(&self, workers: f64) -> f64 {
        amdahl_speedup(self.serial_fraction, workers)
    }

    /// The largest speedup any number of workers could give, 1 / s.
    pub fn speedup_limit(&self) -> f64 {
        if self.serial_fraction > 0.0 { 1.0 / self.serial_fraction } else { f64::INFINITY }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn speedup_efficiency_karp_flatt() {
        // (reference, time, workers, speedup, efficiency, karp-flatt)
        let table = [
            (10.0, 10.0, 1, 1.0, 1.0, None),
            (10.0, 5.0, 2, 2.0, 1.0, Some(0.0)),
            (10.0, 10.0, 2, 1.0, 0.5, Some(1.0)),
            (8.0, 2.5, 4, 3.2, 0.8, Some((1.0 / 3.2 - 0.25) / 0.75)),
        ];
        for (reference, time, workers, s, e, kf) in table {
            let got = speedup(reference, time);
            assert_relative_eq!(got, s);
            assert_relative_eq!(efficiency(got, workers), e);
            match (karp_flatt(got, workers), kf) {
                (Some(a), Some(b)) => assert_relative_eq!(a, b, epsilon = 1e-12),
                (None, None) => {}
                other => panic!("karp-flatt mismatch: {other:?}"),
            }
        }
    }

    #[test]
    fn amdahl_law_values() {
        assert_relative_eq!(amdahl_speedup(0.1, 1.0), 1.0);
        assert_relative_eq!(amdahl_speedup(0.0, 8.0), 8.0);
        assert_relative_eq!(amdahl_speedup(0.1, 1e12), 10.0, epsilon = 1e-6);
        assert_relative_eq!(amdahl_speedup(0.5, 2.0), 4.0 / 3.0);
    }

    #[test]
    fn fit_recovers_an_exact_serial_fraction() {
        for s in [0.0, 0.05, 0.1, 0.25, 0.5, 0.9] {
            let t1 = 3.0;
            let points: Vec<(usize, f64)> =
                [1, 2, 3, 4, 8, 16].iter().map(|&p| (p, t1 * (s + (1.0 - s) / p as f64))).collect();
            let fit = AmdahlFit::fit(&points).unwrap();
            assert_relative_eq!(fit.serial_fraction, s, epsilon = 1e-9);
            assert_relative_eq!(fit.serial_s + fit.parallel_s, t1, epsilon = 1e-9);
            assert_relative_eq!(fit.r_squared, 1.0, epsilon = 1e-9);
        }
    }

    #[test]
    fn fit_of_noisy_points_stays_close() {
        let s = 0.2;
        // +-3 % deterministic "noise".
        let noise = [1.03, 0.97, 1.02, 0.98, 1.01];
        let points: Vec<(usize, f64)> =
            [1usize, 2, 4, 8, 16].iter().zip(noise).map(|(&p, n)| (p, n * (s + (1.0 - s) / p as f64))).collect();
        let fit = AmdahlFit::fit(&points).unwrap();
        assert!((fit.serial_fraction - s).abs() < 0.05, "fitted {}", fit.serial_fraction);
    }

    #[test]
    fn fit_needs_two_worker_counts() {
        assert!(AmdahlFit::fit(&[(2, 1.0)]).is_none());
        assert!(AmdahlFit::fit(&[(2, 1.0), (2, 1.1)]).is_none());
        assert!(AmdahlFit::fit(&[]).is_none());
    }

    #[test]
    fn slower_with_more_workers_clamps_to_fully_serial() {
        let fit = AmdahlFit::fit(&[(1, 1.0), (2, 1.2)]).unwrap();
        assert_relative_eq!(fit.serial_fraction, 1.0);
    }
}
