//! `mpi` (cargo feature `mpi`): the ranks of the [`Comm`] interface are real MPI processes
//! started by mpirun or srun, through rsmpi. Every rank runs the same `parlab run`
//! command; rank 0 runs the plan and prints, and the other ranks sit in [`serve`], a loop
//! that takes commands from rank 0 (run this spec, or stop). Each execution on rank 0 is
//! one command, so warm-ups and repetitions stay in lock-step on every rank.
//!
//! A cancelled or timed-out execution (the job's stop flag) is told to every rank: rank 0
//! sends each a CANCEL message on a tag of its own, naming the execution, and a listener
//! thread on each rank raises that rank's stop flag, so its kernel stops between blocks
//! and the gather completes at once; the ranks stay in step. A rank that still does not
//! answer within [`GRACE`] of being told is given up on: the run fails, and [`finish`]
//! aborts the whole MPI job instead of waiting for it forever.
//!
//! MPI can be initialised once per process and must be finalised before it exits: the
//! session lives in a static, started by [`launch`] (or lazily) and ended by [`finish`].

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use ::mpi::environment::Universe;
use ::mpi::point_to_point::MatchedReceiveVec;
use ::mpi::topology::SimpleCommunicator;
use ::mpi::traits::{Communicator, CommunicatorCollectives, Destination, Root, Source};
use ::mpi::{Tag, Threading};

use super::comm::{Comm, CommError, Traffic, run_share};
use super::watch::Watch;
use super::wire::{self, Reader, Writer};
use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, Launch, assemble};
use crate::kernels::{ItemCtx, Workload};

/// Command: run the spec that follows.
const EXECUTE: u8 = 1;
/// Command: leave the serving loop.
const STOP: u8 = 2;
/// The tag of commands, partials and every other message of the [`Comm`].
const WORK: Tag = 0;
/// The tag of "stop the execution numbered N", which a rank's listener takes while the
/// rank computes.
const CANCEL: Tag = 1;
/// How long rank 0 waits for a rank it told to stop before it gives up on it.
const GRACE: Duration = Duration::from_secs(5);
/// How often a rank's listener looks for a CANCEL.
const LISTEN: Duration = Duration::from_millis(2);
/// After a command, a waiting rank polls without sleeping for this long (the next
/// repetition follows at once); later it naps between polls, so that a rank waiting
/// while rank 0 measures other backends leaves the cores to them.
const EAGER: Duration = Duration::from_millis(50);
const NAP: Duration = Duration::from_micros(500);

enum Session {
    NotStarted,
    // The universe is held only to be dropped: that finalises MPI.
    Running {
        _universe: Universe,
        rank: usize,
        size: usize,
        /// MPI may be called from two threads at once (MPI_THREAD_MULTIPLE), so a
        /// listener can wait for CANCEL while the rank computes.
        threads: bool,
    },
    Finished,
}

static SESSION: Mutex<Session> = Mutex::new(Session::NotStarted);

/// The number of rank 0's next execution, sent with EXECUTE and CANCEL, so that a rank
/// never takes a CANCEL meant for an earlier execution.
static EXECUTION: AtomicU64 = AtomicU64::new(1);

/// Rank 0 gave up on a rank that did not answer: the world is out of step.
static BROKEN: AtomicBool = AtomicBool::new(false);

/// This process's (rank, size), initialising MPI on first use.
fn world() -> Result<(usize, usize), BackendError> {
    world_and_threads().map(|(rank, size, _)| (rank, size))
}

/// This process's (rank, size, whether MPI may be called from several threads).
fn world_and_threads() -> Result<(usize, usize, bool), BackendError> {
    let mut session = SESSION.lock().unwrap_or_else(PoisonError::into_inner);
    match &*session {
        Session::Running { rank, size, threads, .. } => Ok((*rank, *size, *threads)),
        Session::Finished => Err(BackendError::Worker("MPI was already finalised in this process".into())),
        Session::NotStarted => {
            let (universe, provided) = ::mpi::initialize_with_threading(Threading::Multiple)
                .ok_or_else(|| BackendError::Worker("MPI could not be initialised (already initialised?)".into()))?;
            let world = universe.world();
            let (rank, size) = (world.rank() as usize, world.size() as usize);
            let threads = provided == Threading::Multiple;
            *session = Session::Running { _universe: universe, rank, size, threads };
            Ok((rank, size, threads))
        }
    }
}

/// Whether an MPI launcher (mpirun, mpiexec, srun with PMI) started this process.
fn launched_by_mpi() -> bool {
    ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS"]
        .iter()
        .any(|name| std::env::var_os(name).is_some())
}

/// See [`super::launch`].
pub fn launch(backends: &[String]) -> Launch {
    let wanted = backends.iter().any(|b| b == Mpi.id());
    if !wanted && !launched_by_mpi() {
        return Launch::Root { note: None };
    }
    match world() {
        Err(e) => Launch::Root { note: Some(format!("mpi: {e}")) },
        Ok((0, 1)) if wanted => Launch::Root {
            note: Some(
                "mpi: not started by mpirun or srun, so MPI runs as a single rank (world size 1); \
                 start parlab with `mpirun -n 4 parlab run ...` to spread the work over 4 processes"
                    .into(),
            ),
        },
        // Rank 0's machine facts count the whole job's CPUs (sysmon's job_cpus, told the
        // world size by `world_size`), not the one core the launcher bound it to.
        Ok((0, _)) => Launch::Root { note: None },
        Ok(_) => Launch::Served(serve()),
    }
}

/// See [`super::world_size`].
pub fn world_size() -> Option<usize> {
    match &*SESSION.lock().unwrap_or_else(PoisonError::into_inner) {
        Session::Running { size, .. } => Some(*size),
        _ => None,
    }
}

/// See [`super::finish`].
pub fn finish() {
    let mut session = SESSION.lock().unwrap_or_else(PoisonError::into_inner);
    if let Session::Running { rank: 0, size, .. } = &*session {
        if BROKEN.load(Ordering::Relaxed) {
            // A rank that ignored CANCEL would never take STOP, and MPI_Finalize would
            // wait for it: end the whole job (the error was printed before).
            SimpleCommunicator::world().abort(1);
        }
        let comm = MpiComm::new(0, *size);
        for rank in 1..*size {
            let _ = comm.send(rank, vec![STOP]);
        }
    }
    // Dropping the universe calls MPI_Finalize.
    *session = Session::Finished;
}

/// This process's rank of MPI_COMM_WORLD as a [`Comm`], initialising MPI if needed
/// (call [`super::finish`] before exiting).
pub fn world_comm() -> Result<impl Comm, BackendError> {
    let (rank, size) = world()?;
    Ok(MpiComm::new(rank, size))
}

/// A [`Comm`] over MPI_COMM_WORLD.
struct MpiComm<'a> {
    rank: usize,
    size: usize,
    traffic: Cell<Traffic>,
    /// Rank 0 during an execution: the job's stop flag, the execution's number, and its
    /// watch board (a rank is done when its partial arrives).
    execution: Option<(&'a AtomicBool, u64, &'a Watch)>,
    /// When the other ranks were told to stop.
    told: Cell<Option<Instant>>,
}

impl<'a> MpiComm<'a> {
    fn new(rank: usize, size: usize) -> Self {
        Self { rank, size, traffic: Cell::new(Traffic::default()), execution: None, told: Cell::new(None) }
    }

    /// Rank 0's comm for execution `number`, stopped by `stop`.
    fn leading(size: usize, stop: &'a AtomicBool, number: u64, watch: &'a Watch) -> Self {
        Self { execution: Some((stop, number, watch)), ..Self::new(0, size) }
    }

    /// Tells every other rank to stop execution `number`.
    fn tell_stop(&self, number: u64) {
        let world = SimpleCommunicator::world();
        for rank in 1..self.size {
            world.process_at_rank(rank as i32).send_with_tag(&number.to_le_bytes()[..], CANCEL);
        }
        self.told.set(Some(Instant::now()));
    }

    fn count(&self, update: impl FnOnce(&mut Traffic)) {
        let mut traffic = self.traffic.get();
        update(&mut traffic);
        self.traffic.set(traffic);
    }

    fn check(&self, rank: usize) -> Result<i32, CommError> {
        if rank < self.size { Ok(rank as i32) } else { Err(CommError::NoSuchRank { rank, size: self.size }) }
    }
}

impl Comm for MpiComm<'_> {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn send(&self, to: usize, message: Vec<u8>) -> Result<(), CommError> {
        let to = self.check(to)?;
        SimpleCommunicator::world().process_at_rank(to).send_with_tag(&message[..], WORK);
        self.count(|t| t.sent(message.len()));
        Ok(())
    }

    fn recv(&self, from: usize) -> Result<Vec<u8>, CommError> {
        let peer = from;
        let from = self.check(from)?;
        let world = SimpleCommunicator::world();
        let process = world.process_at_rank(from);
        if let Some((stop, number, watch)) = self.execution {
            // Rank 0 waits without blocking in MPI, so that it notices the stop flag and
            // tells the others, and gives up on a rank that does not answer.
            let since = Instant::now();
            while process.immediate_probe_with_tag(WORK).is_none() {
                if stop.load(Ordering::Relaxed) && self.told.get().is_none() {
                    self.tell_stop(number);
                }
                if self.told.get().is_some_and(|told| told.elapsed() > GRACE) {
                    BROKEN.store(true, Ordering::Relaxed);
                    return Err(CommError::Gone { peer });
                }
                if since.elapsed() < EAGER {
                    thread::yield_now();
                } else {
                    thread::sleep(NAP);
                }
            }
            watch.end(peer);
        }
        let (message, _status) = process.receive_vec_with_tag::<u8>(WORK);
        self.count(|t| t.received(message.len()));
        Ok(message)
    }

    fn traffic(&self) -> Traffic {
        self.traffic.get()
    }

    /// MPI_Bcast of the length, then of the bytes.
    fn bcast(&self, root: usize, message: Option<Vec<u8>>) -> Result<Vec<u8>, CommError> {
        let root_rank = self.check(root)?;
        let world = SimpleCommunicator::world();
        let process = world.process_at_rank(root_rank);
        let mut message =
            if self.rank == root { message.ok_or(CommError::NoRootMessage("bcast"))? } else { Vec::new() };
        let mut length = message.len() as u64;
        process.broadcast_into(&mut length);
        message.resize(length as usize, 0);
        process.broadcast_into(&mut message[..]);
        if self.rank == root {
            self.count(|t| t.sent(message.len()));
        } else {
            self.count(|t| t.received(message.len()));
        }
        Ok(message)
    }

    fn barrier(&self) -> Result<(), CommError> {
        SimpleCommunicator::world().barrier();
        Ok(())
    }
}

/// Waits for rank 0's next message without spinning a core for long.
fn wait_for_root() {
    let world = SimpleCommunicator::world();
    let root = world.process_at_rank(0);
    let since = Instant::now();
    while root.immediate_probe_with_tag(WORK).is_none() {
        if since.elapsed() < EAGER {
            thread::yield_now();
        } else {
            thread::sleep(NAP);
        }
    }
}

/// A workload built from a spec, or why it could not be.
type Built = Result<Box<dyn Workload>, String>;

/// Raises `stop` when rank 0 sends CANCEL for execution `number`, until `done`; takes
/// (and drops) CANCELs of earlier executions that came too late to matter.
fn listen(number: u64, stop: &AtomicBool, done: &AtomicBool) {
    let world = SimpleCommunicator::world();
    let root = world.process_at_rank(0);
    while !done.load(Ordering::Relaxed) {
        match root.immediate_matched_probe_with_tag(CANCEL) {
            Some(probed) => {
                let (bytes, _) = probed.matched_receive_vec::<u8>();
                if bytes.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes) == Some(number) {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            None => thread::sleep(LISTEN),
        }
    }
}

/// The loop of every rank but 0: run what rank 0 says until it says stop.
fn serve() -> Result<(), BackendError> {
    let (rank, size, threads) = world_and_threads()?;
    let comm = MpiComm::new(rank, size);
    let mut cached: Option<(Vec<u8>, Built)> = None;
    loop {
        wait_for_root();
        let command = comm.recv(0).map_err(|e| BackendError::Worker(format!("rank {rank}: {e}")))?;
        match command.split_first() {
            Some((&EXECUTE, command)) => {
                let Some((number, spec)) = command.split_first_chunk::<8>() else {
                    return Err(BackendError::Worker(format!("rank {rank}: unreadable command from rank 0")));
                };
                let number = u64::from_le_bytes(*number);
                if cached.as_ref().is_none_or(|(bytes, _)| bytes != spec) {
                    let built = wire::get_spec(&mut Reader::new(spec))
                        .map_err(|e| format!("unreadable spec: {e}"))
                        .and_then(|spec| spec.build().map(super::fault::wrap_owned).map_err(|e| e.to_string()));
                    cached = Some((spec.to_vec(), built));
                }
                let workload = match cached.as_ref().map(|(_, built)| built) {
                    Some(Ok(work)) => Ok(work.as_ref()),
                    Some(Err(why)) => Err(why.clone()),
                    None => Err("no workload".to_string()),
                };
                let (stop, done) = (AtomicBool::new(false), AtomicBool::new(false));
                let ctx = ItemCtx::free().cancellable(&stop);
                let shared = thread::scope(|scope| {
                    if threads {
                        scope.spawn(|| listen(number, &stop, &done));
                    }
                    let shared = run_share(&comm, workload, &ctx);
                    done.store(true, Ordering::Relaxed);
                    shared
                });
                shared?;
            }
            Some((&STOP, _)) => return Ok(()),
            _ => return Err(BackendError::Worker(format!("rank {rank}: unreadable command from rank 0"))),
        }
    }
}

pub struct Mpi;

const INFO: BackendInfo = BackendInfo {
    id: super::MPI_ID,
    about: "Real MPI processes started by mpirun or srun, possibly on several machines: rank 0 sends the work out and gathers the results.",
    mirrors: "mpi4py on a cluster (mpirun -n N / srun)",
    params: &[],
    kind: BackendKind::Launched,
};

impl Backend for Mpi {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn fixed_workers(&self) -> Option<usize> {
        // The world size is set by the launcher. A process no launcher started is a world
        // of one, known without initialising MPI: a parlab that launches MPI jobs itself
        // (`--launcher`) must not become an MPI singleton, whose environment would leak
        // into the jobs it starts.
        if let Some(size) = world_size() {
            return Some(size);
        }
        if !launched_by_mpi() {
            return Some(1);
        }
        Some(world().map_or(1, |(_, size)| size))
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let (rank, size) = world()?;
        if rank != 0 {
            return Err(BackendError::Worker(format!("rank {rank} cannot lead an execution; rank 0 does")));
        }
        if job.workers != size {
            return Err(BackendError::Workers {
                backend: "mpi",
                workers: job.workers,
                why: format!("the MPI world has {size} ranks; start parlab with mpirun -n {}", job.workers),
            });
        }
        let number = EXECUTION.fetch_add(1, Ordering::Relaxed);
        let board = Watch::new(size);
        let watch = job.watch.unwrap_or(&board);
        let comm = MpiComm::leading(size, job.cancel, number, watch);
        // Serial work happens on rank 0 before the others hear what to do.
        let serial = job.workload.serial_part(&ItemCtx::free().cancellable(job.cancel));
        let started = Instant::now();
        let mut command = Writer::new();
        command.u8(EXECUTE).u64(number);
        wire::put_spec(&mut command, job.spec);
        let command = command.finish();
        let encode = started.elapsed();
        for other in 1..size {
            comm.send(other, command.clone()).map_err(|e| BackendError::Worker(format!("rank 0: {e}")))?;
        }
        let startup = started.elapsed();
        let ranges = super::static_ranges(job.workload.items(), size);
        for (rank, range) in ranges.iter().enumerate().skip(1) {
            watch.set_remote(rank);
            watch.begin(rank, range);
        }
        let gathered = run_share(&comm, Ok(job.workload), &ItemCtx::free().cancellable(job.cancel))?
            .ok_or_else(|| BackendError::Coverage("rank 0 gathered nothing".into()))?;
        let traffic = comm.traffic();
        let stats = ExecStats {
            startup_s: Some(startup.as_secs_f64()),
            // Each rank sends its command's answer: one message back per message out.
            messages: traffic.messages_sent + traffic.messages_received,
            bytes_sent: traffic.bytes_sent,
            bytes_received: traffic.bytes_received,
            encode_s: Some((gathered.encode + encode).as_secs_f64()),
            worker_busy_s: gathered.busy_s,
            worker_items: gathered.items,
            ..ExecStats::default()
        };
        let outcome = assemble(job.workload, serial, gathered.parts)?;
        Ok(Execution { outcome, stats })
    }
}
