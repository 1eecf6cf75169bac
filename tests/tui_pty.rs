//! Drives the real binary in a pseudo-terminal, as a learner would: open the pi
//! lesson, keep only 2 workers, sweep at a small size, wait for the results, quit, and
//! check that the terminal was given back (alternate screen left, cursor shown). The
//! other ways out (Ctrl-C, SIGTERM, a panic) must give it back too.
//! Nothing here depends on speed: every wait polls the screen with a generous limit.

mod pty_common;

use std::ffi::OsStr;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pty_common::Pty;

const LIMIT: Duration = Duration::from_secs(30);

/// parlab in a pty, with a progress file of its own.
struct Session {
    pty: Pty,
    progress: PathBuf,
    /// Leave the progress file for a later session.
    keep_progress: bool,
}

impl Deref for Session {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.pty
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.pty
    }
}

impl Session {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let session = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let progress = std::env::temp_dir().join(format!("parlab-pty-{}-{session}/progress.toml", std::process::id()));
        Self::start_with_progress(args, env, progress)
    }

    fn start_with_progress(args: &[&str], env: &[(&str, &str)], progress: PathBuf) -> Self {
        let mut vars: Vec<(&str, &OsStr)> = vec![("PARLAB_PROGRESS", progress.as_os_str())];
        vars.extend(env.iter().map(|(k, v)| (*k, OsStr::new(v))));
        Self { pty: Pty::start(args, &vars), progress, keep_progress: false }
    }

    /// Waits for the exit, then checks the terminal was restored.
    fn assert_exits_restored(&mut self) -> portable_pty::ExitStatus {
        let status = self.wait_exit(LIMIT);
        let (left_alternate, cursor_shown) = self.terminal_restored();
        assert!(left_alternate, "the alternate screen was left");
        assert!(cursor_shown, "the cursor is shown again");
        status
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed test must not leave parlab running, nor its progress file behind.
        self.pty.stop();
        if let Some(dir) = self.progress.parent().filter(|_| !self.keep_progress) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn a_learner_sweeps_the_pi_lesson_and_quits_to_a_clean_terminal() {
    let mut s = Session::start(&["--size", "400k"], &[("NO_COLOR", "1")]);
    s.wait_for("Embarrassingly parallel", LIMIT);
    assert!(s.on_alternate_screen(), "the lab draws on the alternate screen");
    s.send(b"j"); // the pi lesson is the second
    s.send(b"\r"); // read it
    s.wait_for("Split, apply, combine", LIMIT);
    s.send(b"\r"); // open its Lab
    s.wait_for("Setup", LIMIT);
    // Workers row: switch 1 and 4 off, keep 2.
    s.send(b"j"); // down to the workers row
    s.send(b"\x1b[D\x1b[D\x1b[D"); // cursor to the first count (1)
    s.send(b"\r"); // 1 off
    s.send(b"\x1b[C\x1b[C"); // to 4
    s.send(b"\r"); // 4 off
    let text = s.wait_for("[ ] 1  [x] 2  [ ] 4", LIMIT);
    assert!(text.contains("400,000 darts"), "the --size option sets the Lab's size:\n{text}");
    s.send(b"s");
    let text = s.wait_for("Finished:", Duration::from_secs(120));
    assert!(text.contains("median"), "the results table has its header:\n{text}");
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("│threads ") || l.contains("│rayon ")).collect();
    assert_eq!(rows.len(), 2, "one result row each for threads and rayon:\n{text}");
    println!("{text}");

    s.send(b"q"); // Lab -> lesson text
    s.send(b"q"); // text -> list
    let text = s.wait_for("◑ 2.", LIMIT);
    assert!(text.contains("◑ 2."), "the list marks the pi lesson as measured:\n{text}");
    s.send(b"q"); // quit
    let progress = s.progress.clone();
    let status = s.assert_exits_restored();
    // (The session's Drop removes the progress folder; read the file before that.)
    assert!(status.success(), "parlab exited with {status:?}");
    let saved = std::fs::read_to_string(&progress).expect("progress was saved");
    assert!(saved.contains("[lessons.embarrassingly-parallel]\nmark = \"ran\""), "{saved}");
}

#[test]
fn ctrl_c_restores_the_terminal() {
    let mut s = Session::start(&[], &[]);
    s.wait_for("Embarrassingly parallel", LIMIT);
    s.send(b"\r\r"); // into the Lab, where q would only go back
    s.wait_for("Setup", LIMIT);
    s.send(b"\x03");
    assert!(s.assert_exits_restored().success());
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = Session::start(&["--size", "400k"], &[]);
    s.wait_for("Embarrassingly parallel", LIMIT);
    s.send(b"\r\rs"); // start a sweep, then terminate in the middle of it
    let pid = s.pid();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    s.assert_exits_restored();
}

#[test]
fn a_panic_restores_the_terminal() {
    let mut s = Session::start(&[], &[("PARLAB_TEST_PANIC", "1")]);
    let status = s.assert_exits_restored();
    assert!(!status.success(), "a panic is a failure exit");
}

#[test]
fn a_learner_answers_exercises_and_finds_them_after_a_restart() {
    use parlab::lessons::Exercise;
    // Positions come from the built-in course, so the test follows its order.
    let course = parlab::lessons::embedded().unwrap();
    let pi = course.lessons.iter().position(|l| l.id == "embarrassingly-parallel").expect("the pi lesson");
    let exercises = &course.lessons[pi].exercises;
    let predict = exercises.iter().position(|e| matches!(e, Exercise::Predict(_))).expect("a prediction");
    let question = exercises.iter().position(|e| matches!(e, Exercise::Choice(_))).expect("a question");
    let Exercise::Choice(choice) = &exercises[question] else { unreachable!() };
    let all: usize = course.lessons.iter().map(|l| l.exercises.len()).sum();
    let key = |option: usize| [b'1' + option as u8];

    let mut s = Session::start(&["--size", "400k"], &[("NO_COLOR", "1")]);
    s.keep_progress = true;
    let progress = s.progress.clone();
    s.wait_for("Embarrassingly parallel", LIMIT);
    for _ in 0..pi {
        s.send(b"j");
    }
    s.send(b"\r"); // read the pi lesson
    s.wait_for("Split, apply, combine", LIMIT);
    s.send(b"t"); // its exercises
    s.wait_for("Exercises 0/", LIMIT);
    s.send(b"\x1b"); // to the list
    s.send(b"\x1b[H"); // Home
    for _ in 0..predict {
        s.send(b"j");
    }
    s.send(b"\r");
    s.wait_for(&format!("{} of {} · Predict", predict + 1, exercises.len()), LIMIT);
    s.send(b"1.5");
    s.wait_for("Your prediction: 1.5", LIMIT);
    s.send(b"\r"); // measure its backend at 1 and the asked workers
    let text = s.wait_for("Measured ", Duration::from_secs(120));
    assert!(text.contains("Predicted  1.50x"), "{text}");
    assert!(text.contains(" ±"), "the verdict names the tolerance:\n{text}");
    println!("{text}");

    s.send(b"\x1b"); // to the list
    s.send(b"\x1b[H");
    for _ in 0..question {
        s.send(b"j");
    }
    s.send(b"\r");
    s.wait_for(&format!("{} of {} · Question", question + 1, exercises.len()), LIMIT);
    s.send(&key((choice.answer + 1) % choice.options.len())); // a wrong answer first
    s.send(b"\r");
    s.wait_for("Not quite", LIMIT);
    s.send(&key(choice.answer));
    s.send(b"\r");
    let text = s.wait_for("Right.", LIMIT);
    assert!(text.contains(&format!("✓ {}. Question", question + 1)), "the list marks the question done:\n{text}");
    println!("{text}");

    s.send(b"\x1b"); // detail -> list
    s.send(b"q"); // exercises -> lesson text
    s.send(b"q"); // text -> list
    s.wait_for("Enter read", LIMIT);
    s.send(b"q"); // quit
    let status = s.assert_exits_restored();
    assert!(status.success(), "parlab exited with {status:?}");
    let saved = std::fs::read_to_string(&progress).expect("progress was saved");
    assert!(saved.contains("kind = \"choice\"") && saved.contains(&format!("chosen = {}", choice.answer)), "{saved}");
    assert!(saved.contains("prediction = 1.5"), "{saved}");
    drop(s);

    // Again, with the same progress file: the marks and the summary are still there.
    let mut again = Session::start_with_progress(&["--size", "400k"], &[("NO_COLOR", "1")], progress);
    let text = again.wait_for("Embarrassingly parallel", LIMIT);
    assert!(
        text.contains(&format!("◑ {}. Embarrassingly", pi + 1))
            || text.contains(&format!("✓ {}. Embarrassingly", pi + 1)),
        "the list marks the pi lesson as worked on:\n{text}"
    );
    again.send(b"4");
    let text = again.wait_for("Progress:", LIMIT);
    assert!(text.contains("exercises done") && text.contains(&format!(" of {all} exercises")), "{text}");
    assert!(
        text.contains("predicted 1.50x, measured"),
        "the summary shows the prediction and the measurement:\n{text}"
    );
    println!("{text}");
    again.send(b"q");
    again.send(b"q");
    assert!(again.assert_exits_restored().success());
}
