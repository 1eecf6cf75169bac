//! The `mpi` backend under a real launcher: `mpirun -n 2 parlab run ...` runs the kernel
//! on two MPI processes, rank 0 alone prints and writes the JSON, and the other rank
//! keeps in step through warm-ups, repetitions and other backends. Needs the `mpi`
//! feature and Open MPI (or MPICH) installed: see .ci/mpi.sh.

#![cfg(feature = "mpi")]

use std::process::{Command, Output, Stdio};

use parlab::backends::comm::Comm;
use std::thread;
use std::time::{Duration, Instant};

const PARLAB: &str = env!("CARGO_BIN_EXE_parlab");

/// `mpirun -n <ranks> parlab <args>`, allowed to run as root and on more ranks than cores.
fn mpirun(ranks: usize, args: &[&str]) -> Output {
    mpirun_program(ranks, PARLAB.as_ref(), args)
}

fn mpirun_program(ranks: usize, program: &std::path::Path, args: &[&str]) -> Output {
    let mut child = Command::new("mpirun")
        .arg("-n")
        .arg(ranks.to_string())
        .arg(program)
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

/// The Comm collectives over real MPI: this test program runs itself under mpirun -n 3,
/// selecting only the ignored test below.
#[test]
fn comm_collectives_over_mpi() {
    let me = std::env::current_exe().unwrap();
    let output = mpirun_program(3, &me, &["--exact", "comm_collectives_on_each_rank", "--ignored", "--nocapture"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout.matches("1 passed").count(), 3, "every rank passed:\n{stdout}");
}

#[test]
#[ignore = "runs on each rank under mpirun, started by comm_collectives_over_mpi"]
fn comm_collectives_on_each_rank() {
    let comm = parlab::backends::mpi_world_comm().expect("MPI starts");
    let (rank, size) = (comm.rank(), comm.size());
    assert_eq!(size, 3, "started with mpirun -n 3");
    // bcast from a root other than 0
    let message = comm.bcast(1, (rank == 1).then(|| b"from one".to_vec())).unwrap();
    assert_eq!(message, b"from one");
    // gather arrives in rank order, whatever the timing
    thread::sleep(Duration::from_millis(10 * (size - rank) as u64));
    let all = comm.gather(0, vec![rank as u8; rank + 1]).unwrap();
    if rank == 0 {
        assert_eq!(all.unwrap(), vec![vec![0], vec![1, 1], vec![2, 2, 2]]);
    } else {
        assert!(all.is_none());
    }
    // reduce in rank order at root 2
    let digits = comm
        .reduce(2, vec![b'0' + rank as u8], &mut |mut a, b| {
            a.extend(b);
            a
        })
        .unwrap();
    assert_eq!(digits.as_deref(), (rank == 2).then_some(&b"012"[..]));
    // point to point, and the barrier
    if rank == 0 {
        comm.send(2, b"ping".to_vec()).unwrap();
    } else if rank == 2 {
        assert_eq!(comm.recv(0).unwrap(), b"ping");
    }
    comm.barrier().unwrap();
    assert!(comm.traffic().messages_sent + comm.traffic().messages_received > 0);
    parlab::backends::finish();
}
