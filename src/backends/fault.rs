//! A hidden test hook: deliberate faults, so that the test suite can prove that a wrong
//! result becomes a failed run and never a data point. Nothing here runs unless the
//! environment variable `PARLAB_FAULT` is set; it is not part of the user interface.
//!
//! `PARLAB_FAULT` takes one of:
//! - `drop-item`: the range that holds the last item leaves that item out, but still
//!   claims to have run it (a combine that forgets one item);
//! - `skip-range`: the range that holds item 0 is not run at all (a backend whose loop
//!   skips a range);
//! - `perturb-outcome` or `perturb-outcome=NAME`: the combined outcome has one value
//!   changed by the smallest step (the first value in name order, or the named one);
//! - `hang`: the worker given the range that holds the last item stops answering: it
//!   sleeps until the run is cancelled (forever in a worker process, which only its
//!   parent can end), so the run's watchdog must catch it.
//!
//! The measurement runner wraps the workload of every measured point with [`Faulty`]
//! (never the sequential reference run), and the backends that build their own copy of
//! the workload (worker processes, ranks) wrap that copy with [`wrap_owned`].

use std::ops::Range;

use crate::kernels::{ItemCtx, Outcome, Partial, Value, VerifyError, Workload};

/// The environment variable that switches a fault on.
pub const FAULT_ENV: &str = "PARLAB_FAULT";

/// One deliberate fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The last item is left out of the range that holds it.
    DropItem,
    /// The range that holds item 0 is not run.
    SkipRange,
    /// One value of the outcome (the named one, or the first) is changed.
    PerturbOutcome(Option<String>),
    /// The range that holds the last item never ends until the run is cancelled.
    Hang,
}

impl Fault {
    /// The fault `PARLAB_FAULT` asks for, if any. An unknown value is a fault too: the
    /// outcome is perturbed, so that a typo in a test cannot pass silently.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var(FAULT_ENV).ok()?;
        Some(match value.as_str() {
            "" => return None,
            "drop-item" => Self::DropItem,
            "skip-range" => Self::SkipRange,
            "hang" => Self::Hang,
            other => Self::PerturbOutcome(other.strip_prefix("perturb-outcome=").map(str::to_string)),
        })
    }
}

/// A workload with a fault; everything else is passed through to the real one.
pub struct Faulty<'a> {
    inner: Inner<'a>,
    fault: Fault,
}

enum Inner<'a> {
    Borrowed(&'a dyn Workload),
    Owned(Box<dyn Workload>),
}

impl<'a> Faulty<'a> {
    /// `workload` with the fault `PARLAB_FAULT` asks for, or `None` when it asks for none.
    pub fn from_env(workload: &'a dyn Workload) -> Option<Self> {
        Fault::from_env().map(|fault| Self { inner: Inner::Borrowed(workload), fault })
    }

    fn inner(&self) -> &dyn Workload {
        match &self.inner {
            Inner::Borrowed(w) => *w,
            Inner::Owned(w) => w.as_ref(),
        }
    }
}

/// `workload`, with the fault `PARLAB_FAULT` asks for if it asks for one.
pub fn wrap_owned(workload: Box<dyn Workload>) -> Box<dyn Workload> {
    match Fault::from_env() {
        Some(fault) => Box::new(Faulty { inner: Inner::Owned(workload), fault }),
        None => workload,
    }
}

/// Changes `outcome[name]` (or its first value) by the smallest step its type allows.
pub fn perturb(outcome: &mut Outcome, name: Option<&str>) {
    let value = match name {
        Some(name) => outcome.values.get_mut(name),
        None => outcome.values.values_mut().next(),
    };
    let next = |x: f64| if x.is_finite() { f64::from_bits(x.to_bits() + 1) } else { 0.0 };
    match value {
        Some(Value::Int(i)) => *i = i.wrapping_add(1),
        Some(Value::Float(x)) => *x = next(*x),
        Some(Value::Ints(v)) => match v.first_mut() {
            Some(i) => *i = i.wrapping_add(1),
            None => v.push(1),
        },
        Some(Value::Floats(v)) => match v.first_mut() {
            Some(x) => *x = next(*x),
            None => v.push(1.0),
        },
        None => {
            outcome.values.insert("perturbed".into(), Value::Int(1));
        }
    }
}

impl Workload for Faulty<'_> {
    fn items(&self) -> usize {
        self.inner().items()
    }
    fn serial_part(&self, ctx: &ItemCtx) -> Option<Partial> {
        self.inner().serial_part(ctx)
    }
    fn item_wait(&self, item: usize) -> Option<std::time::Duration> {
        self.inner().item_wait(item)
    }
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let last = self.items().saturating_sub(1);
        match self.fault {
            Fault::DropItem if range.contains(&last) => {
                let mut part = self.inner().run_range(range.start..last, ctx);
                part.first_item = range.start as u64;
                part.item_count = range.len() as u64;
                part
            }
            Fault::SkipRange if range.contains(&0) => Partial::for_range(&(0..0)),
            Fault::Hang if range.contains(&last) => {
                // Asleep with the interpreter lock released (gil), as a worker blocked on I/O would be.
                while !ctx.cancelled() {
                    ctx.native(|| std::thread::sleep(std::time::Duration::from_millis(10)));
                }
                Partial::for_range(&(range.start..range.start))
            }
            _ => self.inner().run_range(range, ctx),
        }
    }
    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let mut outcome = self.inner().combine(parts);
        if let Fault::PerturbOutcome(name) = &self.fault {
            perturb(&mut outcome, name.as_deref());
        }
        outcome
    }
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        self.inner().verify(outcome)
    }
    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        self.inner().agrees(outcome, reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perturb_changes_exactly_one_value() {
        let original = Outcome::default().with("a", Value::Float(0.5)).with("b", Value::Int(7));
        let mut first = original.clone();
        perturb(&mut first, None);
        assert_ne!(first.values["a"], original.values["a"]);
        assert_eq!(first.values["b"], original.values["b"]);
        let mut named = original.clone();
        perturb(&mut named, Some("b"));
        assert_eq!(named.values["a"], original.values["a"]);
        assert_eq!(named.values["b"], Value::Int(8));
    }
}
