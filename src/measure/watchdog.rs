//! The run's watchdog: a thread that lives as long as one run and gives every execution
//! a time limit. When an execution overruns it, the watchdog reads the execution's watch
//! board (which worker has been running which items the longest, with its pid) and raises
//! the stop flag the backends see, so that they end as they do on cancel: kernels stop
//! between blocks of items, worker processes are killed, ranks are told. The runner then
//! turns the stopped execution into an error that names that worker.
//!
//! The limit is `--timeout` when given. Otherwise it is derived from what the run has
//! measured so far: [`DEFAULT_FACTOR`] times its slowest execution (the sequential
//! reference run comes first, the warm-ups after it), and never less than
//! [`DEFAULT_FLOOR`]. Generous on purpose: an oversubscribed point, a `gil` point or a
//! Python twin is slower than the reference, and a false alarm would cost a learner a
//! sweep. The reference run itself, with nothing before it, has no default limit.
//!
//! The user's cancel flag is copied into the stop flag every [`POLL`], so that a backend
//! watches one flag for both.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::backends::watch::{Stuck, Watch};

/// The default limit is this many times the slowest execution so far.
pub const DEFAULT_FACTOR: u32 = 20;
/// The default limit is never shorter than this.
pub const DEFAULT_FLOOR: Duration = Duration::from_secs(30);
/// How often the watchdog looks at the user's cancel flag.
const POLL: Duration = Duration::from_millis(10);

/// The time limit of the next execution: `given` (`--timeout`), else the default derived
/// from the slowest execution so far, else none (nothing measured yet).
pub fn limit(given: Option<Duration>, slowest: Option<Duration>) -> Option<Duration> {
    given.or_else(|| slowest.map(|s| (s * DEFAULT_FACTOR).max(DEFAULT_FLOOR)))
}

/// An execution that overran its limit.
#[derive(Debug, Clone)]
pub struct Expiry {
    /// The limit it overran.
    pub limit: Duration,
    /// The worker that had been running one range the longest, if any was running one.
    pub stuck: Option<Stuck>,
}

/// The watchdog of one run; [`Watchdog::patrol`] is its thread's body.
pub struct Watchdog<'a> {
    /// The user's cancel flag.
    cancel: &'a AtomicBool,
    /// What the backends see: raised on cancel and on expiry.
    stop: AtomicBool,
    given: Option<Duration>,
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// The execution being watched: its deadline, limit and board.
    armed: Option<(Instant, Duration, Arc<Watch>)>,
    expired: Option<Expiry>,
    slowest: Option<Duration>,
    retired: bool,
}

impl<'a> Watchdog<'a> {
    /// A watchdog for a run cancelled by `cancel`, with the limit `given` (`--timeout`)
    /// or the default one.
    pub fn new(cancel: &'a AtomicBool, given: Option<Duration>) -> Self {
        Self { cancel, stop: AtomicBool::new(false), given, state: Mutex::default(), wake: Condvar::new() }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The flag to hand the backends as the job's cancel flag.
    pub fn stop_flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// Whether the limit is the user's (`--timeout`) rather than the default.
    pub fn given(&self) -> bool {
        self.given.is_some()
    }

    /// Starts watching an execution whose workers write `watch`.
    pub fn arm(&self, watch: Arc<Watch>) {
        let mut state = self.state();
        state.expired = None;
        // A limit too far away to add to the clock (`--timeout 1e300`) is no limit.
        state.armed = limit(self.given, state.slowest)
            .and_then(|limit| Instant::now().checked_add(limit).map(|deadline| (deadline, limit, watch)));
        self.wake.notify_all();
    }

    /// The execution ended after `took`; returns how it overran its limit, if it did.
    pub fn disarm(&self, took: Duration) -> Option<Expiry> {
        let mut state = self.state();
        state.armed = None;
        state.slowest = Some(state.slowest.map_or(took, |s| s.max(took)));
        state.expired.take()
    }

    /// Ends [`Watchdog::patrol`].
    pub fn retire(&self) {
        self.state().retired = true;
        self.wake.notify_all();
    }

    /// Watches until retired: copies the cancel flag and fires on an overrun.
    pub fn patrol(&self) {
        let mut state = self.state();
        while !state.retired {
            if self.cancel.load(Ordering::Relaxed) {
                self.stop.store(true, Ordering::Relaxed);
            }
            let now = Instant::now();
            let mut wait = POLL;
            if let Some((deadline, limit, watch)) = &state.armed {
                if now >= *deadline {
                    if state.expired.is_none() {
                        let expiry = Expiry { limit: *limit, stuck: watch.stuck() };
                        state.expired = Some(expiry);
                    }
                    self.stop.store(true, Ordering::Relaxed);
                } else {
                    wait = wait.min(*deadline - now);
                }
            }
            state = self.wake.wait_timeout(state, wait).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

/// Retires the watchdog when the run ends, however it ends (a panic included), so that
/// the scope that holds its thread can close.
pub struct Retire<'d, 'a>(pub &'d Watchdog<'a>);

impl Drop for Retire<'_, '_> {
    fn drop(&mut self) {
        self.0.retire();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limit_is_generous_and_the_given_one_wins() {
        let s = Duration::from_secs_f64;
        assert_eq!(limit(None, None), None, "the first execution has nothing to go by");
        assert_eq!(limit(None, Some(s(0.1))), Some(DEFAULT_FLOOR));
        assert_eq!(limit(None, Some(s(3.0))), Some(s(60.0)));
        assert_eq!(limit(Some(s(1.0)), Some(s(3.0))), Some(s(1.0)));
        assert_eq!(limit(Some(s(1.0)), None), Some(s(1.0)));
    }

    #[test]
    fn an_overrun_names_the_stuck_worker_and_raises_the_stop_flag() {
        let cancel = AtomicBool::new(false);
        let dog = Watchdog::new(&cancel, Some(Duration::from_millis(50)));
        std::thread::scope(|scope| {
            let _retire = Retire(&dog);
            scope.spawn(|| dog.patrol());
            let watch = Arc::new(Watch::new(2));
            watch.begin(1, &(5..10));
            dog.arm(Arc::clone(&watch));
            while !dog.stop_flag().load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let expiry = dog.disarm(Duration::from_millis(60)).expect("it overran");
            assert_eq!(expiry.limit, Duration::from_millis(50));
            assert_eq!(expiry.stuck.map(|s| (s.worker, s.items)), Some((1, 5..10)));
            assert!(!cancel.load(Ordering::Relaxed), "the user's flag is left alone");
        });
    }

    #[test]
    fn the_cancel_flag_reaches_the_stop_flag_and_nothing_expires() {
        let cancel = AtomicBool::new(false);
        let dog = Watchdog::new(&cancel, None);
        std::thread::scope(|scope| {
            let _retire = Retire(&dog);
            scope.spawn(|| dog.patrol());
            dog.arm(Arc::new(Watch::new(1)));
            cancel.store(true, Ordering::Relaxed);
            while !dog.stop_flag().load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
            assert!(dog.disarm(Duration::from_millis(1)).is_none());
        });
    }
}
