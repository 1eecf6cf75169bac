//! The clock: fitting a sweep to a time budget on this machine. A short probe times the
//! kernel on the reference backend at two sizes (a fraction of a second in all), which
//! gives the time per unit of work and how the time grows with the size (linear for
//! darts, cubic for a matrix's n). From that, [`calibrate`] picks the size whose whole
//! sweep takes about the budget, [`estimate`] says how long a plan will take, and
//! [`Eta`] updates the estimate from the runs finished so far.
//!
//! The sweep estimate assumes each point runs at half the ideal speedup beyond one
//! worker, up to the available CPUs: 1 + (min(p, cpus) - 1) / 2. It is a budget, not a
//! prediction; the ETA during the run corrects it with measured time.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use super::Plan;
use crate::backends::{self, Job};
use crate::kernels::{self, KernelSpec};
use crate::sysmon::MachineFacts;

/// The default budget of one sweep, seconds.
pub const DEFAULT_BUDGET_S: f64 = 10.0;

/// A timed run of the probe is at least this long, so the clock's resolution and the
/// start-up of the run do not decide its time.
const PROBE_MIN_S: f64 = 0.03;

/// A point shorter than this is too short to measure well: timer resolution, thread
/// start-up and one scheduler tick are a large part of it.
pub const TOO_SHORT_S: f64 = 0.1;

/// Two timed runs of a kernel on the reference backend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// The smaller size, and its time in seconds.
    pub small: (u64, f64),
    /// The larger size (twice the smaller), and its time.
    pub large: (u64, f64),
}

impl Probe {
    /// Times `spec`'s kernel with one worker on the reference backend: from its small
    /// size, doubling until one run takes [`PROBE_MIN_S`], then at twice that size.
    pub fn run(spec: &KernelSpec) -> Result<Probe, String> {
        let kernel = kernels::find(&spec.kernel).ok_or_else(|| format!("unknown kernel '{}'", spec.kernel))?;
        let mut size = kernel.small_size().max(1);
        let mut small = (size, time_once(spec, size)?);
        while small.1 < PROBE_MIN_S && size < kernel.default_size().saturating_mul(4) {
            size = size.saturating_mul(2);
            small = (size, time_once(spec, size)?);
        }
        let large_size = size.saturating_mul(2);
        let large = (large_size, time_once(spec, large_size)?);
        Ok(Probe { small, large })
    }

    /// How the time grows with the size: t ~ size^k. Measured from the two runs and
    /// snapped to 1, 2 or 3 when within 0.35 of one (noise of 20 % moves a measured 1 to
    /// 0.75 or 1.25, and a guess off by that much misses a 10 s budget by a factor of 2).
    pub fn exponent(&self) -> f64 {
        let (s1, t1) = self.small;
        let (s2, t2) = self.large;
        if t1 <= 0.0 || t2 <= 0.0 || s2 <= s1 {
            return 1.0;
        }
        let k = (t2 / t1).ln() / (s2 as f64 / s1 as f64).ln();
        let k = if k.is_finite() { k.clamp(0.5, 3.0) } else { 1.0 };
        [1.0, 2.0, 3.0].into_iter().find(|whole: &f64| (k - whole).abs() <= 0.35).unwrap_or(k)
    }

    /// The estimated time of one reference run at `size`.
    pub fn seconds_at(&self, size: u64) -> f64 {
        let (s2, t2) = self.large;
        t2 * (size as f64 / s2 as f64).powf(self.exponent())
    }

    /// The size whose reference run takes `seconds`.
    pub fn size_for(&self, seconds: f64) -> u64 {
        let (s2, t2) = self.large;
        if t2 <= 0.0 {
            return s2;
        }
        let size = s2 as f64 * (seconds / t2).powf(1.0 / self.exponent());
        if size.is_finite() { size.round().max(1.0) as u64 } else { s2 }
    }
}

fn time_once(spec: &KernelSpec, size: u64) -> Result<f64, String> {
    let spec = KernelSpec { size, ..spec.clone() };
    let workload = spec.build().map_err(|e| e.to_string())?;
    let cancel = AtomicBool::new(false);
    let job = Job { spec: &spec, workload: workload.as_ref(), workers: 1, cancel: &cancel, watch: None };
    let started = Instant::now();
    backends::reference().execute(&job).map_err(|e| e.to_string())?;
    Ok(started.elapsed().as_secs_f64())
}

/// How much faster than one worker the budget assumes `workers` run.
fn assumed_speedup(workers: usize, cpus: usize) -> f64 {
    1.0 + (workers.min(cpus.max(1)) as f64 - 1.0) / 2.0
}

/// Each run of `plan` in order (the reference run first), as a multiple of one
/// reference run's time.
fn run_weights(plan: &Plan, cpus: usize) -> Vec<f64> {
    let mut weights = vec![1.0];
    for (_, workers) in plan.points() {
        let weight = 1.0 / assumed_speedup(workers, cpus);
        weights.extend(std::iter::repeat_n(weight, (plan.warmup + plan.repetitions) as usize));
    }
    weights
}

/// The estimated time of the whole of `plan`, seconds.
pub fn estimate(plan: &Plan, probe: &Probe, cpus: usize) -> f64 {
    probe.seconds_at(plan.spec.size) * run_weights(plan, cpus).iter().sum::<f64>()
}

/// The size at which `plan` takes about `budget_s` seconds, kept between the kernel's
/// small size and 20 times its default, and halved until the plan fits in memory.
pub fn calibrate(plan: &Plan, probe: &Probe, budget_s: f64, facts: &MachineFacts) -> u64 {
    let weight: f64 = run_weights(plan, facts.available_parallelism).iter().sum();
    let Some(kernel) = kernels::find(&plan.spec.kernel) else { return plan.spec.size };
    let mut size = probe
        .size_for(budget_s / weight.max(1.0))
        .clamp(kernel.small_size().max(1), kernel.default_size().saturating_mul(20));
    while size > kernel.small_size() {
        let trial = Plan { spec: KernelSpec { size, ..plan.spec.clone() }, ..plan.clone() };
        if trial.validate(facts).is_ok() {
            break;
        }
        size /= 2;
    }
    size
}

/// The time left of a running plan, from the runs finished so far.
#[derive(Debug, Clone)]
pub struct Eta {
    /// Cumulative weights: `cumulative[i]` is the weight of the first i runs.
    cumulative: Vec<f64>,
    /// Available CPUs.
    cpus: usize,
}

impl Eta {
    /// The tracker of `plan` on a machine with `cpus` available CPUs.
    pub fn new(plan: &Plan, cpus: usize) -> Self {
        let mut cumulative = vec![0.0];
        for weight in run_weights(plan, cpus) {
            cumulative.push(cumulative.last().copied().unwrap_or(0.0) + weight);
        }
        Self { cumulative, cpus }
    }

    /// Seconds left after `done` runs took `elapsed_s`: the weight left, at the pace of
    /// the weight done. `None` before the first run.
    pub fn remaining(&self, done: usize, elapsed_s: f64) -> Option<f64> {
        let total = *self.cumulative.last()?;
        let finished = *self.cumulative.get(done.min(self.cumulative.len() - 1))?;
        (finished > 0.0).then(|| (elapsed_s * (total - finished) / finished).max(0.0))
    }
}

impl Eta {
    /// Seconds left after `done` runs when the last took `last_s` with `last_workers`
    /// workers: the weight left at the pace of that run (for a view that keeps no clock).
    pub fn remaining_after(&self, done: usize, last_s: f64, last_workers: usize) -> Option<f64> {
        let total = *self.cumulative.last()?;
        let finished = *self.cumulative.get(done.min(self.cumulative.len() - 1))?;
        let per_weight = last_s * assumed_speedup(last_workers, self.cpus);
        (done > 0).then(|| (total - finished).max(0.0) * per_weight)
    }
}

/// "about 12 s", "about 2 min 5 s": a time to wait, rounded as a person says it.
pub fn about(seconds: f64) -> String {
    let whole = seconds.round().max(0.0) as u64;
    match whole {
        0 => "under a second".into(),
        1..=59 => format!("about {whole} s"),
        _ => format!("about {} min {} s", whole / 60, whole % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(workers: Vec<usize>, backends: &[&str]) -> Plan {
        Plan {
            spec: KernelSpec { kernel: "pi".into(), size: 1000, seed: 42, params: Default::default() },
            backends: backends.iter().map(ToString::to_string).collect(),
            workers,
            warmup: 1,
            repetitions: 3,
            scale: Default::default(),
            order: crate::measure::Order::Interleaved,
        }
    }

    #[test]
    fn the_exponent_snaps_to_whole_growth_and_sizes_follow_it() {
        let linear = Probe { small: (2000, 0.05), large: (4000, 0.115) };
        assert_eq!(linear.exponent(), 1.0);
        assert_eq!(linear.size_for(1.15), 40_000);
        let cubic = Probe { small: (200, 0.05), large: (400, 0.36) };
        assert_eq!(cubic.exponent(), 3.0);
        assert_eq!(cubic.size_for(2.88), 800);
        approx::assert_relative_eq!(cubic.seconds_at(800), 2.88);
    }

    #[test]
    fn a_sweep_is_its_runs_weighted_by_the_assumed_speedup() {
        // seq once and threads at 1, 2: reference 1 + 4 x (1 + 1 + 1/1.5).
        let plan = plan(vec![1, 2], &["seq", "threads"]);
        let probe = Probe { small: (250, 0.025), large: (1000, 0.1) };
        approx::assert_relative_eq!(estimate(&plan, &probe, 2), 0.1 * (1.0 + 4.0 * (2.0 + 1.0 / 1.5)));
        let eta = Eta::new(&plan, 2);
        assert_eq!(eta.remaining(0, 0.0), None);
        // After the reference run (weight 1 of 1 + 4 x 8/3 = 35/3) took 1 s.
        approx::assert_relative_eq!(eta.remaining(1, 1.0).unwrap(), 35.0 / 3.0 - 1.0);
        approx::assert_relative_eq!(eta.remaining(13, 20.0).unwrap(), 0.0);
        // The last run (threads x2, weight 1/1.5) took 0.5 s: each weight takes 0.75 s;
        // after 9 runs (1 + 4 + 4) one point of weight 4/1.5 is left.
        approx::assert_relative_eq!(eta.remaining_after(9, 0.5, 2).unwrap(), 2.0, epsilon = 1e-9);
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(about(0.3), "under a second");
        assert_eq!(about(9.6), "about 10 s");
        assert_eq!(about(125.0), "about 2 min 5 s");
    }
}
