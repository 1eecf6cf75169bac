//! Drives the real binary in a pseudo-terminal, as a learner would: open the pi
//! lesson, keep only 2 workers, sweep at a small size, wait for the results, quit, and
//! check that the terminal was given back (alternate screen left, cursor shown). The
//! other ways out (Ctrl-C, SIGTERM, a panic) must give it back too.
//! Nothing here depends on speed: every wait polls the screen with a generous limit.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const LIMIT: Duration = Duration::from_secs(30);

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    progress: std::path::PathBuf,
    /// Leave the progress file for a later session.
    keep_progress: bool,
}

impl Session {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let session = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let progress = std::env::temp_dir().join(format!("parlab-pty-{}-{session}/progress.toml", std::process::id()));
        Self::start_with_progress(args, env, progress)
    }

    fn start_with_progress(args: &[&str], env: &[(&str, &str)], progress: std::path::PathBuf) -> Self {
        let pty = native_pty_system();
        let pair =
            pty.openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 }).expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_parlab"));
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env("PARLAB_PROGRESS", progress.as_os_str());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pair.slave.spawn_command(command).expect("start parlab");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS.try_into().unwrap(), COLS.try_into().unwrap(), 0)));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let feed = Arc::clone(&parser);
        thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buffer[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Self { parser, writer, child, _master: pair.master, progress, keep_progress: false }
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let text = self.text();
            if text.contains(what) {
                return text;
            }
            assert!(started.elapsed() < limit, "waited {limit:?} for {what:?}; the screen shows:\n{text}");
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).unwrap();
        self.writer.flush().unwrap();
        thread::sleep(Duration::from_millis(150));
    }

    /// Waits for the exit, then checks the terminal was restored.
    fn assert_exits_restored(&mut self) -> portable_pty::ExitStatus {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for parlab") {
                break status;
            }
            assert!(started.elapsed() < LIMIT, "parlab did not exit:\n{}", self.text());
            thread::sleep(Duration::from_millis(50));
        };
        // Let the reader thread take in the last bytes.
        thread::sleep(Duration::from_millis(300));
        let parser = self.parser.lock().unwrap();
        assert!(!parser.screen().alternate_screen(), "the alternate screen was left");
        assert!(!parser.screen().hide_cursor(), "the cursor is shown again");
        status
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed test must not leave parlab running, nor its progress file behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        if let Some(dir) = self.progress.parent().filter(|_| !self.keep_progress) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn a_learner_sweeps_the_pi_lesson_and_quits_to_a_clean_terminal() {
    let mut s = Session::start(&["--size", "400k"], &[("NO_COLOR", "1")]);
    s.wait_for("Embarrassingly parallel", LIMIT);
    assert!(s.parser.lock().unwrap().screen().alternate_screen(), "the lab draws on the alternate screen");
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
    let pid = s.child.process_id().expect("child pid");
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
