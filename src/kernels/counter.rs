//! `counter`: workers increment one shared counter, `size` increments in all. With
//! `--param sync=none` each increment is a separate load and store (a read-modify-write
//! that is not atomic, like `counter += 1` in Python): when two workers interleave, one
//! increment overwrites the other and is lost. The fixes are exact: an atomic
//! increment, a mutex, or per-worker partial counts added up at the end.
//!
//! The counter is shared state of the workload, reset by the serial part (which every
//! backend runs once per execution, before any item) and read by `combine`. One
//! execution at a time, as the measurement runner does. Items that ran on another copy
//! of the workload (a worker process, or a rank, which shares nothing) cannot touch this
//! copy's counter: their increments land on that copy's own counter, where no other
//! thread can race with them, so they count as landed. Either way the final count never exceeds the increments made.
//!
//! Under the `gil` backend the interpreter may switch threads at the checkpoint between
//! the load and the store; the thread that was paused then writes back a stale count,
//! wiping out every increment the other threads made during its pause.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamInfo, Partial, Value, VerifyError, Workload,
    item_count, item_share, splitmix64,
};

const INCREMENTS_PER_ITEM: u64 = 1 << 16;
/// Increments between two interpreter checkpoints.
const CHECK_EVERY: u64 = 64;

pub struct Counter;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "sync",
    default: "none",
    help: "none (load then store: updates get lost), atomic (one atomic add), mutex (lock around the add) or partials (each worker counts alone, the counts are added at the end)",
}];

/// How increments reach the shared count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SyncMode {
    None,
    Atomic,
    Mutex,
    Partials,
}

const INFO: KernelInfo = KernelInfo {
    id: "counter",
    about: "Workers add 1 to one shared counter: without synchronisation updates get lost; an atomic, a lock or per-worker partial counts fix it.",
    size_unit: "increments",
    default_size: 300_000_000,
    small_size: 500_000,
    params: PARAMS,
};

impl Kernel for Counter {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let sync = spec.choice(
            "sync",
            &[
                ("none", SyncMode::None),
                ("atomic", SyncMode::Atomic),
                ("mutex", SyncMode::Mutex),
                ("partials", SyncMode::Partials),
            ],
            SyncMode::None,
        )?;
        let items = item_count(spec.size, INCREMENTS_PER_ITEM, 1 << 20);
        Ok(Box::new(CounterWork {
            increments: spec.size,
            items,
            sync,
            shared: AtomicU64::new(0),
            locked: Mutex::new(0),
            instance: new_instance(),
        }))
    }
}

struct CounterWork {
    increments: u64,
    items: usize,
    sync: SyncMode,
    /// The shared counter of modes `none` and `atomic`.
    shared: AtomicU64,
    /// The shared counter of mode `mutex`.
    locked: Mutex<u64>,
    /// Which counter this is: unique per workload in this process and across processes.
    /// Ranks and worker processes build workloads of their own, so their increments
    /// land on counters this one never sees.
    instance: u64,
}

/// A new counter identity: the process id in the high half, a sequence number below.
fn new_instance() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    (u64::from(std::process::id()) << 32) | (NEXT.fetch_add(1, Ordering::Relaxed) & 0xFFFF_FFFF)
}

impl CounterWork {
    fn reset(&self) {
        self.shared.store(0, Ordering::SeqCst);
        *self.locked.lock().unwrap_or_else(PoisonError::into_inner) = 0;
    }

    /// Makes `count` increments the way the mode says; returns the partial count for
    /// mode `partials` (0 otherwise).
    fn increment(&self, count: u64, ctx: &ItemCtx) -> u64 {
        let mut own = 0u64;
        let mut state = count;
        for i in 0..count {
            let checkpoint = i % CHECK_EVERY == 0;
            // A little work of its own before each increment, as a real loop body has.
            state = std::hint::black_box(splitmix64(state));
            match self.sync {
                SyncMode::None => {
                    // Two separate steps, like LOAD / ADD / STORE in an interpreter: a
                    // worker (or an interpreter switch, at the checkpoint) may come in between.
                    let seen = self.shared.load(Ordering::Relaxed);
                    if checkpoint {
                        ctx.checkpoint();
                    }
                    self.shared.store(seen + 1, Ordering::Relaxed);
                }
                SyncMode::Atomic => {
                    self.shared.fetch_add(1, Ordering::Relaxed);
                }
                SyncMode::Mutex => {
                    *self.locked.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                }
                SyncMode::Partials => {
                    // black_box keeps one addition per increment, as in the other modes.
                    own = std::hint::black_box(own) + 1;
                }
            }
            if checkpoint && self.sync != SyncMode::None {
                ctx.checkpoint();
            }
        }
        own
    }
}

/// What a range of items reports, carried as the partial's counts in this order.
struct CounterPart {
    /// Increments made.
    made: u64,
    /// The range's own count (mode `partials`; 0 in the other modes).
    own: u64,
    /// Which workload copy's counter the increments landed on ([`CounterWork::instance`]).
    instance: u64,
}

impl CounterPart {
    fn into_partial(self, range: &Range<usize>) -> Partial {
        Partial::with_ints(range, [self.made, self.own, self.instance])
    }

    fn of(part: &Partial) -> Self {
        let [made, own, instance] = part.int_slots();
        Self { made, own, instance }
    }
}

impl Workload for CounterWork {
    fn items(&self) -> usize {
        self.items
    }

    fn serial_part(&self, _ctx: &ItemCtx) -> Option<Partial> {
        self.reset();
        None
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let (mut made, mut own) = (0u64, 0u64);
        for item in range.clone() {
            if ctx.cancelled() {
                break;
            }
            let count = item_share(self.increments, self.items as u64, item as u64);
            own += self.increment(count, ctx);
            made += count;
        }
        CounterPart { made, own, instance: self.instance }.into_partial(&range)
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let parts: Vec<CounterPart> = parts.iter().map(CounterPart::of).collect();
        let made: u64 = parts.iter().map(|p| p.made).sum();
        let elsewhere: u64 = parts.iter().filter(|p| p.instance != self.instance).map(|p| p.made).sum();
        let here = match self.sync {
            SyncMode::None | SyncMode::Atomic => self.shared.load(Ordering::SeqCst),
            SyncMode::Mutex => *self.locked.lock().unwrap_or_else(PoisonError::into_inner),
            SyncMode::Partials => parts.iter().filter(|p| p.instance == self.instance).map(|p| p.own).sum(),
        };
        // The next execution starts from zero even if its serial part runs elsewhere.
        self.reset();
        let final_count = here + elsewhere;
        Outcome::default()
            .with("expected", Value::Int(made))
            .with("final", Value::Int(final_count))
            .with("lost_updates", Value::Int(made.saturating_sub(final_count)))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let (expected, final_count) = (outcome.need_int("expected")?, outcome.need_int("final")?);
        if expected != self.increments {
            return Err(VerifyError::Wrong(format!("{expected} increments were made instead of {}", self.increments)));
        }
        if final_count > expected {
            return Err(VerifyError::Wrong(format!(
                "the counter reached {final_count}, more than the {expected} increments made"
            )));
        }
        if self.sync != SyncMode::None && final_count != expected {
            return Err(VerifyError::Wrong(format!(
                "the counter reached {final_count} instead of {expected}: a synchronised mode lost updates"
            )));
        }
        Ok(())
    }

    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        if self.sync != SyncMode::None {
            return VerifyError::equal(outcome, reference);
        }
        // Unsynchronised: the race may lose a different number of updates every run, so
        // only the invariant is checked (verify: never more than the increments made).
        if outcome.values.get("expected") != reference.values.get("expected") {
            return Err(VerifyError::Wrong(format!(
                "outcome {outcome} made a different number of increments than {reference}"
            )));
        }
        self.verify(outcome)
    }
}
