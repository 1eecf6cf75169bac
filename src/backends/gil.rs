//! `gil`: threads that must hold one global interpreter lock while doing interpreted
//! work, as in CPython. A thread keeps the lock until another has waited for a switch
//! interval (CPython's default is 5 ms), then hands it over; native and I/O sections
//! (marked by kernels with `ItemCtx::native`) run with the lock released.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

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
        let tally = WorkerTally::new(job.workers);

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
    waiting: AtomicUsize,
    base: Instant,
    granted_at_ns: AtomicU64,
    interval: Duration,
    handovers: AtomicU64,
}

struct GilState {
    holder: Option<usize>,
    queue: VecDeque<usize>,
}

impl Gil {
    /// A free lock with the given switch interval.
    pub fn new(interval: Duration) -> Self {
        Self {
            state: Mutex::new(GilState { holder: None, queue: VecDeque::new() }),
            turn: Condvar::new(),
            waiting: AtomicUsize::new(0),
            base: Instant::now(),
            granted_at_ns: AtomicU64::new(0),
            interval,
            handovers: AtomicU64::new(0),
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, GilState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now_ns(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }

    fn acquire(&self, me: usize) {
        let mut state = self.lock_state();
        if state.holder.is_none() && state.queue.is_empty() {
            state.holder = Some(me);
            self.granted_at_ns.store(self.now_ns(), Ordering::Relaxed);
            return;
        }
        state.queue.push_back(me);
        self.waiting.fetch_add(1, Ordering::Relaxed);
        while state.holder != Some(me) {
            state = self.turn.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        self.waiting.fetch_sub(1, Ordering::Relaxed);
    }

    fn release(&self, me: usize) {
        let mut state = self.lock_state();
        debug_assert_eq!(state.holder, Some(me));
        state.holder = state.queue.pop_front();
        if state.holder.is_some() {
            self.granted_at_ns.store(self.now_ns(), Ordering::Relaxed);
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
        let gil = self.gil;
        if gil.waiting.load(Ordering::Relaxed) == 0 {
            return;
        }
        let held = gil.now_ns().saturating_sub(gil.granted_at_ns.load(Ordering::Relaxed));
        if held >= gil.interval.as_nanos() as u64 {
            gil.release(self.me);
            gil.acquire(self.me);
        }
    }
    fn release(&self) {
        self.gil.release(self.me);
    }
    fn acquire(&self) {
        self.gil.acquire(self.me);
    }
}
