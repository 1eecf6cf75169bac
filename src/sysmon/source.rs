//! Where the sampler's per-core readings come from, behind one small trait so that a
//! test or a demo can inject a machine it does not have: [`ProcStat`] reads Linux's
//! /proc/stat (the live source there), [`SysinfoSource`] asks sysinfo (elsewhere), and
//! [`Synthetic`] makes up a deterministic pattern for any number of cores.

use std::fs;
use std::path::PathBuf;

/// A source of per-core utilisation readings.
pub trait CpuSource: Send {
    /// Utilisation of every logical core since the previous call, 0 to 100; `None`
    /// when the source has no more readings (the sampler then stops). The values of
    /// the first call cover no interval and are dropped by the sampler.
    fn read(&mut self) -> Option<Vec<f32>>;
}

/// The live source of this platform: /proc/stat on Linux when it can be read, else sysinfo.
pub fn live() -> Option<Box<dyn CpuSource>> {
    if let Some(stat) = ProcStat::open() {
        return Some(Box::new(stat));
    }
    SysinfoSource::new().map(|s| Box::new(s) as Box<dyn CpuSource>)
}

/// Busy and total ticks of one core, as /proc/stat counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ticks {
    busy: u64,
    total: u64,
}

/// The utilisation arithmetic over successive /proc/stat texts: parses the `cpuN` lines
/// and turns the tick counts into percentages since the previous text. Kept apart from
/// the file so that its cost can be measured on a synthetic /proc/stat of any size.
#[derive(Debug, Clone, Default)]
pub struct ProcStatCounter {
    previous: Vec<Ticks>,
    current: Vec<Ticks>,
}

impl ProcStatCounter {
    /// A counter that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one /proc/stat text; returns each core's utilisation since the previous
    /// text (0 for a core seen for the first time), in the order of the `cpuN` lines.
    pub fn update(&mut self, text: &str) -> Vec<f32> {
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
        for line in text.lines() {
            // "cpu " is the total over all cores; "cpu0 ", "cpu1 "... are the cores.
            let Some(rest) = line.strip_prefix("cpu") else {
                // The cpu lines come first; nothing after them matters.
                if !self.current.is_empty() {
                    break;
                }
                continue;
            };
            let Some((id, fields)) = rest.split_once(' ') else { continue };
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            // user nice system idle iowait irq softirq steal (guest time is inside user).
            let mut ticks = Ticks::default();
            for (index, field) in fields.split_ascii_whitespace().take(8).enumerate() {
                let value: u64 = field.parse().unwrap_or(0);
                ticks.total += value;
                if index != 3 && index != 4 {
                    ticks.busy += value;
                }
            }
            self.current.push(ticks);
        }
        self.current
            .iter()
            .enumerate()
            .map(|(core, now)| {
                let Some(before) = self.previous.get(core) else { return 0.0 };
                let total = now.total.saturating_sub(before.total);
                let busy = now.busy.saturating_sub(before.busy).min(total);
                if total == 0 { 0.0 } else { (busy as f64 / total as f64 * 100.0) as f32 }
            })
            .collect()
    }
}

/// Linux's /proc/stat: one read of a small file per sample.
#[derive(Debug)]
pub struct ProcStat {
    path: PathBuf,
    counter: ProcStatCounter,
}

impl ProcStat {
    /// /proc/stat, if it can be read and lists at least one core.
    pub fn open() -> Option<Self> {
        let path = PathBuf::from("/proc/stat");
        let text = fs::read_to_string(&path).ok()?;
        let mut counter = ProcStatCounter::new();
        (!counter.update(&text).is_empty()).then_some(Self { path, counter: ProcStatCounter::new() })
    }
}

impl CpuSource for ProcStat {
    fn read(&mut self) -> Option<Vec<f32>> {
        let text = fs::read_to_string(&self.path).ok()?;
        Some(self.counter.update(&text))
    }
}

/// sysinfo's CPU usage (macOS, Windows, and Linux without /proc).
pub struct SysinfoSource {
    system: sysinfo::System,
}

impl SysinfoSource {
    /// A source over a fresh sysinfo `System`.
    pub fn new() -> Option<Self> {
        sysinfo::System::new().ok().map(|system| Self { system })
    }
}

impl CpuSource for SysinfoSource {
    fn read(&mut self) -> Option<Vec<f32>> {
        self.system.refresh_cpu_usage();
        Some(self.system.cpus().iter().map(|c| c.usage()).collect())
    }
}

/// A made-up machine: `cores` cores whose utilisation follows a fixed pattern of the
/// reading's number and the core's, so that a test sees the same screen every time.
#[derive(Debug, Clone)]
pub struct Synthetic {
    cores: usize,
    step: usize,
    limit: Option<usize>,
}

impl Synthetic {
    /// `cores` cores, readings without end.
    pub fn new(cores: usize) -> Self {
        Self { cores, step: 0, limit: None }
    }

    /// Stops after `readings` readings (the first, dropped by the sampler, included).
    pub fn limited(mut self, readings: usize) -> Self {
        self.limit = Some(readings);
        self
    }

    /// The pattern: core 0 always busy, the first half of the other cores busy in waves
    /// that move with time, the second half mostly idle with a little noise.
    pub fn usage(cores: usize, step: usize, core: usize) -> f32 {
        if core == 0 {
            return 97.0;
        }
        if core < cores / 2 { ((step * 7 + core * 13) % 100) as f32 } else { ((step * 3 + core * 5) % 12) as f32 }
    }
}

impl CpuSource for Synthetic {
    fn read(&mut self) -> Option<Vec<f32>> {
        if self.limit.is_some_and(|limit| self.step >= limit) {
            return None;
        }
        let values = (0..self.cores).map(|core| Self::usage(self.cores, self.step, core)).collect();
        self.step += 1;
        Some(values)
    }
}

/// A /proc/stat text for `cores` cores whose counters have advanced `step` times, as
/// a benchmark of the parser or a test of it would read (the other lines are copied
/// from a real file so the parser skips what it must).
pub fn synthetic_proc_stat(cores: usize, step: u64) -> String {
    let mut text = String::with_capacity(80 * (cores + 8));
    let line = |name: &str, scale: u64| {
        let user = 1_000_000 + step * 13 * scale;
        let system = 200_000 + step * 3 * scale;
        let idle = 400_000 + step * 9 * scale;
        format!("{name} {user} 41 {system} {idle} 5920 0 1795 4348 0 0\n")
    };
    text.push_str(&line("cpu", cores as u64));
    for core in 0..cores {
        text.push_str(&line(&format!("cpu{core}"), 1 + core as u64 % 3));
    }
    text.push_str("intr 9348906 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 16\n");
    text.push_str("ctxt 24304008\nbtime 1764400000\nprocesses 91234\nprocs_running 2\nprocs_blocked 0\n");
    text.push_str("softirq 5512345 0 1234 5 6789 0 0 12 3456 0 7890\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_stat_deltas_become_percentages() {
        let mut counter = ProcStatCounter::new();
        let first = "cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 0 0 0 100 0 0 0 0 0 0\ncpu1 50 0 0 50 0 0 0 0 0 0\nintr 1 2\n";
        assert_eq!(counter.update(first), [0.0, 0.0], "the first text covers no interval");
        // cpu0: 75 busy of 100 ticks; cpu1: all idle (iowait counts as idle).
        let second = "cpu  10 0 10 80 0 0 0 0 0 0\ncpu0 50 0 25 125 0 0 0 0 0 0\ncpu1 50 0 0 100 50 0 0 0 0 0\n";
        assert_eq!(counter.update(second), [75.0, 0.0]);
    }

    #[test]
    fn a_synthetic_proc_stat_has_every_core() {
        let mut counter = ProcStatCounter::new();
        counter.update(&synthetic_proc_stat(256, 0));
        let usage = counter.update(&synthetic_proc_stat(256, 1));
        assert_eq!(usage.len(), 256);
        // Per step each core gains 16 busy ticks of 25 (times its scale): 64 %.
        assert!(usage.iter().all(|&u| (u - 64.0).abs() < 0.01), "{:?}", &usage[..4]);
    }

    #[test]
    fn damaged_lines_are_skipped_not_fatal() {
        let mut counter = ProcStatCounter::new();
        assert_eq!(counter.update("cpux 1 2\ncpu0\ncpu1 a b c\n").len(), 1);
        assert!(counter.update("").is_empty());
    }

    #[test]
    fn synthetic_is_deterministic_and_ends() {
        let mut source = Synthetic::new(4).limited(2);
        let first = source.read().unwrap();
        // Cores 2 and 3 are the idle half: (3 * step + 5 * core) mod 12.
        assert_eq!(first, [97.0, 13.0, 10.0, 3.0]);
        assert!(source.read().is_some());
        assert!(source.read().is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_live_source_reads_this_machine() {
        let mut source = live().expect("a live source on Linux");
        let cores = source.read().unwrap().len();
        assert!(cores >= 1);
        assert_eq!(source.read().unwrap().len(), cores);
    }
}
