//! The backends: the ways parlab runs a workload's items on several workers, and the
//! registry that names them. Backends never name a kernel.

mod asyncio;
pub mod comm;
pub mod command;
pub mod fault;
mod gil;
#[cfg(feature = "mpi")]
mod mpi_ranks;
mod processes;
pub mod python;
pub mod python_twins;
mod ranks;
mod rayon_pool;
mod seq;
mod threads;
pub mod watch;
pub mod wire;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::kernels::{KernelSpec, Outcome, ParamError, ParamInfo, Partial, Workload};

/// Every backend parlab knows, in the order `parlab backends` lists them.
/// Adding a backend is one file in this folder plus one line here.
pub fn registry() -> &'static [&'static dyn Backend] {
    &[
        &seq::Seq,
        &threads::Threads,
        &gil::GilThreads,
        &asyncio::AsyncLoop,
        &rayon_pool::RayonPool,
        &processes::Processes,
        &ranks::Ranks,
        #[cfg(feature = "mpi")]
        &mpi_ranks::Mpi,
        &python::PY_SEQ,
        &python::PY_THREADS,
        &python::PY_THREADS_FT,
        &python::PY_PROCESSES,
        &python::PY_ASYNCIO,
        &python::PY_NUMBA,
        &python::PY_MPI,
    ]
}

#[cfg(feature = "mpi")]
pub use mpi_ranks::world_comm as mpi_world_comm;
pub(crate) use processes::worker_program;
pub use processes::{WORKER_ENV, serve_worker, set_worker_program};

/// Looks a backend up by its id.
pub fn find(id: &str) -> Option<&'static dyn Backend> {
    registry().iter().copied().find(|b| b.id() == id)
}

/// The reference backend (seq): every outcome is checked against its outcome, and
/// "speedup against seq" is measured against its time.
pub fn reference() -> &'static dyn Backend {
    registry().iter().copied().find(|b| b.kind() == BackendKind::Reference).unwrap_or(&seq::Seq)
}

/// The id of the [`reference`] backend, for code that holds backend ids as text (reports).
pub fn reference_id() -> &'static str {
    reference().id()
}

/// The id of the `mpi` backend, known even to builds without the `mpi` feature: a batch
/// script for a cluster is often written on a machine that cannot run it.
pub const MPI_ID: &str = "mpi";

/// The ids of all backends, for error messages.
pub fn ids() -> Vec<&'static str> {
    registry().iter().map(|b| b.id()).collect()
}

/// What a backend is, as `parlab backends` shows it: one `const INFO` per backend.
#[derive(Debug, Clone, Copy)]
pub struct BackendInfo {
    /// Short id used on the command line and in lesson files.
    pub id: &'static str,
    /// One teaching sentence: what this backend shows.
    pub about: &'static str,
    /// The Python tool it behaves like.
    pub mirrors: &'static str,
    /// The parameters this backend understands (`--param key=value`).
    pub params: &'static [ParamInfo],
    /// Where its workers live; decides what code outside the backend may assume.
    pub kind: BackendKind,
}

/// Where a backend's workers live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// One worker, items in order, in this process: the reference every outcome is
    /// checked against (seq).
    Reference,
    /// Workers that this parlab process starts itself (threads, a pool, ranks as
    /// threads, worker processes), on the machine it runs on: on a cluster they share
    /// the CPUs of one task.
    OneNode,
    /// Workers started by a launcher (mpirun, srun) as copies of parlab, possibly on
    /// several machines: on a cluster each is a task of its own.
    Launched,
}

/// One way of running items in parallel.
pub trait Backend: Sync {
    /// What this backend is: its `const INFO`.
    fn info(&self) -> &'static BackendInfo;
    /// Short id used on the command line and in lesson files.
    fn id(&self) -> &'static str {
        self.info().id
    }
    /// One teaching sentence: what this backend shows.
    fn about(&self) -> &'static str {
        self.info().about
    }
    /// The Python tool it behaves like.
    fn mirrors(&self) -> &'static str {
        self.info().mirrors
    }
    /// The parameters this backend understands (`--param key=value`).
    fn params(&self) -> &'static [ParamInfo] {
        self.info().params
    }
    /// Where its workers live.
    fn kind(&self) -> BackendKind {
        self.info().kind
    }
    /// Whether this is the reference backend (seq).
    fn is_reference(&self) -> bool {
        self.kind() == BackendKind::Reference
    }
    /// Checks the values of this backend's parameters in `spec`, before anything runs:
    /// `parlab run`, `parlab batch` and `parlab lessons check` all call it, so a bad
    /// value is refused before the first measurement.
    fn validate(&self, _spec: &KernelSpec) -> Result<(), ParamError> {
        Ok(())
    }
    /// Whether this backend can run on this machine (and, given a kernel, run that
    /// kernel); otherwise the one line that says what to install. Listings show it, the
    /// Lab hides what is unavailable, and a plan with it is refused before it runs.
    fn available(&self, _kernel: Option<&str>) -> Result<(), String> {
        Ok(())
    }
    /// The only worker count this backend can run with, if it has one (seq: 1).
    fn fixed_workers(&self) -> Option<usize> {
        None
    }
    /// Runs every item of `job.workload` on exactly `job.workers` workers.
    fn execute(&self, job: &Job) -> Result<Execution, BackendError>;
}

/// One execution request.
pub struct Job<'a> {
    /// The spec the workload was built from (sent to workers that rebuild it).
    pub spec: &'a KernelSpec,
    /// The items to run.
    pub workload: &'a dyn Workload,
    /// Exactly this many workers, even when there are fewer cores.
    pub workers: usize,
    /// Set when the user cancels or the run's watchdog gives up on the execution;
    /// backends that can stop early check it.
    pub cancel: &'a AtomicBool,
    /// Where the backend says which items each worker is running, so that an execution
    /// that overruns its time limit names the worker that stopped answering.
    pub watch: Option<&'a watch::Watch>,
}

/// What an execution produced.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The combined result.
    pub outcome: Outcome,
    /// What it cost beyond time.
    pub stats: ExecStats,
}

/// Costs of one execution beyond its wall time, where the backend has them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecStats {
    /// Time to start the workers (processes, ranks), included in the wall time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_s: Option<f64>,
    /// Messages exchanged between workers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub messages: u64,
    /// Bytes sent to workers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes_sent: u64,
    /// Bytes received from workers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes_received: u64,
    /// Seconds spent encoding and decoding messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encode_s: Option<f64>,
    /// Seconds spent moving bytes between workers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_s: Option<f64>,
    /// Times the interpreter lock changed hands.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lock_handovers: u64,
    /// Seconds each worker spent running items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worker_busy_s: Vec<f64>,
    /// Items each worker ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worker_items: Vec<u64>,
    /// Seconds each worker was not running items between the start of the parallel
    /// part and the end of the last item of any worker: time spent waiting for the
    /// slowest worker (load imbalance) or for the serial part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worker_idle_s: Vec<f64>,
    /// Bytes of results the workers handed back (partials in parlab's wire encoding),
    /// whether or not they had to cross a process boundary.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub result_bytes: u64,
    /// Peak resident memory of the largest process of a measured command's tree, bytes
    /// (the largest over the repetitions).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub peak_rss_bytes: u64,
    /// The size a program that runs a smaller size than the plan's actually ran (the
    /// `py-*` backends' Python twins); 0 when it ran the plan's size.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ran_size: u64,
    /// Seconds that program timed for its own work at `ran_size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ran_time_s: Option<f64>,
    /// `ran_time_s` scaled by throughput to the plan's size: the time the point reports.
    /// A backend that sets it has checked its outcome against the known truth itself
    /// (its outcome comes from another size and other random numbers than the reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalent_s: Option<f64>,
    /// The CPU seconds of the program's timed part (its process tree's CPU time in
    /// proportion to the timed share of its wall time), scaled as `equivalent_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalent_cpu_s: Option<f64>,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// Why an execution failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BackendError {
    /// The worker count is not one this backend can use.
    #[error("backend '{backend}' cannot run with {workers} workers: {why}")]
    Workers { backend: &'static str, workers: usize, why: String },
    /// A worker failed (crashed, returned garbage, could not start).
    #[error("{0}")]
    Worker(String),
    /// A backend parameter (`--param`) has a value the backend cannot use.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// Partials did not cover every item exactly once: a backend bug.
    #[error("internal error: {0}")]
    Coverage(String),
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// Splits `0..items` into `workers` contiguous ranges whose lengths differ by at most one
/// (OpenMP's static schedule). Some ranges are empty when there are more workers than items.
pub fn static_ranges(items: usize, workers: usize) -> Vec<Range<usize>> {
    let workers = workers.max(1);
    (0..workers).map(|w| (w * items / workers)..((w + 1) * items / workers)).collect()
}

/// Runs `work(worker)` on `workers` scoped threads named `{name}-{worker}` and returns
/// their results in worker order. A thread that cannot start or that panics fails the
/// execution.
pub fn on_threads<T: Send>(
    name: &str,
    workers: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Result<Vec<T>, BackendError> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                std::thread::Builder::new().name(format!("{name}-{worker}")).spawn_scoped(scope, move || work(worker))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| match handle {
                Ok(h) => h.join().map_err(|_| BackendError::Worker("a worker thread panicked".into())),
                Err(e) => Err(BackendError::Worker(format!("could not start a thread: {e}"))),
            })
            .collect()
    })
}

/// Sorts partials by first item, checks that they cover `0..items` exactly once, and
/// combines them (the serial part's partial first, if any).
pub fn assemble(
    workload: &dyn Workload,
    serial: Option<Partial>,
    mut parts: Vec<Partial>,
) -> Result<Outcome, BackendError> {
    parts.retain(|p| p.item_count > 0);
    parts.sort_by_key(|p| p.first_item);
    let mut next = 0u64;
    for part in &parts {
        if part.first_item != next {
            return Err(BackendError::Coverage(format!(
                "items {next}..{} were not run (or run twice)",
                part.first_item
            )));
        }
        next += part.item_count;
    }
    if next != workload.items() as u64 {
        return Err(BackendError::Coverage(format!("{next} of {} items were run", workload.items())));
    }
    let all = serial.into_iter().chain(parts).collect();
    Ok(workload.combine(all))
}

/// Per-worker busy time and item counts, safe to update from every worker at once; it
/// also keeps the job's [`watch::Watch`] board, when there is one.
pub struct WorkerTally<'a> {
    watch: Option<&'a watch::Watch>,
    started: Instant,
    busy_ns: Vec<AtomicU64>,
    items: Vec<AtomicU64>,
    result_bytes: AtomicU64,
    /// When the last item of any worker ended, in ns after `started`.
    last_end_ns: AtomicU64,
}

impl<'a> WorkerTally<'a> {
    /// A tally for `workers` workers.
    pub fn new(workers: usize) -> Self {
        Self {
            watch: None,
            started: Instant::now(),
            busy_ns: (0..workers).map(|_| AtomicU64::new(0)).collect(),
            items: (0..workers).map(|_| AtomicU64::new(0)).collect(),
            result_bytes: AtomicU64::new(0),
            last_end_ns: AtomicU64::new(0),
        }
    }

    /// A tally for the workers of `job`, that keeps its watch board.
    pub fn for_job(job: &Job<'a>) -> Self {
        Self { watch: job.watch, ..Self::new(job.workers) }
    }

    /// Runs `range` on `worker`, adding its time and items to the tally.
    pub fn run(&self, worker: usize, range: Range<usize>, work: impl FnOnce(Range<usize>) -> Partial) -> Partial {
        let started = Instant::now();
        let count = range.len() as u64;
        if let Some(watch) = self.watch {
            watch.begin(worker, &range);
        }
        let part = work(range);
        if let Some(watch) = self.watch {
            watch.end(worker);
        }
        self.add(worker, started.elapsed(), count);
        self.result_bytes.fetch_add(part.wire_bytes() as u64, Ordering::Relaxed);
        part
    }

    /// Adds `busy` time and `count` items to `worker`.
    pub fn add(&self, worker: usize, busy: Duration, count: u64) {
        self.busy_ns[worker].fetch_add(busy.as_nanos() as u64, Ordering::Relaxed);
        self.items[worker].fetch_add(count, Ordering::Relaxed);
        self.last_end_ns.fetch_max(self.started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    /// Writes the tally into `stats`.
    pub fn into_stats(self, stats: &mut ExecStats) {
        let span_ns = self.last_end_ns.into_inner();
        stats.worker_idle_s =
            self.busy_ns.iter().map(|n| span_ns.saturating_sub(n.load(Ordering::Relaxed)) as f64 * 1e-9).collect();
        stats.worker_busy_s = self.busy_ns.into_iter().map(|n| n.into_inner() as f64 * 1e-9).collect();
        stats.worker_items = self.items.into_iter().map(AtomicU64::into_inner).collect();
        stats.result_bytes = self.result_bytes.into_inner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_ranges_cover_every_item_once() {
        let table: &[(usize, usize, &[Range<usize>])] = &[
            (10, 2, &[0..5, 5..10]),
            (10, 3, &[0..3, 3..6, 6..10]),
            (2, 3, &[0..0, 0..1, 1..2]),
            (0, 2, &[0..0, 0..0]),
        ];
        for (items, workers, expected) in table {
            assert_eq!(static_ranges(*items, *workers), expected.to_vec(), "{items} items on {workers}");
        }
    }

    #[test]
    fn a_worker_without_items_is_idle_for_the_whole_span() {
        let tally = WorkerTally::new(2);
        let part = tally.run(0, 0..3, |range| {
            std::thread::sleep(Duration::from_millis(5));
            Partial { ints: vec![1, 2], ..Partial::for_range(&range) }
        });
        let mut stats = ExecStats::default();
        tally.into_stats(&mut stats);
        assert_eq!(stats.worker_items, vec![3, 0]);
        assert_eq!(stats.worker_busy_s[1], 0.0);
        assert!(stats.worker_idle_s[1] >= stats.worker_busy_s[0] && stats.worker_busy_s[0] > 0.0, "{stats:?}");
        assert_eq!(stats.result_bytes, part.wire_bytes() as u64);
    }
}

/// How this process takes part in a run that a launcher such as mpirun or srun started
/// as several copies of parlab.
#[derive(Debug)]
pub enum Launch {
    /// This process runs the plan and prints the results: it is alone, or it is rank 0.
    /// `note` is worth telling the user (e.g. "running as a single rank").
    Root { note: Option<String> },
    /// This process was another rank: it served rank 0's executions until told to stop,
    /// and must print nothing.
    Served(Result<(), BackendError>),
}

/// Joins the launch this process belongs to, if any, before a run of `backends`. Ranks
/// other than 0 serve rank 0 here and return [`Launch::Served`] when it is done.
/// Call [`finish`] before the process exits.
pub fn launch(backends: &[String]) -> Launch {
    #[cfg(feature = "mpi")]
    {
        mpi_ranks::launch(backends)
    }
    #[cfg(not(feature = "mpi"))]
    {
        let _ = backends;
        Launch::Root { note: None }
    }
}

/// The MPI world size, when this process joined an MPI launch in [`launch`] (the `mpi`
/// feature); rank 0 counts the job's CPUs with it.
pub fn world_size() -> Option<usize> {
    #[cfg(feature = "mpi")]
    {
        mpi_ranks::world_size()
    }
    #[cfg(not(feature = "mpi"))]
    {
        None
    }
}

/// Ends the launch: rank 0 tells the other ranks to stop, and MPI is finalised.
pub fn finish() {
    #[cfg(feature = "mpi")]
    mpi_ranks::finish();
}
