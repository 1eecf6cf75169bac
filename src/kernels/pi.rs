//! `pi`: Monte-Carlo darts thrown at the unit square; the share that lands inside the
//! quarter circle estimates pi / 4. The classic embarrassingly parallel kernel.

use std::ops::Range;

use rand::Rng;

use super::ItemCtx;
use super::{
    Kernel, KernelError, KernelInfo, KernelSpec, Outcome, Partial, Value, VerifyError, Workload, item_count, item_rng,
    item_share,
};

/// Darts per item: a few milliseconds of work, so queues and work stealing have room.
const DARTS_PER_ITEM: u64 = 1 << 20;
/// Darts between two interpreter checkpoints.
const CHECK_EVERY: u64 = 256;

pub struct Pi;

const INFO: KernelInfo = KernelInfo {
    id: "pi",
    about: "Monte-Carlo darts: every dart is independent, so the work splits perfectly across any number of workers.",
    size_unit: "darts",
    default_size: 1_000_000_000,
    small_size: 400_000,
    params: &[],
};

impl Kernel for Pi {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let items = item_count(spec.size, DARTS_PER_ITEM, 1 << 16);
        Ok(Box::new(PiWork { darts: spec.size, items, seed: spec.seed }))
    }
}

struct PiWork {
    darts: u64,
    items: usize,
    seed: u64,
}

/// Throws `darts` darts from `rng`, counting those inside the quarter circle.
///
/// One 64-bit draw gives both coordinates as 32-bit fractions x/2^32 and y/2^32;
/// the dart is inside when x^2 + y^2 < 2^64, i.e. when the 64-bit sum does not overflow.
fn throw(rng: &mut impl Rng, darts: u64, ctx: &ItemCtx) -> u64 {
    let mut inside = 0;
    let mut left = darts;
    while left > 0 {
        let batch = left.min(CHECK_EVERY);
        for _ in 0..batch {
            let bits = rng.next_u64();
            let x = bits & 0xFFFF_FFFF;
            let y = bits >> 32;
            let (_, overflow) = (x * x).overflowing_add(y * y);
            inside += u64::from(!overflow);
        }
        left -= batch;
        ctx.checkpoint();
    }
    inside
}

impl Workload for PiWork {
    fn items(&self) -> usize {
        self.items
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut inside = 0;
        for item in range.clone() {
            if ctx.cancelled() {
                break;
            }
            let darts = item_share(self.darts, self.items as u64, item as u64);
            inside += throw(&mut item_rng(self.seed, item as u64), darts, ctx);
        }
        Partial::with_ints(&range, [inside])
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: [darts inside the quarter circle].
        let inside: u64 = parts.iter().map(Partial::int_slots).map(|[inside]| inside).sum();
        Outcome::default()
            .with("inside", Value::Int(inside))
            .with("total", Value::Int(self.darts))
            .with("estimate", Value::Float(4.0 * inside as f64 / self.darts as f64))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let estimate = outcome.need_scalar("estimate")?;
        let p = std::f64::consts::FRAC_PI_4;
        let standard_error = 4.0 * (p * (1.0 - p) / self.darts as f64).sqrt();
        let off = (estimate - std::f64::consts::PI).abs();
        if off <= 5.0 * standard_error {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!(
                "estimate {estimate} is {:.1} standard errors from pi (allowed: 5)",
                off / standard_error
            )))
        }
    }
}
