//! The projector's commands, driven in a pseudo-terminal: `parlab --lesson N|ID` opens
//! straight at that lesson's Lab, which shows the one `parlab run ...` command that
//! reproduces it; the command runs as shown. Nothing here depends on speed.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use predicates::prelude::*;

const LIMIT: Duration = Duration::from_secs(30);

/// Starts parlab in a 120 x 40 pty, waits for `what`, presses Ctrl-C, returns the screen.
fn screen_at(args: &[&str], what: &str) -> String {
    screens(args, &[(b"", what)]).pop().unwrap()
}

/// Starts parlab in a 120 x 40 pty; for each step sends its keys and waits for its
/// text; then presses Ctrl-C. Returns the screen after each step.
fn screens(args: &[&str], steps: &[(&[u8], &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let pair = native_pty_system().openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_parlab"));
    command.args(args);
    command.env("TERM", "xterm-256color");
    command.env("PARLAB_PROGRESS", dir.path().join("progress.toml").as_os_str());
    let mut child = pair.slave.spawn_command(command).unwrap();
    drop(pair.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(40u16.try_into().unwrap(), 120u16.try_into().unwrap(), 0)));
    let mut reader = pair.master.try_clone_reader().unwrap();
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
    let mut writer = pair.master.take_writer().unwrap();
    let mut shown = Vec::new();
    for (keys, what) in steps {
        writer.write_all(keys).unwrap();
        writer.flush().unwrap();
        let started = Instant::now();
        let text = loop {
            let text = parser.lock().unwrap().screen().contents();
            if text.contains(what) {
                break text;
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                panic!("waited for {what:?}; the screen shows:\n{text}");
            }
            thread::sleep(Duration::from_millis(50));
        };
        shown.push(text);
    }
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("parlab did not quit on Ctrl-C");
        }
        thread::sleep(Duration::from_millis(50));
    }
    shown
}

#[test]
fn lesson_by_number_or_id_opens_its_lab_with_the_command_that_reproduces_it() {
    let by_id = screen_at(&["--lesson", "amdahl", "--size", "3000"], "$ parlab run amdahl");
    assert!(by_id.contains("Setup"), "the Lab is shown:\n{by_id}");
    let line = by_id.lines().find(|l| l.contains("$ parlab run")).unwrap().trim().to_string();
    assert!(line.contains("--size 3000") && line.contains("-p serial="), "{line}");
    let by_number = screen_at(&["--lesson", "3", "--size", "3000"], "$ parlab run amdahl");
    assert_eq!(by_number.lines().find(|l| l.contains("$ parlab run")).unwrap().trim(), line);

    // The command runs as shown (at this tiny size, in well under a second a point).
    let words = shell_words::split(line.trim_start_matches("$ ")).unwrap();
    Command::cargo_bin("parlab").unwrap().args(&words[1..]).arg("-q").assert().success();
}

#[test]
fn a_lesson_that_does_not_exist_is_named() {
    Command::cargo_bin("parlab")
        .unwrap()
        .args(["--lesson", "42"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--lesson 42: the course has lessons 1 to"));
    Command::cargo_bin("parlab")
        .unwrap()
        .args(["--lesson", "gpu"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ids: before-you-parallelise"));
}

#[test]
fn present_mode_echoes_each_key_from_the_key_tables() {
    let shown = screens(
        &["--present", "--lesson", "amdahl", "--size", "3000"],
        &[
            (b"", "keys you press are echoed here"),
            (b"x", "x: clear the results (not while a run is going)"),
            (b"s", "s: sweep every switched-on point / run the underlined one (threads, rayon × 1, 2, 4 workers)"),
            (b"", "Amdahl s="),
            (b"Q", "Q: does nothing here"),
        ],
    );
    // Stacked: the results pane is full width, below the setup, with the chart below it.
    // Present mode is high contrast: the focused Setup pane has a thick border.
    let last = shown.last().unwrap();
    let row = |what: &str| last.lines().position(|l| l.contains(what)).unwrap_or_else(|| panic!("{what}:\n{last}"));
    assert!(row("┏ Setup") < row("┌ Results"), "{last}");
    let results = last.lines().nth(row("┌ Results")).unwrap();
    assert_eq!(results.matches('┌').count(), 1, "nothing beside the results:\n{last}");
    assert!(last.lines().skip(row("┌ Results") + 1).any(|l| l.trim_start().starts_with('┌')), "a pane below:\n{last}");
}
