//! A worker that stops answering is caught by the run's watchdog: with the test hook
//! `PARLAB_FAULT=hang` (src/backends/fault.rs) the worker given the last item sleeps
//! until it is stopped, and `parlab run ... --timeout 1` must end with exit 1 and an
//! error naming the kernel, backend, worker, its pid and its items, leaving no worker
//! process behind. No time is asserted: only that the run ends and what it says.

#![cfg(target_os = "linux")]

mod proc_common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proc_common::{alive, workers_of};

const PARLAB: &str = env!("CARGO_BIN_EXE_parlab");

/// Waits up to 2 s for `check` to hold (processes on their way out); returns whether it did.
fn eventually(check: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !check() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// The number after `key` in `text`, e.g. the pid in "(pid 1234)".
fn number_after(text: &str, key: &str) -> Option<u64> {
    let rest = &text[text.find(key)? + key.len()..];
    rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// Runs pi on `backend` x2 with one hanging worker and `--timeout 1`; returns
/// (parlab's pid, exit code, stderr).
fn hung_run(backend: &str) -> (u32, Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let child = Command::new(PARLAB)
        .args(["run", "pi", "--size", "200000", "--backends", backend, "--workers", "2"])
        .args(["--reps", "1", "--warmup", "0", "-q", "--timeout", "1", "--json"])
        .arg(&json)
        .env("PARLAB_FAULT", "hang")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert!(!json.exists(), "{backend}: a run that timed out wrote results");
    (pid, output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The error names the run, the limit, a worker of two and the items it was running.
fn assert_names_the_worker(backend: &str, code: Option<i32>, stderr: &str) {
    assert_eq!(code, Some(1), "{backend}: a hung run must fail with exit 1:\n{stderr}");
    for part in [&format!("pi on {backend} with 2 workers did not finish within"), "(--timeout)", " of 2 ", "items "] {
        assert!(stderr.contains(part), "{backend}: the error must say '{part}':\n{stderr}");
    }
    let worker = number_after(stderr, "worker ").expect("a worker index");
    assert!(worker < 2, "{backend}: worker {worker} of 2:\n{stderr}");
    let start = number_after(stderr, "items ").expect("a first item");
    let end = number_after(stderr, &format!("items {start}..")).expect("an item range");
    assert!(start < end, "{backend}: the items of the hung worker:\n{stderr}");
}

#[test]
fn a_hung_worker_process_is_named_with_its_pid_and_killed() {
    let (parlab, code, stderr) = hung_run("processes");
    assert_names_the_worker("processes", code, &stderr);
    let pid = number_after(&stderr, "(pid ").expect("the worker's pid") as u32;
    assert_ne!(pid, parlab, "the pid is the worker's, not parlab's:\n{stderr}");
    assert!(eventually(|| !alive(pid)), "the hung worker {pid} is still running");
    assert!(eventually(|| workers_of(parlab).is_empty()), "workers left: {:?}", workers_of(parlab));
}

#[test]
fn a_hung_rank_or_thread_is_named_with_parlabs_pid() {
    for backend in ["ranks", "threads", "gil", "rayon"] {
        let (parlab, code, stderr) = hung_run(backend);
        assert_names_the_worker(backend, code, &stderr);
        assert_eq!(number_after(&stderr, "pid "), Some(u64::from(parlab)), "{backend}: a thread of parlab:\n{stderr}");
    }
}

#[test]
fn timeout_must_be_a_positive_duration() {
    for bad in ["0", "-1", "soon", "nan", "99999999999999999999999"] {
        let output = Command::new(PARLAB).args(["run", "pi", "--size", "1000", "--timeout", bad]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--timeout {bad}:\n{stderr}");
        assert!(stderr.contains("--timeout"), "--timeout {bad}: the error must name the flag:\n{stderr}");
    }
    // The same flag of --cmd runs, which once panicked converting a duration too long.
    let output = Command::new(PARLAB)
        .args(["run", "--cmd", "echo {workers}", "--workers", "1", "--timeout", "99999999999999999999999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}
