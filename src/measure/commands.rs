//! Measuring commands parlab did not write (`parlab run --cmd`): the same warm-up,
//! repetitions, CPU time, busy cores, speedups and fits as for kernels, one series per
//! command. A command cannot be checked against seq bit for bit, so its output is
//! checked against itself across worker counts (`--check`), and a failed run is an
//! error, never a data point.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::report::{Point, Report};
use super::{Plan, RunEvent, Runner};
use crate::backends::ExecStats;
use crate::backends::command::{self, CommandError, CommandRun, CommandSpec};
use crate::kernels::{KernelSpec, Outcome, Value};
use crate::sysmon::CpuSnapshot;

/// The kernel name that command reports carry in their plan and points.
pub const COMMAND_KERNEL: &str = "command";

/// What to measure: commands x worker counts x (warm-up, repetitions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandPlan {
    /// The commands, each its own series.
    pub commands: Vec<CommandSpec>,
    /// Worker counts, ascending.
    pub workers: Vec<usize>,
    /// Untimed runs before the timed ones, per point.
    pub warmup: u32,
    /// Timed runs per point.
    pub repetitions: u32,
    /// Seconds one run may take before its process group is killed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<f64>,
    /// How the output is checked across worker counts.
    #[serde(default)]
    pub check: OutputCheck,
}

/// How a command's output must agree across runs and worker counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputCheck {
    /// Only the exit status is checked.
    #[default]
    None,
    /// Standard output must be identical at every point.
    Stdout,
    /// The number captured by the pattern's first group (or its whole match) must agree
    /// within a relative tolerance.
    Number {
        /// The regular expression.
        pattern: String,
        /// Largest relative difference from the first run's number.
        tolerance: f64,
    },
}

impl OutputCheck {
    /// Parses `--check stdout` or `--check 'regex:pi = ([0-9.]+)'`.
    pub fn parse(text: &str, tolerance: f64) -> Result<Self, String> {
        if text == "stdout" {
            return Ok(OutputCheck::Stdout);
        }
        let Some(pattern) = text.strip_prefix("regex:") else {
            return Err(format!("--check '{text}': give stdout or regex:PATTERN"));
        };
        regex::Regex::new(pattern).map_err(|e| format!("--check '{text}': not a regular expression: {e}"))?;
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(format!("--tolerance {tolerance}: give a relative tolerance of 0 or more"));
        }
        Ok(OutputCheck::Number { pattern: pattern.to_string(), tolerance })
    }
}

/// Why a command plan cannot run.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum CommandPlanError {
    /// A command is malformed.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// Two commands share a name.
    #[error("--name: two commands are called '{0}'; give each --cmd its own --name")]
    DuplicateName(String),
    /// Bad worker counts.
    #[error("--workers: {0}")]
    Workers(String),
    /// No timed repetition.
    #[error("--reps: need at least one timed repetition")]
    Repetitions,
    /// Bad timeout.
    #[error("--timeout: {0}")]
    Timeout(String),
    /// The output of a run disagrees with the first run's, or has no number to check.
    #[error("{0}")]
    Check(String),
}

impl CommandPlan {
    /// Checks everything that can be checked before running.
    pub fn validate(&self) -> Result<(), CommandPlanError> {
        for (i, spec) in self.commands.iter().enumerate() {
            spec.validate()?;
            if self.commands[..i].iter().any(|other| other.name == spec.name) {
                return Err(CommandPlanError::DuplicateName(spec.name.clone()));
            }
        }
        if self.workers.is_empty() {
            return Err(CommandPlanError::Workers("give at least one worker count".into()));
        }
        if let Some(&w) = self.workers.iter().find(|&&w| w == 0 || w > super::MAX_WORKERS) {
            return Err(CommandPlanError::Workers(format!(
                "{w} is not a valid worker count (1 to {})",
                super::MAX_WORKERS
            )));
        }
        if self.repetitions == 0 {
            return Err(CommandPlanError::Repetitions);
        }
        if let Some(t) = self.timeout_s
            && !(t.is_finite() && t > 0.0)
        {
            return Err(CommandPlanError::Timeout(format!("{t} is not a positive number of seconds")));
        }
        Ok(())
    }

    /// The plan in the shape every report carries: the commands as its backends.
    pub fn as_plan(&self) -> Plan {
        Plan {
            spec: KernelSpec { kernel: COMMAND_KERNEL.into(), size: 0, seed: 0, params: Default::default() },
            backends: self.commands.iter().map(|c| c.name.clone()).collect(),
            workers: self.workers.clone(),
            warmup: self.warmup,
            repetitions: self.repetitions,
            scale: super::Scale::Strong,
            order: super::Order::Sequential,
        }
    }

    /// Runs in all.
    pub fn total_runs(&self) -> usize {
        self.commands.len() * self.workers.len() * (self.warmup + self.repetitions) as usize
    }
}

/// `python3 pi.py --workers {workers}` is called `pi.py`; `./omp_pi {workers}`, `omp_pi`.
pub fn default_name(template: &str) -> String {
    let words = shell_words::split(template).unwrap_or_else(|_| vec![template.to_string()]);
    let interpreters = ["python", "python3", "sh", "bash", "node", "Rscript", "julia", "env", "uv", "pixi"];
    let file = |w: &String| Path::new(w).file_name().map_or(w.clone(), |n| n.to_string_lossy().into_owned());
    let mut candidates = words.iter().filter(|w| !w.starts_with('-'));
    let first = candidates.next();
    match first {
        Some(program) if interpreters.iter().any(|i| file(program).starts_with(i)) => {
            candidates.next().map_or_else(|| file(program), file)
        }
        Some(program) => file(program),
        None => "command".into(),
    }
}

/// One captured output of a point, for `--out` (one log per point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointLog {
    /// The command's name.
    pub name: String,
    /// Worker count.
    pub workers: usize,
    /// The command line as it ran.
    pub command_line: String,
    /// Standard output of the last timed run.
    pub stdout: String,
    /// Standard error of the last timed run.
    pub stderr: String,
}

/// Compares each run's output with the first one's.
struct Checker {
    check: OutputCheck,
    regex: Option<regex::Regex>,
    first: Option<(String, usize, Vec<u8>, Option<f64>)>,
}

impl Checker {
    fn new(check: &OutputCheck) -> Self {
        let regex = match check {
            OutputCheck::Number { pattern, .. } => regex::Regex::new(pattern).ok(),
            _ => None,
        };
        Self { check: check.clone(), regex, first: None }
    }

    /// The number the run printed (with a number check), or an error naming the point.
    fn check(&mut self, name: &str, workers: usize, run: &CommandRun) -> Result<Option<f64>, String> {
        let number = match (&self.check, &self.regex) {
            (OutputCheck::Number { pattern, .. }, Some(regex)) => {
                let text = String::from_utf8_lossy(&run.stdout);
                let found =
                    regex.captures(&text).and_then(|c| c.get(1).or_else(|| c.get(0))).map(|m| m.as_str().to_string());
                let Some(found) = found else {
                    return Err(format!("{name} with {workers} workers: its output has no match for /{pattern}/"));
                };
                let value: f64 = found.trim().parse().map_err(|_| {
                    format!("{name} with {workers} workers: /{pattern}/ matched '{found}', which is not a number")
                })?;
                Some(value)
            }
            _ => None,
        };
        let Some((first_name, first_workers, first_stdout, first_number)) = &self.first else {
            self.first = Some((name.to_string(), workers, run.stdout.clone(), number));
            return Ok(number);
        };
        match &self.check {
            OutputCheck::None => {}
            OutputCheck::Stdout => {
                if run.stdout != *first_stdout {
                    return Err(format!(
                        "{name} with {workers} workers printed other output than {first_name} with {first_workers} workers (--check stdout){}",
                        first_difference(first_stdout, &run.stdout)
                    ));
                }
            }
            OutputCheck::Number { tolerance, .. } => {
                if let (Some(value), Some(reference)) = (number, first_number) {
                    let allowed = tolerance * reference.abs().max(f64::MIN_POSITIVE);
                    if (value - reference).abs() > allowed {
                        return Err(format!(
                            "{name} with {workers} workers printed {value}, but {first_name} with {first_workers} workers printed {reference}: they differ by more than the relative tolerance {tolerance}"
                        ));
                    }
                }
            }
        }
        Ok(number)
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let mut lines = a.lines().zip(b.lines()).enumerate();
    match lines.find(|(_, (x, y))| x != y) {
        Some((i, (x, y))) => format!("; line {}: '{x}' against '{y}'", i + 1),
        None => format!("; {} lines against {}", a.lines().count(), b.lines().count()),
    }
}

impl Runner {
    /// Runs a command plan on the calling thread, passing every event but the last to
    /// `on_event`; returns the last (Finished, Failed or Cancelled) and the logs of the
    /// last timed run of every point.
    pub fn run_commands(
        &self,
        plan: &CommandPlan,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> (RunEvent, Vec<PointLog>) {
        let mut logs = Vec::new();
        let event = match self.run_commands_inner(plan, cancel, on_event, &mut logs) {
            Ok(event) => event,
            Err(error) => RunEvent::Failed(error.into()),
        };
        (event, logs)
    }

    fn run_commands_inner(
        &self,
        plan: &CommandPlan,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
        logs: &mut Vec<PointLog>,
    ) -> Result<RunEvent, CommandPlanError> {
        plan.validate()?;
        let program = exec_program()?;
        let total = plan.total_runs();
        let as_plan = plan.as_plan();
        on_event(&RunEvent::Started { plan: as_plan.clone(), total_runs: total });
        let mut report = Report { commands: Some(plan.clone()), ..Report::new(self.facts().clone(), as_plan) };
        let timeout = plan.timeout_s.map(Duration::from_secs_f64);
        let mut checker = Checker::new(&plan.check);
        let mut done = 0;
        for spec in &plan.commands {
            for &workers in &plan.workers {
                on_event(&RunEvent::PointStarted { backend: spec.name.clone(), workers });
                let mut times = Vec::new();
                let mut cpu = Vec::new();
                let mut rss = Vec::new();
                let mut busy = Vec::new();
                let mut numbers = Vec::new();
                let mut last = None;
                for rep in 0..plan.warmup + plan.repetitions {
                    let warmup = rep < plan.warmup;
                    let started = Instant::now();
                    let run = match command::run_once(&program, spec, workers, timeout, cancel) {
                        Ok(run) => run,
                        Err(CommandError::Cancelled) => return Ok(RunEvent::Cancelled(Box::new(report))),
                        Err(e) => return Err(e.into()),
                    };
                    let ended = Instant::now();
                    let number = checker.check(&spec.name, workers, &run).map_err(CommandPlanError::Check)?;
                    done += 1;
                    on_event(&RunEvent::Sample {
                        backend: spec.name.clone(),
                        workers,
                        warmup,
                        seconds: run.wall.as_secs_f64(),
                        done,
                        total,
                    });
                    if warmup {
                        continue;
                    }
                    times.push(run.wall.as_secs_f64());
                    cpu.push(run.cpu.as_secs_f64());
                    rss.push(run.peak_rss_bytes as f64);
                    numbers.extend(number);
                    if let Some(sampler) = &self.sampler {
                        let snapshots = sampler.between(started, ended + Duration::from_millis(50));
                        busy.extend(snapshots.iter().map(CpuSnapshot::busy_cores));
                    }
                    last = Some(run);
                }
                let mut point = Point::new(COMMAND_KERNEL, &spec.name, workers, times);
                point.cpu_time_s = super::stats::Summary::of(&cpu).map_or(0.0, |s| s.median);
                point.busy_cores = (!busy.is_empty()).then(|| busy.iter().sum::<f64>() / busy.len() as f64);
                point.verified = plan.check != OutputCheck::None;
                let mut outcome = Outcome::default();
                if let Some(&value) = numbers.last() {
                    outcome = outcome.with("value", Value::Float(value));
                }
                point.outcome = outcome;
                point.stats = ExecStats {
                    peak_rss_bytes: rss.iter().copied().fold(0.0, f64::max) as u64,
                    ..ExecStats::default()
                };
                if let Some(run) = last {
                    logs.push(PointLog {
                        name: spec.name.clone(),
                        workers,
                        command_line: spec.display(workers),
                        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
                        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
                    });
                }
                report.points.push(point);
                report.derive();
                let point = report.points.last().cloned().ok_or_else(|| CommandPlanError::Check("no point".into()))?;
                on_event(&RunEvent::PointFinished { point: Box::new(point), report: Box::new(report.clone()) });
            }
        }
        Ok(RunEvent::Finished(Box::new(report)))
    }
}

/// A kernel plan whose every worker count runs as its own job under a launcher
/// (`parlab run integral --backends mpi --launcher mpirun --workers 1,2`): one
/// `mpirun -n W parlab run ... --workers W --json FILE` per point, started, timed out and
/// cancelled as a measured command is, and its points merged into one report.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchedPlan {
    /// The kernel plan; its backends are all launched ones (mpi).
    pub plan: Plan,
    /// mpirun, mpiexec, srun, or a template with {workers}.
    pub launcher: String,
    /// Seconds one job may take before its process group is killed.
    pub timeout_s: Option<f64>,
}

impl LaunchedPlan {
    /// The command each point runs: this parlab, on one worker count, writing JSON to
    /// `json` (with {workers} in its name).
    pub fn command(&self, program: &Path, json: &Path) -> CommandSpec {
        let spec = &self.plan.spec;
        let mut words: Vec<String> = vec![
            program.display().to_string(),
            "run".into(),
            spec.kernel.clone(),
            "--backends".into(),
            self.plan.backends.join(","),
            "--workers".into(),
            command::WORKERS_PLACEHOLDER.into(),
            "--size".into(),
            spec.size.to_string(),
            "--seed".into(),
            spec.seed.to_string(),
            "--reps".into(),
            self.plan.repetitions.to_string(),
            "--warmup".into(),
            self.plan.warmup.to_string(),
        ];
        for (key, value) in &spec.params {
            words.extend(["--param".to_string(), format!("{key}={value}")]);
        }
        words.extend(["--json".to_string(), json.display().to_string(), "--force".into(), "--quiet".into()]);
        CommandSpec {
            name: self.plan.backends.join(","),
            template: shell_words::join(words),
            shell: false,
            threads_env: false,
            launcher: Some(self.launcher.clone()),
        }
    }
}

impl Runner {
    /// Runs a launched plan on the calling thread (see [`LaunchedPlan`]), passing every
    /// event but the last to `on_event`; returns the last (Finished, Failed or Cancelled).
    pub fn run_launched(
        &self,
        launched: &LaunchedPlan,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> RunEvent {
        let folder = match tempfile::tempdir() {
            Ok(folder) => folder,
            Err(e) => {
                return RunEvent::Failed(
                    CommandPlanError::from(CommandError::Internal(format!("no temporary folder: {e}"))).into(),
                );
            }
        };
        match self.run_launched_inner(launched, folder.path(), cancel, on_event) {
            Ok(event) => event,
            Err(error) => RunEvent::Failed(error.into()),
        }
    }

    fn run_launched_inner(
        &self,
        launched: &LaunchedPlan,
        folder: &Path,
        cancel: &AtomicBool,
        on_event: &mut dyn FnMut(&RunEvent),
    ) -> Result<RunEvent, CommandPlanError> {
        let program = exec_program()?;
        let plan = &launched.plan;
        let json = folder.join(format!("point-{}.json", command::WORKERS_PLACEHOLDER));
        let spec = launched.command(&program, &json);
        spec.validate()?;
        let total = plan.workers.len() * plan.backends.len() * plan.repetitions as usize;
        on_event(&RunEvent::Started { plan: plan.clone(), total_runs: total });
        let mut report = Report::new(self.facts().clone(), plan.clone());
        let timeout = launched.timeout_s.map(Duration::from_secs_f64);
        let mut done = 0;
        for &workers in &plan.workers {
            for backend in &plan.backends {
                on_event(&RunEvent::PointStarted { backend: backend.clone(), workers });
            }
            match command::run_once(&program, &spec, workers, timeout, cancel) {
                Ok(_) => {}
                Err(CommandError::Cancelled) => return Ok(RunEvent::Cancelled(Box::new(report))),
                Err(e) => return Err(e.into()),
            }
            let path = folder.join(format!("point-{workers}.json"));
            let job: Report =
                std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).ok_or_else(|| {
                    CommandError::Internal(format!(
                        "the job with {workers} workers (`{}`) wrote no results",
                        spec.display(workers)
                    ))
                })?;
            if report.reference_s.is_none() {
                report.reference_s = job.reference_s;
            }
            // A job on several nodes may have more CPUs than the node parlab runs on.
            report.machine.available_parallelism =
                report.machine.available_parallelism.max(job.machine.available_parallelism);
            for point in job.points {
                // The job timed its repetitions itself (its warm-ups untimed, as always).
                for &seconds in &point.times_s {
                    done += 1;
                    on_event(&RunEvent::Sample {
                        backend: point.backend.clone(),
                        workers: point.workers,
                        warmup: false,
                        seconds,
                        done,
                        total,
                    });
                }
                report.points.push(point);
                report.derive();
                if let Some(point) = report.points.last().cloned() {
                    on_event(&RunEvent::PointFinished { point: Box::new(point), report: Box::new(report.clone()) });
                }
            }
        }
        Ok(RunEvent::Finished(Box::new(report)))
    }
}

impl Runner {
    /// Runs a command plan on its own thread (the TUI's "your command"); cancel kills the
    /// running command's process group.
    pub fn start_commands(&self, plan: CommandPlan) -> super::RunHandle {
        let (tx, events) = crossbeam_channel::unbounded();
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let runner = self.clone();
        let flag = std::sync::Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("parlab-commands".into())
            .spawn(move || {
                let (last, _logs) = runner.run_commands(&plan, &flag, &mut |event| {
                    let _ = tx.send(event.clone());
                });
                let _ = tx.send(last);
            })
            .ok();
        super::RunHandle { events, cancel, thread }
    }
}

/// The parlab binary that serves as the intermediate of every command run.
fn exec_program() -> Result<PathBuf, CommandPlanError> {
    crate::backends::worker_program().map_err(|e| CommandError::Internal(e.to_string()).into())
}

/// Writes one log per point into `dir` (`NAME-xW.log`: the command line, then stdout,
/// then stderr).
pub fn write_logs(dir: &Path, logs: &[PointLog]) -> std::io::Result<()> {
    let folder = dir.join("logs");
    std::fs::create_dir_all(&folder)?;
    for log in logs {
        let safe: String =
            log.name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        let text = format!("$ {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n", log.command_line, log.stdout, log.stderr);
        std::fs::write(folder.join(format!("{safe}-x{}.log", log.workers)), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stdout: &str) -> CommandRun {
        CommandRun {
            wall: Duration::from_millis(1),
            cpu: Duration::ZERO,
            peak_rss_bytes: 0,
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        }
    }

    #[test]
    fn names_come_from_the_script() {
        assert_eq!(default_name("python3 pi.py --workers {workers}"), "pi.py");
        assert_eq!(default_name("/usr/bin/python3 -u src/pi.py {workers}"), "pi.py");
        assert_eq!(default_name("./omp_pi {workers}"), "omp_pi");
        assert_eq!(default_name("'unbalanced {workers}"), "'unbalanced {workers}");
    }

    #[test]
    fn stdout_must_agree() {
        let mut checker = Checker::new(&OutputCheck::Stdout);
        assert!(checker.check("a", 1, &run("pi 3.14\n")).is_ok());
        assert!(checker.check("a", 2, &run("pi 3.14\n")).is_ok());
        let error = checker.check("a", 4, &run("pi 3.15\n")).unwrap_err();
        assert!(error.contains("a with 4 workers") && error.contains("line 1"), "{error}");
    }

    #[test]
    fn numbers_agree_within_a_relative_tolerance() {
        let check = OutputCheck::parse("regex:pi = ([0-9.]+)", 1e-3).unwrap();
        let mut checker = Checker::new(&check);
        assert_eq!(checker.check("a", 1, &run("pi = 3.1425\n")), Ok(Some(3.1425)));
        assert_eq!(checker.check("a", 2, &run("took 2 s\npi = 3.1428\n")), Ok(Some(3.1428)));
        assert!(checker.check("a", 4, &run("pi = 3.2\n")).unwrap_err().contains("relative tolerance"));
        assert!(checker.check("a", 4, &run("nothing\n")).unwrap_err().contains("no match"));
    }

    #[test]
    fn bad_checks_name_the_flag() {
        assert!(OutputCheck::parse("bytes", 0.0).unwrap_err().contains("--check"));
        assert!(OutputCheck::parse("regex:(", 0.0).unwrap_err().contains("not a regular expression"));
        assert!(OutputCheck::parse("regex:x", -1.0).unwrap_err().contains("--tolerance"));
    }
}
