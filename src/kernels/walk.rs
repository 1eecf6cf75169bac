//! `walk`: 2D random walks. Each walker takes `steps` steps of +-1 on both axes; the
//! outcome is the histogram of endpoints and the mean squared displacement (2 x steps).
//! Each walk is a chain (a step needs the one before), but the walkers are independent:
//! the outer loop splits, the inner one cannot.

use std::ops::Range;

use rand::Rng;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, item_count, item_rng, item_share,
};

const WALKERS_PER_ITEM: u64 = 4096;
/// Histogram bins per axis.
pub const BINS: usize = 41;

pub struct Walk;

const PARAMS: &[ParamInfo] = &[ParamInfo { key: "steps", default: "1000", help: "steps each walker takes" }];

const INFO: KernelInfo = KernelInfo {
    id: "walk",
    about: "2D random walks: each walk is a chain that cannot be split, but thousands of walkers are independent and split perfectly.",
    size_unit: "walkers",
    default_size: 3_000_000,
    small_size: 20_000,
    params: PARAMS,
};

impl Kernel for Walk {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let steps: u64 = spec.param("steps", 1000)?;
        if steps == 0 || steps > 1 << 40 {
            return Err(KernelError::BadParam(ParamError {
                key: "steps".into(),
                value: steps.to_string(),
                why: "must be between 1 and 2^40".into(),
            }));
        }
        let items = item_count(spec.size, WALKERS_PER_ITEM, 1 << 16);
        // Endpoints have the parity of `steps`, so bins are an even number of lattice
        // units wide; together they span about +-4 standard deviations.
        let sigma = (steps as f64).sqrt();
        let bin_width = 2 * ((8.0 * sigma / (2.0 * BINS as f64)).ceil() as i64).max(1);
        Ok(Box::new(WalkWork { walkers: spec.size, steps, items, seed: spec.seed, bin_width }))
    }
}

struct WalkWork {
    walkers: u64,
    steps: u64,
    items: usize,
    seed: u64,
    bin_width: i64,
}

impl WalkWork {
    fn bin(&self, coordinate: i64) -> usize {
        let half = self.bin_width * BINS as i64 / 2;
        let shifted = coordinate + half + i64::from(self.steps % 2 == 1);
        (shifted.div_euclid(self.bin_width)).clamp(0, BINS as i64 - 1) as usize
    }
}

impl Workload for WalkWork {
    fn items(&self) -> usize {
        self.items
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        let mut squared_sum = 0u64;
        let mut histogram = vec![0u64; BINS * BINS];
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let mut rng = item_rng(self.seed, item as u64);
            for _ in 0..item_share(self.walkers, self.items as u64, item as u64) {
                let (mut x, mut y) = (0i64, 0i64);
                let mut left = self.steps;
                while left > 0 {
                    // One draw gives 32 steps: two bits each, one per axis.
                    let batch = left.min(32);
                    let mut bits = rng.next_u64();
                    for _ in 0..batch {
                        x += ((bits & 1) as i64) * 2 - 1;
                        y += (((bits >> 1) & 1) as i64) * 2 - 1;
                        bits >>= 2;
                    }
                    left -= batch;
                }
                squared_sum += (x * x + y * y) as u64;
                histogram[self.bin(y) * BINS + self.bin(x)] += 1;
                ctx.checkpoint();
            }
        }
        part.ints.push(squared_sum);
        part.ints.extend(histogram);
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let mut squared_sum = 0u64;
        let mut histogram = vec![0u64; BINS * BINS];
        // Each partial: [sum of squared displacements, then the endpoint histogram].
        for part in &parts {
            let Some((squares, counts)) = part.ints.split_first() else { continue };
            squared_sum += squares;
            for (total, count) in histogram.iter_mut().zip(counts) {
                *total += count;
            }
        }
        Outcome::default()
            .with("walkers", Value::Int(self.walkers))
            .with("steps", Value::Int(self.steps))
            .with("msd", Value::Float(squared_sum as f64 / self.walkers as f64))
            .with("bin_width", Value::Int(self.bin_width as u64))
            .with("histogram", Value::Ints(histogram))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let msd = outcome.need_scalar("msd")?;
        let expected = 2.0 * self.steps as f64;
        // The squared displacement of one walker has a standard deviation of about its
        // mean, so the standard error is expected / sqrt(walkers).
        let allowed = 0.05f64.max(5.0 / (self.walkers as f64).sqrt());
        let relative = ((msd - expected) / expected).abs();
        if relative <= allowed {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!(
                "mean squared displacement {msd} is {:.1} % from 2 x steps = {expected}",
                relative * 100.0
            )))
        }
    }
}
