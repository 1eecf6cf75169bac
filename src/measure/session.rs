//! One run of a plan after its reference runs ([`Session`]): every execution of every
//! point, point after point or in interleaved rounds, each verified against the reference
//! of its size before its time counts in the point's [`Tally`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Plan, Point, Report, RunError, RunEvent, Runner, report, rounds, stats, watchdog};
use crate::backends::{Backend, ExecStats};
use crate::kernels::{KernelSpec, Outcome, Workload};
use crate::sysmon;

/// The timed repetitions of one point as they come in.
pub(super) struct Tally {
    backend: &'static dyn Backend,
    workers: usize,
    times: Vec<f64>,
    cpu: Vec<f64>,
    stats: Vec<ExecStats>,
    /// Busy cores sampled during each repetition.
    busy: Vec<Vec<f64>>,
    outcomes: Vec<Outcome>,
}

impl Tally {
    pub(super) fn new((backend, workers): (&'static dyn Backend, usize)) -> Self {
        Self {
            backend,
            workers,
            times: Vec::new(),
            cpu: Vec::new(),
            stats: Vec::new(),
            busy: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    pub(super) fn started(&self) -> RunEvent {
        RunEvent::PointStarted { backend: self.backend.id().into(), workers: self.workers }
    }

    /// The point of the first `reps` timed repetitions (all of them when there are fewer).
    fn into_point(mut self, kernel: &str, reps: usize) -> Point {
        self.times.truncate(reps);
        self.cpu.truncate(reps);
        self.stats.truncate(reps);
        self.busy.truncate(reps);
        self.outcomes.truncate(reps);
        let busy: Vec<f64> = self.busy.concat();
        let mut point = Point::new(kernel, self.backend.id(), self.workers, self.times.clone());
        let middle = stats::median_index(&self.times).unwrap_or(0);
        point.cpu_time_s = stats::Summary::of(&self.cpu).map_or(0.0, |s| s.median);
        point.busy_cores = (!busy.is_empty()).then(|| busy.iter().sum::<f64>() / busy.len() as f64);
        point.verified = true;
        point.varying = report::varying_scalars(&self.outcomes);
        point.outcome = self.outcomes.pop().unwrap_or_default();
        point.stats = if self.stats.is_empty() { ExecStats::default() } else { self.stats.swap_remove(middle) };
        point
    }
}

/// One size of a plan's workload (weak scaling runs several): what runs and what
/// every outcome must agree with.
pub(super) struct SizedWork<'a> {
    pub(super) spec: &'a KernelSpec,
    /// The real workload: verifies every outcome.
    pub(super) workload: &'a dyn Workload,
    /// The workload the points run (with the test hook's fault, if one is set).
    pub(super) measured: &'a dyn Workload,
    pub(super) reference: &'a Outcome,
}

/// One run of a plan after its reference runs: the executions of every point.
pub(super) struct Session<'a> {
    pub(super) runner: &'a Runner,
    pub(super) plan: &'a Plan,
    /// The plan's size first, then the larger sizes of weak scaling.
    pub(super) sizes: &'a [SizedWork<'a>],
    pub(super) cancel: &'a AtomicBool,
    pub(super) dog: &'a watchdog::Watchdog<'a>,
    pub(super) done: usize,
    pub(super) total: usize,
}

impl Session<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The size `workers` workers run.
    fn sized(&self, workers: usize) -> &SizedWork<'_> {
        let size = self.plan.size_at(workers);
        self.sizes.iter().find(|s| s.spec.size == size).unwrap_or(&self.sizes[0])
    }

    /// The point of `tally`, with its size under weak scaling.
    fn point(&self, tally: Tally, reps: usize) -> Point {
        let size = self.sized(tally.workers).spec.size;
        let mut point = tally.into_point(&self.plan.spec.kernel, reps);
        point.size = self.plan.scale.is_weak().then_some(size);
        point
    }

    /// Every repetition of one point, then the next point; each point is reported as soon
    /// as it is done.
    pub(super) fn point_after_point(
        &mut self,
        mut report: Report,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, RunError> {
        let reps = self.plan.repetitions as usize;
        for point in self.plan.points() {
            let mut tally = Tally::new(point);
            on_event(&tally.started());
            for rep in 0..self.plan.warmup + self.plan.repetitions {
                if !self.once(&mut tally, rep < self.plan.warmup, on_event)? {
                    return Ok(RunEvent::Cancelled(Box::new(report)));
                }
            }
            report.points.push(self.point(tally, reps));
            report.derive();
            if let Some(point) = report.points.last().cloned() {
                on_event(&RunEvent::PointFinished { point: Box::new(point), report: Box::new(report.clone()) });
            }
        }
        Ok(RunEvent::Finished(Box::new(report)))
    }

    /// Each point's warm-up, then `repetitions` rounds that run every point once, each
    /// round starting one point further along ([`rounds::position`]). The points are
    /// reported when the last round is done; a cancelled run keeps the complete rounds.
    pub(super) fn in_rounds(
        &mut self,
        mut report: Report,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, RunError> {
        let mut tallies: Vec<Tally> = self.plan.points().into_iter().map(Tally::new).collect();
        for tally in &mut tallies {
            on_event(&tally.started());
            for _ in 0..self.plan.warmup {
                if !self.once(tally, true, on_event)? {
                    return Ok(RunEvent::Cancelled(Box::new(report)));
                }
            }
        }
        let n = tallies.len();
        let mut complete = 0;
        'rounds: for round in 0..self.plan.repetitions as usize {
            for i in 0..n {
                let tally = &mut tallies[rounds::position(round, i, n)];
                on_event(&tally.started());
                if !self.once(tally, false, on_event)? {
                    break 'rounds;
                }
            }
            complete = round + 1;
        }
        let finished = complete == self.plan.repetitions as usize;
        if complete > 0 {
            report.points = tallies.into_iter().map(|t| self.point(t, complete)).collect();
            report.derive();
        }
        if !finished {
            return Ok(RunEvent::Cancelled(Box::new(report)));
        }
        for point in &report.points {
            on_event(&RunEvent::PointFinished { point: Box::new(point.clone()), report: Box::new(report.clone()) });
        }
        Ok(RunEvent::Finished(Box::new(report)))
    }

    /// One execution of `tally`'s point, verified; its time counts unless `warmup`.
    /// `Ok(false)`: the run was cancelled (before or during it) and nothing was recorded.
    fn once(&mut self, tally: &mut Tally, warmup: bool, on_event: &mut dyn FnMut(&RunEvent)) -> Result<bool, RunError> {
        if self.cancelled() {
            return Ok(false);
        }
        let (backend, workers) = (tally.backend, tally.workers);
        let cpu_before = sysmon::process_cpu_time();
        let started = Instant::now();
        let sized = self.sized(workers);
        let execution = self.runner.execute(backend, sized.spec, sized.measured, workers, self.dog);
        let elapsed = started.elapsed();
        let ended = Instant::now();
        let cpu_used = sysmon::process_cpu_time().saturating_sub(cpu_before);
        let execution = match execution {
            // A cancelled execution is incomplete, whatever it returned.
            _ if self.cancelled() => return Ok(false),
            other => other?,
        };
        // A program that ran its own size (a py-* twin) reports the time scaled to the
        // plan's size and has checked its outcome against the truth itself.
        let (elapsed, cpu_used) = match execution.stats.equivalent_s {
            Some(seconds) => (
                Duration::from_secs_f64(seconds),
                Duration::from_secs_f64(execution.stats.equivalent_cpu_s.unwrap_or(0.0)),
            ),
            None => (elapsed, cpu_used),
        };
        if execution.stats.equivalent_s.is_none() {
            sized
                .workload
                .agrees(&execution.outcome, sized.reference)
                .and_then(|()| sized.workload.verify(&execution.outcome))
                .map_err(|source| RunError::Verification {
                    kernel: self.plan.spec.kernel.clone(),
                    backend: backend.id().into(),
                    workers,
                    source,
                })?;
        }
        self.done += 1;
        on_event(&RunEvent::Sample {
            backend: backend.id().into(),
            workers,
            warmup,
            seconds: elapsed.as_secs_f64(),
            done: self.done,
            total: self.total,
        });
        if warmup {
            return Ok(true);
        }
        tally.times.push(elapsed.as_secs_f64());
        tally.cpu.push(cpu_used.as_secs_f64());
        tally.stats.push(execution.stats);
        tally.outcomes.push(execution.outcome);
        tally.busy.push(match &self.runner.sampler {
            Some(sampler) => sampler
                .between(started, ended + Duration::from_millis(50))
                .iter()
                .map(sysmon::CpuSnapshot::busy_cores)
                .collect(),
            None => Vec::new(),
        });
        Ok(true)
    }
}
