//! The `processes` backend never leaves a worker behind: not when parlab is killed with
//! SIGKILL, not after a cancelled run, not after a worker is killed (which fails the run
//! with a message naming the worker); and a worker that talks garbage is an error, not a
//! hang. Workers are found through /proc by their `worker --parent <pid>` arguments, which
//! they keep after being re-parented.

#![cfg(target_os = "linux")]

mod proc_common;

use std::fs;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use parlab::backends;
use parlab::kernels::KernelSpec;
use parlab::measure::{Plan, RunEvent, Runner};
use parlab::sysmon::MachineFacts;
use proc_common::workers_of;

const PARLAB: &str = env!("CARGO_BIN_EXE_parlab");

/// Tests whose workers are children of this test process take turns, so that one's
/// workers are not counted as left behind by another.
static IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits until `parent` has `count` live workers; panics after a generous limit.
fn wait_for_workers(parent: u32, count: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let workers = workers_of(parent);
        if workers.len() >= count {
            return workers;
        }
        assert!(Instant::now() < deadline, "no {count} workers of {parent} appeared");
        thread::sleep(Duration::from_millis(5));
    }
}

/// Waits a short while for every worker of `parent` to be gone, then checks.
fn assert_no_workers_left(parent: u32, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !workers_of(parent).is_empty() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(workers_of(parent), Vec::<u32>::new(), "workers left behind {what}");
}

/// A long `parlab run` on the processes backend: many repetitions of a short run.
fn start_long_run() -> Child {
    Command::new(PARLAB)
        .args(["run", "pi", "--backends", "processes", "--workers", "2", "--size", "2e8", "--reps", "500", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parlab starts")
}

fn wait_with_limit(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("parlab did not end within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn sigkill_of_parlab_leaves_no_worker() {
    let mut parlab = start_long_run();
    let pid = parlab.id();
    let workers = wait_for_workers(pid, 2);
    parlab.kill().expect("SIGKILL parlab");
    parlab.wait().expect("reap parlab");
    assert_no_workers_left(pid, &format!("after SIGKILL of parlab (workers were {workers:?})"));
}

#[test]
fn a_killed_worker_fails_the_run_with_its_name() {
    let mut parlab = start_long_run();
    let pid = parlab.id();
    // A worker killed in the instant its pool is closing is no failure: then try again.
    let mut victim = 0;
    for _ in 0..5 {
        victim = wait_for_workers(pid, 1)[0];
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(victim as i32), nix::sys::signal::Signal::SIGKILL);
        let deadline = Instant::now() + Duration::from_secs(10);
        while parlab.try_wait().expect("wait").is_none() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        if parlab.try_wait().expect("wait").is_some() {
            break;
        }
    }
    let output = wait_with_limit(parlab, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the run should fail: {stderr}");
    assert!(stderr.contains(&format!("(pid {victim})")), "the message names the worker: {stderr}");
    assert!(stderr.contains("worker process") && stderr.contains("SIGKILL"), "{stderr}");
    assert_no_workers_left(pid, "after a worker was killed");
}

#[test]
fn a_cancelled_run_leaves_no_worker() {
    let _turn = IN_PROCESS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    backends::set_worker_program(PARLAB);
    let mut spec = KernelSpec::new("pi").unwrap();
    spec.size = 200_000_000;
    let plan = Plan {
        spec,
        backends: vec!["processes".into()],
        workers: vec![2],
        warmup: 0,
        repetitions: 500,
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
    };
    let runner = Runner::new(MachineFacts::detect(), None);
    let handle = runner.start(plan);
    let me = std::process::id();
    wait_for_workers(me, 2);
    let cancelled = Instant::now();
    handle.cancel();
    let last = loop {
        let event = handle.events.recv_timeout(Duration::from_secs(60)).expect("the run ends after cancel");
        if matches!(event, RunEvent::Cancelled(_) | RunEvent::Failed(_) | RunEvent::Finished(_)) {
            break event;
        }
    };
    // Timing is reported, never asserted (the machine is shared).
    eprintln!("cancel to end of run: {:?}", cancelled.elapsed());
    assert!(matches!(last, RunEvent::Cancelled(_)), "{last:?}");
    assert_no_workers_left(me, "after a cancelled run");
}

#[test]
fn a_worker_speaking_garbage_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-worker");
    fs::write(&fake, "#!/bin/sh\nprintf 'this is not a parlab frame at all'\nexec sleep 30\n").unwrap();
    fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let parlab = Command::new(PARLAB)
        .args(["run", "pi", "--backends", "processes", "--workers", "1", "--size", "1e6", "--reps", "1", "-q"])
        .env(backends::WORKER_ENV, &fake)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait_with_limit(parlab, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("worker process 0 of 1") && stderr.contains("malformed"), "{stderr}");

    let missing = Command::new(PARLAB)
        .args(["run", "pi", "--backends", "processes", "--workers", "1", "--size", "1e6", "--reps", "1", "-q"])
        .env(backends::WORKER_ENV, dir.path().join("nothing-here"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(stderr.contains("PARLAB_WORKER_EXE") && stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn a_run_moves_bytes_and_counts_them() {
    let _turn = IN_PROCESS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    backends::set_worker_program(PARLAB);
    let processes = backends::find("processes").unwrap();
    let mut spec = KernelSpec::new("bigresult").unwrap();
    spec.size = 6;
    spec.params.insert("side".into(), "100".into());
    spec.params.insert("chunksize".into(), "2".into());
    let workload = spec.build().unwrap();
    let cancel = AtomicBool::new(false);
    let run = processes
        .execute(&backends::Job { spec: &spec, workload: workload.as_ref(), workers: 2, cancel: &cancel, watch: None })
        .unwrap();
    let stats = run.stats;
    // 6 arrays of 100 x 100 f64 come back; 3 tasks go out.
    assert!(stats.bytes_received >= 6 * 100 * 100 * 8, "{stats:?}");
    assert!(stats.bytes_sent > 0 && stats.messages >= 2 * 3 + 2 * 2, "{stats:?}");
    assert!(stats.startup_s.is_some() && stats.encode_s.is_some() && stats.transfer_s.is_some());
    assert_eq!(stats.worker_items.iter().sum::<u64>(), 6);
    assert_no_workers_left(std::process::id(), "after a finished run");
}

#[test]
fn a_worker_exits_when_its_input_closes_even_mid_task() {
    use std::io::Write;

    use parlab::backends::wire::{self, Writer};
    // Message kinds of the worker protocol (src/backends/processes.rs).
    const HELLO: u8 = 1;
    const SPEC: u8 = 2;
    const READY: u8 = 3;
    const TASK: u8 = 4;

    // No --parent and a live parent: only the end of its input can stop this worker.
    let mut worker = Command::new(PARLAB)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = worker.stdin.take().unwrap();
    let mut output = worker.stdout.take().unwrap();
    let mut spec = KernelSpec::new("pi").unwrap();
    spec.size = 100_000_000_000; // minutes of darts
    let mut frame = Writer::frame(SPEC, 64);
    wire::put_spec(&mut frame, &spec);
    input.write_all(&frame.finish()).unwrap();
    assert_eq!(wire::read_frame(&mut output).unwrap().unwrap().kind, HELLO);
    assert_eq!(wire::read_frame(&mut output).unwrap().unwrap().kind, READY);
    let items = spec.build().unwrap().items() as u64;
    let mut task = Writer::frame(TASK, 16);
    task.u64(0).u64(items);
    input.write_all(&task.finish()).unwrap();
    thread::sleep(Duration::from_millis(200));
    assert!(worker.try_wait().unwrap().is_none(), "the worker is busy with its task");
    drop(input);
    let deadline = Instant::now() + Duration::from_secs(10);
    while worker.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the worker kept running after its input closed");
        thread::sleep(Duration::from_millis(5));
    }
}
