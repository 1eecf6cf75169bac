//! `threads`: N OS threads in one address space, no lock: what free-threaded Python
//! would do. By default each thread gets one contiguous block of items (OpenMP's static
//! schedule); `--param schedule=dynamic|guided` makes the threads take chunks of items
//! from a shared queue instead, so uneven items no longer leave threads idle.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{
    Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, WorkerTally, assemble, on_threads,
    static_ranges,
};
use crate::kernels::{ItemCtx, KernelSpec, ParamError, ParamInfo, Partial, Workload};

pub struct Threads;

const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        key: "schedule",
        default: "static",
        help: "threads: static (one equal block per thread), dynamic (threads take chunks from a shared queue) or guided (chunks shrink as the queue empties)",
    },
    ParamInfo {
        key: "chunk",
        default: "1",
        help: "threads: items per chunk for schedule=dynamic, smallest chunk for schedule=guided",
    },
];

/// How items are handed to threads, as in OpenMP's `schedule` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// One contiguous block per thread, decided before the threads start.
    Static,
    /// Chunks of `chunk` items, taken from a shared counter by whichever thread is free.
    Dynamic { chunk: usize },
    /// Chunks of remaining / (2 x threads) items, at least `chunk`.
    Guided { chunk: usize },
}

impl Schedule {
    /// The schedule `--param schedule=... chunk=...` asks for.
    fn from_spec(spec: &KernelSpec) -> Result<Self, ParamError> {
        let chunk: usize = spec.param("chunk", 1)?;
        if chunk == 0 {
            return Err(ParamError::new("chunk", chunk, "a chunk holds at least one item"));
        }
        let dynamic = Self::Dynamic { chunk };
        let guided = Self::Guided { chunk };
        spec.choice("schedule", &[("static", Self::Static), ("dynamic", dynamic), ("guided", guided)], Self::Static)
    }
}

/// The shared queue of a dynamic or guided schedule: the index of the next item nobody took.
struct ChunkQueue {
    next: AtomicUsize,
    items: usize,
    workers: usize,
    schedule: Schedule,
}

impl ChunkQueue {
    /// Takes the next chunk, or `None` when every item is taken.
    fn take(&self) -> Option<Range<usize>> {
        let mut start = self.next.load(Ordering::Relaxed);
        loop {
            if start >= self.items {
                return None;
            }
            let remaining = self.items - start;
            let size = match self.schedule {
                Schedule::Static => remaining,
                Schedule::Dynamic { chunk } => chunk,
                Schedule::Guided { chunk } => (remaining / (2 * self.workers)).max(chunk),
            }
            .min(remaining);
            match self.next.compare_exchange_weak(start, start + size, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(start..start + size),
                Err(now) => start = now,
            }
        }
    }
}

const INFO: BackendInfo = BackendInfo {
    id: "threads",
    about: "Threads sharing memory, each given an equal block of items: fast when blocks cost the same, idle cores when they do not (try --param schedule=dynamic).",
    mirrors: "ThreadPoolExecutor without a GIL (free-threaded Python), OpenMP schedule(static|dynamic|guided)",
    params: PARAMS,
    kind: BackendKind::OneNode,
};

impl Backend for Threads {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn validate(&self, spec: &KernelSpec) -> Result<(), ParamError> {
        Schedule::from_spec(spec).map(|_| ())
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let workload = job.workload;
        let schedule = Schedule::from_spec(job.spec)?;
        let ctx = ItemCtx::free().cancellable(job.cancel);
        // The serial part runs before the parallel region, as in an OpenMP program.
        let serial = workload.serial_part(&ctx);
        let tally = WorkerTally::for_job(job);
        let queue = ChunkQueue { next: AtomicUsize::new(0), items: workload.items(), workers: job.workers, schedule };
        let blocks = static_ranges(workload.items(), job.workers);
        let parts = on_threads("parlab-thread", job.workers, |worker| match schedule {
            Schedule::Static => vec![tally.run(worker, blocks[worker].clone(), |r| workload.run_range(r, &ctx))],
            _ => drain(&queue, worker, &tally, workload, &ctx),
        })?;
        let outcome = assemble(workload, serial, parts.into_iter().flatten().collect())?;
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}

/// One thread of a dynamic or guided schedule: takes chunks until the queue is empty.
fn drain(
    queue: &ChunkQueue,
    worker: usize,
    tally: &WorkerTally,
    workload: &dyn Workload,
    ctx: &ItemCtx,
) -> Vec<Partial> {
    let mut parts = Vec::new();
    while let Some(chunk) = queue.take() {
        parts.push(tally.run(worker, chunk, |r| workload.run_range(r, ctx)));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(schedule: Schedule, items: usize, workers: usize) -> Vec<usize> {
        let queue = ChunkQueue { next: AtomicUsize::new(0), items, workers, schedule };
        std::iter::from_fn(|| queue.take()).map(|r| r.len()).collect()
    }

    #[test]
    fn dynamic_chunks_cover_every_item() {
        assert_eq!(chunks(Schedule::Dynamic { chunk: 3 }, 10, 2), vec![3, 3, 3, 1]);
        assert_eq!(chunks(Schedule::Dynamic { chunk: 1 }, 3, 7), vec![1, 1, 1]);
        assert!(chunks(Schedule::Dynamic { chunk: 4 }, 0, 2).is_empty());
    }

    #[test]
    fn guided_chunks_shrink() {
        let sizes = chunks(Schedule::Guided { chunk: 2 }, 100, 2);
        assert_eq!(sizes.iter().sum::<usize>(), 100);
        assert_eq!(sizes[0], 25);
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        assert!(sizes[..sizes.len() - 1].iter().all(|&s| s >= 2), "{sizes:?}");
    }
}
