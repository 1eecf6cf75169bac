//! Python beside the lessons: which twin (`lessons/python/{kernel}/{variant}.py`) a
//! backend stands for, and the write-the-code exercises: the learner's workspace folder,
//! copying a starter into it without ever overwriting their edits, running their file
//! with python3 at 1 and 2 workers (through the command machinery, so cancel kills the
//! whole process tree), and grading what it printed. No terminal code here.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::manifest::{CodeCriterion, CodeExercise};
use crate::backends::command::{self, CommandError, CommandSpec};

/// Environment variable naming the workspace folder (tests, shared accounts).
pub const WORKSPACE_VARIABLE: &str = "PARLAB_WORKSPACE";
/// Environment variable naming the Python interpreter [default: python3].
pub const PYTHON_VARIABLE: &str = "PARLAB_PYTHON";
/// The workspace folder's name in the home folder.
pub const WORKSPACE_NAME: &str = "parlab-work";
/// The Python variants a twin may come in, in the order the code pane lists them.
pub const VARIANTS: [&str; 6] = ["seq", "threads", "processes", "asyncio", "numba", "mpi4py"];
/// The longest one run of a learner's file may take.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);
/// The worker counts a code exercise runs at.
pub const WORKER_COUNTS: [usize; 2] = [1, 2];

/// The twin variant that backend `backend` stands for: seq -> seq, threads and gil ->
/// threads, processes -> processes, asyncio -> asyncio, rayon -> numba, ranks and mpi ->
/// mpi4py; `py-X` -> the variant of X (`py-mpi` -> mpi4py, `py-threads-ft` -> threads).
pub fn twin_variant(backend: &str) -> Option<&'static str> {
    let name = backend.strip_prefix("py-").unwrap_or(backend);
    let name = name.strip_suffix("-ft").unwrap_or(name);
    Some(match name {
        "seq" => "seq",
        "threads" | "gil" => "threads",
        "processes" => "processes",
        "asyncio" => "asyncio",
        "rayon" | "numba" => "numba",
        "ranks" | "mpi" | "mpi4py" => "mpi4py",
        _ => return None,
    })
}

/// The twin's path inside the course folder.
pub fn twin_path(kernel: &str, variant: &str) -> String {
    format!("python/{kernel}/{variant}.py")
}

/// The workspace folder: `$PARLAB_WORKSPACE`, else `~/parlab-work`, else `./parlab-work`.
pub fn workspace() -> PathBuf {
    if let Some(dir) = std::env::var_os(WORKSPACE_VARIABLE).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.home_dir().join(WORKSPACE_NAME))
        .unwrap_or_else(|| PathBuf::from(WORKSPACE_NAME))
}

/// The Python interpreter: `$PARLAB_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var(PYTHON_VARIABLE).ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "python3".into())
}

/// Whether `name` is a plain file name for the workspace: no folder, ends in `.py`.
pub fn valid_file_name(name: &str) -> bool {
    name.ends_with(".py")
        && name.len() > 3
        && !name.contains(['/', '\\'])
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// What putting the starter into the workspace did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// The file was not there: the starter was copied.
    Copied(PathBuf),
    /// The file was there and is the learner's: it was left as it is.
    Kept(PathBuf),
    /// The learner asked for a fresh starter: their file was kept as the backup named.
    Replaced { path: PathBuf, backup: PathBuf },
}

impl Prepared {
    /// The learner's file.
    pub fn path(&self) -> &Path {
        match self {
            Prepared::Copied(path) | Prepared::Kept(path) | Prepared::Replaced { path, .. } => path,
        }
    }
}

/// Puts `starter` into `dir` as `file`. An existing file is never overwritten: it is
/// kept, or with `fresh` first moved aside to `file.bak` (`file.bak-2`, ... when taken).
pub fn prepare(dir: &Path, file: &str, starter: &str, fresh: bool) -> Result<Prepared, String> {
    if !valid_file_name(file) {
        return Err(format!("'{file}' is not a plain .py file name"));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the workspace folder {}: {e}", dir.display()))?;
    let path = dir.join(file);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if !meta.is_file() => Err(format!("{} is there but is not a regular file", path.display())),
        Ok(_) if !fresh => Ok(Prepared::Kept(path)),
        Ok(_) => {
            let backup = crate::files::numbered(dir, file, Some("bak"))
                .find(|candidate| !candidate.exists())
                .ok_or_else(|| format!("no free backup name for {}", path.display()))?;
            std::fs::rename(&path, &backup)
                .map_err(|e| format!("cannot move {} aside to {}: {e}", path.display(), backup.display()))?;
            crate::files::create_new(&path, starter.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(Prepared::Replaced { path, backup })
        }
        Err(_) => {
            crate::files::create_new(&path, starter.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(Prepared::Copied(path))
        }
    }
}

/// What one run of the learner's file printed (its last JSON line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Printed {
    /// The result.
    pub result: f64,
    /// Seconds the script timed itself.
    pub time_s: f64,
    /// Seconds of the plain loop, when the script times one for comparison.
    #[serde(default)]
    pub seq_time_s: Option<f64>,
}

/// Reads the last line of `stdout` that is a JSON object with a numeric `result` and a
/// time (`time_s`, or `time`).
pub fn parse_printed(stdout: &str) -> Result<Printed, String> {
    let mut saw_json = false;
    for line in stdout.lines().rev() {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(line.trim()) else {
            continue;
        };
        saw_json = true;
        let number = |key: &str| map.get(key).and_then(serde_json::Value::as_f64);
        let Some(result) = number("result") else { continue };
        let Some(time_s) = number("time_s").or_else(|| number("time")) else { continue };
        return Ok(Printed { result, time_s, seq_time_s: number("seq_time_s") });
    }
    Err(if saw_json {
        "its JSON line has no numeric \"result\" and \"time_s\"".into()
    } else if stdout.trim().is_empty() {
        "it printed nothing; it must print one JSON line such as {\"result\": 3.14, \"time_s\": 0.5}".into()
    } else {
        "it printed no JSON line such as {\"result\": 3.14, \"time_s\": 0.5}".into()
    })
}

/// How a line of a verdict reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// A check that passed.
    Good,
    /// A check that failed.
    Bad,
    /// A check that was not made, and why.
    Skipped,
    /// A fact (the command run, a time).
    Info,
    /// A line of the program's own output (a traceback).
    Output,
}

/// The outcome of checking a learner's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Every check passed (a skipped speed check does not count against it).
    pub passed: bool,
    /// The speedup at 2 workers over 1, when both ran.
    pub speedup: Option<f64>,
    /// What was checked and how it went, in order.
    pub lines: Vec<(Tone, String)>,
}

impl Verdict {
    fn failed(lines: Vec<(Tone, String)>) -> Self {
        Self { passed: false, speedup: None, lines }
    }
}

/// One run of the learner's file: at `workers`, what it printed or why it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Worker count.
    pub workers: usize,
    /// What it printed, or why there is nothing to read (the traceback's last lines).
    pub printed: Result<Printed, String>,
}

/// How many CPUs were free for the runs: available CPUs minus what other programs kept
/// busy (None: unknown, e.g. not Linux).
pub type FreeCpus = Option<f64>;

fn close(exercise: &CodeExercise, value: f64) -> bool {
    (value - exercise.expect).abs() <= exercise.tolerance
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { format!("{value}") }
}

/// Grades the runs (at 1 and 2 workers) against the exercise: right result each time,
/// then the criterion. `cpus` is the machine's available parallelism, `free` how many
/// CPUs other programs left free while it ran.
pub fn grade(exercise: &CodeExercise, runs: &[RunResult], cpus: usize, free: FreeCpus) -> Verdict {
    let mut lines = Vec::new();
    let mut passed = true;
    for run in runs {
        match &run.printed {
            Err(why) => {
                passed = false;
                lines.push((Tone::Bad, format!("At {} worker{}: {why}", run.workers, plural(run.workers))));
            }
            Ok(p) if exercise.criterion == CodeCriterion::NoLostUpdates && p.result != exercise.expect => {
                passed = false;
                lines.push((
                    Tone::Bad,
                    format!(
                        "At {} worker{}: counted {}, not {}: {} updates lost.",
                        run.workers,
                        plural(run.workers),
                        number(p.result),
                        number(exercise.expect),
                        number(exercise.expect - p.result)
                    ),
                ));
            }
            Ok(p) if !close(exercise, p.result) => {
                passed = false;
                let within =
                    if exercise.tolerance > 0.0 { format!(" (within {})", exercise.tolerance) } else { String::new() };
                lines.push((
                    Tone::Bad,
                    format!(
                        "At {} worker{}: the result is {}, but it should be {}{within}.",
                        run.workers,
                        plural(run.workers),
                        number(p.result),
                        number(exercise.expect)
                    ),
                ));
            }
            Ok(p) => lines.push((
                Tone::Good,
                format!(
                    "At {} worker{}: result {} is right ({}).",
                    run.workers,
                    plural(run.workers),
                    number(p.result),
                    crate::present::seconds(p.time_s)
                ),
            )),
        }
    }
    let time_at = |workers: usize| {
        runs.iter().find(|r| r.workers == workers).and_then(|r| r.printed.as_ref().ok()).map(|p| p.time_s)
    };
    let speedup = match (time_at(1), time_at(2)) {
        (Some(one), Some(two)) if two > 0.0 => Some(one / two),
        _ => None,
    };
    if !passed {
        return Verdict { passed, speedup, lines };
    }
    // A machine of one CPU can never show a speedup: the result alone decides there. A busy
    // machine could, later: the speed is not checked now, and the exercise is not passed
    // until it is (a skipped criterion is no evidence).
    let too_busy = if cpus < 2 {
        Some(format!("this machine has {cpus} CPU available, and a speedup needs 2"))
    } else {
        free.filter(|f| *f < 1.5).map(|f| {
            format!("other programs kept the CPUs busy while it ran (only {f:.1} of {cpus} were free); run it again (r) when the machine is quieter: it passes when the speed is checked")
        })
    };
    let can_wait = cpus >= 2;
    match exercise.criterion {
        CodeCriterion::Result | CodeCriterion::NoLostUpdates => {
            if exercise.criterion == CodeCriterion::NoLostUpdates {
                lines.push((Tone::Good, "No update was lost.".into()));
            }
        }
        CodeCriterion::Speedup => {
            let want = exercise.min_speedup();
            match (speedup, too_busy) {
                (_, Some(why)) => {
                    passed &= !can_wait;
                    lines.push((Tone::Skipped, format!("Speed not checked: {why}.")))
                }
                (Some(s), None) if s >= want => {
                    lines.push((Tone::Good, format!("Speedup {s:.2}x at 2 workers (at least {want:.1}x needed).")))
                }
                (Some(s), None) => {
                    passed = false;
                    lines.push((
                        Tone::Bad,
                        format!("Speedup {s:.2}x at 2 workers, but at least {want:.1}x is needed: do both workers really work at once?"),
                    ));
                }
                (None, None) => {
                    passed = false;
                    lines.push((Tone::Bad, "No speedup: a run reported no time.".into()));
                }
            }
        }
        CodeCriterion::BeatsSeq => {
            let two = runs.iter().find(|r| r.workers == 2).and_then(|r| r.printed.as_ref().ok());
            match (two.and_then(|p| p.seq_time_s.map(|s| (p.time_s, s))), too_busy) {
                (None, _) => {
                    passed = false;
                    lines.push((Tone::Bad, "The JSON line has no \"seq_time_s\" (the plain loop's time).".into()));
                }
                (Some(_), Some(why)) => {
                    passed &= !can_wait;
                    lines.push((Tone::Skipped, format!("Speed not checked: {why}.")))
                }
                (Some((pool, seq)), None) if pool < seq => lines.push((
                    Tone::Good,
                    format!(
                        "2 workers took {}, the plain loop {}: the pool pays.",
                        crate::present::seconds(pool),
                        crate::present::seconds(seq)
                    ),
                )),
                (Some((pool, seq)), None) => {
                    passed = false;
                    lines.push((
                        Tone::Bad,
                        format!(
                            "2 workers took {}, {:.1}x the plain loop's {}: the messages cost more than the work.",
                            crate::present::seconds(pool),
                            pool / seq.max(1e-9),
                            crate::present::seconds(seq)
                        ),
                    ));
                }
            }
        }
        CodeCriterion::MaxTime => {
            let limit = exercise.max_time.unwrap_or(f64::INFINITY);
            match time_at(2) {
                Some(t) if t <= limit => lines.push((
                    Tone::Good,
                    format!(
                        "At 2 workers it took {} (at most {} allowed).",
                        crate::present::seconds(t),
                        crate::present::seconds(limit)
                    ),
                )),
                Some(t) => {
                    passed = false;
                    lines.push((
                        Tone::Bad,
                        format!(
                            "At 2 workers it took {}, more than the {} allowed: the waits still come one after another.",
                            crate::present::seconds(t),
                            crate::present::seconds(limit)
                        ),
                    ));
                }
                None => {
                    passed = false;
                    lines.push((Tone::Bad, "No time was reported.".into()));
                }
            }
        }
    }
    Verdict { passed, speedup, lines }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Lines of a failed run's stderr shown (the traceback's end).
const TAIL_LINES: usize = 6;

/// The end of a traceback: its last lines, plus the first line that names an error
/// when the tail does not (a worker's RuntimeError before the pool's BrokenProcessPool).
pub fn traceback_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.trim_end().lines().collect();
    let tail = &lines[lines.len().saturating_sub(TAIL_LINES)..];
    let mut shown: Vec<String> = Vec::new();
    let head = &lines[..lines.len().saturating_sub(TAIL_LINES)];
    if let Some(at) = head.iter().position(|l| is_error_line(l))
        && !tail.iter().any(|l| l.trim() == head[at].trim())
    {
        shown.push(head[at].trim_end().to_string());
        // "RuntimeError:" with its message on the lines below it.
        if head[at].trim_end().ends_with(':') {
            let message = head[at + 1..].iter().map(|l| l.trim()).filter(|l| !l.is_empty()).take(2);
            shown.extend(message.map(|l| format!("    {l}")));
        }
        shown.push("...".into());
    }
    shown.extend(tail.iter().map(|l| l.trim_end().to_string()));
    shown.join("\n")
}

fn is_error_line(line: &str) -> bool {
    let word = line.trim_start().split(':').next().unwrap_or("");
    !line.starts_with(' ') && (word.ends_with("Error") || word.ends_with("Exception")) && !word.contains(' ')
}

/// The command that checks `path` at `workers`, as the learner could type it.
pub fn command_line(python: &str, path: &Path, workers: usize) -> String {
    shell_words::join([python, &path.display().to_string(), "--workers", &workers.to_string()])
}

/// Whether `python` can import `module` (None: python itself cannot be started).
pub fn python_has(python: &str, module: &str) -> Option<bool> {
    let status = Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    Some(status.success())
}

/// Whether `text` parses as Python (`ast.parse`), or the error with its line. None when
/// python cannot be started.
pub fn python_parses(python: &str, text: &str) -> Option<Result<(), String>> {
    use std::io::Write;
    let mut child = Command::new(python)
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let _ = child.stdin.take()?.write_all(text.as_bytes());
    let output = child.wait_with_output().ok()?;
    Some(if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("does not parse").trim().to_string())
    })
}

/// Machine-wide busy and total CPU ticks (/proc/stat), for how busy other programs kept it.
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let values: Vec<u64> = line.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3)? + values.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// Runs `path` with `python` at 1 and 2 workers (through `program`'s `exec` helper, so
/// cancel kills the whole process tree), then grades it. `cpus` is the machine's
/// available parallelism.
pub fn check(
    program: &Path,
    python: &str,
    path: &Path,
    exercise: &CodeExercise,
    cpus: usize,
    cancel: &AtomicBool,
) -> Verdict {
    if !path.is_file() {
        return Verdict::failed(vec![(
            Tone::Bad,
            format!("{} is not there any more: press Enter to copy the starter again.", path.display()),
        )]);
    }
    let modules = std::iter::once("sys").chain(exercise.needs.as_deref());
    for module in modules {
        match python_has(python, module) {
            None => {
                return Verdict::failed(vec![(
                    Tone::Skipped,
                    format!(
                        "Not checked: {python} cannot be started; install Python 3 (e.g. apt install python3) or set {PYTHON_VARIABLE}."
                    ),
                )]);
            }
            Some(false) => {
                return Verdict::failed(vec![(
                    Tone::Skipped,
                    format!("Not checked: {python} cannot import {module}; install it with: pip install {module}"),
                )]);
            }
            Some(true) => {}
        }
    }
    // The program's stderr goes to a file of its own, so that the whole traceback can be
    // read (its first error line matters as much as its last).
    let stderr_file = tempfile::NamedTempFile::new();
    let stderr_path = match &stderr_file {
        Ok(file) => file.path().display().to_string(),
        Err(e) => return Verdict::failed(vec![(Tone::Bad, format!("cannot make a temporary file: {e}"))]),
    };
    let spec = CommandSpec {
        name: path.file_name().map_or_else(|| "your file".into(), |n| n.to_string_lossy().to_string()),
        template: format!(
            "exec {} {{workers}} 2> {}",
            shell_words::join([python, &path.display().to_string(), "--workers"]),
            shell_words::quote(&stderr_path)
        ),
        shell: true,
        threads_env: false,
        launcher: None,
    };
    let mut runs = Vec::new();
    let mut lines = vec![(Tone::Info, format!("Ran: {}", command_line(python, path, 1)))];
    let mut busy = 0.0;
    let mut own = 0.0;
    let mut wall = 0.0;
    for workers in WORKER_COUNTS {
        let before = cpu_ticks();
        let outcome = command::run_once(program, &spec, workers, Some(RUN_TIMEOUT), cancel);
        let after = cpu_ticks();
        let printed = match outcome {
            Ok(run) => {
                if let (Some((b0, t0)), Some((b1, t1))) = (before, after)
                    && t1 > t0
                {
                    let share = (b1 - b0) as f64 / (t1 - t0) as f64;
                    busy += share * cpus as f64 * run.wall.as_secs_f64();
                    own += run.cpu.as_secs_f64();
                    wall += run.wall.as_secs_f64();
                }
                parse_printed(&String::from_utf8_lossy(&run.stdout))
            }
            Err(CommandError::Cancelled) => {
                lines.push((Tone::Skipped, "Check cancelled.".into()));
                return Verdict::failed(lines);
            }
            Err(CommandError::Failed { status, .. }) => {
                let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                let tail = traceback_tail(&stderr);
                Err(if tail.is_empty() { format!("it {status}.") } else { format!("it {status}:\n{tail}") })
            }
            Err(other) => Err(other.to_string()),
        };
        runs.push(RunResult { workers, printed });
    }
    let free = (wall > 0.0).then(|| (cpus as f64 - ((busy - own) / wall).max(0.0)).max(0.0));
    let mut verdict = grade(exercise, &runs, cpus, free);
    lines.append(&mut verdict.lines);
    verdict.lines = lines;
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(criterion: CodeCriterion) -> CodeExercise {
        CodeExercise {
            prompt: "?".into(),
            file: "x.py".into(),
            starter: "code/x.py".into(),
            solution: "code/x.solution.py".into(),
            expect: 100.0,
            tolerance: 0.0,
            criterion,
            min_speedup: None,
            max_time: Some(0.5),
            needs: None,
            hints: vec![],
        }
    }

    fn run(workers: usize, result: f64, time_s: f64) -> RunResult {
        RunResult { workers, printed: Ok(Printed { result, time_s, seq_time_s: Some(1.0) }) }
    }

    fn text(v: &Verdict) -> String {
        v.lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn backends_map_to_their_twins() {
        let cases = [
            ("seq", "seq"),
            ("gil", "threads"),
            ("threads", "threads"),
            ("processes", "processes"),
            ("rayon", "numba"),
            ("ranks", "mpi4py"),
            ("mpi", "mpi4py"),
            ("py-mpi", "mpi4py"),
            ("py-threads-ft", "threads"),
            ("py-asyncio", "asyncio"),
        ];
        for (backend, variant) in cases {
            assert_eq!(twin_variant(backend), Some(variant), "{backend}");
        }
        assert_eq!(twin_variant("gpu"), None);
        assert_eq!(twin_path("pi", "seq"), "python/pi/seq.py");
    }

    #[test]
    fn the_last_json_line_is_read() {
        let out = "hello\n{\"result\": 2.5, \"time_s\": 0.5}\n";
        assert_eq!(parse_printed(out).unwrap(), Printed { result: 2.5, time_s: 0.5, seq_time_s: None });
        assert!(parse_printed("").unwrap_err().contains("printed nothing"));
        assert!(parse_printed("3.14\n").unwrap_err().contains("no JSON line"));
        assert!(parse_printed("{\"answer\": 1}").unwrap_err().contains("no numeric"));
    }

    #[test]
    fn results_and_criteria_are_graded() {
        let v = grade(&exercise(CodeCriterion::Result), &[run(1, 100.0, 1.0), run(2, 100.0, 1.0)], 2, Some(2.0));
        assert!(v.passed, "{}", text(&v));
        let v = grade(&exercise(CodeCriterion::NoLostUpdates), &[run(1, 100.0, 1.0), run(2, 60.0, 1.0)], 2, None);
        assert!(!v.passed && text(&v).contains("40 updates lost"), "{}", text(&v));
        let fast = [run(1, 100.0, 1.0), run(2, 100.0, 0.6)];
        let slow = [run(1, 100.0, 1.0), run(2, 100.0, 0.9)];
        assert!(grade(&exercise(CodeCriterion::Speedup), &fast, 2, Some(2.0)).passed);
        let v = grade(&exercise(CodeCriterion::Speedup), &slow, 2, Some(2.0));
        assert!(!v.passed && text(&v).contains("Speedup 1.11x"), "{}", text(&v));
        let v = grade(&exercise(CodeCriterion::Speedup), &slow, 2, Some(0.7));
        assert!(!v.passed && text(&v).contains("Speed not checked: other programs"), "busy: not yet: {}", text(&v));
        let v = grade(&exercise(CodeCriterion::Speedup), &slow, 1, None);
        assert!(v.passed && text(&v).contains("1 CPU available"), "{}", text(&v));
        assert!(grade(&exercise(CodeCriterion::BeatsSeq), &fast, 2, None).passed);
        let v = grade(&exercise(CodeCriterion::BeatsSeq), &[run(1, 100.0, 4.0), run(2, 100.0, 3.0)], 2, None);
        assert!(!v.passed && text(&v).contains("3.0x the plain loop"), "{}", text(&v));
        assert!(!grade(&exercise(CodeCriterion::MaxTime), &slow, 2, None).passed);
        assert!(grade(&exercise(CodeCriterion::MaxTime), &[run(1, 100.0, 0.3), run(2, 100.0, 0.3)], 2, None).passed);
        let wrong = RunResult { workers: 2, printed: Err("it exited with status 1".into()) };
        let v = grade(&exercise(CodeCriterion::Result), &[run(1, 99.0, 1.0), wrong], 2, None);
        assert!(!v.passed && text(&v).contains("should be 100") && text(&v).contains("status 1"), "{}", text(&v));
    }

    #[test]
    fn a_traceback_keeps_its_first_error_and_its_end() {
        let stderr = "Traceback:\n  File x\nRuntimeError: bootstrapping\nTraceback:\n  a\n  b\n  c\n  d\n  e\nBrokenProcessPool: broken\n";
        let tail = traceback_tail(stderr);
        assert!(tail.starts_with("RuntimeError: bootstrapping\n..."), "{tail}");
        assert!(tail.ends_with("BrokenProcessPool: broken"), "{tail}");
        assert_eq!(traceback_tail("  x\nSyntaxError: bad"), "  x\nSyntaxError: bad");
        let stderr =
            "RuntimeError:\n        An attempt has been made\n        to start\n        more\n1\n2\n3\n4\n5\n6\n";
        assert!(traceback_tail(stderr).starts_with("RuntimeError:\n    An attempt has been made\n    to start\n..."));
    }

    #[test]
    fn the_starter_never_overwrites_the_learners_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(dir.path(), "a.py", "starter\n", false).unwrap();
        assert!(matches!(first, Prepared::Copied(_)));
        std::fs::write(first.path(), "mine\n").unwrap();
        let again = prepare(dir.path(), "a.py", "starter\n", false).unwrap();
        assert!(matches!(again, Prepared::Kept(_)));
        assert_eq!(std::fs::read_to_string(again.path()).unwrap(), "mine\n");
        let Prepared::Replaced { path, backup } = prepare(dir.path(), "a.py", "starter\n", true).unwrap() else {
            panic!("replaced")
        };
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "starter\n");
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), "mine\n");
        assert!(prepare(dir.path(), "../a.py", "x", false).is_err());
    }
}
