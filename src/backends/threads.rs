//! `threads`: N OS threads in one address space, each given one contiguous block of
//! items (OpenMP's static schedule). No lock: what free-threaded Python would do.

use std::thread;

use super::{Backend, BackendError, ExecStats, Execution, Job, WorkerTally, assemble, static_ranges};
use crate::kernels::ItemCtx;

pub struct Threads;

impl Backend for Threads {
    fn id(&self) -> &'static str {
        "threads"
    }
    fn about(&self) -> &'static str {
        "Threads sharing memory, each given an equal block of items: fast when blocks cost the same, idle cores when they do not."
    }
    fn mirrors(&self) -> &'static str {
        "ThreadPoolExecutor without a GIL (free-threaded Python), OpenMP static"
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let workload = job.workload;
        let ctx = ItemCtx::free();
        // The serial part runs before the parallel region, as in an OpenMP program.
        let serial = workload.serial_part(&ctx);
        let tally = WorkerTally::new(job.workers);
        let parts = thread::scope(|scope| {
            let handles: Vec<_> = static_ranges(workload.items(), job.workers)
                .into_iter()
                .enumerate()
                .map(|(worker, range)| {
                    let tally = &tally;
                    thread::Builder::new().name(format!("parlab-thread-{worker}")).spawn_scoped(scope, move || {
                        tally.run(worker, range, |r| workload.run_range(r, &ItemCtx::free()))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| match handle {
                    Ok(h) => h.join().map_err(|_| BackendError::Worker("a worker thread panicked".into())),
                    Err(e) => Err(BackendError::Worker(format!("could not start a thread: {e}"))),
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        let outcome = assemble(workload, serial, parts)?;
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}
