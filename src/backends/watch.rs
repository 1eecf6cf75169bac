//! The watch board of one execution: which items each worker is running right now, since
//! when, and the worker's process id where it is a process. Backends write it as they
//! hand out and finish ranges (through [`super::WorkerTally`] for workers in this
//! process, by hand for worker processes and ranks); the measurement's watchdog reads it
//! when an execution overruns its time limit, to name the worker that stopped answering.
//!
//! Writes are a few relaxed atomic stores per range, so a board costs nothing measurable
//! even when a schedule hands out one item at a time.

use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `start` of a slot whose worker is running nothing.
const IDLE: u64 = u64::MAX;
/// `pid` of a worker that is a process parlab did not start (an MPI rank, maybe on
/// another machine), whose pid this process does not know.
const REMOTE: u32 = u32::MAX;

/// One worker's line on the board.
struct Slot {
    start: AtomicU64,
    end: AtomicU64,
    /// When the current range began, in ns after the board was made.
    since_ns: AtomicU64,
    /// The worker's process id; 0 when it is a thread of this process.
    pid: AtomicU32,
}

/// What every worker of one execution is doing.
pub struct Watch {
    made: Instant,
    slots: Vec<Slot>,
}

/// The worker that has been running one range the longest: the one that stopped
/// answering, when an execution overruns its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    /// Its index, 0 to `workers - 1` (a rank's number for ranks).
    pub worker: usize,
    /// How many workers the execution had.
    pub workers: usize,
    /// Its process id, when it is a process of its own that parlab started.
    pub pid: Option<u32>,
    /// It is an MPI rank, started by the launcher, perhaps on another machine.
    pub remote: bool,
    /// The items it was running.
    pub items: Range<usize>,
    /// How long it had been running them.
    pub running_for: Duration,
}

impl std::fmt::Display for Stuck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match self.pid {
            _ if self.remote => format!("rank {} of {} (an MPI process of the launch)", self.worker, self.workers),
            Some(pid) => format!("worker {} of {} (pid {pid})", self.worker, self.workers),
            None => {
                format!("worker {} of {} (a thread of parlab, pid {})", self.worker, self.workers, std::process::id())
            }
        };
        write!(
            f,
            "{who} stopped answering while running items {}..{} (busy with them for {:.1} s)",
            self.items.start,
            self.items.end,
            self.running_for.as_secs_f64()
        )
    }
}

impl Watch {
    /// A board for `workers` workers, all idle.
    pub fn new(workers: usize) -> Self {
        let slot = || Slot {
            start: AtomicU64::new(IDLE),
            end: AtomicU64::new(0),
            since_ns: AtomicU64::new(0),
            pid: AtomicU32::new(0),
        };
        Self { made: Instant::now(), slots: (0..workers).map(|_| slot()).collect() }
    }

    /// `worker` starts running `items`. Indices beyond the board are ignored.
    pub fn begin(&self, worker: usize, items: &Range<usize>) {
        if let Some(slot) = self.slots.get(worker) {
            slot.since_ns.store(self.made.elapsed().as_nanos() as u64, Ordering::Relaxed);
            slot.end.store(items.end as u64, Ordering::Relaxed);
            slot.start.store(items.start as u64, Ordering::Release);
        }
    }

    /// `worker` finished what it was running.
    pub fn end(&self, worker: usize) {
        if let Some(slot) = self.slots.get(worker) {
            slot.start.store(IDLE, Ordering::Release);
        }
    }

    /// `worker` is the process `pid`.
    pub fn set_pid(&self, worker: usize, pid: u32) {
        if let Some(slot) = self.slots.get(worker) {
            slot.pid.store(pid, Ordering::Relaxed);
        }
    }

    /// `worker` is an MPI rank the launcher started, whose pid is not known here.
    pub fn set_remote(&self, worker: usize) {
        self.set_pid(worker, REMOTE);
    }

    /// The worker that has been running one range the longest, if any is running one.
    pub fn stuck(&self) -> Option<Stuck> {
        let now = self.made.elapsed().as_nanos() as u64;
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(worker, slot)| {
                let start = slot.start.load(Ordering::Acquire);
                if start == IDLE {
                    return None;
                }
                let since = slot.since_ns.load(Ordering::Relaxed);
                let pid = slot.pid.load(Ordering::Relaxed);
                Some(Stuck {
                    worker,
                    workers: self.slots.len(),
                    pid: (pid != 0 && pid != REMOTE).then_some(pid),
                    remote: pid == REMOTE,
                    items: start as usize..slot.end.load(Ordering::Relaxed) as usize,
                    running_for: Duration::from_nanos(now.saturating_sub(since)),
                })
            })
            .max_by_key(|s| (s.running_for, std::cmp::Reverse(s.worker)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_busy_longest_is_the_stuck_one() {
        let watch = Watch::new(3);
        assert_eq!(watch.stuck(), None, "nobody runs anything yet");
        watch.begin(2, &(20..30));
        watch.set_pid(2, 4242);
        std::thread::sleep(Duration::from_millis(5));
        watch.begin(0, &(0..10));
        let stuck = watch.stuck().unwrap();
        assert_eq!((stuck.worker, stuck.workers, stuck.pid, stuck.items.clone()), (2, 3, Some(4242), 20..30));
        assert!(stuck.to_string().contains("worker 2 of 3 (pid 4242)"), "{stuck}");
        assert!(stuck.to_string().contains("items 20..30"), "{stuck}");
        watch.end(2);
        let stuck = watch.stuck().unwrap();
        assert_eq!((stuck.worker, stuck.pid, stuck.items), (0, None, 0..10));
        watch.end(0);
        watch.begin(7, &(0..1)); // beyond the board: ignored
        assert_eq!(watch.stuck(), None);
    }
}
