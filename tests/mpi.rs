//! The `mpi` backend under a real launcher: `mpirun -n 2 parlab run ...` runs the kernel
//! on two MPI processes, rank 0 alone prints and writes the JSON, and the other rank
//! keeps in step through warm-ups, repetitions and other backends. Needs the `mpi`
//! feature and Open MPI (or MPICH) installed: see .ci/mpi.sh.

#![cfg(feature = "mpi")]

use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const PARLAB: &str = env!("CARGO_BIN_EXE_parlab");

/// `mpirun -n <ranks> parlab <args>`, allowed to run as root and on more ranks than cores.
fn mpirun(ranks: usize, args: &[&str]) -> Output {
    let mut child = Command::new("mpirun")
        .arg("-n")
        .arg(ranks.to_string())
        .arg(PARLAB)
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mpirun is installed (apt-get install openmpi-bin libopenmpi-dev; see .ci/mpi.sh)");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("mpirun did not finish within 120 s: the ranks are out of step");
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn two_ranks_run_integral_and_only_rank_0_reports() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let output = mpirun(
        2,
        &["run", "integral", "--backends", "mpi", "--size", "2e7", "--reps", "3", "--json", json.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout.matches("outcome (identical").count(), 1, "only rank 0 prints:\n{stdout}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["backend"], "mpi");
    assert_eq!(points[0]["workers"], 2);
    assert_eq!(points[0]["verified"], true);
    assert_eq!(points[0]["stats"]["worker_items"].as_array().unwrap().len(), 2);
}

#[test]
fn other_backends_and_warmups_keep_ranks_in_step() {
    let output = mpirun(
        2,
        &[
            "run",
            "amdahl",
            "--backends",
            "threads,mpi,ranks",
            "--workers",
            "1,2",
            "--size",
            "4e6",
            "--reps",
            "2",
            "--warmup",
            "2",
            "-q",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("\nmpi ") && stdout.contains("\nranks "), "{stdout}");
}

#[test]
fn without_mpirun_it_is_one_rank_and_says_so() {
    let output = Command::new(PARLAB)
        .args(["run", "integral", "--backends", "mpi", "--size", "1e6", "--reps", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("single rank"), "{stderr}");
}
