//! The Lab's "your command" row, driven in a pseudo-terminal as a learner would: a
//! command without {workers} is refused inline, a small Python program is swept over
//! workers 1 and 2 (two result rows and a chart), a long one is cancelled with `c` and
//! leaves no process behind, and after a restart the command is offered again.
//! Nothing here depends on speed: every wait polls the screen with a generous limit.

mod proc_common;
mod pty_common;

use std::ffi::OsStr;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use proc_common::with_marker;
use pty_common::Pty;

const LIMIT: Duration = Duration::from_secs(30);

/// parlab in a pty, its progress file at `progress`.
struct Session(Pty);

impl Deref for Session {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.0
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.0
    }
}

impl Session {
    fn start(progress: &Path) -> Self {
        Self(Pty::start(&[], &[("NO_COLOR", OsStr::new("1")), ("PARLAB_PROGRESS", progress.as_os_str())]))
    }

    /// Into the pi lesson's Lab.
    fn open_lab(&mut self) {
        self.wait_for("Embarrassingly parallel", LIMIT);
        self.send(b"j"); // the pi lesson is the second
        self.send(b"\r");
        self.wait_for("Split, apply, combine", LIMIT);
        self.send(b"\r");
        self.wait_for("Setup", LIMIT);
    }

    fn quit(&mut self) {
        self.send(b"q"); // Lab -> lesson text
        self.send(b"q"); // text -> list
        self.send(b"q"); // quit
        self.wait_exit(LIMIT);
    }
}

fn have_python() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn a_learner_sweeps_their_own_command_cancels_one_and_finds_it_after_a_restart() {
    if !have_python() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let progress: PathBuf = dir.path().join("data/progress.toml");
    let nap = dir.path().join("nap.py");
    std::fs::write(&nap, "import sys, time\ntime.sleep(0.3 / int(sys.argv[1]))\nprint('done')\n").unwrap();
    let hang = dir.path().join("hang_cmd_marker.py");
    std::fs::write(&hang, "import time\ntime.sleep(120)\n").unwrap();

    let mut s = Session::start(&progress);
    s.open_lab();
    // The pi lesson switches on workers 1, 2 and 4; keep 1 and 2.
    s.send(b"j"); // workers row; its cursor is on 2
    s.send(b"\x1b[C"); // to 4
    s.send(b"\r"); // 4 off
    s.wait_for("[x] 1  [x] 2  [ ] 4", LIMIT);

    // A command that cannot change with the worker count is refused where it is typed.
    s.send(b"!");
    s.wait_for("your command ▸", LIMIT);
    s.send(format!("python3 {}", nap.display()).as_bytes());
    s.send(b"\r");
    s.wait_for("does not change with the worker count", LIMIT);
    s.send(b" {workers}\r");
    s.wait_for("Your command is set", LIMIT);
    let text = s.wait_for("◂ your command ▸", LIMIT);
    assert!(text.contains("nap.py {workers}"), "the kernel row shows the command:\n{text}");

    s.send(b"s");
    let text = s.wait_for("Finished:", Duration::from_secs(120));
    assert!(text.contains("│nap.py "), "the results name the command's series:\n{text}");
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("│      1 ") || l.starts_with("│      2 ")).collect();
    assert_eq!(rows.len(), 2, "one result row per worker count:\n{text}");
    assert!(text.contains("Speedup"), "the chart is drawn:\n{text}");
    println!("{text}");

    // A long command, cancelled: its process (group) is gone.
    s.send(b"!");
    s.send(&[0x7f; 120]); // clear the line
    s.send(format!("python3 {} {{workers}}", hang.display()).as_bytes());
    s.send(b"\r");
    s.wait_for("Your command is set", LIMIT);
    s.send(b"s");
    s.wait_for("▶ Sweep", LIMIT);
    let started = Instant::now();
    while with_marker("hang_cmd_marker").is_empty() {
        assert!(started.elapsed() < LIMIT, "the command never started:\n{}", s.text());
        thread::sleep(Duration::from_millis(50));
    }
    s.send(b"c");
    s.wait_for("Cancelled", LIMIT);
    let started = Instant::now();
    while !with_marker("hang_cmd_marker").is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "cancel left the command running");
        thread::sleep(Duration::from_millis(50));
    }
    s.quit();
    drop(s);
    let remembered = std::fs::read_to_string(dir.path().join("data/commands.toml")).expect("commands remembered");
    assert!(remembered.contains("nap.py {workers}") && remembered.contains("hang_cmd_marker"), "{remembered}");

    // After a restart the last command is offered again, and ↑↓ walk the earlier ones.
    let mut again = Session::start(&progress);
    again.wait_for("Embarrassingly parallel", LIMIT);
    again.send(b"2"); // the Lab (of the lesson the last session ended in)
    again.wait_for("Setup", LIMIT);
    again.send(b"!");
    again.wait_for("hang_cmd_marker.py {workers}", LIMIT);
    again.send(b"\x1b[A\x1b[A"); // up twice: the second newest
    again.wait_for("nap.py {workers}", LIMIT);
    again.send(b"\x1b"); // Esc closes the line
    again.quit();
}
