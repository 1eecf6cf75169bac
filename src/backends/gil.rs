//! `gil`: threads that must hold one global interpreter lock while doing interpreted
//! work, as in CPython. A thread keeps the lock until another has waited for a switch
//! interval (CPython's default is 5 ms), then hands it over; native and I/O sections
//! (marked by kernels with `ItemCtx::native`) run with the lock released.
//!
//! The switch works as CPython's does (Python/ceval_gil.c): the *waiting* thread times
//! the interval (a timed wait on the lock's condition variable) and, if the lock has not
//! changed hands meanwhile, sets a drop request; the holder only reads that flag at its
//! checkpoints (CPython's eval breaker), one relaxed load, and hands the lock to the
//! longest waiter. An earlier version had the holder read the clock at every checkpoint
//! while another thread waited: on this VM that cost integral 2 threads 0.90x of one,
//! where CPython 3.11's ThreadPoolExecutor gives about 1.0x (tests/python_fidelity.rs).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{
    Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job, WorkerTally, assemble, on_threads,
    static_ranges,
};
use crate::kernels::{GlobalLock, ItemCtx, KernelSpec, ParamError, ParamInfo};

pub struct GilThreads;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "switch_ms",
    default: "5",
    help: "gil: milliseconds a thread may keep the lock while another waits (CPython: sys.setswitchinterval, 5 ms)",
}];

const INFO: BackendInfo = BackendInfo {
    id: "gil",
    about: "Threads that take turns holding one interpreter lock: CPU-bound Python threads keep about one core busy, however many there are.",
    mirrors: "CPython threading, ThreadPoolExecutor, multiprocessing.pool.ThreadPool",
    params: PARAMS,
    kind: BackendKind::OneNode,
};

impl Backend for GilThreads {
    fn info(&self) -> &'static BackendInfo {
        &INFO
    }
    fn validate(&self, spec: &KernelSpec) -> Result<(), ParamError> {
        switch_interval(spec).map(|_| ())
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let gil = Gil::new(switch_interval(job.spec)?);
        let workload = job.workload;
        let tally = WorkerTally::for_job(job);

        // The main thread is a Python thread too: it does the serial part under the lock.
        let main = GilHandle { gil: &gil, me: job.workers };
        main.acquire();
        let serial = workload.serial_part(&ItemCtx::with_lock(&main).cancellable(job.cancel));
        main.release();

        let blocks = static_ranges(workload.items(), job.workers);
        let parts = on_threads("parlab-gil", job.workers, |worker| {
            let handle = GilHandle { gil: &gil, me: worker };
            handle.acquire();
            let part = tally.run(worker, blocks[worker].clone(), |r| {
                workload.run_range(r, &ItemCtx::with_lock(&handle).cancellable(job.cancel))
            });
            handle.release();
            part
        })?;
        let outcome = assemble(workload, serial, parts)?;
        let mut stats = ExecStats { lock_handovers: gil.handovers.load(Ordering::Relaxed), ..ExecStats::default() };
        tally.into_stats(&mut stats);
        Ok(Execution { outcome, stats })
    }
}

/// The switch interval from `--param switch_ms`.
fn switch_interval(spec: &KernelSpec) -> Result<Duration, ParamError> {
    let switch_ms: f64 = spec.param("switch_ms", 5.0)?;
    if !(switch_ms > 0.0 && switch_ms <= 10_000.0) {
        return Err(ParamError::new("switch_ms", switch_ms, "must be more than 0 and at most 10000 milliseconds"));
    }
    Ok(Duration::from_secs_f64(switch_ms / 1000.0))
}

/// The emulated interpreter lock: handed over in first-come order, so a thread that
/// lets go cannot grab it straight back while others wait (CPython's forced switching).
pub struct Gil {
    state: Mutex<GilState>,
    turn: Condvar,
    /// Set by a thread that waited a whole interval without the lock changing hands;
    /// the holder lets go at its next checkpoint (CPython's gil_drop_request).
    drop_request: AtomicBool,
    interval: Duration,
    handovers: AtomicU64,
}

struct GilState {
    holder: Option<usize>,
    queue: VecDeque<usize>,
    /// Handovers so far, for a waiter to tell whether the lock moved while it waited.
    switches: u64,
}

impl Gil {
    /// A free lock with the given switch interval.
    pub fn new(interval: Duration) -> Self {
        Self {
            state: Mutex::new(GilState { holder: None, queue: VecDeque::new(), switches: 0 }),
            turn: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval,
            handovers: AtomicU64::new(0),
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, GilState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn acquire(&self, me: usize) {
        let mut state = self.lock_state();
        if state.holder.is_none() && state.queue.is_empty() {
            state.holder = Some(me);
            return;
        }
        state.queue.push_back(me);
        while state.holder != Some(me) {
            let switches = state.switches;
            let (next, timeout) = self.turn.wait_timeout(state, self.interval).unwrap_or_else(PoisonError::into_inner);
            state = next;
            // A whole interval without a switch: ask the holder to let go.
            if timeout.timed_out() && state.holder != Some(me) && state.switches == switches {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
    }

    fn release(&self, me: usize) {
        let mut state = self.lock_state();
        debug_assert_eq!(state.holder, Some(me));
        self.drop_request.store(false, Ordering::Relaxed);
        state.holder = state.queue.pop_front();
        if state.holder.is_some() {
            state.switches += 1;
            self.handovers.fetch_add(1, Ordering::Relaxed);
            drop(state);
            self.turn.notify_all();
        }
    }
}

/// One thread's view of the lock.
struct GilHandle<'a> {
    gil: &'a Gil,
    me: usize,
}

impl GlobalLock for GilHandle<'_> {
    #[inline]
    fn checkpoint(&self) {
        // One relaxed load, like CPython's eval breaker; the waiter did the timing.
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.gil.release(self.me);
            self.gil.acquire(self.me);
        }
    }
    fn release(&self) {
        self.gil.release(self.me);
    }
    fn acquire(&self) {
        self.gil.acquire(self.me);
    }
}
