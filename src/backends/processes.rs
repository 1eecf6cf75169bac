//! `processes`: a pool of N worker processes of parlab itself (the hidden `parlab worker`
//! subcommand), fed over their stdin/stdout pipes in parlab's binary encoding
//! ([`super::wire`]). Items go out in chunks from one queue, so fast workers take more:
//! multiprocessing.Pool.map. The pool is started for each execution and its start-up is
//! part of the time, as in Python's "including pool start".
//!
//! Lifetime: a worker exits as soon as its stdin closes (its reader thread sees end of
//! file), so it cannot outlive parlab even when parlab is killed with SIGKILL; on Linux
//! the kernel also sends it SIGKILL when parlab dies (PR_SET_PDEATHSIG). A worker that
//! dies or sends garbage becomes an error naming it; cancelling kills the pool at once.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::ops::Range;
use std::os::fd::AsFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};

use super::watch::Watch;
use super::wire::{self, Frame, Reader, Writer};
use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, assemble};
use crate::kernels::{ItemCtx, KernelSpec, ParamError, ParamInfo, Partial, Workload};

/// Worker to parent: magic, version and pid, sent first.
const HELLO: u8 = 1;
/// Parent to worker: the kernel spec to build.
const SPEC: u8 = 2;
/// Worker to parent: the workload is built.
const READY: u8 = 3;
/// Parent to worker: run items start..end.
const TASK: u8 = 4;
/// Worker to parent: busy ns, encode ns, then the partial.
const RESULT: u8 = 5;
/// Worker to parent: a message saying why it cannot go on.
const FAILED: u8 = 6;

/// Greeting that proves the program at the other end is a parlab worker.
const MAGIC: &str = "parlab-worker/1";
/// Tasks in flight per worker: the next chunk is already in the pipe when one ends,
/// as with Pool's task queue, so a worker never waits a round trip.
const IN_FLIGHT: usize = 2;
/// How often the parent looks at the cancel flag while it waits.
const POLL: Duration = Duration::from_millis(20);
/// A worker that has not greeted after this long is not a parlab worker.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(20);
/// Pipes this large move big results in fewer context switches (Linux; best effort).
const PIPE_BYTES: i32 = 1 << 20;

/// Environment variable naming the parlab binary to start as workers.
pub const WORKER_ENV: &str = "PARLAB_WORKER_EXE";

static WORKER_PROGRAM: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Sets the parlab binary the `processes` backend starts as workers, overriding
/// `PARLAB_WORKER_EXE` and the search next to the current program (tests and benchmarks,
/// whose own program is not parlab, pass `env!("CARGO_BIN_EXE_parlab")`).
pub fn set_worker_program(path: impl Into<PathBuf>) {
    *WORKER_PROGRAM.lock().unwrap_or_else(PoisonError::into_inner) = Some(path.into());
}

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "chunksize",
    default: "auto",
    help: "processes: items per task sent to a worker process; auto = items / (4 x workers), rounded up, like Pool.map",
}];

pub struct Processes;

const INFO: BackendInfo = BackendInfo {
    id: "processes",
    about: "Worker processes that share nothing: no lock to fight over, but every task and result is encoded and copied through a pipe, and the pool takes time to start.",
    mirrors: "multiprocessing.Pool, ProcessPoolExecutor, loky",
    params: PARAMS,
    kind: BackendKind::OneNode,
};

impl Backend for Processes {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn validate(&self, spec: &KernelSpec) -> Result<(), ParamError> {
        chunksize(spec, 1, 1).map(|_| ())
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let items = job.workload.items();
        let chunksize = chunksize(job.spec, items, job.workers)?;
        let program = worker_program()?;
        let started = Instant::now();
        let mut pool = Pool::start(&program, job.workers, job.spec, job.cancel)?;
        let startup = started.elapsed();
        if let Some(watch) = job.watch {
            for (index, worker) in pool.workers.iter().enumerate() {
                watch.set_pid(index, worker.pid);
            }
        }
        // Work the pool cannot share runs in the parent, as code before Pool.map would.
        let serial = job.workload.serial_part(&ItemCtx::free().cancellable(job.cancel));
        let parts = pool.map(items, chunksize, job.cancel, job.watch)?;
        pool.close();
        let mut stats = std::mem::take(&mut pool.stats);
        stats.startup_s = Some(startup.as_secs_f64());
        let outcome = assemble(job.workload, serial, parts)?;
        Ok(Execution { outcome, stats })
    }
}

/// The chunk size `--param chunksize` asks for, or Pool.map's: items / (4 x workers), rounded up.
fn chunksize(spec: &KernelSpec, items: usize, workers: usize) -> Result<usize, ParamError> {
    match spec.params.get("chunksize").map(String::as_str) {
        None | Some("auto") => Ok(items.div_ceil(4 * workers.max(1)).max(1)),
        Some(text) => {
            text.parse::<usize>().ok().filter(|&k| k >= 1).ok_or_else(|| {
                ParamError::new("chunksize", text, "must be 'auto' or a whole number of items, at least 1")
            })
        }
    }
}

/// Finds the parlab binary to start as workers.
pub(crate) fn worker_program() -> Result<PathBuf, BackendError> {
    let set = WORKER_PROGRAM.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let given = set.map(|p| (p, "set by the program")).or_else(|| {
        std::env::var_os(WORKER_ENV).filter(|v| !v.is_empty()).map(|v| (PathBuf::from(v), "from PARLAB_WORKER_EXE"))
    });
    if let Some((path, source)) = given {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(BackendError::Worker(format!(
                "the worker program {} ({source}) does not exist; point {WORKER_ENV} at the parlab binary",
                path.display()
            )))
        };
    }
    let exe = std::env::current_exe()
        .map_err(|e| BackendError::Worker(format!("cannot tell which program is running ({e}); set {WORKER_ENV}")))?;
    let name = format!("parlab{}", std::env::consts::EXE_SUFFIX);
    let stem = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    // Test binaries live in target/*/deps (the library's own is named parlab-<hash>):
    // never start one of those as a worker.
    let in_deps = exe.parent().and_then(Path::file_name).is_some_and(|d| d == "deps");
    if stem.starts_with("parlab") && !in_deps {
        return Ok(exe);
    }
    let candidates: Vec<PathBuf> = exe.ancestors().skip(1).take(2).map(|dir| dir.join(&name)).collect();
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        BackendError::Worker(format!(
            "the processes backend starts workers of the parlab binary, but this program ({}) is not parlab and none was found at {}; set {WORKER_ENV} to the parlab binary",
            exe.display(),
            candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or ")
        ))
    })
}

/// What a reader thread reports about one worker's output.
enum Event {
    /// A whole frame other than a result arrived.
    Frame { worker: usize, frame: Frame },
    /// A result arrived; the reader thread decoded it (so decoding runs in parallel).
    Result { worker: usize, result: WorkerResult },
    /// The output ended, cleanly or not, or made no sense: the worker is gone or broken.
    Closed { worker: usize, why: Option<String> },
}

/// A decoded result frame.
struct WorkerResult {
    busy_ns: u64,
    encode_ns: u64,
    part: Partial,
    decode: Duration,
    transfer: Duration,
    bytes: u64,
}

/// Where a worker is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Started,
    Greeted,
    Ready,
}

struct WorkerProcess {
    child: Child,
    pid: u32,
    stdin: Option<ChildStdin>,
    stage: Stage,
    outstanding: VecDeque<Range<usize>>,
    reaped: bool,
}

/// A running pool; killing every worker is what dropping it does.
struct Pool {
    /// Workers asked for (some may not be started yet).
    count: usize,
    workers: Vec<WorkerProcess>,
    readers: Vec<JoinHandle<()>>,
    events: Receiver<Event>,
    program: PathBuf,
    stats: ExecStats,
    encode: Duration,
    transfer: Duration,
}

impl Pool {
    /// Starts `count` workers and hands each the spec; returns once all have built it.
    fn start(program: &Path, count: usize, spec: &KernelSpec, cancel: &AtomicBool) -> Result<Self, BackendError> {
        let (tx, events) = unbounded();
        let mut pool = Pool {
            count,
            workers: Vec::with_capacity(count),
            readers: Vec::with_capacity(count),
            events,
            program: program.to_path_buf(),
            stats: ExecStats { worker_busy_s: vec![0.0; count], worker_items: vec![0; count], ..ExecStats::default() },
            encode: Duration::ZERO,
            transfer: Duration::ZERO,
        };
        let encoding = Instant::now();
        let mut frame = Writer::frame(SPEC, 64);
        wire::put_spec(&mut frame, spec);
        let frame = frame.finish();
        pool.encode += encoding.elapsed();
        for index in 0..count {
            if cancel.load(Ordering::Relaxed) {
                return Err(BackendError::Cancelled);
            }
            pool.spawn(program, index, tx.clone())?;
            pool.send(index, &frame)?;
        }
        drop(tx);
        let deadline = Instant::now() + HANDSHAKE_LIMIT;
        while pool.workers.iter().any(|w| w.stage != Stage::Ready) {
            let (worker, frame) = match pool.next_event(cancel, Some(deadline))? {
                Event::Frame { worker, frame } => (worker, frame),
                Event::Result { worker, .. } => {
                    return Err(pool.failure(worker, Some("sent a result before it was asked for one".into())));
                }
                Event::Closed { worker, why } => return Err(pool.failure(worker, why)),
            };
            let (kind, payload) = (frame.kind, frame.payload);
            let stage = pool.workers[worker].stage;
            match (stage, kind) {
                (Stage::Started, HELLO) => {
                    let mut r = Reader::new(&payload);
                    let magic = r.str().unwrap_or_default();
                    let version = r.str().unwrap_or_default();
                    if magic != MAGIC {
                        return Err(pool.failure(worker, Some(format!("{} is not a parlab worker", program.display()))));
                    }
                    if version != env!("CARGO_PKG_VERSION") {
                        return Err(pool.failure(
                            worker,
                            Some(format!(
                                "{} is parlab {version}, but this is parlab {}: point {WORKER_ENV} at the same build",
                                program.display(),
                                env!("CARGO_PKG_VERSION")
                            )),
                        ));
                    }
                    pool.workers[worker].stage = Stage::Greeted;
                }
                (Stage::Greeted, READY) => pool.workers[worker].stage = Stage::Ready,
                (_, FAILED) => {
                    let why = Reader::new(&payload).str().unwrap_or_else(|_| "no reason given".into());
                    return Err(pool.failure(worker, Some(format!("could not start: {why}"))));
                }
                _ => {
                    return Err(pool.failure(worker, Some(format!("sent a malformed greeting (message kind {kind})"))));
                }
            }
        }
        Ok(pool)
    }

    fn spawn(&mut self, program: &Path, index: usize, tx: Sender<Event>) -> Result<(), BackendError> {
        let mut child = Command::new(program)
            .arg("worker")
            .arg("--parent")
            .arg(std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                BackendError::Worker(format!("could not start worker process {index} ({}): {e}", program.display()))
            })?;
        let pid = child.id();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        self.workers.push(WorkerProcess {
            child,
            pid,
            stdin,
            stage: Stage::Started,
            outstanding: VecDeque::new(),
            reaped: false,
        });
        let stdout =
            stdout.ok_or_else(|| BackendError::Worker(format!("worker process {index} has no output pipe")))?;
        #[cfg(target_os = "linux")]
        let _ = nix::fcntl::fcntl(stdout.as_fd(), nix::fcntl::FcntlArg::F_SETPIPE_SZ(PIPE_BYTES));
        let reader = thread::Builder::new()
            .name(format!("parlab-pool-{index}"))
            .spawn(move || {
                let mut input = BufReader::with_capacity(1 << 16, stdout);
                // One buffer for every frame: big results do not touch fresh pages each time.
                let mut buffer = Vec::new();
                loop {
                    let event = match wire::read_frame_into(&mut input, &mut buffer) {
                        Ok(Some((RESULT, transfer))) => {
                            let decoding = Instant::now();
                            match decode_result(&buffer) {
                                Ok((busy_ns, encode_ns, part)) => Event::Result {
                                    worker: index,
                                    result: WorkerResult {
                                        busy_ns,
                                        encode_ns,
                                        part,
                                        decode: decoding.elapsed(),
                                        transfer,
                                        bytes: (wire::HEADER_BYTES + buffer.len()) as u64,
                                    },
                                },
                                Err(e) => {
                                    Event::Closed { worker: index, why: Some(format!("sent a malformed result ({e})")) }
                                }
                            }
                        }
                        Ok(Some((kind, transfer))) => Event::Frame {
                            worker: index,
                            frame: Frame { kind, payload: std::mem::take(&mut buffer), transfer },
                        },
                        Ok(None) => Event::Closed { worker: index, why: None },
                        Err(e) => Event::Closed { worker: index, why: Some(format!("sent a malformed message ({e})")) },
                    };
                    let last = matches!(event, Event::Closed { .. });
                    if tx.send(event).is_err() || last {
                        break;
                    }
                }
            })
            .map_err(|e| BackendError::Worker(format!("could not start a reader thread: {e}")))?;
        self.readers.push(reader);
        Ok(())
    }

    /// Writes a finished frame to a worker's stdin.
    fn send(&mut self, worker: usize, frame: &[u8]) -> Result<(), BackendError> {
        let started = Instant::now();
        let written = match self.workers[worker].stdin.as_mut() {
            Some(stdin) => wire::write_frame(stdin, frame),
            None => Err(io::Error::new(io::ErrorKind::BrokenPipe, "input already closed")),
        };
        self.transfer += started.elapsed();
        match written {
            Ok(()) => {
                self.stats.messages += 1;
                self.stats.bytes_sent += frame.len() as u64;
                Ok(())
            }
            // A broken pipe means the worker is gone: tell how it ended.
            Err(_) => Err(self.failure(worker, None)),
        }
    }

    /// The next frame or result from any worker; a closed output is that worker's failure.
    fn next_event(&mut self, cancel: &AtomicBool, deadline: Option<Instant>) -> Result<Event, BackendError> {
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(BackendError::Cancelled);
            }
            if let Some(deadline) = deadline
                && Instant::now() > deadline
            {
                let slow = self.workers.iter().position(|w| w.stage != Stage::Ready).unwrap_or(0);
                return Err(self.failure(
                    slow,
                    Some(format!(
                        "did not greet within {} s: is {} the parlab binary?",
                        HANDSHAKE_LIMIT.as_secs(),
                        self.program.display()
                    )),
                ));
            }
            match self.events.recv_timeout(POLL) {
                Ok(Event::Frame { worker, frame }) => {
                    self.stats.messages += 1;
                    self.stats.bytes_received += frame.wire_bytes();
                    self.transfer += frame.transfer;
                    return Ok(Event::Frame { worker, frame });
                }
                Ok(Event::Result { worker, result }) => {
                    self.stats.messages += 1;
                    self.stats.bytes_received += result.bytes;
                    self.transfer += result.transfer;
                    self.encode += result.decode + Duration::from_nanos(result.encode_ns);
                    return Ok(Event::Result { worker, result });
                }
                Ok(Event::Closed { worker, why }) => return Err(self.failure(worker, why)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(BackendError::Worker("every worker process closed its output".into()));
                }
            }
        }
    }

    fn send_task(&mut self, worker: usize, range: Range<usize>) -> Result<(), BackendError> {
        let started = Instant::now();
        let mut frame = Writer::frame(TASK, 16);
        frame.u64(range.start as u64).u64(range.end as u64);
        let frame = frame.finish();
        self.encode += started.elapsed();
        self.workers[worker].outstanding.push_back(range);
        self.send(worker, &frame)
    }

    /// Puts on the watch board the chunk `worker` is running now: the first it has not
    /// returned (the next one waits in its pipe).
    fn mark(&self, worker: usize, watch: Option<&Watch>) {
        if let Some(watch) = watch {
            match self.workers[worker].outstanding.front() {
                Some(range) => watch.begin(worker, range),
                None => watch.end(worker),
            }
        }
    }

    /// Runs every item in chunks of `chunksize`, handing the next chunk to whichever
    /// worker returns a result; the partials come back in any order.
    fn map(
        &mut self,
        items: usize,
        chunksize: usize,
        cancel: &AtomicBool,
        watch: Option<&Watch>,
    ) -> Result<Vec<Partial>, BackendError> {
        let mut chunks: VecDeque<Range<usize>> =
            (0..items).step_by(chunksize).map(|start| start..(start + chunksize).min(items)).collect();
        let total = chunks.len();
        for _ in 0..IN_FLIGHT {
            for worker in 0..self.workers.len() {
                if let Some(chunk) = chunks.pop_front() {
                    self.send_task(worker, chunk)?;
                }
            }
        }
        for worker in 0..self.workers.len() {
            self.mark(worker, watch);
        }
        let mut parts = Vec::with_capacity(total);
        while parts.len() < total {
            match self.next_event(cancel, None)? {
                Event::Result { worker, result } => {
                    let part = result.part;
                    let expected = self.workers[worker].outstanding.front().cloned();
                    let matches = expected
                        .as_ref()
                        .is_some_and(|r| part.first_item == r.start as u64 && part.item_count == r.len() as u64);
                    if !matches {
                        let got = format!("items {}..{}", part.first_item, part.first_item + part.item_count);
                        return Err(self.failure(worker, Some(format!("returned {got}, which it was not asked for"))));
                    }
                    self.workers[worker].outstanding.pop_front();
                    self.stats.worker_busy_s[worker] += result.busy_ns as f64 * 1e-9;
                    self.stats.worker_items[worker] += part.item_count;
                    parts.push(part);
                    if let Some(chunk) = chunks.pop_front() {
                        self.send_task(worker, chunk)?;
                    }
                    self.mark(worker, watch);
                }
                Event::Frame { worker, frame } if frame.kind == FAILED => {
                    let why = Reader::new(&frame.payload).str().unwrap_or_else(|_| "no reason given".into());
                    return Err(self.failure(worker, Some(format!("failed: {why}"))));
                }
                Event::Frame { worker, frame } => {
                    let kind = frame.kind;
                    return Err(self.failure(worker, Some(format!("sent a message of unknown kind {kind}"))));
                }
                Event::Closed { worker, why } => return Err(self.failure(worker, why)),
            }
        }
        Ok(parts)
    }

    /// Closes every worker's input, so they exit, and waits for them.
    fn close(&mut self) {
        for worker in &mut self.workers {
            worker.stdin = None;
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        for worker in &mut self.workers {
            while !worker.reaped {
                match worker.child.try_wait() {
                    Ok(Some(_)) | Err(_) => worker.reaped = true,
                    Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_micros(200)),
                    Ok(None) => {
                        let _ = worker.child.kill();
                        let _ = worker.child.wait();
                        worker.reaped = true;
                    }
                }
            }
        }
        self.stats.encode_s = Some(self.encode.as_secs_f64());
        self.stats.transfer_s = Some(self.transfer.as_secs_f64());
    }

    /// Turns a worker's misbehaviour into an error that names it, with how it ended.
    fn failure(&mut self, index: usize, what: Option<String>) -> BackendError {
        let count = self.count;
        let worker = &mut self.workers[index];
        // Give a dying worker a moment, so its exit status can be told; one that is
        // alive but talking nonsense is killed at once (and its status is then ours).
        let deadline = Instant::now() + Duration::from_millis(250);
        let status: Option<ExitStatus> = loop {
            match worker.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if what.is_none() && Instant::now() < deadline => thread::sleep(Duration::from_millis(2)),
                _ => {
                    let _ = worker.child.kill();
                    let _ = worker.child.wait();
                    break None;
                }
            }
        };
        worker.reaped = true;
        let how = match (what, status) {
            (Some(what), _) => what,
            (None, Some(status)) => match (status.code(), status.signal()) {
                (_, Some(signal)) => format!("was killed by signal {signal}{}", signal_name(signal)),
                (Some(code), _) => format!("exited with code {code}"),
                _ => "ended".into(),
            },
            (None, None) => "stopped talking to parlab (it was killed)".into(),
        };
        let doing = worker
            .outstanding
            .front()
            .map_or(String::new(), |r| format!(" while running items {}..{}", r.start, r.end));
        let mut stderr = String::new();
        if let Some(mut pipe) = worker.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let stderr = stderr.trim();
        let said = if stderr.is_empty() {
            String::new()
        } else {
            let tail: String = stderr.chars().rev().take(400).collect::<Vec<_>>().into_iter().rev().collect();
            format!("; it said: {tail}")
        };
        BackendError::Worker(format!("worker process {index} of {count} (pid {}) {how}{doing}{said}", worker.pid))
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.stdin = None;
            if !worker.reaped {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                worker.reaped = true;
            }
        }
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

fn signal_name(signal: i32) -> String {
    nix::sys::signal::Signal::try_from(signal).map_or(String::new(), |s| format!(" ({})", s.as_str()))
}

fn decode_result(payload: &[u8]) -> Result<(u64, u64, Partial), wire::WireError> {
    let mut r = Reader::new(payload);
    let busy_ns = r.u64()?;
    let encode_ns = r.u64()?;
    let part = wire::get_partial(&mut r)?;
    r.end()?;
    Ok((busy_ns, encode_ns, part))
}

/// The body of the hidden `parlab worker` subcommand: greets on stdout, builds the spec it
/// is sent, runs the ranges it is sent and returns their partials, until stdin closes.
pub fn serve_worker(parent: Option<u32>) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        // Belt and braces: killed with the parent even in the middle of an item.
        let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
        if parent.is_some_and(|p| nix::unistd::getppid().as_raw() as u32 != p) {
            return Ok(()); // the parent died before the line above took effect
        }
    }
    let _ = parent;
    let duplicate = |fd: std::os::fd::BorrowedFd| fd.try_clone_to_owned().map(File::from);
    let mut output = duplicate(io::stdout().as_fd()).map_err(|e| format!("no standard output: {e}"))?;
    let input = duplicate(io::stdin().as_fd()).map_err(|e| format!("no standard input: {e}"))?;
    let (tx, frames) = unbounded::<Frame>();
    thread::Builder::new()
        .name("parlab-worker-input".into())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                match wire::read_frame(&mut input) {
                    Ok(Some(frame)) => {
                        if tx.send(frame).is_err() {
                            return;
                        }
                    }
                    // The parent closed the pipe or died: stop now, even mid-item. Nothing
                    // is left to flush, so exiting from this thread is the point.
                    Ok(None) => std::process::exit(0),
                    Err(e) => {
                        eprintln!("parlab worker: unreadable input from the parent: {e}");
                        std::process::exit(3)
                    }
                }
            }
        })
        .map_err(|e| format!("could not start the input thread: {e}"))?;

    let send = |output: &mut File, frame: &[u8]| wire::write_frame(output, frame).map_err(|e| e.to_string());
    let fail = |output: &mut File, why: &str| {
        let mut frame = Writer::frame(FAILED, why.len() + 8);
        frame.str(why);
        let _ = wire::write_frame(output, &frame.finish());
        why.to_string()
    };
    let mut hello = Writer::frame(HELLO, 64);
    hello.str(MAGIC).str(env!("CARGO_PKG_VERSION")).u64(u64::from(std::process::id()));
    send(&mut output, &hello.finish())?;

    let mut workload: Option<Box<dyn Workload>> = None;
    let ctx = ItemCtx::free();
    // One buffer for every result: big results do not touch fresh pages each time.
    let mut spare = Vec::new();
    for frame in frames {
        let mut r = Reader::new(&frame.payload);
        match frame.kind {
            SPEC => {
                let spec = wire::get_spec(&mut r).map_err(|e| fail(&mut output, &format!("unreadable spec: {e}")))?;
                let built = spec.build().map_err(|e| fail(&mut output, &e.to_string()))?;
                workload = Some(super::fault::wrap_owned(built));
                send(&mut output, &Writer::frame(READY, 0).finish())?;
            }
            TASK => {
                let Some(work) = workload.as_deref() else {
                    return Err(fail(&mut output, "a task came before the spec"));
                };
                let (start, end) = match (r.u64(), r.u64()) {
                    (Ok(start), Ok(end)) if start <= end && end <= work.items() as u64 => {
                        (start as usize, end as usize)
                    }
                    _ => return Err(fail(&mut output, "a task with an impossible range")),
                };
                let started = Instant::now();
                let part = work.run_range(start..end, &ctx);
                let busy = started.elapsed();
                let encoding = Instant::now();
                let mut result = Writer::frame_in(RESULT, std::mem::take(&mut spare), 16 + part.wire_bytes());
                result.u64(busy.as_nanos() as u64).u64(0);
                wire::put_partial(&mut result, &part);
                drop(part);
                result.patch_u64(8, encoding.elapsed().as_nanos() as u64);
                spare = result.finish();
                send(&mut output, &spare)?;
            }
            kind => return Err(fail(&mut output, &format!("unknown message kind {kind}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunksize_follows_pool_map() {
        let spec = KernelSpec::new("pi").unwrap();
        // Pool.map: divmod(len, 4 * workers), plus one if there is a remainder.
        assert_eq!(chunksize(&spec, 100, 2).unwrap(), 13);
        assert_eq!(chunksize(&spec, 96, 2).unwrap(), 12);
        assert_eq!(chunksize(&spec, 3, 7).unwrap(), 1);
        let mut spec = spec;
        spec.params.insert("chunksize".into(), "1000".into());
        assert_eq!(chunksize(&spec, 3, 7).unwrap(), 1000);
        spec.params.insert("chunksize".into(), "0".into());
        assert!(chunksize(&spec, 3, 7).unwrap_err().to_string().contains("chunksize=0"));
    }
}
