//! `square`: the smallest map there is, x -> x * x over the list 0, 1, 2, ... Each item
//! is a single multiplication, so whatever a backend spends per item or per chunk (a
//! queue operation, a message, a task) is far larger than the work itself.

use std::ops::Range;

use super::{ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, Partial, Value, VerifyError, Workload};

pub struct Square;

/// The most items one run may have: item indices must fit a `usize` on every platform.
const MAX_ITEMS: u64 = 1 << 32;

const INFO: KernelInfo = KernelInfo {
    id: "square",
    about: "x -> x*x over a long list: each item is one multiplication, so per-item overhead (queues, messages, chunks) dominates.",
    size_unit: "list elements",
    default_size: 3_000_000_000,
    small_size: 10_000,
    params: &[],
};

impl Kernel for Square {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        if spec.size > MAX_ITEMS {
            return Err(KernelError::BadSize { kernel: "square".into(), why: format!("at most {MAX_ITEMS} elements") });
        }
        Ok(Box::new(SquareWork { elements: spec.size as usize }))
    }
}

struct SquareWork {
    elements: usize,
}

impl Workload for SquareWork {
    fn items(&self) -> usize {
        self.elements
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        // The squares are summed modulo 2^64: a checksum of the mapped list that does not
        // depend on the order of addition.
        let mut checksum = 0u64;
        for x in range {
            // black_box keeps each item a separate multiplication, as a map over a list
            // of objects would be, instead of letting the compiler vectorise the loop.
            let x = std::hint::black_box(x as u64);
            checksum = checksum.wrapping_add(x.wrapping_mul(x));
            if x.is_multiple_of(4096) {
                ctx.checkpoint();
                if ctx.cancelled() {
                    break;
                }
            }
        }
        part.ints = vec![checksum];
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let checksum = parts.iter().map(Partial::int_slots).fold(0u64, |acc, [sum]| acc.wrapping_add(sum));
        Outcome::default().with("elements", Value::Int(self.elements as u64)).with("checksum", Value::Int(checksum))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let checksum = match outcome.values.get("checksum") {
            Some(Value::Int(c)) => *c,
            _ => return Err(VerifyError::Missing("checksum".into())),
        };
        // Sum of x^2 for x < n is (n-1) n (2n-1) / 6, computed in 128 bits, then mod 2^64.
        let n = self.elements as u128;
        let expected = (n.saturating_sub(1) * n * (2 * n).saturating_sub(1) / 6) as u64;
        if checksum == expected {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!("checksum {checksum} differs from the closed form {expected}")))
        }
    }
}
