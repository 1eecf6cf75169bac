//! `rayon`: a dedicated rayon pool of exactly N threads with work stealing. Ranges are
//! split adaptively: an idle thread steals half of a busy thread's remaining range.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, WorkerTally, assemble};
use crate::kernels::ItemCtx;

pub struct RayonPool;

/// Pools by thread count, built once: building a pool spawns its threads, which is not
/// what a measurement of the work should include. Never the global pool, whose size
/// depends on the machine rather than on the worker count asked for.
fn pool(workers: usize) -> Result<Arc<rayon::ThreadPool>, BackendError> {
    static POOLS: Mutex<Option<HashMap<usize, Arc<rayon::ThreadPool>>>> = Mutex::new(None);
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    let pools = pools.get_or_insert_with(HashMap::new);
    if let Some(pool) = pools.get(&workers) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("parlab-rayon-{i}"))
        .build()
        .map_err(|e| BackendError::Worker(format!("could not build a rayon pool of {workers} threads: {e}")))?;
    let pool = Arc::new(pool);
    pools.insert(workers, Arc::clone(&pool));
    Ok(pool)
}

fn halve(range: Range<usize>) -> (Range<usize>, Option<Range<usize>>) {
    if range.len() < 2 {
        (range, None)
    } else {
        let mid = range.start + range.len() / 2;
        (range.start..mid, Some(mid..range.end))
    }
}

const INFO: BackendInfo = BackendInfo {
    id: "rayon",
    about: "A pool of exactly N threads with work stealing: idle threads take work from busy ones, so uneven items still balance.",
    mirrors: "numba prange, joblib threads",
    params: &[],
    kind: BackendKind::OneNode,
};

impl Backend for RayonPool {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let workload = job.workload;
        let pool = pool(job.workers)?;
        let tally = WorkerTally::for_job(job);
        let (serial, parts) = pool.install(|| {
            let ctx = ItemCtx::free().cancellable(job.cancel);
            let serial = workload.serial_part(&ctx);
            let parts: Vec<_> = rayon::iter::split(0..workload.items(), halve)
                .map(|range| {
                    let worker = rayon::current_thread_index().unwrap_or(0);
                    tally.run(worker, range, |r| workload.run_range(r, &ctx))
                })
                .collect();
            (serial, parts)
        });
        let outcome = assemble(workload, serial, parts)?;
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}
