//! Measurement: a [`Plan`] (spec x backends x worker counts x warm-up x repetitions)
//! run on its own thread by the [`Runner`], which streams [`RunEvent`]s and can be
//! cancelled mid-repetition: kernels stop taking items once the flag is set, worker
//! processes are killed, and the cut-short execution is thrown away. Every outcome is verified against the sequential
//! reference before its time counts.

pub mod budget;
pub mod commands;
pub mod report;
pub mod speedup;
pub mod stats;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, unbounded};
use serde::{Deserialize, Serialize};

pub use report::{Fit, Point, Report};

use crate::backends::{self, Backend, BackendError, ExecStats, Execution, Job};
use crate::kernels::{self, KernelError, KernelSpec, Outcome, ParamError, VerifyError, Workload};
use crate::sysmon::{self, MachineFacts, Sampler};

/// What to measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The kernel, size, seed and parameters.
    pub spec: KernelSpec,
    /// Backend ids, in the order to run them.
    pub backends: Vec<String>,
    /// Worker counts, ascending.
    pub workers: Vec<usize>,
    /// Untimed runs before the timed ones, per point.
    pub warmup: u32,
    /// Timed runs per point.
    pub repetitions: u32,
}

/// Why a plan cannot run; each message names the flag at fault.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum PlanError {
    /// Unknown kernel.
    #[error("unknown kernel '{name}'; valid kernels: {}", valid.join(", "))]
    UnknownKernel { name: String, valid: Vec<&'static str> },
    /// Unknown backend.
    #[error("--backends: unknown backend '{name}'; valid backends: {}", valid.join(", "))]
    UnknownBackend { name: String, valid: Vec<&'static str> },
    /// No backend given.
    #[error("--backends: give at least one backend; valid backends: {}", valid.join(", "))]
    NoBackends { valid: Vec<&'static str> },
    /// Bad worker counts.
    #[error("--workers: {0}")]
    Workers(String),
    /// Bad repetitions.
    #[error("--reps: need at least one timed repetition")]
    Repetitions,
    /// Unknown parameter.
    #[error("--param {key}: not a parameter of kernel '{kernel}' or of the chosen backends; valid parameters: {}", if valid.is_empty() { "none".to_string() } else { valid.join(", ") })]
    UnknownParam { key: String, kernel: String, valid: Vec<String> },
    /// Size out of range.
    #[error("--size: {0}")]
    Size(String),
    /// A kernel or backend parameter has a value it cannot use.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The kernel could not build its workload from the spec.
    #[error(transparent)]
    Kernel(KernelError),
}

/// Why a run ended without its results. Each names what was running: kernel, backend
/// and worker count, where there were any.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The plan was refused before anything ran.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A backend could not finish an execution (a worker crashed, a thread could not start).
    #[error("{kernel} on {backend} with {workers} workers failed: {source}")]
    Backend {
        /// The kernel id.
        kernel: String,
        /// The backend id.
        backend: String,
        /// The worker count.
        workers: usize,
        /// What went wrong.
        source: Box<BackendError>,
    },
    /// The sequential reference run's outcome is not what is known to be true.
    #[error("the sequential reference run of '{kernel}' is wrong: {source}")]
    Reference {
        /// The kernel id.
        kernel: String,
        /// How the outcome is wrong.
        source: VerifyError,
    },
    /// An outcome failed verification: a run that is wrong is an error, never a data point.
    #[error("{kernel} on {backend} with {workers} workers failed verification: {source}")]
    Verification {
        /// The kernel id.
        kernel: String,
        /// The backend id.
        backend: String,
        /// The worker count.
        workers: usize,
        /// How the outcome is wrong.
        source: VerifyError,
    },
    /// The runner thread itself stopped (a panic): a bug in parlab.
    #[error("the run stopped unexpectedly (a panic in the runner)")]
    Panicked,
    /// A measured command (`--cmd`) was refused, failed, timed out or printed the wrong output.
    #[error(transparent)]
    Command(#[from] commands::CommandPlanError),
}

impl Plan {
    /// Checks everything that can be checked before running, and builds the workload.
    pub fn validate(&self, facts: &MachineFacts) -> Result<Box<dyn Workload>, PlanError> {
        let kernel = kernels::find(&self.spec.kernel)
            .ok_or_else(|| PlanError::UnknownKernel { name: self.spec.kernel.clone(), valid: kernels::ids() })?;
        if self.backends.is_empty() {
            return Err(PlanError::NoBackends { valid: backends::ids() });
        }
        let chosen = self.chosen_backends()?;
        if self.workers.is_empty() {
            return Err(PlanError::Workers("give at least one worker count".into()));
        }
        if let Some(&w) = self.workers.iter().find(|&&w| w == 0 || w > MAX_WORKERS) {
            return Err(PlanError::Workers(format!("{w} is not a valid worker count (1 to {MAX_WORKERS})")));
        }
        if self.repetitions == 0 {
            return Err(PlanError::Repetitions);
        }
        let valid: Vec<String> = kernel
            .params()
            .iter()
            .chain(chosen.iter().flat_map(|b| b.params()))
            .map(|p| format!("{} (default {}: {})", p.key, p.default, p.help))
            .collect();
        for key in self.spec.params.keys() {
            let known = kernel.params().iter().chain(chosen.iter().flat_map(|b| b.params())).any(|p| p.key == key);
            if !known {
                return Err(PlanError::UnknownParam { key: key.clone(), kernel: kernel.id().into(), valid });
            }
        }
        for backend in &chosen {
            backend.validate(&self.spec)?;
        }
        if self.spec.size == 0 {
            return Err(PlanError::Size("must be at least 1".into()));
        }
        let needed = kernel.memory_bytes(&self.spec);
        if facts.memory_available_bytes > 0 && needed > facts.memory_available_bytes {
            return Err(PlanError::Size(format!(
                "{} {} need about {} MiB but only {} MiB of memory is free",
                self.spec.size,
                kernel.size_unit(),
                needed >> 20,
                facts.memory_available_bytes >> 20
            )));
        }
        self.spec.build().map_err(|e| match e {
            KernelError::BadSize { why, .. } => PlanError::Size(why),
            KernelError::BadParam(param) => PlanError::Param(param),
            other => PlanError::Kernel(other),
        })
    }

    fn chosen_backends(&self) -> Result<Vec<&'static dyn Backend>, PlanError> {
        self.backends
            .iter()
            .map(|name| {
                backends::find(name)
                    .ok_or_else(|| PlanError::UnknownBackend { name: name.clone(), valid: backends::ids() })
            })
            .collect()
    }

    /// The (backend, workers) points in the order they will run. A backend with a fixed
    /// worker count (seq) runs once, at that count.
    pub fn points(&self) -> Vec<(&'static dyn Backend, usize)> {
        let Ok(chosen) = self.chosen_backends() else { return Vec::new() };
        let mut points = Vec::new();
        for backend in chosen {
            match backend.fixed_workers() {
                Some(n) => points.push((backend, n)),
                None => points.extend(self.workers.iter().map(|&w| (backend, w))),
            }
        }
        points
    }

    /// Executions the plan will make, the reference run included.
    pub fn total_runs(&self) -> usize {
        1 + self.points().len() * (self.warmup + self.repetitions) as usize
    }
}

/// The largest worker count parlab accepts.
pub const MAX_WORKERS: usize = 1024;

/// Default worker counts: 1, 2, 4, ... up to `cpus`, then `cpus` itself, then one
/// oversubscribed point (the next power of two above it).
pub fn default_workers(cpus: usize) -> Vec<usize> {
    let cpus = cpus.max(1);
    let mut workers: Vec<usize> =
        std::iter::successors(Some(1usize), |w| Some(w * 2)).take_while(|&w| w <= cpus).collect();
    if workers.last() != Some(&cpus) {
        workers.push(cpus);
    }
    workers.push((cpus + 1).next_power_of_two());
    workers
}

/// What the runner reports as it goes.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The plan was accepted and is starting.
    Started { plan: Plan, total_runs: usize },
    /// A (backend, workers) point is starting.
    PointStarted { backend: String, workers: usize },
    /// One execution finished and was verified. `warmup` runs are not timed results.
    Sample { backend: String, workers: usize, warmup: bool, seconds: f64, done: usize, total: usize },
    /// A point is complete; `report` holds every point so far with derived figures.
    PointFinished { point: Box<Point>, report: Box<Report> },
    /// The whole plan is done.
    Finished(Box<Report>),
    /// The plan failed (bad input, a verification mismatch, a worker crash).
    Failed(RunError),
    /// The user cancelled; the report holds the points finished before.
    Cancelled(Box<Report>),
}

/// A plan running on its own thread.
pub struct RunHandle {
    /// Events, ending with Finished, Failed or Cancelled.
    pub events: Receiver<RunEvent>,
    cancel: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl RunHandle {
    /// Asks the run to stop: within a fraction of a second, mid-repetition.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether the runner thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(thread::JoinHandle::is_finished)
    }
}

impl Drop for RunHandle {
    fn drop(&mut self) {
        self.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs plans; shares the machine facts and the core sampler with every run.
#[derive(Clone)]
pub struct Runner {
    facts: Arc<MachineFacts>,
    sampler: Option<Arc<Sampler>>,
}

impl Runner {
    /// A runner that records busy cores from `sampler`, when given.
    pub fn new(facts: MachineFacts, sampler: Option<Arc<Sampler>>) -> Self {
        Self { facts: Arc::new(facts), sampler }
    }

    /// The machine facts every report carries.
    pub fn facts(&self) -> &MachineFacts {
        &self.facts
    }

    /// Starts `plan` on its own thread.
    pub fn start(&self, plan: Plan) -> RunHandle {
        let (tx, events) = unbounded();
        let cancel = Arc::new(AtomicBool::new(false));
        let runner = self.clone();
        let flag = Arc::clone(&cancel);
        let thread = thread::Builder::new()
            .name("parlab-runner".into())
            .spawn(move || {
                let last = runner.run(&plan, &flag, &mut |event| {
                    let _ = tx.send(event.clone());
                });
                let _ = tx.send(last);
            })
            .ok();
        RunHandle { events, cancel, thread }
    }

    /// Runs `plan` on the calling thread, passing every event but the last to `on_event`;
    /// returns the last (Finished, Failed or Cancelled).
    pub fn run(&self, plan: &Plan, cancel: &AtomicBool, on_event: &mut dyn FnMut(&RunEvent)) -> RunEvent {
        match self.run_inner(plan, cancel, on_event) {
            Ok(event) => event,
            Err(error) => RunEvent::Failed(error),
        }
    }

    fn run_inner(
        &self,
        plan: &Plan,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, RunError> {
        let workload = plan.validate(&self.facts)?;
        let total = plan.total_runs();
        on_event(&RunEvent::Started { plan: plan.clone(), total_runs: total });
        let mut report = Report::new((*self.facts).clone(), plan.clone());

        // The sequential reference: every other outcome must agree with it.
        let started = Instant::now();
        let reference = match self.execute(backends::reference(), plan, workload.as_ref(), 1, cancel) {
            // A cancelled execution is incomplete, whatever it returned.
            _ if cancel.load(Ordering::Relaxed) => return Ok(RunEvent::Cancelled(Box::new(report))),
            other => other?.outcome,
        };
        report.reference_s = Some(started.elapsed().as_secs_f64());
        workload
            .verify(&reference)
            .map_err(|source| RunError::Reference { kernel: plan.spec.kernel.clone(), source })?;
        let mut done = 1;
        // The hidden test hook (backends::fault): with PARLAB_FAULT set, every measured point is wrong.
        let faulty = backends::fault::Faulty::from_env(workload.as_ref());
        let measured: &dyn Workload = faulty.as_ref().map_or(workload.as_ref(), |f| f);

        for (backend, workers) in plan.points() {
            on_event(&RunEvent::PointStarted { backend: backend.id().into(), workers });
            let mut times = Vec::new();
            let mut cpu = Vec::new();
            let mut stats: Vec<ExecStats> = Vec::new();
            let mut busy = Vec::new();
            let mut outcomes: Vec<Outcome> = Vec::new();
            for rep in 0..plan.warmup + plan.repetitions {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(RunEvent::Cancelled(Box::new(report)));
                }
                let warmup = rep < plan.warmup;
                let cpu_before = sysmon::process_cpu_time();
                let started = Instant::now();
                let execution = self.execute(backend, plan, measured, workers, cancel);
                let elapsed = started.elapsed();
                let ended = Instant::now();
                let cpu_used = sysmon::process_cpu_time().saturating_sub(cpu_before);
                let execution = match execution {
                    _ if cancel.load(Ordering::Relaxed) => return Ok(RunEvent::Cancelled(Box::new(report))),
                    other => other?,
                };
                workload
                    .agrees(&execution.outcome, &reference)
                    .and_then(|()| workload.verify(&execution.outcome))
                    .map_err(|source| RunError::Verification {
                        kernel: plan.spec.kernel.clone(),
                        backend: backend.id().into(),
                        workers,
                        source,
                    })?;
                done += 1;
                on_event(&RunEvent::Sample {
                    backend: backend.id().into(),
                    workers,
                    warmup,
                    seconds: elapsed.as_secs_f64(),
                    done,
                    total,
                });
                if warmup {
                    continue;
                }
                times.push(elapsed.as_secs_f64());
                cpu.push(cpu_used.as_secs_f64());
                stats.push(execution.stats);
                outcomes.push(execution.outcome);
                if let Some(sampler) = &self.sampler {
                    let snapshots = sampler.between(started, ended + Duration::from_millis(50));
                    busy.extend(snapshots.iter().map(sysmon::CpuSnapshot::busy_cores));
                }
            }
            let mut point = Point::new(&plan.spec.kernel, backend.id(), workers, times.clone());
            let middle = stats::median_index(&times).unwrap_or(0);
            point.cpu_time_s = stats::Summary::of(&cpu).map_or(0.0, |s| s.median);
            point.busy_cores = (!busy.is_empty()).then(|| busy.iter().sum::<f64>() / busy.len() as f64);
            point.verified = true;
            point.varying = report::varying_scalars(&outcomes);
            point.outcome = outcomes.pop().unwrap_or_default();
            point.stats = stats.swap_remove(middle);
            report.points.push(point);
            report.derive();
            if let Some(point) = report.points.last().cloned() {
                on_event(&RunEvent::PointFinished { point: Box::new(point), report: Box::new(report.clone()) });
            }
        }
        Ok(RunEvent::Finished(Box::new(report)))
    }

    fn execute(
        &self,
        backend: &dyn Backend,
        plan: &Plan,
        workload: &dyn Workload,
        workers: usize,
        cancel: &AtomicBool,
    ) -> Result<Execution, RunError> {
        let job = Job { spec: &plan.spec, workload, workers, cancel };
        backend.execute(&job).map_err(|source| RunError::Backend {
            kernel: plan.spec.kernel.clone(),
            backend: backend.id().into(),
            workers,
            source: Box::new(source),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_worker_counts() {
        assert_eq!(default_workers(1), vec![1, 2]);
        assert_eq!(default_workers(2), vec![1, 2, 4]);
        assert_eq!(default_workers(4), vec![1, 2, 4, 8]);
        assert_eq!(default_workers(6), vec![1, 2, 4, 6, 8]);
        assert_eq!(default_workers(8), vec![1, 2, 4, 8, 16]);
    }
}
