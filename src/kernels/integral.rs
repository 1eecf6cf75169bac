//! `integral`: the trapezoid rule for f(x) = x^2 over [0, 100]. Pure arithmetic with
//! no memory traffic: the cleanest case for threads, and the worst for a global lock.

use std::ops::Range;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, Partial, Value, VerifyError, Workload, item_count,
};

const LOWER: f64 = 0.0;
const UPPER: f64 = 100.0;
/// Interior points per item.
const POINTS_PER_ITEM: u64 = 1 << 21;
/// Points between two interpreter checkpoints.
const CHECK_EVERY: u64 = 1024;

pub struct Integral;

const INFO: KernelInfo = KernelInfo {
    id: "integral",
    about: "Trapezoid rule for x^2 on [0, 100]: pure arithmetic, so threads scale and a global interpreter lock does not.",
    size_unit: "trapezoids",
    default_size: 3_000_000_000,
    small_size: 1_000_000,
    params: &[],
};

impl Kernel for Integral {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let interior = spec.size - 1;
        let items = item_count(interior.max(1), POINTS_PER_ITEM, 1 << 16);
        Ok(Box::new(IntegralWork { trapezoids: spec.size, items }))
    }
}

struct IntegralWork {
    trapezoids: u64,
    items: usize,
}

impl IntegralWork {
    fn step(&self) -> f64 {
        (UPPER - LOWER) / self.trapezoids as f64
    }

    /// Interior points 1..trapezoids belonging to item `item`.
    fn points(&self, item: u64) -> Range<u64> {
        let interior = self.trapezoids - 1;
        let items = self.items as u64;
        let start = item * interior / items + 1;
        let end = (item + 1) * interior / items + 1;
        start..end
    }
}

fn f(x: f64) -> f64 {
    x * x
}

impl Workload for IntegralWork {
    fn items(&self) -> usize {
        self.items
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        let h = self.step();
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let points = self.points(item as u64);
            // Four accumulators keep the adder pipeline full; the order of additions is
            // fixed per item, so the sum is the same on every backend.
            let mut acc = [0.0f64; 4];
            let mut i = points.start;
            while i < points.end {
                let stop = (i + CHECK_EVERY).min(points.end);
                while i + 4 <= stop {
                    for (lane, a) in acc.iter_mut().enumerate() {
                        *a += f(LOWER + (i + lane as u64) as f64 * h);
                    }
                    i += 4;
                }
                while i < stop {
                    acc[0] += f(LOWER + i as f64 * h);
                    i += 1;
                }
                ctx.checkpoint();
            }
            part.floats.push((acc[0] + acc[1]) + (acc[2] + acc[3]));
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: one sum of f over its interior points per item.
        let interior: f64 = parts.iter().flat_map(|p| p.floats.iter()).sum();
        let h = self.step();
        let value = h * (0.5 * f(LOWER) + interior + 0.5 * f(UPPER));
        Outcome::default().with("trapezoids", Value::Int(self.trapezoids)).with("integral", Value::Float(value))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let value = outcome.need_scalar("integral")?;
        let exact = (UPPER.powi(3) - LOWER.powi(3)) / 3.0;
        let relative = ((value - exact) / exact).abs();
        // The trapezoid rule over-estimates x^2 by (b-a) h^2 / 6; a handful of trapezoids
        // cannot reach 1e-6, so the bound allows for that known error.
        let h = self.step();
        let allowed = 1e-6 + (UPPER - LOWER) * h * h / 6.0 / exact;
        if relative <= allowed {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!("integral {value} is {relative:.2e} from {exact} (allowed {allowed:.1e})")))
        }
    }
}
