//! `bigresult`: every item returns a whole side x side array of f64 (500 x 500 by default,
//! 2 MB), and the outcome is only their element-wise sum: little work, big results.
//! Threads hand results over for free; processes must encode and copy every byte through
//! a pipe, so here processes lose to threads, as Pool.map returning numpy arrays does.
//!
//! Every value is a 32-bit fraction k / 2^32, so sums of up to 2^21 of them are exact in
//! f64 and the outcome is bit-identical whatever the split or the order.

use std::ops::Range;

use rand::Rng;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, item_rng, splitmix64,
};

/// More arrays than this and the sums would no longer be exact.
const MAX_ARRAYS: u64 = 1 << 21;
const MAX_SIDE: usize = 4096;
const SCALE: f64 = 1.0 / 4_294_967_296.0;

pub struct BigResult;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "side",
    default: "500",
    help: "each item returns a side x side array of f64 (8 x side^2 bytes)",
}];

fn side(spec: &KernelSpec) -> Result<usize, KernelError> {
    let side: usize = spec.param("side", 500)?;
    if side == 0 || side > MAX_SIDE {
        return Err(KernelError::BadParam(ParamError {
            key: "side".into(),
            value: side.to_string(),
            why: format!("must be between 1 and {MAX_SIDE}"),
        }));
    }
    Ok(side)
}

const INFO: KernelInfo = KernelInfo {
    id: "bigresult",
    about: "Each item returns a big array and the sum is cheap: moving results costs more than computing them, so processes lose to threads.",
    size_unit: "arrays",
    default_size: 200,
    small_size: 12,
    params: PARAMS,
};

impl Kernel for BigResult {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn memory_bytes(&self, spec: &KernelSpec) -> u64 {
        // Every array is held once as a result and once more while it is encoded.
        let side = side(spec).unwrap_or(500) as u64;
        spec.size.saturating_mul(side * side * 16)
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let side = side(spec)?;
        if spec.size > MAX_ARRAYS {
            return Err(KernelError::BadSize {
                kernel: "bigresult".into(),
                why: format!("at most {MAX_ARRAYS} arrays (beyond that the sums are no longer exact)"),
            });
        }
        Ok(Box::new(BigResultWork { arrays: spec.size as usize, side, seed: spec.seed }))
    }
}

struct BigResultWork {
    arrays: usize,
    side: usize,
    seed: u64,
}

impl Workload for BigResultWork {
    fn items(&self) -> usize {
        self.arrays
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let cells = self.side * self.side;
        let mut part = Partial::for_range(&range);
        part.floats.reserve_exact(range.len() * cells);
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let mut rng = item_rng(self.seed, item as u64);
            for row in 0..self.side {
                let mut left = self.side;
                while left > 0 {
                    let bits = rng.next_u64();
                    part.floats.push((bits & 0xFFFF_FFFF) as f64 * SCALE);
                    if left > 1 {
                        part.floats.push((bits >> 32) as f64 * SCALE);
                    }
                    left -= left.min(2);
                }
                if row % 16 == 15 {
                    ctx.checkpoint();
                }
            }
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let cells = self.side * self.side;
        let mut total = vec![0.0f64; cells];
        for part in &parts {
            for array in part.floats.chunks_exact(cells) {
                for (sum, value) in total.iter_mut().zip(array) {
                    *sum += value;
                }
            }
        }
        let sum: f64 = total.iter().sum();
        let trace: f64 = (0..self.side).map(|i| total[i * self.side + i]).sum();
        let max = total.iter().copied().fold(0.0, f64::max);
        let checksum = total.iter().fold(0u64, |acc, v| splitmix64(acc ^ v.to_bits()));
        Outcome::default()
            .with("arrays", Value::Int(self.arrays as u64))
            .with("side", Value::Int(self.side as u64))
            .with("sum", Value::Float(sum))
            .with("trace", Value::Float(trace))
            .with("max", Value::Float(max))
            .with("checksum", Value::Int(checksum))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let sum = outcome.need_scalar("sum")?;
        let values = (self.arrays * self.side * self.side) as f64;
        let mean = sum / values;
        // Uniform values on [0, 1): mean 1/2, standard deviation 1/sqrt(12).
        let standard_error = (1.0 / 12.0f64).sqrt() / values.sqrt();
        let off = (mean - 0.5).abs();
        if off <= 5.0 * standard_error + 1e-12 {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!(
                "mean value {mean} is {:.1} standard errors from 1/2 (allowed: 5)",
                off / standard_error
            )))
        }
    }
}
