//! `parlab doctor`: one screen a helper at a workshop reads to fix a learner's setup.
//! Each finding says what was seen and, when something is wrong, the one line that
//! fixes it. Exit code 1 when something the lab needs is missing (a place to keep
//! progress); everything else (Python, MPI, colours) is reported but optional.

use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::lessons::progress::{self, PROGRESS_VARIABLE};
use crate::sysmon::{MachineFacts, pool_cpu_count};
use crate::ui::{MIN_HEIGHT, MIN_WIDTH};

/// How long `python3 -c` may take to report its version and packages (numba is slow to import).
const PYTHON_TIMEOUT: Duration = Duration::from_secs(20);

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Fine.
    Ok,
    /// Worth knowing; nothing to fix.
    Note,
    /// The lab works, but less well; the fix line helps.
    Warn,
    /// The lab cannot work as it should until this is fixed (exit code 1).
    Missing,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Note => "note",
            Level::Warn => "warn",
            Level::Missing => "MISSING",
        }
    }
}

/// One line of the doctor's screen, with its fix.
#[derive(Debug, Clone)]
struct Finding {
    level: Level,
    topic: &'static str,
    seen: String,
    fix: Option<String>,
}

impl Finding {
    fn new(level: Level, topic: &'static str, seen: impl Into<String>) -> Self {
        Self { level, topic, seen: seen.into(), fix: None }
    }
    fn fix(mut self, line: impl Into<String>) -> Self {
        self.fix = Some(line.into());
        self
    }
}

/// Runs every check, prints the screen, and exits 1 when something needed is missing.
pub fn doctor() -> Result<ExitCode> {
    let mut findings = terminal();
    findings.push(progress_folder());
    findings.push(cpus(&MachineFacts::detect()));
    findings.extend(python());
    findings.push(mpi());
    findings.push(ssh());
    print!("{}", screen(&findings));
    let missing = findings.iter().any(|f| f.level == Level::Missing);
    Ok(if missing { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn screen(findings: &[Finding]) -> String {
    let mut out = format!("parlab {} doctor: this computer as the lab sees it\n\n", env!("CARGO_PKG_VERSION"));
    for finding in findings {
        let _ = writeln!(out, "{:<8}{:<10}{}", finding.level.label(), finding.topic, finding.seen);
        if let Some(fix) = &finding.fix {
            let _ = writeln!(out, "{:<18}fix: {fix}", "");
        }
    }
    let missing = findings.iter().filter(|f| f.level == Level::Missing).count();
    let warnings = findings.iter().filter(|f| f.level == Level::Warn).count();
    out.push('\n');
    if missing > 0 {
        let _ = writeln!(
            out,
            "{missing} thing{} the lab needs {} missing (MISSING above): run its fix line, then `parlab doctor` again.",
            if missing == 1 { "" } else { "s" },
            if missing == 1 { "is" } else { "are" }
        );
    } else if warnings > 0 {
        out.push_str(
            "The lab will work; the warn lines above say what would make it work better. Start it with `parlab`.\n",
        );
    } else {
        out.push_str("Everything the lab needs is here. Start it with `parlab`.\n");
    }
    out
}

/// Terminal size, whether stdout is a terminal, TERM, and colours.
fn terminal() -> Vec<Finding> {
    let mut findings = Vec::new();
    let tty = std::io::stdout().is_terminal();
    // window_size asks the terminal itself (stdout or /dev/tty); size() would fall back to
    // `tput`, which answers 80x24 even when there is no terminal at all.
    let size =
        ratatui::crossterm::terminal::window_size().ok().map(|s| (s.columns, s.rows)).filter(|&(w, h)| w > 0 && h > 0);
    let where_ = if tty { "output to the terminal" } else { "output redirected" };
    findings.push(match size {
        Some((w, h)) if w < MIN_WIDTH || h < MIN_HEIGHT => Finding::new(
            Level::Warn,
            "terminal",
            format!("{w}x{h}, smaller than the {MIN_WIDTH}x{MIN_HEIGHT} the lab draws in; {where_}"),
        )
        .fix(format!(
            "make the window bigger or the font smaller (Ctrl+- in most terminals) until it is {MIN_WIDTH}x{MIN_HEIGHT}"
        )),
        Some((w, h)) => {
            Finding::new(Level::Ok, "terminal", format!("{w}x{h} (the lab needs {MIN_WIDTH}x{MIN_HEIGHT}); {where_}"))
        }
        None if tty => Finding::new(Level::Note, "terminal", format!("size unknown; {where_}")),
        None => Finding::new(
            Level::Note,
            "terminal",
            format!("none (no terminal window here); the lab needs one of {MIN_WIDTH}x{MIN_HEIGHT} or more"),
        ),
    });

    let term = std::env::var("TERM").unwrap_or_default();
    let colorterm = std::env::var("COLORTERM").unwrap_or_default();
    let no_color = crate::tui::no_color();
    let depth = if matches!(colorterm.as_str(), "truecolor" | "24bit") {
        "24-bit colour (COLORTERM)"
    } else if term.contains("256color") {
        "256 colours"
    } else {
        "basic colours (all the lab uses)"
    };
    findings.push(if term == "dumb" {
        Finding::new(Level::Warn, "TERM", "TERM=dumb: this terminal cannot move the cursor, the lab will not draw")
            .fix("run parlab in a terminal window (not an editor's output pane), or: export TERM=xterm-256color")
    } else if term.is_empty() && cfg!(unix) {
        Finding::new(Level::Warn, "TERM", "TERM is not set: colours and keys may not work")
            .fix("export TERM=xterm-256color")
    } else if no_color {
        Finding::new(
            Level::Note,
            "colours",
            format!("off: NO_COLOR is set (the lab stays usable: the selection is drawn reversed); TERM={term}"),
        )
        .fix("unset NO_COLOR   (for colours)")
    } else {
        Finding::new(Level::Ok, "colours", format!("{depth}, TERM={term}, NO_COLOR not set"))
    });
    findings
}

/// Whether the progress file and its folder can be written (the lab saves after every step).
fn progress_folder() -> Finding {
    let fix =
        format!("export {PROGRESS_VARIABLE}=\"$HOME/parlab-progress.toml\"   (any file in a folder you can write)");
    let Some(path) = progress::default_path() else {
        return Finding::new(Level::Missing, "progress", "no home folder found to keep progress in").fix(fix);
    };
    match writable(&path) {
        Ok(()) => {
            let state = match fs::read_to_string(&path) {
                Ok(text) => match progress::parse(&text) {
                    Ok(_) => "writable".to_string(),
                    Err(_) => {
                        return Finding::new(
                            Level::Warn,
                            "progress",
                            format!("{} does not parse: the lab sets it aside and starts afresh", path.display()),
                        )
                        .fix(format!("mv {0} {0}.old   (keeps it for a look)", path.display()));
                    }
                },
                Err(_) => "writable, not created yet".to_string(),
            };
            Finding::new(Level::Ok, "progress", format!("{} ({state})", path.display()))
        }
        Err(why) => Finding::new(Level::Missing, "progress", format!("{}: {why}", path.display())).fix(fix),
    }
}

/// Checks that `path` can be written and its folder created, without leaving anything behind.
fn writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err("is a folder, not a file".into());
    }
    if path.exists() {
        OpenOptions::new().append(true).open(path).map_err(|e| format!("cannot be written ({e})"))?;
    }
    // The lab saves through a temporary file beside it, so the folder must be writable too;
    // a folder not created yet is created inside its nearest existing ancestor.
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let existing = folder.ancestors().find(|a| a.exists()).unwrap_or(Path::new("/"));
    if !existing.is_dir() {
        return Err(format!("{} is a file, so no folder can be made inside it", existing.display()));
    }
    let probe = existing.join(format!(".parlab-doctor-{}", std::process::id()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!("cannot write in {} ({e})", existing.display())),
    }
}

/// CPUs, the quota, and what a pool would use.
fn cpus(facts: &MachineFacts) -> Finding {
    let reason = pool_cpu_count(facts);
    let mut seen = format!("{} logical CPUs, a pool here uses {}", facts.logical_cores, reason.cpus);
    if let Some(quota) = facts.cgroup_cpu_quota {
        let _ = write!(seen, " (cgroup quota {quota:.2} CPUs)");
    }
    if let Some(mask) = facts.affinity.as_ref().filter(|m| m.len() < facts.logical_cores) {
        let _ = write!(seen, " (affinity: {} CPUs)", mask.len());
    }
    if reason.cpus > 1 {
        return Finding::new(Level::Ok, "CPUs", seen);
    }
    let fix = if facts.env.keys().any(|k| k.starts_with("SLURM")) {
        "ask SLURM for more: salloc -c 4   (or #SBATCH --cpus-per-task=4); `parlab info` says why"
    } else {
        "give this machine, VM or container at least 2 CPUs; `parlab info` says where the 1 comes from"
    };
    Finding::new(Level::Warn, "CPUs", format!("{seen}: every speedup will stay near 1x")).fix(fix)
}

/// The packages the lessons compare with, in the order they are reported.
const PYTHON_PACKAGES: [&str; 3] = ["numpy", "numba", "mpi4py"];

const PYTHON_SCRIPT: &str = "import importlib, sys
print(sys.version.split()[0])
for name in ('numpy', 'numba', 'mpi4py'):
    try:
        print(name, getattr(importlib.import_module(name), '__version__', '?'))
    except Exception:
        print(name, '-')
";

/// python3, its version, and whether numpy, numba and mpi4py import.
fn python() -> Vec<Finding> {
    let Some(python) = on_path("python3") else {
        return vec![
            Finding::new(
                Level::Warn,
                "python3",
                "not found on PATH: the lessons' Python twins will not run (the rest of the lab works)",
            )
            .fix("install Python 3: https://www.python.org/downloads/   (Debian/Ubuntu: sudo apt install python3)"),
        ];
    };
    let output = match run_with_timeout(Command::new(&python).args(["-c", PYTHON_SCRIPT]), PYTHON_TIMEOUT) {
        Ok(output) => output,
        Err(why) => {
            return vec![
                Finding::new(Level::Warn, "python3", format!("{} does not run: {why}", python.display()))
                    .fix("reinstall Python 3: https://www.python.org/downloads/"),
            ];
        }
    };
    let mut lines = output.lines();
    let version = lines.next().unwrap_or("?").trim().to_string();
    let mut found = Vec::new();
    let mut absent = Vec::new();
    for line in lines {
        let mut words = line.split_whitespace();
        let (Some(name), Some(package_version)) = (words.next(), words.next()) else { continue };
        if !PYTHON_PACKAGES.contains(&name) {
            continue;
        }
        if package_version == "-" { absent.push(name) } else { found.push(format!("{name} {package_version}")) }
    }
    let mut findings = vec![Finding::new(Level::Ok, "python3", format!("{version} at {}", python.display()))];
    let mut seen = if found.is_empty() { "none of numpy, numba, mpi4py".to_string() } else { found.join(", ") };
    if absent.is_empty() {
        findings.push(Finding::new(Level::Ok, "packages", seen));
    } else {
        if !found.is_empty() {
            let _ = write!(seen, "; not importable: {}", absent.join(", "));
        }
        findings.push(
            Finding::new(Level::Note, "packages", format!("{seen} (optional)"))
                .fix(format!("python3 -m pip install {}", absent.join(" "))),
        );
    }
    findings
}

/// Runs `command` with no input and returns its stdout, or why not.
fn run_with_timeout(command: &mut Command, timeout: Duration) -> Result<String, String> {
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {} s", timeout.as_secs()));
            }
            None => thread::sleep(Duration::from_millis(20)),
        }
    };
    let text = reader.join().unwrap_or_default();
    if status.success() { Ok(text) } else { Err(format!("exited with {status}")) }
}

/// Real MPI: mpirun on PATH, and whether this parlab was built with the `mpi` backend.
fn mpi() -> Finding {
    let launcher = on_path("mpirun").or_else(|| on_path("mpiexec"));
    let built = cfg!(feature = "mpi");
    match (launcher, built) {
        (Some(at), true) => {
            Finding::new(Level::Ok, "MPI", format!("{} found; the mpi backend is built in", at.display()))
        }
        (Some(at), false) => Finding::new(
            Level::Note,
            "MPI",
            format!("{} found; this parlab has no mpi backend (ranks teaches the same)", at.display()),
        )
        .fix("in a parlab checkout: cargo install --path . --features mpi"),
        (None, true) => Finding::new(Level::Warn, "MPI", "the mpi backend is built in, but no mpirun on PATH")
            .fix("sudo apt install openmpi-bin   (on a cluster: module load openmpi)"),
        (None, false) => {
            Finding::new(Level::Note, "MPI", "no mpirun on PATH: the ranks backend stands in for MPI on one machine")
        }
    }
}

/// An SSH session, and what helps over a slow link.
fn ssh() -> Finding {
    let connection = std::env::var("SSH_CONNECTION").ok().filter(|s| !s.trim().is_empty());
    let tty = std::env::var_os("SSH_TTY").is_some();
    match connection {
        Some(connection) => {
            let from = connection.split_whitespace().next().unwrap_or("?").to_string();
            Finding::new(
                Level::Note,
                "SSH",
                format!("over SSH from {from}: the lab redraws up to 10 times a second, keys may lag on a slow link"),
            )
            .fix("ssh -C (compression) helps; or measure headless: parlab run pi --out results/")
        }
        None if tty => Finding::new(Level::Note, "SSH", "over SSH (SSH_TTY is set)")
            .fix("ssh -C (compression) helps; or measure headless: parlab run pi --out results/"),
        None => Finding::new(Level::Ok, "SSH", "not over SSH (SSH_CONNECTION not set)"),
    }
}

/// The first executable called `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_ends_with_the_verdict() {
        let ok = Finding::new(Level::Ok, "CPUs", "2 logical CPUs");
        let missing = Finding::new(Level::Missing, "progress", "/x: cannot write").fix("export X=y");
        let text = screen(&[ok.clone(), missing]);
        assert!(text.contains("MISSING progress  /x: cannot write\n"), "{text}");
        assert!(text.contains("fix: export X=y\n"), "{text}");
        assert!(text.contains("1 thing the lab needs is missing"), "{text}");
        assert!(screen(&[ok]).contains("Everything the lab needs is here"));
    }

    #[test]
    fn a_file_in_the_way_of_the_folder_is_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(writable(&file.join("sub/progress.toml")).unwrap_err().contains("is a file"));
        assert!(writable(dir.path()).unwrap_err().contains("is a folder"));
        assert_eq!(writable(&dir.path().join("new/progress.toml")), Ok(()));
        // Nothing left behind: only the file made above.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
