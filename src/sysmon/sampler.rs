//! The per-core sampler: a thread that reads a [`CpuSource`] at a fixed interval (the
//! live source at least every 200 ms, below which the kernel's counters repeat stale
//! values) and sends a snapshot of every core. The first reading after start is
//! meaningless and is dropped. Tests inject a synthetic source with [`Sampler::start_with`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};

use super::source::{self, CpuSource};

/// How busy every core was over one sampling interval.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuSnapshot {
    /// When the interval ended.
    pub at: Instant,
    /// Length of the interval.
    pub interval: Duration,
    /// Utilisation of each logical core, 0 to 100.
    pub per_core: Vec<f32>,
}

impl CpuSnapshot {
    /// Mean utilisation over all cores, 0 to 100.
    pub fn average(&self) -> f32 {
        if self.per_core.is_empty() { 0.0 } else { self.per_core.iter().sum::<f32>() / self.per_core.len() as f32 }
    }

    /// Busy cores: the sum of utilisations / 100 (2 fully busy cores = 2.0).
    pub fn busy_cores(&self) -> f64 {
        self.per_core.iter().map(|&u| f64::from(u)).sum::<f64>() / 100.0
    }
}

/// Mean busy cores over the snapshots whose interval ended inside `from..=to`; `None`
/// when the span was shorter than one interval and no snapshot fell in it.
pub fn busy_cores(snapshots: &[CpuSnapshot], from: Instant, to: Instant) -> Option<f64> {
    let inside: Vec<f64> =
        snapshots.iter().filter(|s| s.at > from && s.at <= to).map(CpuSnapshot::busy_cores).collect();
    (!inside.is_empty()).then(|| inside.iter().sum::<f64>() / inside.len() as f64)
}

/// A running sampler thread. Dropping it stops the thread.
pub struct Sampler {
    events: Receiver<CpuSnapshot>,
    history: Arc<Mutex<VecDeque<CpuSnapshot>>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

/// Snapshots kept for measurements to look back on.
const HISTORY: usize = 4096;

impl Sampler {
    /// The shortest useful interval.
    pub const MIN_INTERVAL: Duration = sysinfo::MINIMUM_CPU_UPDATE_INTERVAL;

    /// Interval per CPU below which the live sampler does not go: on a big node the
    /// kernel's part of reading /proc/stat grows with the CPUs, so 256 CPUs are sampled
    /// twice a second rather than four times and the sampler stays under 1 % of a core
    /// (BENCHMARKS.md, "Sampler cost").
    pub const INTERVAL_PER_CPU: Duration = Duration::from_millis(2);

    /// Starts sampling this machine every `interval` (raised to 200 ms if shorter, and
    /// to [`Self::INTERVAL_PER_CPU`] times the CPUs on a big node).
    pub fn start(interval: Duration) -> std::io::Result<Self> {
        let interval = interval.max(Self::MIN_INTERVAL).max(Duration::from_millis(200));
        let source = source::live().ok_or_else(|| std::io::Error::other("no source of CPU usage on this system"))?;
        Self::spawn(source, interval, Self::INTERVAL_PER_CPU)
    }

    /// Starts sampling `source` every `interval` (at least 1 ms): a synthetic machine in
    /// tests and demos. The thread ends when the source has no more readings.
    pub fn start_with(source: Box<dyn CpuSource>, interval: Duration) -> std::io::Result<Self> {
        Self::spawn(source, interval.max(Duration::from_millis(1)), Duration::ZERO)
    }

    fn spawn(source: Box<dyn CpuSource>, interval: Duration, per_cpu: Duration) -> std::io::Result<Self> {
        let (tx, events) = bounded(64);
        let history = Arc::new(Mutex::new(VecDeque::with_capacity(HISTORY)));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (history, stop) = (Arc::clone(&history), Arc::clone(&stop));
            thread::Builder::new()
                .name("parlab-sysmon".into())
                .spawn(move || run(source, interval, per_cpu, &tx, &history, &stop))?
        };
        Ok(Self { events, history, stop, thread: Some(thread) })
    }

    /// Snapshots as they are taken (the channel drops them if nobody reads).
    pub fn events(&self) -> &Receiver<CpuSnapshot> {
        &self.events
    }

    /// The snapshots whose interval ended in `from..=to`.
    pub fn between(&self, from: Instant, to: Instant) -> Vec<CpuSnapshot> {
        let history = self.history.lock().unwrap_or_else(PoisonError::into_inner);
        history.iter().filter(|s| s.at > from && s.at <= to).cloned().collect()
    }

    /// The most recent snapshot, if one was taken.
    pub fn latest(&self) -> Option<CpuSnapshot> {
        self.history.lock().unwrap_or_else(PoisonError::into_inner).back().cloned()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn run(
    mut source: Box<dyn CpuSource>,
    interval: Duration,
    per_cpu: Duration,
    tx: &Sender<CpuSnapshot>,
    history: &Mutex<VecDeque<CpuSnapshot>>,
    stop: &AtomicBool,
) {
    let Some(first) = source.read() else { return };
    let interval = interval.max(per_cpu.saturating_mul(u32::try_from(first.len()).unwrap_or(u32::MAX)));
    let mut last = Instant::now();
    loop {
        // park_timeout returns early when the sampler is dropped.
        let deadline = last + interval;
        while Instant::now() < deadline {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            thread::park_timeout(deadline.saturating_duration_since(Instant::now()));
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let Some(reading) = source.read() else { return };
        let now = Instant::now();
        let snapshot = CpuSnapshot {
            at: now,
            interval: now - last,
            per_core: reading.into_iter().map(|u| u.clamp(0.0, 100.0)).collect(),
        };
        last = now;
        {
            let mut history = history.lock().unwrap_or_else(PoisonError::into_inner);
            if history.len() == HISTORY {
                history.pop_front();
            }
            history.push_back(snapshot.clone());
        }
        let _ = tx.try_send(snapshot);
    }
}
