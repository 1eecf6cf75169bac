//! `seq`: one thread runs every item in order. The reference every other backend is
//! checked against, and the baseline of "speedup against seq".

use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, WorkerTally, assemble};
use crate::kernels::ItemCtx;

pub struct Seq;

const INFO: BackendInfo = BackendInfo {
    id: "seq",
    about: "One thread, items in order: the plain loop every speedup is measured against.",
    mirrors: "a plain Python for loop",
    params: &[],
    kind: BackendKind::Reference,
};

impl Backend for Seq {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn fixed_workers(&self) -> Option<usize> {
        Some(1)
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        if job.workers != 1 {
            return Err(BackendError::Workers {
                backend: "seq",
                workers: job.workers,
                why: "it always uses one worker".into(),
            });
        }
        let ctx = ItemCtx::free().cancellable(job.cancel);
        let tally = WorkerTally::for_job(job);
        let serial = job.workload.serial_part(&ctx);
        let part = tally.run(0, 0..job.workload.items(), |range| job.workload.run_range(range, &ctx));
        let outcome = assemble(job.workload, serial, vec![part])?;
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}
