//! The context a worker hands to a kernel while it runs items.
//!
//! Kernels never know how they are parallelised, with one exception by design: they say
//! which parts of an item are "interpreted" work (the default, run while holding the
//! emulated interpreter lock under the `gil` backend) and which are native or I/O work
//! (run inside [`ItemCtx::native`], with the lock released), and they call
//! [`ItemCtx::checkpoint`] every few hundred operations, the way CPython's evaluation
//! loop checks whether another thread asked for the lock. And they ask
//! [`ItemCtx::cancelled`] between items (or blocks of them), so that a cancelled run
//! stops within a fraction of a second instead of at the end of its repetition.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A global interpreter lock as seen by one worker thread (implemented by the `gil` backend).
pub trait GlobalLock: Sync {
    /// Called often during interpreted work; hands the lock over if another thread has
    /// waited for it longer than the switch interval.
    fn checkpoint(&self);
    /// Releases the lock before native or I/O work.
    fn release(&self);
    /// Takes the lock back afterwards (may wait).
    fn acquire(&self);
}

/// What a kernel may ask of the worker running it.
#[derive(Clone, Copy, Default)]
pub struct ItemCtx<'a> {
    lock: Option<&'a dyn GlobalLock>,
    cancel: Option<&'a AtomicBool>,
    /// The item's wait ([`crate::kernels::Workload::item_wait`]) was already awaited by
    /// an event loop (the `asyncio` backend): [`ItemCtx::wait`] returns at once.
    awaited: bool,
}

impl<'a> ItemCtx<'a> {
    /// A context with no interpreter lock: every backend but `gil`.
    pub fn free() -> Self {
        Self { lock: None, cancel: None, awaited: false }
    }

    /// A context whose interpreted work runs under `lock`.
    pub fn with_lock(lock: &'a dyn GlobalLock) -> Self {
        Self { lock: Some(lock), cancel: None, awaited: false }
    }

    /// The same context, also carrying the run's cancel flag.
    pub fn cancellable(self, cancel: &'a AtomicBool) -> Self {
        Self { cancel: Some(cancel), ..self }
    }

    /// The same context, for an item whose wait an event loop has already awaited (the
    /// `asyncio` backend registers each item's wait as a deadline and runs the item
    /// when it has passed).
    pub fn awaited(self) -> Self {
        Self { awaited: true, ..self }
    }

    /// Waits for `duration` the way blocking I/O does (the lock released), unless an
    /// event loop already awaited this item's wait. A kernel that waits here reports the
    /// same duration from [`crate::kernels::Workload::item_wait`].
    pub fn wait(&self, duration: Duration) {
        if !self.awaited && !duration.is_zero() {
            self.native(|| std::thread::sleep(duration));
        }
    }

    /// Whether the run was cancelled: a kernel then stops taking new items (its partial
    /// is incomplete, and the runner throws the execution away).
    #[inline]
    pub fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Whether interpreted work is serialised by a global lock.
    pub fn has_lock(&self) -> bool {
        self.lock.is_some()
    }

    /// A point where an interpreter would check for a pending lock hand-over.
    #[inline]
    pub fn checkpoint(&self) {
        if let Some(lock) = self.lock {
            lock.checkpoint();
        }
    }

    /// Runs native or I/O work with the lock released, as C extensions and blocking
    /// system calls do in CPython.
    pub fn native<R>(&self, work: impl FnOnce() -> R) -> R {
        match self.lock {
            None => work(),
            Some(lock) => {
                lock.release();
                let result = work();
                lock.acquire();
                result
            }
        }
    }
}
