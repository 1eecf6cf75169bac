//! What the terminal lab does to the world, through the real binary in a pseudo-terminal:
//! the files `e` writes, a cancelled sweep keeping its points, a wrong result shown as a
//! failed run, the terminal given back after SIGHUP (raw mode and mouse capture too),
//! NO_COLOR, a mouse click on a tab, and a resize to too small and back.
//!
//! Every session runs in its own temporary folder (its current directory, HOME and
//! PARLAB_PROGRESS all point there) on a one-lesson course of its own, so that sweeps are
//! tiny. Every wait polls the screen with a generous limit; nothing sleeps for a result.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const LIMIT: Duration = Duration::from_secs(60);
/// Linux termios local flags (from <termios.h>): canonical input and echo, both cleared
/// by raw mode.
const ICANON: u32 = 0o000002;
const ECHO: u32 = 0o000010;

/// The lesson of a one-lesson course: its kernel, size, params, backends and workers.
struct Lesson<'a> {
    kernel: &'a str,
    size: u64,
    params: &'a str,
    workers: &'a str,
}

const TINY: Lesson = Lesson { kernel: "pi", size: 200_000, params: "", workers: "[1, 2]" };

fn write_course(dir: &Path, lesson: &Lesson) {
    std::fs::create_dir_all(dir).unwrap();
    let params = if lesson.params.is_empty() { String::new() } else { format!("params = {{ {} }}\n", lesson.params) };
    std::fs::write(
        dir.join("course.toml"),
        format!(
            "title = \"A course of my own\"\n[[lesson]]\nid = \"my-only-lesson\"\ntitle = \"Counting darts twice\"\n\
             file = \"only.md\"\nkernel = \"{}\"\nsize = {}\n{params}backends = [\"threads\"]\nworkers = {}\n\
             reps = 1\nwarmup = 0\n",
            lesson.kernel, lesson.size, lesson.workers
        ),
    )
    .unwrap();
    std::fs::write(dir.join("only.md"), "# Counting darts twice\n\nA lesson no built-in course has.\n").unwrap();
}

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte parlab wrote to the terminal.
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    dir: tempfile::TempDir,
}

impl Session {
    /// parlab on its own course in a fresh folder, `rows` x `cols`, with `env` added.
    fn start(lesson: &Lesson, rows: u16, cols: u16, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        write_course(&course, lesson);
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_parlab"));
        command.arg("--lessons");
        command.arg(course.as_os_str());
        command.cwd(dir.path());
        command.env("TERM", "xterm-256color");
        command.env("HOME", dir.path().join("home").as_os_str());
        command.env("PARLAB_PROGRESS", dir.path().join("progress.toml").as_os_str());
        command.env_remove("NO_COLOR");
        command.env_remove("PARLAB_FAULT");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pair.slave.spawn_command(command).expect("start parlab");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (feed, keep) = (Arc::clone(&parser), Arc::clone(&raw));
        thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buffer[..n]);
                keep.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Self { parser, raw, writer, child, master: pair.master, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.text();
            if done(&text) {
                return text;
            }
            assert!(started.elapsed() < LIMIT, "waited {LIMIT:?} for {what}; the screen shows:\n{text}");
            thread::sleep(Duration::from_millis(30));
        }
    }

    fn wait_for(&self, what: &str) -> String {
        self.wait_until(&format!("{what:?}"), |text| text.contains(what))
    }

    /// Sends keys, then waits until the terminal has been quiet for a moment, so that an
    /// Esc is never read together with the next key as one escape sequence.
    fn send(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).unwrap();
        self.writer.flush().unwrap();
        let mut last = self.raw.lock().unwrap().len();
        let mut quiet = Instant::now();
        let started = Instant::now();
        while quiet.elapsed() < Duration::from_millis(100) && started.elapsed() < Duration::from_secs(2) {
            thread::sleep(Duration::from_millis(20));
            let now = self.raw.lock().unwrap().len();
            if now != last {
                (last, quiet) = (now, Instant::now());
            }
        }
    }

    fn local_flags(&self) -> u32 {
        self.master.get_termios().expect("the pty's settings").local_flags.bits()
    }

    fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = self.child.process_id().expect("child pid");
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), signal).unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(started.elapsed() < LIMIT, "parlab did not exit:\n{}", self.text());
            thread::sleep(Duration::from_millis(30));
        };
        // Let the reader thread take in the last bytes.
        let mut last = self.raw.lock().unwrap().len();
        loop {
            thread::sleep(Duration::from_millis(200));
            let now = self.raw.lock().unwrap().len();
            if now == last {
                break;
            }
            last = now;
        }
        status
    }

    /// Presses q until parlab quits (each press goes back one screen), then checks that
    /// it exited cleanly.
    fn quit(&mut self) {
        for _ in 0..6 {
            if self.child.try_wait().unwrap().is_some() {
                break;
            }
            self.send(b"q");
        }
        let status = self.wait_exit();
        assert!(status.success(), "parlab exited with {status:?}");
    }

    /// Opens the course's only lesson in the Lab.
    fn open_lab(&mut self) {
        self.wait_for("Counting darts twice");
        self.send(b"\r");
        self.wait_for("A lesson no built-in course has");
        self.send(b"\r");
        self.wait_for("Setup");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The file names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The files an export of the report in `dir/results.json` must hold.
fn expected_bundle(dir: &Path) -> Vec<String> {
    let json = std::fs::read_to_string(dir.join("results.json")).expect("results.json");
    let report: parlab::measure::Report = serde_json::from_str(&json).unwrap();
    let mut names: Vec<String> =
        parlab::export::bundle::bundle_files(&report).unwrap().into_iter().map(|f| f.name).collect();
    names.sort();
    names
}

/// Result rows of the threads backend in the Lab's table: `threads  1  1.115 s ...`
/// for its first point, `2  567.1 ms ...` for the next ones.
fn result_rows(text: &str) -> usize {
    text.lines()
        .filter_map(|line| line.split('│').nth(1))
        .filter(|cell| {
            let mut words: Vec<&str> = cell.split_whitespace().collect();
            if words.first() == Some(&"threads") {
                words.remove(0);
            }
            words.len() >= 3 && words[0].parse::<usize>().is_ok() && ["s", "ms", "us", "µs"].contains(&words[2])
        })
        .count()
}

#[test]
fn export_writes_every_file_and_a_second_export_a_fresh_folder() {
    let mut s = Session::start(&TINY, 24, 80, &[]);
    s.open_lab();
    s.send(b"s");
    s.wait_for("Finished:");
    s.send(b"e");
    s.wait_for("Exported results");
    let first = s.path("parlab-results");
    let files = names(&first);
    assert_eq!(files, expected_bundle(&first), "the export holds every file of a bundle");
    for file in ["results.json", "results.csv", "report.md", "speedup.png", "speedup.svg"] {
        assert!(files.iter().any(|f| f == file), "no {file} in {files:?}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(first.join("results.json")).unwrap()).unwrap();
    assert_eq!(report["points"].as_array().unwrap().len(), 2, "threads at 1 and 2 workers");
    let json_before = std::fs::read(first.join("results.json")).unwrap();

    s.send(b"e");
    s.wait_for("parlab-results-2");
    let second = s.path("parlab-results-2");
    assert_eq!(names(&second), files, "the second export is complete too");
    assert_eq!(std::fs::read(first.join("results.json")).unwrap(), json_before, "the first is left alone");
    s.quit();
}

#[test]
fn progress_e_writes_the_summary() {
    let mut s = Session::start(&TINY, 24, 80, &[]);
    s.open_lab();
    s.send(b"s");
    s.wait_for("Finished:");
    s.send(b"4");
    s.wait_for("Progress:");
    s.send(b"e");
    s.wait_for("Progress summary written");
    let summary = std::fs::read_to_string(s.path("parlab-progress.md")).expect("the summary file");
    assert!(summary.contains("Counting darts twice"), "the summary is of this course:\n{summary}");
    s.quit();
}

#[test]
fn cancel_during_a_sweep_keeps_the_finished_points() {
    // Items that wait, so a point takes a while whatever the machine's speed.
    let slow = Lesson { kernel: "io", size: 40, params: "latency_ms = \"25\"", workers: "[1, 2, 3, 4]" };
    let mut s = Session::start(&slow, 24, 80, &[]);
    s.open_lab();
    s.send(b"s");
    s.wait_until("the first result row", |text| result_rows(text) >= 1);
    s.send(b"c");
    let text = s.wait_for("Cancelled after");
    let kept: usize = text
        .split("Cancelled after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of kept points:\n{text}"));
    assert!((1..4).contains(&kept), "cancelled in the middle, after {kept} of 4 points:\n{text}");
    assert_eq!(result_rows(&text), kept, "the finished points are still in the table:\n{text}");
    // And they are what an export writes.
    s.send(b"e");
    s.wait_for("Exported results");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path("parlab-results/results.json")).unwrap()).unwrap();
    assert_eq!(report["points"].as_array().unwrap().len(), kept);
    s.quit();
}

#[test]
fn a_wrong_result_is_a_failed_run_on_screen_not_a_point() {
    let mut s = Session::start(&TINY, 24, 160, &[("PARLAB_FAULT", "perturb-outcome")]);
    s.open_lab();
    s.send(b"s");
    let text = s.wait_for("Run failed");
    assert!(text.contains("pi on threads with 1 workers"), "the message names kernel, backend, workers:\n{text}");
    assert_eq!(result_rows(&text), 0, "no data point from a wrong result:\n{text}");
    s.send(b"e");
    s.quit();
    assert!(!s.path("parlab-results").exists(), "nothing to export from a failed run");
}

/// The last position of `needle` in `haystack`.
fn last(haystack: &[u8], needle: &str) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle.as_bytes())
}

#[test]
fn sighup_gives_the_terminal_back_raw_mode_and_mouse_included() {
    let mut s = Session::start(&TINY, 24, 80, &[]);
    s.open_lab();
    let flags = s.local_flags();
    assert_eq!(flags & (ICANON | ECHO), 0, "the lab runs in raw mode (flags {flags:o})");
    assert_ne!(s.parser.lock().unwrap().screen().mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    s.signal(nix::sys::signal::Signal::SIGHUP);
    s.wait_exit();
    let flags = s.local_flags();
    assert_eq!(flags & (ICANON | ECHO), ICANON | ECHO, "raw mode is undone (flags {flags:o})");
    let raw = s.raw.lock().unwrap().clone();
    // Each mode turned on (h) is turned off (l) after it was last turned on.
    for mode in ["?1049", "?1000", "?1002", "?1003", "?1006"] {
        let on = last(&raw, &format!("\x1b[{mode}h")).unwrap_or_else(|| panic!("mode {mode} was never set"));
        let off = last(&raw, &format!("\x1b[{mode}l"));
        assert!(off.is_some_and(|off| off > on), "mode {mode} is still on after SIGHUP");
    }
    let hidden = last(&raw, "\x1b[?25l").expect("the cursor was hidden");
    assert!(last(&raw, "\x1b[?25h").is_some_and(|shown| shown > hidden), "the cursor is shown again");
    let parser = s.parser.lock().unwrap();
    assert!(!parser.screen().alternate_screen());
    assert_eq!(parser.screen().mouse_protocol_mode(), vt100::MouseProtocolMode::None);
}

/// Whether any cell on screen has a foreground or background colour.
fn coloured_cells(s: &Session) -> usize {
    let parser = s.parser.lock().unwrap();
    let screen = parser.screen();
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .filter_map(|(r, c)| screen.cell(r, c))
        .filter(|cell| cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default)
        .count()
}

#[test]
fn no_color_gives_cells_without_colour() {
    // The control: the same screens in colour.
    let mut coloured = Session::start(&TINY, 24, 80, &[]);
    coloured.open_lab();
    coloured.send(b"s");
    coloured.wait_for("Finished:");
    assert!(coloured_cells(&coloured) > 0, "the lab uses colour by default");

    let mut plain = Session::start(&TINY, 24, 80, &[("NO_COLOR", "1")]);
    plain.wait_for("Counting darts twice");
    assert_eq!(coloured_cells(&plain), 0, "the lesson list has colour:\n{}", plain.text());
    plain.open_lab();
    plain.send(b"s");
    plain.wait_for("Finished:");
    assert_eq!(coloured_cells(&plain), 0, "the Lab has colour under NO_COLOR:\n{}", plain.text());
    plain.send(b"5");
    plain.wait_for("This machine");
    assert_eq!(coloured_cells(&plain), 0, "the Machine tab has colour under NO_COLOR");
}

#[test]
fn a_click_on_a_tab_switches_to_it() {
    let mut s = Session::start(&TINY, 24, 80, &[]);
    let text = s.wait_for("Counting darts twice");
    let tabs = text.lines().next().unwrap();
    for (tab, shows) in [("5 Machine", "This machine"), ("4 Progress", "Progress:"), ("1 Lessons", "Counting darts")] {
        let column = tabs.find(tab).unwrap_or_else(|| panic!("no tab {tab} in {tabs:?}"));
        let column = tabs[..column].chars().count() + 2; // on the name, 1-based
        s.send(format!("\x1b[<0;{column};1M").as_bytes()); // press, SGR encoding
        s.send(format!("\x1b[<0;{column};1m").as_bytes()); // release
        s.wait_for(shows);
    }
    s.send(b"q");
    assert!(s.wait_exit().success());
}

#[test]
fn a_resize_to_too_small_and_back_then_q() {
    let mut s = Session::start(&TINY, 24, 80, &[]);
    s.wait_for("Counting darts twice");
    let resize = |s: &Session, rows: u16, cols: u16| {
        s.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        s.parser.lock().unwrap().set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
    };
    resize(&s, 15, 60);
    let text = s.wait_for("too small");
    assert!(text.contains("It is 60x15"), "{text}");
    resize(&s, 24, 80);
    s.wait_until("the lesson list again", |text| text.contains("Counting darts twice") && !text.contains("too small"));
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!s.parser.lock().unwrap().screen().alternate_screen());
}
