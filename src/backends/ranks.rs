//! `ranks`: N ranks as threads that share nothing and talk only through a [`Comm`] over
//! crossbeam channels, as mpi4py programs do on one node. Rank 0 is the root: it does any
//! serial work, broadcasts the kernel spec, runs its own block, and gathers and combines
//! the other ranks' partials. Every other rank builds its own workload from the spec.

use std::ops::Range;
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::Instant;

use super::comm::{ChannelComm, Comm, run_share};
use super::watch::Watch;
use super::wire::{self, Reader, Writer};
use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, assemble};
use crate::kernels::{ItemCtx, Outcome, Partial, VerifyError, Workload};

pub struct Ranks;

/// Tells the other ranks to give up if this rank's thread panics, so nobody waits forever.
struct AbortOnPanic<'a>(&'a ChannelComm);

impl Drop for AbortOnPanic<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            self.0.abort();
        }
    }
}

/// One rank's workload, that puts the block the rank runs on the job's watch board.
struct OnWatch<'a> {
    inner: &'a dyn Workload,
    watch: Option<&'a Watch>,
    rank: usize,
}

impl Workload for OnWatch<'_> {
    fn items(&self) -> usize {
        self.inner.items()
    }
    fn serial_part(&self, ctx: &ItemCtx) -> Option<Partial> {
        self.inner.serial_part(ctx)
    }
    fn item_wait(&self, item: usize) -> Option<std::time::Duration> {
        self.inner.item_wait(item)
    }
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        if let Some(watch) = self.watch {
            watch.begin(self.rank, &range);
        }
        let part = self.inner.run_range(range, ctx);
        if let Some(watch) = self.watch {
            watch.end(self.rank);
        }
        part
    }
    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        self.inner.combine(parts)
    }
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        self.inner.verify(outcome)
    }
    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        self.inner.agrees(outcome, reference)
    }
}

/// A rank other than the root: receives the spec, builds its own workload, runs its share.
fn serve(comm: &ChannelComm, cancel: &AtomicBool, watch: Option<&Watch>) -> Result<(), BackendError> {
    let _guard = AbortOnPanic(comm);
    let message = comm.bcast(0, None).map_err(|e| BackendError::Worker(format!("rank {}: {e}", comm.rank())))?;
    let built = wire::get_spec(&mut Reader::new(&message))
        .map_err(|e| format!("unreadable spec: {e}"))
        .and_then(|spec| spec.build().map(super::fault::wrap_owned).map_err(|e| e.to_string()));
    let watched = built.as_deref().map(|inner| OnWatch { inner, watch, rank: comm.rank() });
    let workload = watched.as_ref().map(|w| w as &dyn Workload).map_err(|why| why.to_string());
    run_share(comm, workload, &ItemCtx::free().cancellable(cancel))?;
    Ok(())
}

const INFO: BackendInfo = BackendInfo {
    id: "ranks",
    about: "Ranks that share nothing and only pass messages: rank 0 hands out the work and gathers the results, as an MPI program does.",
    mirrors: "mpi4py on one node (mpirun -n N python script.py)",
    params: &[],
    kind: BackendKind::OneNode,
};

impl Backend for Ranks {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let started = Instant::now();
        let mut comms = ChannelComm::world(job.workers).into_iter();
        let root = comms.next().ok_or_else(|| BackendError::Workers {
            backend: "ranks",
            workers: 0,
            why: "needs at least one rank".into(),
        })?;
        let mut stats = ExecStats::default();
        let (gathered, serial, others) = thread::scope(|scope| {
            let handles: Vec<_> = comms
                .enumerate()
                .map(|(i, comm)| {
                    thread::Builder::new().name(format!("parlab-rank-{}", i + 1)).spawn_scoped(scope, move || {
                        let result = serve(&comm, job.cancel, job.watch);
                        (result, comm.traffic())
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(|e| BackendError::Worker(format!("could not start a rank thread: {e}")))?;
            stats.startup_s = Some(started.elapsed().as_secs_f64());
            let guard = AbortOnPanic(&root);
            let encoding = Instant::now();
            let mut spec = Writer::new();
            wire::put_spec(&mut spec, job.spec);
            let spec = spec.finish();
            let encode = encoding.elapsed();
            // Serial work happens on the root before the others hear what to do.
            let ctx = ItemCtx::free().cancellable(job.cancel);
            let serial = job.workload.serial_part(&ctx);
            let gathered = root
                .bcast(0, Some(spec))
                .map_err(|e| BackendError::Worker(format!("rank 0: {e}")))
                .and_then(|_| run_share(&root, Ok(&OnWatch { inner: job.workload, watch: job.watch, rank: 0 }), &ctx));
            if gathered.is_err() {
                root.abort();
            }
            drop(guard);
            let mut others = Vec::with_capacity(handles.len());
            for (i, handle) in handles.into_iter().enumerate() {
                match handle.join() {
                    Ok((result, traffic)) => others.push((result, traffic)),
                    Err(_) => {
                        others.push((Err(BackendError::Worker(format!("rank {} panicked", i + 1))), Default::default()))
                    }
                }
            }
            Ok::<_, BackendError>((gathered.map(|g| (g, encode)), serial, others))
        })?;
        // A rank's own failure says more than the root's "rank N aborted".
        for (result, _) in &others {
            if let Err(e) = result {
                return Err(BackendError::Worker(e.to_string()));
            }
        }
        let (gathered, encode) = gathered?;
        let gathered = gathered.ok_or_else(|| BackendError::Coverage("rank 0 gathered nothing".into()))?;
        let root_traffic = root.traffic();
        stats.messages = root_traffic.messages_sent + others.iter().map(|(_, t)| t.messages_sent).sum::<u64>();
        stats.bytes_sent = root_traffic.bytes_sent;
        stats.bytes_received = root_traffic.bytes_received;
        stats.encode_s = Some((gathered.encode + encode).as_secs_f64());
        stats.worker_busy_s = gathered.busy_s;
        stats.worker_items = gathered.items;
        let outcome = assemble(job.workload, serial, gathered.parts)?;
        Ok(Execution { outcome, stats })
    }
}
