//! `io`: requests that mostly wait. Each item waits for a simulated network reply (a
//! sleep of a seeded duration around `latency_ms`) and then does a little interpreted
//! work on the reply. The wait releases the interpreter lock, as blocking I/O does in
//! CPython, so even the `gil` backend overlaps waits far beyond the number of cores.

use std::ops::Range;
use std::time::Duration;

use rand::Rng;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, item_rng, splitmix64,
};

/// Hash steps of "parsing" each reply: a few microseconds of interpreted work.
const WORK_STEPS: u64 = 2_000;
const CHECK_EVERY: u64 = 256;

pub struct Io;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "latency_ms",
    default: "10",
    help: "mean simulated network latency of one request, in milliseconds (each request waits 0.5x to 1.5x this)",
}];

const INFO: KernelInfo = KernelInfo {
    id: "io",
    about: "Requests that wait on simulated network latency: waiting needs no core, so even GIL threads overlap far more requests than there are cores.",
    size_unit: "requests",
    default_size: 200,
    small_size: 12,
    params: PARAMS,
};

impl Kernel for Io {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let latency_ms: f64 = spec.param("latency_ms", 10.0)?;
        if !(0.0..=10_000.0).contains(&latency_ms) {
            return Err(KernelError::BadParam(ParamError {
                key: "latency_ms".into(),
                value: latency_ms.to_string(),
                why: "must be between 0 and 10000".into(),
            }));
        }
        if spec.size > 1 << 24 {
            return Err(KernelError::BadSize { kernel: "io".into(), why: "at most 2^24 requests".into() });
        }
        let latency_us = (latency_ms * 1000.0).round() as u64;
        Ok(Box::new(IoWork { requests: spec.size as usize, latency_us, seed: spec.seed }))
    }
}

struct IoWork {
    requests: usize,
    latency_us: u64,
    seed: u64,
}

impl IoWork {
    /// The simulated latency of request `item`, in microseconds: uniform in 0.5x..1.5x the mean.
    fn latency_us(&self, item: u64) -> u64 {
        if self.latency_us == 0 {
            return 0;
        }
        let mut rng = item_rng(self.seed, item);
        self.latency_us / 2 + rng.next_u64() % (self.latency_us + 1)
    }
}

impl Workload for IoWork {
    fn items(&self) -> usize {
        self.requests
    }

    fn item_wait(&self, item: usize) -> Option<Duration> {
        Some(Duration::from_micros(self.latency_us(item as u64)))
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        let (mut waited_us, mut digest) = (0u64, 0u64);
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let wait = self.latency_us(item as u64);
            ctx.wait(Duration::from_micros(wait));
            waited_us += wait;
            let mut state = splitmix64(self.seed ^ item as u64);
            for step in 0..WORK_STEPS {
                state = splitmix64(state);
                if step % CHECK_EVERY == 0 {
                    ctx.checkpoint();
                }
            }
            digest ^= state;
        }
        part.ints = vec![waited_us, digest];
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: [microseconds waited, digest of the responses].
        let (mut waited, mut digest) = (0u64, 0u64);
        for [waited_us, part_digest] in parts.iter().map(Partial::int_slots) {
            waited += waited_us;
            digest ^= part_digest;
        }
        Outcome::default()
            .with("requests", Value::Int(self.requests as u64))
            .with("latency_total_s", Value::Float(waited as f64 * 1e-6))
            .with("digest", Value::Int(digest))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let total = outcome.need_scalar("latency_total_s")?;
        let expected: u64 = (0..self.requests as u64).map(|i| self.latency_us(i)).sum();
        if (total - expected as f64 * 1e-6).abs() < 1e-9 * (1.0 + total) {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!("requests waited {total} s in all instead of {} s", expected as f64 * 1e-6)))
        }
    }
}
