//! The pseudo-terminal harness of the TUI tests: starts the real parlab binary in a pty,
//! reads what it draws through a vt100 parser, and types keys, as a learner's terminal
//! would. Nothing here depends on speed: every wait polls the screen with a limit.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// The terminal most tests use: 40 rows of 120 columns.
pub const ROWS: u16 = 40;
pub const COLS: u16 = 120;

/// parlab running in a pseudo-terminal. Dropping it kills parlab if it still runs, so a
/// failed test leaves nothing behind.
pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

/// How to start parlab: its arguments, environment and terminal size.
pub struct Launch<'a> {
    pub args: &'a [&'a str],
    /// Variables to set (TERM is always xterm-256color).
    pub env: &'a [(&'a str, &'a OsStr)],
    /// Variables to take away from the test's own environment.
    pub remove: &'a [&'a str],
    pub rows: u16,
    pub cols: u16,
}

impl<'a> Launch<'a> {
    /// `args` with `env`, at 40x120.
    pub fn new(args: &'a [&'a str], env: &'a [(&'a str, &'a OsStr)]) -> Self {
        Self { args, env, remove: &[], rows: ROWS, cols: COLS }
    }
}

impl Pty {
    /// Starts parlab with `args` and `env` in a 40x120 terminal.
    pub fn start(args: &[&str], env: &[(&str, &OsStr)]) -> Self {
        Self::launch(&Launch::new(args, env))
    }

    pub fn launch(how: &Launch) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize { rows: how.rows, cols: how.cols, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_parlab"));
        command.args(how.args);
        command.env("TERM", "xterm-256color");
        for key in how.remove {
            command.env_remove(key);
        }
        for (key, value) in how.env {
            command.env(key, value);
        }
        let child = pair.slave.spawn_command(command).expect("start parlab");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            how.rows.try_into().expect("rows"),
            how.cols.try_into().expect("columns"),
            0,
        )));
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
        Self { parser, writer, child, _master: pair.master }
    }

    /// What the screen shows now.
    pub fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `what`, and returns the screen; fails the test with
    /// the screen after `limit`.
    pub fn wait_for(&self, what: &str, limit: Duration) -> String {
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

    /// Types `keys`, then leaves parlab a moment to take them in.
    pub fn send(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).unwrap();
        self.writer.flush().unwrap();
        thread::sleep(Duration::from_millis(150));
    }

    /// parlab's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("parlab's pid")
    }

    /// Whether parlab has exited.
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("wait for parlab").is_some()
    }

    /// Waits for parlab to exit, failing the test with the screen after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for parlab") {
                return status;
            }
            assert!(started.elapsed() < limit, "parlab did not exit:\n{}", self.text());
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The screen as it is now, cell by cell (colours and attributes too).
    pub fn screen(&self) -> vt100::Screen {
        self.parser.lock().unwrap().screen().clone()
    }

    /// Whether parlab draws on the alternate screen now.
    pub fn on_alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Whether the terminal was given back: the alternate screen left and the cursor
    /// shown again (read after the reader thread has taken in the last bytes).
    pub fn terminal_restored(&self) -> (bool, bool) {
        thread::sleep(Duration::from_millis(300));
        let parser = self.parser.lock().unwrap();
        (!parser.screen().alternate_screen(), !parser.screen().hide_cursor())
    }

    /// SIGKILL: no chance to save anything on the way out.
    pub fn kill_hard(&mut self, limit: Duration) {
        let pid = nix::unistd::Pid::from_raw(self.pid() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
        let started = Instant::now();
        while !self.exited() {
            assert!(started.elapsed() < limit, "parlab outlived SIGKILL");
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills parlab if it still runs.
    pub fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        self.stop();
    }
}
