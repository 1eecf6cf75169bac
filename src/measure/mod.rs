//! Measurement: a [`Plan`] (spec x backends x worker counts x warm-up x repetitions)
//! run on its own thread by the [`Runner`], which streams [`RunEvent`]s and can be
//! cancelled mid-repetition: kernels stop taking items once the flag is set, worker
//! processes are killed, and the cut-short execution is thrown away. Every outcome is verified against the sequential
//! reference before its time counts. A watchdog ([`watchdog`]) gives every execution a
//! time limit and turns an overrun into an error naming the worker that stopped answering.

pub mod budget;
pub mod commands;
pub mod report;
pub mod rounds;
mod session;
pub mod speedup;
pub mod stats;
pub mod watchdog;
pub mod weak;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, unbounded};
use serde::{Deserialize, Serialize};

pub use report::{Fit, Law, Point, Report};
pub use rounds::Order;
pub use weak::Scale;

use session::{Session, SizedWork};

use crate::backends::watch::{Stuck, Watch};
use crate::backends::{self, Backend, BackendError, Execution, Job};
use crate::kernels::{self, KernelError, KernelSpec, Outcome, ParamError, VerifyError, Workload};
use crate::sysmon::{MachineFacts, Sampler};

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
    /// Strong scaling (the same size at every worker count) or weak (the size times the
    /// worker count); results files from before it existed are strong.
    #[serde(default, skip_serializing_if = "Scale::is_strong")]
    pub scale: Scale,
    /// Point after point, or in interleaved rounds (`rounds`); reports written before
    /// parlab knew rounds were measured point after point.
    #[serde(default = "Order::before_rounds")]
    pub order: Order,
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
    /// A backend that cannot run here (python3 or a package missing).
    #[error("--backends: {backend} cannot run here: {why}")]
    Unavailable { backend: String, why: String },
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
    /// An execution overran its time limit (`--timeout`, or the default the watchdog
    /// derives from the run's slowest execution so far) and was stopped.
    #[error(
        "{kernel} on {backend} with {workers} workers did not finish within {} ({}): {}; the run was stopped",
        crate::present::seconds(limit.as_secs_f64()),
        if *given { "--timeout".to_string() } else { format!("the default limit, {}x the slowest run before it and at least {} s; set another with --timeout", watchdog::DEFAULT_FACTOR, watchdog::DEFAULT_FLOOR.as_secs()) },
        stuck.as_ref().map_or("no worker was known to be running items then (it stopped while starting, or this backend does not say)".to_string(), |s| s.to_string())
    )]
    Timeout {
        /// The kernel id.
        kernel: String,
        /// The backend id.
        backend: String,
        /// The worker count.
        workers: usize,
        /// The limit it overran.
        limit: Duration,
        /// Whether the limit was the user's (`--timeout`).
        given: bool,
        /// The worker that stopped answering, with its pid and items, when one was busy.
        stuck: Option<Box<Stuck>>,
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
        for backend in &chosen {
            backend
                .available(Some(&self.spec.kernel))
                .map_err(|why| PlanError::Unavailable { backend: backend.id().into(), why })?;
        }
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
        let refuse = |e| match e {
            KernelError::BadSize { why, .. } => PlanError::Size(why),
            KernelError::BadParam(param) => PlanError::Param(param),
            other => PlanError::Kernel(other),
        };
        // Under weak scaling the largest point must be possible too.
        let largest = self.points().iter().map(|&(_, w)| self.size_at(w)).max().unwrap_or(self.spec.size);
        if largest != self.spec.size {
            let spec = KernelSpec { size: largest, ..self.spec.clone() };
            let needed = kernel.memory_bytes(&spec);
            if facts.memory_available_bytes > 0 && needed > facts.memory_available_bytes {
                return Err(PlanError::Size(format!(
                    "--scale weak grows the size to {largest} {} at {} workers, which need about {} MiB but only {} MiB of memory is free",
                    kernel.size_unit(),
                    self.workers.iter().max().unwrap_or(&1),
                    needed >> 20,
                    facts.memory_available_bytes >> 20
                )));
            }
            kernel.check(&spec).map_err(refuse)?;
        }
        self.spec.build().map_err(refuse)
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

    /// The kernel size measured at `workers` workers: the plan's size, times the worker
    /// count under weak scaling.
    pub fn size_at(&self, workers: usize) -> u64 {
        self.scale.size_at(self.spec.size, workers)
    }

    /// Executions the plan will make, the reference runs included (one per size).
    pub fn total_runs(&self) -> usize {
        let mut sizes: Vec<u64> = self.points().iter().map(|&(_, w)| self.size_at(w)).collect();
        sizes.push(self.spec.size);
        sizes.sort_unstable();
        sizes.dedup();
        sizes.len() + self.points().len() * (self.warmup + self.repetitions) as usize
    }
}

/// The largest worker count parlab accepts.
pub const MAX_WORKERS: usize = 1024;

/// The most default worker counts (the oversubscribed one included): a sweep on a big
/// node stays as short as one on a laptop.
pub const MAX_DEFAULT_COUNTS: usize = 8;

/// Default worker counts: 1, 2, 4, ... up to `cpus`, then `cpus` itself, then one
/// oversubscribed point (the next power of two above it). On big nodes, where doubling
/// would give more than [`MAX_DEFAULT_COUNTS`], the steps after 4 grow (x4, x8, ...):
/// 256 CPUs give 1, 2, 4, 16, 64, 256, 512.
pub fn default_workers(cpus: usize) -> Vec<usize> {
    let cpus = cpus.max(1);
    let mut step = 2;
    loop {
        let mut workers: Vec<usize> =
            std::iter::successors(Some(1usize), |&w| Some(if w < 4 { w * 2 } else { w * step }))
                .take_while(|&w| w <= cpus)
                .collect();
        if workers.last() != Some(&cpus) {
            workers.push(cpus);
        }
        workers.push((cpus + 1).next_power_of_two());
        if workers.len() <= MAX_DEFAULT_COUNTS || step >= cpus {
            return workers;
        }
        step *= 2;
    }
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
    /// The time limit of every execution (`--timeout`); `None`: the watchdog's default.
    timeout: Option<Duration>,
}

impl Runner {
    /// A runner that records busy cores from `sampler`, when given.
    pub fn new(facts: MachineFacts, sampler: Option<Arc<Sampler>>) -> Self {
        Self { facts: Arc::new(facts), sampler, timeout: None }
    }

    /// The same runner, stopping any execution that takes longer than `timeout`
    /// (`--timeout`) instead of the default limit ([`watchdog`]).
    pub fn with_timeout(self, timeout: Option<Duration>) -> Self {
        Self { timeout, ..self }
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

    /// Runs `plan` with a watchdog on its own thread beside it.
    fn run_inner(
        &self,
        plan: &Plan,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, RunError> {
        let dog = watchdog::Watchdog::new(cancel, self.timeout);
        thread::scope(|scope| {
            let _retire = watchdog::Retire(&dog);
            thread::Builder::new().name("parlab-watchdog".into()).spawn_scoped(scope, || dog.patrol()).map_err(
                |e| RunError::Backend {
                    kernel: plan.spec.kernel.clone(),
                    backend: backends::reference_id().into(),
                    workers: 1,
                    source: Box::new(BackendError::Worker(format!("could not start the watchdog thread: {e}"))),
                },
            )?;
            self.measure(plan, cancel, &dog, on_event)
        })
    }

    fn measure(
        &self,
        plan: &Plan,
        cancel: &AtomicBool,
        dog: &watchdog::Watchdog,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, RunError> {
        let workload = plan.validate(&self.facts)?;
        let total = plan.total_runs();
        on_event(&RunEvent::Started { plan: plan.clone(), total_runs: total });
        let mut report = Report::new((*self.facts).clone(), plan.clone());

        // The sequential reference: every other outcome must agree with it.
        let started = Instant::now();
        let reference = match self.execute(backends::reference(), &plan.spec, workload.as_ref(), 1, dog) {
            // A cancelled execution is incomplete, whatever it returned.
            _ if cancel.load(Ordering::Relaxed) => return Ok(RunEvent::Cancelled(Box::new(report))),
            other => other?.outcome,
        };
        report.reference_s = Some(started.elapsed().as_secs_f64());
        workload
            .verify(&reference)
            .map_err(|source| RunError::Reference { kernel: plan.spec.kernel.clone(), source })?;
        // Weak scaling: each larger size has its own workload and sequential reference.
        let mut scaled: Vec<(KernelSpec, Box<dyn Workload>, Outcome)> = Vec::new();
        let mut done = 1;
        for (_, workers) in plan.points() {
            let spec = KernelSpec { size: plan.size_at(workers), ..plan.spec.clone() };
            if spec.size == plan.spec.size || scaled.iter().any(|(s, _, _)| s.size == spec.size) {
                continue;
            }
            let built = spec.build().map_err(|e| PlanError::Size(e.to_string()))?;
            let outcome = match self.execute(backends::reference(), &spec, built.as_ref(), 1, dog) {
                _ if cancel.load(Ordering::Relaxed) => return Ok(RunEvent::Cancelled(Box::new(report))),
                other => other?.outcome,
            };
            built
                .verify(&outcome)
                .map_err(|source| RunError::Reference { kernel: plan.spec.kernel.clone(), source })?;
            done += 1;
            scaled.push((spec, built, outcome));
        }
        // The hidden test hook (backends::fault): with PARLAB_FAULT set, every measured point is wrong.
        let faulty: Vec<_> = std::iter::once(workload.as_ref())
            .chain(scaled.iter().map(|(_, built, _)| built.as_ref()))
            .map(backends::fault::Faulty::from_env)
            .collect();
        let sizes: Vec<SizedWork> = std::iter::once((&plan.spec, workload.as_ref(), &reference))
            .chain(scaled.iter().map(|(spec, built, outcome)| (spec, built.as_ref(), outcome)))
            .zip(&faulty)
            .map(|((spec, workload, reference), faulty)| SizedWork {
                spec,
                workload,
                measured: faulty.as_ref().map_or(workload, |f| f),
                reference,
            })
            .collect();
        let mut session = Session { runner: self, plan, sizes: &sizes, cancel, dog, done, total };
        match plan.order {
            Order::Sequential => session.point_after_point(report, on_event),
            Order::Interleaved => session.in_rounds(report, on_event),
        }
    }

    /// One execution under the watchdog: an overrun is a [`RunError::Timeout`] naming
    /// the worker that stopped answering, whatever the stopped backend returned.
    fn execute(
        &self,
        backend: &dyn Backend,
        spec: &KernelSpec,
        workload: &dyn Workload,
        workers: usize,
        dog: &watchdog::Watchdog,
    ) -> Result<Execution, RunError> {
        let watch = Arc::new(Watch::new(workers));
        dog.arm(Arc::clone(&watch));
        let started = Instant::now();
        let job = Job { spec, workload, workers, cancel: dog.stop_flag(), watch: Some(&watch) };
        let result = backend.execute(&job);
        if let Some(expiry) = dog.disarm(started.elapsed()) {
            return Err(RunError::Timeout {
                kernel: spec.kernel.clone(),
                backend: backend.id().into(),
                workers,
                limit: expiry.limit,
                given: dog.given(),
                stuck: expiry.stuck.map(Box::new),
            });
        }
        result.map_err(|source| RunError::Backend {
            kernel: spec.kernel.clone(),
            backend: backend.id().into(),
            workers,
            source: Box::new(source),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_plan(order: Order) -> Plan {
        let spec = KernelSpec { kernel: "pi".into(), size: 20_000, seed: 1, params: Default::default() };
        Plan {
            spec,
            backends: vec!["seq".into(), "threads".into()],
            workers: vec![1, 2],
            warmup: 1,
            repetitions: 3,
            scale: Scale::Strong,
            order,
        }
    }

    /// The (backend, workers, warm-up) of every execution, in the order the runner made them.
    fn executions(order: Order) -> (Vec<(String, usize, bool)>, Report) {
        let mut seen = Vec::new();
        let last =
            Runner::new(MachineFacts::detect(), None).run(&small_plan(order), &AtomicBool::new(false), &mut |e| {
                if let RunEvent::Sample { backend, workers, warmup, .. } = e {
                    seen.push((backend.clone(), *workers, *warmup));
                }
            });
        let RunEvent::Finished(report) = last else { panic!("{last:?}") };
        (seen, *report)
    }

    #[test]
    fn interleaved_rounds_run_every_point_once_per_round_in_rotating_order() {
        let (seen, report) = executions(Order::Interleaved);
        let point = |(b, w, _): &(String, usize, bool)| format!("{b}x{w}");
        let warmups: Vec<String> = seen.iter().filter(|s| s.2).map(point).collect();
        let timed: Vec<String> = seen.iter().filter(|s| !s.2).map(point).collect();
        assert_eq!(warmups, ["seqx1", "threadsx1", "threadsx2"]);
        assert_eq!(
            timed,
            [
                "seqx1",
                "threadsx1",
                "threadsx2", // round 0
                "threadsx1",
                "threadsx2",
                "seqx1", // round 1
                "threadsx2",
                "seqx1",
                "threadsx1", // round 2
            ]
        );
        assert!(report.points.iter().all(|p| p.times_s.len() == 3));
        let two = report.points.iter().find(|p| p.backend == "threads" && p.workers == 2).unwrap();
        let one = report.points.iter().find(|p| p.backend == "threads" && p.workers == 1).unwrap();
        let ratios: Vec<f64> = one.times_s.iter().zip(&two.times_s).map(|(a, b)| a / b).collect();
        approx::assert_relative_eq!(two.speedup.unwrap(), stats::Summary::of(&ratios).unwrap().median);
        approx::assert_relative_eq!(two.speedup_of_medians.unwrap(), one.median_s / two.median_s);
        assert!(two.round_spread.is_some());
    }

    #[test]
    fn sequential_order_runs_point_after_point_with_the_ratio_of_medians() {
        let (seen, report) = executions(Order::Sequential);
        let first_threads = seen.iter().position(|s| s.0 == "threads").unwrap();
        assert!(seen[..first_threads].iter().all(|s| s.0 == "seq") && first_threads == 4);
        let two = report.points.iter().find(|p| p.backend == "threads" && p.workers == 2).unwrap();
        let one = report.points.iter().find(|p| p.backend == "threads" && p.workers == 1).unwrap();
        approx::assert_relative_eq!(two.speedup.unwrap(), one.median_s / two.median_s);
        assert_eq!((two.speedup_of_medians, two.round_spread, two.rounds_disagree), (None, None, false));
    }

    #[test]
    fn a_cancelled_interleaved_run_keeps_the_complete_rounds() {
        let cancel = AtomicBool::new(false);
        let mut timed = 0;
        let last = Runner::new(MachineFacts::detect(), None).run(&small_plan(Order::Interleaved), &cancel, &mut |e| {
            if let RunEvent::Sample { warmup: false, .. } = e {
                timed += 1;
                // Cancel in the middle of round 1 (the 5th timed run of 3 points).
                if timed == 5 {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        });
        let RunEvent::Cancelled(report) = last else { panic!("{last:?}") };
        assert_eq!(report.points.len(), 3);
        assert!(report.points.iter().all(|p| p.times_s.len() == 1), "only round 0 was complete");
    }

    #[test]
    fn default_worker_counts() {
        assert_eq!(default_workers(1), vec![1, 2]);
        assert_eq!(default_workers(2), vec![1, 2, 4]);
        assert_eq!(default_workers(4), vec![1, 2, 4, 8]);
        assert_eq!(default_workers(6), vec![1, 2, 4, 6, 8]);
        assert_eq!(default_workers(8), vec![1, 2, 4, 8, 16]);
        assert_eq!(default_workers(64), vec![1, 2, 4, 8, 16, 32, 64, 128]);
        assert_eq!(default_workers(128), vec![1, 2, 4, 16, 64, 128, 256]);
        assert_eq!(default_workers(256), vec![1, 2, 4, 16, 64, 256, 512]);
        for cpus in 1..=4096 {
            let counts = default_workers(cpus);
            assert!(counts.len() <= MAX_DEFAULT_COUNTS, "{cpus} CPUs: {counts:?}");
            assert!(counts.contains(&cpus) && counts.last() > Some(&cpus), "{cpus} CPUs: {counts:?}");
        }
    }
}
