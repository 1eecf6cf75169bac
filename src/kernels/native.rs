//! `native`: array work like numpy's `np.log(a).sum()`. Each item fills an array with
//! seeded random numbers and sums their logarithms. With `--param mode=native` (the
//! default) the loop runs as a library's compiled code does, with the interpreter lock
//! released; with `mode=interpreted` the very same loop holds the lock, as a Python
//! loop over the elements would. Only the lock differs, so `gil` shows the contrast.

use std::ops::Range;

use rand::Rng;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamInfo, Partial, Value, VerifyError, Workload,
    item_count, item_rng, item_share,
};

/// Elements per item: like one call on a 512 KiB array.
const ELEMENTS_PER_ITEM: u64 = 1 << 16;
/// Elements made and summed at a time.
const BLOCK: usize = 256;

pub struct Native;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "mode",
    default: "native",
    help: "native (the loop releases the interpreter lock, like numpy) or interpreted (it holds the lock, like a Python loop)",
}];

const INFO: KernelInfo = KernelInfo {
    id: "native",
    about: "Array work done by compiled library code that releases the lock (like numpy): GIL threads scale, unlike the same loop run interpreted.",
    size_unit: "array elements",
    default_size: 200_000_000,
    small_size: 300_000,
    params: PARAMS,
};

impl Kernel for Native {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let released = spec.choice("mode", &[("native", true), ("interpreted", false)], true)?;
        let items = item_count(spec.size, ELEMENTS_PER_ITEM, 1 << 20);
        Ok(Box::new(NativeWork { elements: spec.size, items, seed: spec.seed, released }))
    }
}

struct NativeWork {
    elements: u64,
    items: usize,
    seed: u64,
    released: bool,
}

/// Sums the logarithms of `len` random numbers in (0, 1], made and consumed a block at
/// a time (so that the work is arithmetic, not allocation), calling `checkpoint` every
/// few blocks (a no-op when the lock is released).
fn log_sum(seed: u64, item: u64, len: usize, checkpoint: &dyn Fn()) -> f64 {
    let mut rng = item_rng(seed, item);
    let mut block = [0.0f64; BLOCK];
    let mut sum = 0.0;
    let mut left = len;
    let mut blocks = 0usize;
    while left > 0 {
        let n = left.min(BLOCK);
        // 53 random bits give a uniform number in (0, 1]: never 0, whose logarithm is -inf.
        for value in &mut block[..n] {
            *value = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        }
        sum += block[..n].iter().map(|v| v.ln()).sum::<f64>();
        left -= n;
        blocks += 1;
        if blocks.is_multiple_of(4) {
            checkpoint();
        }
    }
    sum
}

impl Workload for NativeWork {
    fn items(&self) -> usize {
        self.items
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let len = item_share(self.elements, self.items as u64, item as u64) as usize;
            let sum = if self.released {
                ctx.native(|| log_sum(self.seed, item as u64, len, &|| {}))
            } else {
                log_sum(self.seed, item as u64, len, &|| ctx.checkpoint())
            };
            part.floats.push(sum);
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: one sum of ln(u) per item.
        let sum: f64 = parts.iter().flat_map(|p| p.floats.iter()).sum();
        Outcome::default()
            .with("elements", Value::Int(self.elements))
            .with("mean_log", Value::Float(sum / self.elements as f64))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        // For u uniform on (0, 1], E[ln u] = -1 and Var[ln u] = 1.
        let mean = outcome.need_scalar("mean_log")?;
        let standard_error = 1.0 / (self.elements as f64).sqrt();
        if (mean + 1.0).abs() <= 5.0 * standard_error {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!("mean of ln(u) is {mean}, more than 5 standard errors from -1")))
        }
    }
}
