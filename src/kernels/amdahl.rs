//! `amdahl`: work with a chosen serial fraction. A share `serial` of the work is done
//! once, by one worker, before the rest is split across items: Amdahl's law made real.

use std::ops::Range;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, item_count, item_share, splitmix64,
};

const UNITS_PER_ITEM: u64 = 1 << 20;
const CHECK_EVERY: u64 = 1024;

pub struct Amdahl;

const PARAMS: &[ParamInfo] = &[
    ParamInfo { key: "serial", default: "0.1", help: "fraction of the work (0 to 1) that only one worker can do" },
    ParamInfo {
        key: "serial_units",
        default: "none",
        help: "a serial part of this many work units whatever the size (replaces serial; at most the size): a fixed set-up, as Gustafson's law assumes under --scale weak",
    },
];

const INFO: KernelInfo = KernelInfo {
    id: "amdahl",
    about: "Work with a serial part you choose: even 10 % serial work caps the speedup at 10x, however many cores you add.",
    size_unit: "work units",
    default_size: 400_000_000,
    small_size: 2_000_000,
    params: PARAMS,
};

impl Kernel for Amdahl {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let serial: f64 = spec.param("serial", 0.1)?;
        if !(0.0..=1.0).contains(&serial) {
            return Err(KernelError::BadParam(ParamError {
                key: "serial".into(),
                value: serial.to_string(),
                why: "must be a fraction between 0 and 1".into(),
            }));
        }
        let serial_units = match spec.params.get("serial_units") {
            None => (spec.size as f64 * serial).round() as u64,
            // A set-up larger than the whole run is the whole run.
            Some(_) => spec.param::<u64>("serial_units", 0)?.min(spec.size),
        };
        let parallel_units = spec.size - serial_units;
        let items = item_count(parallel_units.max(1), UNITS_PER_ITEM, 1 << 16);
        Ok(Box::new(AmdahlWork { serial_units, parallel_units, items, seed: spec.seed }))
    }
}

struct AmdahlWork {
    serial_units: u64,
    parallel_units: u64,
    items: usize,
    seed: u64,
}

/// `units` steps of a hash chain: each step needs the previous one, so it cannot be split.
fn chain(mut state: u64, units: u64, ctx: &ItemCtx) -> u64 {
    let mut left = units;
    while left > 0 {
        let batch = left.min(CHECK_EVERY);
        for _ in 0..batch {
            state = splitmix64(state);
        }
        left -= batch;
        ctx.checkpoint();
        if ctx.cancelled() {
            break;
        }
    }
    state
}

impl Workload for AmdahlWork {
    fn items(&self) -> usize {
        self.items
    }

    fn serial_part(&self, ctx: &ItemCtx) -> Option<Partial> {
        let part = Partial::with_ints(&(0..0), [self.serial_units, chain(self.seed, self.serial_units, ctx)]);
        Some(part)
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        let (mut units, mut digest) = (0u64, 0u64);
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let share = item_share(self.parallel_units, self.items as u64, item as u64);
            units += share;
            digest ^= chain(self.seed ^ splitmix64(item as u64 + 1), share, ctx);
        }
        part.ints = vec![units, digest];
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: [work units done, digest of their results].
        let (mut units, mut digest) = (0u64, 0u64);
        for [done, part_digest] in parts.iter().map(Partial::int_slots) {
            units += done;
            digest ^= part_digest;
        }
        Outcome::default()
            .with("serial_units", Value::Int(self.serial_units))
            .with("units_done", Value::Int(units))
            .with("digest", Value::Int(digest))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let done = outcome.need_scalar("units_done")? as u64;
        let expected = self.serial_units + self.parallel_units;
        if done == expected {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!("{done} work units were done instead of {expected}")))
        }
    }
}
