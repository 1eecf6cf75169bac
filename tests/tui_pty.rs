//! Drives the real binary in a pseudo-terminal, as a learner would: open the pi
//! lesson, keep only 2 workers, sweep at a small size, wait for the results, quit, and
//! check that the terminal was given back (alternate screen left, cursor shown).
//! Nothing here depends on speed: every wait polls the screen with a generous limit.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;

struct Screen(Arc<Mutex<vt100::Parser>>);

impl Screen {
    fn text(&self) -> String {
        self.0.lock().unwrap().screen().contents()
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
}

#[test]
fn a_learner_sweeps_the_pi_lesson_and_quits_to_a_clean_terminal() {
    let pty = native_pty_system();
    let pair = pty.openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 }).expect("open a pty");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_parlab"));
    command.args(["--size", "400k"]);
    command.env("TERM", "xterm-256color");
    command.env("NO_COLOR", "1");
    let mut child = pair.slave.spawn_command(command).expect("start parlab");
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
    let mut writer = pair.master.take_writer().expect("pty writer");
    let mut send = |keys: &[u8]| {
        writer.write_all(keys).unwrap();
        writer.flush().unwrap();
        thread::sleep(Duration::from_millis(150));
    };
    let screen = Screen(parser);
    let limit = Duration::from_secs(30);

    screen.wait_for("Embarrassingly parallel", limit);
    assert!(screen.0.lock().unwrap().screen().alternate_screen(), "the lab draws on the alternate screen");
    send(b"\r"); // read the pi lesson
    screen.wait_for("Split, apply, combine", limit);
    send(b"\r"); // open its Lab
    screen.wait_for("Setup", limit);
    // Workers row: switch 1 and 4 off, keep 2.
    send(b"j"); // down to the workers row
    send(b"\x1b[D\x1b[D\x1b[D"); // cursor to the first count (1)
    send(b"\r"); // 1 off
    send(b"\x1b[C\x1b[C"); // to 4
    send(b"\r"); // 4 off
    let text = screen.wait_for("[ ] 1  [x] 2  [ ] 4", limit);
    assert!(text.contains("400,000 darts"), "the --size option sets the Lab's size:\n{text}");
    send(b"s");
    let text = screen.wait_for("Finished:", Duration::from_secs(120));
    assert!(text.contains("rayon"), "results list rayon:\n{text}");
    assert!(text.contains("gil"), "results list gil:\n{text}");
    assert!(text.contains("median"), "the results table has its header:\n{text}");

    send(b"q"); // Lab -> lesson text
    send(b"q"); // text -> list
    send(b"q"); // quit
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for parlab") {
            break status;
        }
        assert!(started.elapsed() < limit, "parlab did not exit after q:\n{}", screen.text());
        thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "parlab exited with {status:?}");
    thread::sleep(Duration::from_millis(200));
    let parser = screen.0.lock().unwrap();
    assert!(!parser.screen().alternate_screen(), "the alternate screen was left");
    assert!(!parser.screen().hide_cursor(), "the cursor is shown again");
}
