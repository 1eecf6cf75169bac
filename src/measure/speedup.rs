//! Speedup, efficiency, the Karp-Flatt metric, the Amdahl fit and the Gustafson fit.
//!
//! Amdahl's law (strong scaling, fixed size): with a serial fraction s, p workers give
//! at most S(p) = 1 / (s + (1 - s) / p). Fitting T(p) = a + b / p by least squares to
//! measured times gives s = a / (a + b).
//!
//! Gustafson's law (weak scaling, size grown with p): the scaled speedup is
//! S(p) = p - s (p - 1), where s is the serial share of the p-worker run's time (not of
//! the 1-worker run's). Fitting it to measured scaled speedups gives s.

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

/// Weak scaling's scaled speedup p x T(1, n) / T(p, p n): how many times the work rate
/// of one worker at size n the p workers reach at size p n.
pub fn scaled_speedup(one_worker_s: f64, time_s: f64, workers: usize) -> f64 {
    workers as f64 * one_worker_s / time_s
}

/// Gustafson's scaled speedup for serial share `s` (of the p-worker run) on `workers`.
pub fn gustafson_speedup(serial_fraction: f64, workers: f64) -> f64 {
    workers - serial_fraction * (workers - 1.0)
}

/// A least-squares fit of Gustafson's law S(p) = p - s (p - 1) to scaled speedups.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GustafsonFit {
    /// s, clamped to 0..=1: the share of the p-worker run's time that was serial.
    pub serial_fraction: f64,
    /// Coefficient of determination of the fit (1 = perfect).
    pub r_squared: f64,
}

impl GustafsonFit {
    /// Fits (workers, scaled speedup) points. Needs a point with more than one worker.
    /// Least squares on S - p = -s (p - 1): s = sum (p - S)(p - 1) / sum (p - 1)^2.
    pub fn fit(points: &[(usize, f64)]) -> Option<Self> {
        let xs: Vec<f64> = points.iter().map(|&(p, _)| p as f64 - 1.0).collect();
        let sxx: f64 = xs.iter().map(|x| x * x).sum();
        if sxx <= 0.0 || points.iter().any(|&(_, s)| !s.is_finite()) {
            return None;
        }
        let sxy: f64 = points.iter().zip(&xs).map(|(&(p, s), x)| (p as f64 - s) * x).sum();
        let s = sxy / sxx;
        let n = points.len() as f64;
        let mean = points.iter().map(|&(_, s)| s).sum::<f64>() / n;
        let syy: f64 = points.iter().map(|&(_, v)| (v - mean).powi(2)).sum();
        let residual: f64 = points.iter().map(|&(p, v)| (v - gustafson_speedup(s, p as f64)).powi(2)).sum();
        let r_squared = if syy > 0.0 { 1.0 - residual / syy } else { 1.0 };
        Some(Self { serial_fraction: s.clamp(0.0, 1.0), r_squared })
    }

    /// The scaled speedup this fit predicts at `workers`.
    pub fn predicted_speedup(&self, workers: f64) -> f64 {
        gustafson_speedup(self.serial_fraction, workers)
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

    #[test]
    fn gustafson_fit_recovers_s_from_synthetic_weak_timings() {
        // Weak-scaling timings made from Gustafson's model: one worker does n units in
        // 2 s; p workers do p n units with a share s of their run serial, so one worker
        // would need s + p (1 - s) of their time and T(p, p n) = p x 2 s / (p - s (p - 1)).
        for s in [0.0, 0.05, 0.1, 0.26, 0.5, 1.0] {
            let one = 2.0;
            let points: Vec<(usize, f64)> = [1usize, 2, 4, 8]
                .iter()
                .map(|&p| {
                    let time = p as f64 * one / gustafson_speedup(s, p as f64);
                    (p, scaled_speedup(one, time, p))
                })
                .collect();
            let fit = GustafsonFit::fit(&points).unwrap();
            assert_relative_eq!(fit.serial_fraction, s, epsilon = 1e-12);
            assert_relative_eq!(fit.r_squared, 1.0, epsilon = 1e-12);
            assert_relative_eq!(fit.predicted_speedup(8.0), points[3].1, epsilon = 1e-12);
        }
        // +-3 % noise keeps it close.
        let noise = [1.0, 0.97, 1.03, 0.98];
        let points: Vec<(usize, f64)> =
            [1usize, 2, 4, 8].iter().zip(noise).map(|(&p, k)| (p, k * gustafson_speedup(0.2, p as f64))).collect();
        assert!((GustafsonFit::fit(&points).unwrap().serial_fraction - 0.2).abs() < 0.05);
    }

    #[test]
    fn scaled_speedup_is_the_ratio_of_work_rates() {
        // 1 worker: n units in 2 s. 4 workers: 4n units in 2.5 s.
        assert_relative_eq!(scaled_speedup(2.0, 2.5, 4), 3.2);
        assert_relative_eq!(gustafson_speedup(0.0, 4.0), 4.0);
        assert_relative_eq!(gustafson_speedup(1.0, 4.0), 1.0);
        // Noise cannot push s outside 0..=1, and one worker alone fits nothing.
        assert_eq!(GustafsonFit::fit(&[(1, 1.0), (2, 2.3)]).unwrap().serial_fraction, 0.0);
        assert!(GustafsonFit::fit(&[(1, 1.0)]).is_none());
    }
}
