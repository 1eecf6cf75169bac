//! Programs parlab did not write (`parlab run --cmd`): one run of a command at a worker
//! count, measured as a kernel is. Wall time, the CPU time and peak memory of the whole
//! process tree, the exit status and the captured output.
//!
//! Each run goes through a small intermediate, parlab's hidden `exec` subcommand, which
//! starts the command, waits for it and reports `getrusage(RUSAGE_CHILDREN)`: the CPU
//! time of the command and every descendant it waited for, and the peak RSS of the
//! largest, for this run alone. The intermediate leads a process group of its own that
//! the command inherits, so cancel, a timeout or a killed parlab end the whole tree:
//! parlab kills the group, and the intermediate, told by the kernel when parlab dies
//! (PR_SET_PDEATHSIG), kills it too.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

/// Environment variables that `--threads-env` sets to the worker count.
pub const THREAD_VARIABLES: [&str; 5] =
    ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"];

/// The placeholder replaced by the point's worker count.
pub const WORKERS_PLACEHOLDER: &str = "{workers}";

/// One command to measure across worker counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandSpec {
    /// The series' label in tables and charts.
    pub name: String,
    /// The command as typed, with `{workers}` where the worker count goes.
    pub template: String,
    /// Run it under `sh -c` (pipes, redirections) instead of splitting it into words.
    #[serde(default)]
    pub shell: bool,
    /// Also set OMP_NUM_THREADS, MKL_NUM_THREADS, ... to the worker count.
    #[serde(default)]
    pub threads_env: bool,
    /// Start each point as its own job under this launcher (`mpirun -n {workers}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launcher: Option<String>,
}

/// Why a command cannot be measured, or why one run of it failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum CommandError {
    /// The command text is empty or cannot be split into words.
    #[error("--cmd '{template}': {why}")]
    Template { template: String, why: String },
    /// Nothing in the command changes with the worker count.
    #[error(
        "--cmd '{0}': the command does not change with the worker count; put {{workers}} where the count goes, or pass --threads-env (or --launcher) to pass it in the environment"
    )]
    NoWorkers(String),
    /// The launcher has no place for the worker count.
    #[error(
        "--launcher '{0}': give mpirun, mpiexec or srun, or a template with {{workers}} (e.g. 'mpirun -n {{workers}} --bind-to core')"
    )]
    Launcher(String),
    /// The launcher's program is not installed (not on PATH).
    #[error(
        "--launcher '{launcher}': {program} was not found on PATH; install Open MPI (apt-get install openmpi-bin) or MPICH, load your cluster's MPI module, or give the launcher's full path"
    )]
    LauncherMissing { launcher: String, program: String },
    /// The command could not be started.
    #[error("{name} with {workers} workers could not start `{program}`: {why}")]
    Spawn { name: String, workers: usize, program: String, why: String },
    /// The command ended with a non-zero status or a signal.
    #[error("{name} with {workers} workers {status}{}", tail_block(.stderr_tail))]
    Failed { name: String, workers: usize, status: String, stderr_tail: String },
    /// The run took longer than the timeout; its process group was killed.
    #[error(
        "{name} with {workers} workers ran longer than the {seconds} s timeout and was killed (its whole process group)"
    )]
    Timeout { name: String, workers: usize, seconds: f64 },
    /// The run was cancelled; its process group was killed.
    #[error("cancelled")]
    Cancelled,
    /// parlab's own machinery failed (the intermediate, a temporary file).
    #[error("{0}")]
    Internal(String),
}

fn tail_block(tail: &str) -> String {
    if tail.trim().is_empty() { String::new() } else { format!("; the last lines of its stderr:\n{tail}") }
}

impl CommandSpec {
    /// Checks the command before any run: it splits into words, it changes with the
    /// worker count, and the launcher has a place for the count.
    pub fn validate(&self) -> Result<(), CommandError> {
        let bad = |why: &str| CommandError::Template { template: self.template.clone(), why: why.to_string() };
        if self.template.trim().is_empty() {
            return Err(bad("the command is empty"));
        }
        if !self.shell {
            let words =
                shell_words::split(&self.template).map_err(|e| bad(&format!("cannot split it into words: {e}")))?;
            if words.is_empty() {
                return Err(bad("the command is empty"));
            }
        }
        if let Some(launcher) = &self.launcher {
            launcher_template(launcher)?;
        }
        if !self.template.contains(WORKERS_PLACEHOLDER) && !self.threads_env && self.launcher.is_none() {
            return Err(CommandError::NoWorkers(self.template.clone()));
        }
        Ok(())
    }

    /// The words to execute at `workers`: the launcher's, then the command's.
    pub fn argv(&self, workers: usize) -> Result<Vec<String>, CommandError> {
        let count = workers.to_string();
        let text = self.template.replace(WORKERS_PLACEHOLDER, &count);
        let mut words = match &self.launcher {
            Some(launcher) => split(&launcher_template(launcher)?.replace(WORKERS_PLACEHOLDER, &count), launcher)?,
            None => Vec::new(),
        };
        if self.shell {
            words.extend(["sh".to_string(), "-c".to_string(), text]);
        } else {
            words.extend(split(&text, &self.template)?);
        }
        Ok(words)
    }

    /// The command line as it runs at `workers`, quoted for a shell (for logs and errors).
    pub fn display(&self, workers: usize) -> String {
        match self.argv(workers) {
            Ok(words) => shell_words::join(words),
            Err(_) => self.template.clone(),
        }
    }

    /// Variables set in the child's environment at `workers`.
    pub fn environment(&self, workers: usize) -> Vec<(String, String)> {
        let count = workers.to_string();
        let mut vars = vec![("PARLAB_WORKERS".to_string(), count.clone())];
        if self.threads_env {
            vars.extend(THREAD_VARIABLES.iter().map(|name| (name.to_string(), count.clone())));
        }
        vars
    }

    /// Whether each point is its own multi-process job (MPI ranks on their own cores).
    pub fn launched(&self) -> bool {
        self.launcher.is_some()
    }
}

/// Finds the launcher's program (its first word) on PATH, before any run: a missing
/// mpirun is a mistake in the flags, not a failed point.
pub fn find_launcher(launcher: &str) -> Result<PathBuf, CommandError> {
    let words = split(&launcher_template(launcher)?, launcher)?;
    let program = words.first().ok_or_else(|| CommandError::Launcher(launcher.to_string()))?;
    let found = if program.contains('/') {
        Some(PathBuf::from(program)).filter(|p| p.is_file())
    } else {
        std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()))
            .unwrap_or_default()
    };
    found.ok_or_else(|| CommandError::LauncherMissing { launcher: launcher.to_string(), program: program.clone() })
}

fn split(text: &str, template: &str) -> Result<Vec<String>, CommandError> {
    shell_words::split(text).map_err(|e| CommandError::Template {
        template: template.to_string(),
        why: format!("cannot split it into words: {e}"),
    })
}

/// The launcher as a template with `{workers}`: `mpirun` is `mpirun -n {workers}`.
fn launcher_template(launcher: &str) -> Result<String, CommandError> {
    let trimmed = launcher.trim();
    match trimmed {
        "mpirun" | "mpiexec" | "srun" => Ok(format!("{trimmed} -n {WORKERS_PLACEHOLDER}")),
        other if other.contains(WORKERS_PLACEHOLDER) && shell_words::split(other).is_ok() => Ok(other.to_string()),
        _ => Err(CommandError::Launcher(launcher.to_string())),
    }
}

/// One finished run of a command.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandRun {
    /// Wall time from start to exit, measured by the intermediate.
    pub wall: Duration,
    /// CPU time (user + system) of the command and the descendants it waited for.
    pub cpu: Duration,
    /// Peak resident memory of the largest process of the tree, bytes.
    pub peak_rss_bytes: u64,
    /// Everything it wrote to standard output.
    pub stdout: Vec<u8>,
    /// Everything it wrote to standard error.
    pub stderr: Vec<u8>,
}

/// What the intermediate reports about the run it watched (a small JSON file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecReport {
    /// Seconds from spawn to exit.
    pub wall_s: f64,
    /// User + system CPU seconds of the whole tree.
    pub cpu_s: f64,
    /// Peak RSS of the largest process of the tree, KiB (Linux's unit).
    pub max_rss_kib: u64,
    /// Exit code, when it exited.
    pub code: Option<i32>,
    /// Signal number, when a signal ended it.
    pub signal: Option<i32>,
    /// Why it could not be started.
    pub spawn_error: Option<String>,
}

/// How often a running command is checked for exit, cancel and timeout.
const POLL: Duration = Duration::from_millis(2);

/// Lines of stderr shown when a run fails.
const TAIL_LINES: usize = 8;

/// Runs `spec` once at `workers`, through parlab's `exec` intermediate (`program`, the
/// parlab binary). Cancel and the timeout kill the whole process group.
pub fn run_once(
    program: &Path,
    spec: &CommandSpec,
    workers: usize,
    timeout: Option<Duration>,
    cancel: &AtomicBool,
) -> Result<CommandRun, CommandError> {
    let argv = spec.argv(workers)?;
    let report_path = report_path();
    let mut child = Command::new(program)
        .arg("exec")
        .arg("--parent")
        .arg(std::process::id().to_string())
        .arg("--report")
        .arg(&report_path)
        .arg("--")
        .args(&argv)
        .envs(spec.environment(workers))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            CommandError::Internal(format!("could not start parlab's exec helper {}: {e}", program.display()))
        })?;
    let group = Pid::from_raw(child.id() as i32);
    let stdout = child.stdout.take().map(reader);
    let stderr = child.stderr.take().map(reader);
    let started = Instant::now();
    let ended = loop {
        match child.try_wait() {
            Ok(Some(_)) => break None,
            Ok(None) => {}
            Err(e) => break Some(CommandError::Internal(format!("lost track of {}: {e}", spec.name))),
        }
        if cancel.load(Ordering::Relaxed) {
            break Some(CommandError::Cancelled);
        }
        if let Some(limit) = timeout
            && started.elapsed() > limit
        {
            break Some(CommandError::Timeout { name: spec.name.clone(), workers, seconds: limit.as_secs_f64() });
        }
        thread::sleep(POLL);
    };
    // Whatever the command left running dies with the run.
    let _ = killpg(group, Signal::SIGKILL);
    let _ = child.wait();
    let stdout = stdout.map(|h| h.join().unwrap_or_default()).unwrap_or_default();
    let stderr = stderr.map(|h| h.join().unwrap_or_default()).unwrap_or_default();
    let report = std::fs::read(&report_path);
    let _ = std::fs::remove_file(&report_path);
    if let Some(error) = ended {
        return Err(error);
    }
    let report: ExecReport = report
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| CommandError::Internal(format!("parlab's exec helper for {} reported nothing", spec.name)))?;
    if let Some(why) = report.spawn_error {
        return Err(CommandError::Spawn { name: spec.name.clone(), workers, program: argv[0].clone(), why });
    }
    let status = match (report.code, report.signal) {
        (Some(0), _) => None,
        (Some(code), _) => Some(format!("exited with status {code}")),
        (None, Some(signal)) => Some(format!("was killed by signal {signal}")),
        (None, None) => Some("ended without an exit status".to_string()),
    };
    if let Some(status) = status {
        return Err(CommandError::Failed {
            name: spec.name.clone(),
            workers,
            status,
            stderr_tail: tail(&stderr, TAIL_LINES),
        });
    }
    Ok(CommandRun {
        wall: Duration::from_secs_f64(report.wall_s),
        cpu: Duration::from_secs_f64(report.cpu_s),
        peak_rss_bytes: report.max_rss_kib * 1024,
        stdout,
        stderr,
    })
}

fn reader(mut stream: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        bytes
    })
}

fn report_path() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("parlab-exec-{}-{n}.json", std::process::id()))
}

/// The last `lines` lines of `bytes`, as text.
pub fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// The hidden `parlab exec`: runs `argv`, waits, and writes an [`ExecReport`] to `report`.
/// Dies with its parent, taking its process group (the command's tree) along.
pub fn serve_exec(parent: Option<u32>, report: &Path, argv: &[String]) -> Result<(), String> {
    guard_group(parent)?;
    let (program, args) = argv.split_first().ok_or("no command given")?;
    let started = Instant::now();
    let mut result = ExecReport::default();
    match Command::new(program).args(args).spawn() {
        Err(e) => result.spawn_error = Some(e.to_string()),
        Ok(mut child) => {
            let status = child.wait().map_err(|e| format!("could not wait for {program}: {e}"))?;
            result.wall_s = started.elapsed().as_secs_f64();
            result.code = status.code();
            result.signal = status.signal();
            let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
                .map_err(|e| format!("getrusage: {e}"))?;
            let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 * 1e-6;
            result.cpu_s = seconds(usage.user_time()) + seconds(usage.system_time());
            result.max_rss_kib = u64::try_from(usage.max_rss()).unwrap_or(0);
        }
    }
    let json = serde_json::to_vec(&result).map_err(|e| e.to_string())?;
    std::fs::write(report, json).map_err(|e| format!("could not write {}: {e}", report.display()))
}

/// Makes sure the command's process group dies with parlab: the kernel sends SIGTERM
/// when parlab dies, and a watcher thread then kills the whole group.
fn guard_group(parent: Option<u32>) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM);
    if let Some(parent) = parent
        && nix::unistd::getppid().as_raw() as u32 != parent
    {
        return Err("parlab exited before the command started".into());
    }
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP])
        .map_err(|e| format!("could not watch for signals: {e}"))?;
    thread::Builder::new()
        .name("parlab-exec-guard".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                let _ = killpg(nix::unistd::getpgrp(), Signal::SIGKILL);
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(template: &str) -> CommandSpec {
        CommandSpec { name: "t".into(), template: template.into(), shell: false, threads_env: false, launcher: None }
    }

    #[test]
    fn workers_are_substituted_and_words_split_like_a_shell() {
        let s = spec("python3 'my script.py' --workers {workers}");
        assert_eq!(s.argv(4).unwrap(), ["python3", "my script.py", "--workers", "4"]);
        assert_eq!(s.environment(4), [("PARLAB_WORKERS".to_string(), "4".to_string())]);
    }

    #[test]
    fn shell_runs_under_sh() {
        let s = CommandSpec { shell: true, ..spec("seq {workers} | wc -l") };
        assert_eq!(s.argv(3).unwrap(), ["sh", "-c", "seq 3 | wc -l"]);
    }

    #[test]
    fn a_command_that_ignores_the_worker_count_is_refused() {
        assert_eq!(spec("python3 pi.py").validate(), Err(CommandError::NoWorkers("python3 pi.py".into())));
        assert!(CommandSpec { threads_env: true, ..spec("python3 pi.py") }.validate().is_ok());
        assert!(CommandSpec { launcher: Some("mpirun".into()), ..spec("python3 pi.py") }.validate().is_ok());
    }

    #[test]
    fn threads_env_sets_every_library_variable() {
        let vars = CommandSpec { threads_env: true, ..spec("x") }.environment(2);
        for name in THREAD_VARIABLES {
            assert!(vars.contains(&(name.to_string(), "2".to_string())), "{name}");
        }
    }

    #[test]
    fn launchers() {
        let s = CommandSpec { launcher: Some("mpirun".into()), ..spec("python3 mpi_pi.py") };
        assert_eq!(s.argv(2).unwrap(), ["mpirun", "-n", "2", "python3", "mpi_pi.py"]);
        let s = CommandSpec { launcher: Some("mpirun -n {workers} --bind-to core".into()), ..spec("./a.out") };
        assert_eq!(s.argv(4).unwrap(), ["mpirun", "-n", "4", "--bind-to", "core", "./a.out"]);
        let s = CommandSpec { launcher: Some("mpirun --oversubscribe".into()), ..spec("./a.out") };
        assert!(matches!(s.validate(), Err(CommandError::Launcher(_))));
    }

    #[test]
    fn missing_launchers_are_named() {
        let error = find_launcher("no-such-mpirun-here -n {workers}").unwrap_err();
        assert!(error.to_string().starts_with("--launcher 'no-such-mpirun-here"), "{error}");
        assert!(find_launcher("/bin/sh -c {workers}").is_ok());
    }

    #[test]
    fn unbalanced_quotes_are_refused() {
        assert!(matches!(spec("python3 'pi.py {workers}").validate(), Err(CommandError::Template { .. })));
        assert!(matches!(spec("   ").validate(), Err(CommandError::Template { .. })));
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail(b"a\nb\nc\nd\n", 2), "  c\n  d");
    }
}
