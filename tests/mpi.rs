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

/// Every kernel on the `mpi` backend under `mpirun -n 2` gives the outcome seq gives in
/// the same run (the counter synchronised, where its count is exact; colmeans' memory
/// figures are measured, not computed, and left out).
#[test]
fn every_kernel_on_two_mpi_ranks_agrees_with_seq() {
    for kernel in parlab::kernels::registry() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("out.json");
        let size = kernel.small_size().to_string();
        let mut args = vec!["run", kernel.id(), "--backends", "seq,mpi", "--size", &size, "--reps", "1", "-q"];
        args.extend(["--warmup", "0", "--json", json.to_str().unwrap()]);
        if kernel.id() == "counter" {
            args.extend(["--param", "sync=atomic"]);
        }
        let output = mpirun(2, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{} on mpi:\n{stderr}", kernel.id());
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let points = report["points"].as_array().unwrap();
        assert_eq!(points.len(), 2, "{}: seq and mpi", kernel.id());
        let (seq, mpi) = (&points[0], &points[1]);
        assert_eq!((mpi["backend"].as_str(), mpi["workers"].as_u64()), (Some("mpi"), Some(2)));
        assert_eq!(mpi["stats"]["worker_items"].as_array().map(Vec::len), Some(2), "{}: both ranks ran", kernel.id());
        let computed = |point: &serde_json::Value| -> serde_json::Map<String, serde_json::Value> {
            let outcome = point["outcome"].as_object().unwrap().clone();
            outcome.into_iter().filter(|(k, _)| !k.starts_with("rss_") && !k.starts_with("buffers_")).collect()
        };
        assert_eq!(computed(mpi), computed(seq), "{}: mpi and seq differ", kernel.id());
    }
}

/// A wrong result on real MPI ranks is a failed run too (see tests/faults.rs).
#[test]
fn a_fault_on_mpi_ranks_fails_the_run_naming_it() {
    for fault in ["drop-item", "skip-range", "perturb-outcome"] {
        let mut child = Command::new("mpirun");
        child
            .args(["-n", "2", PARLAB, "run", "pi", "--backends", "mpi", "--size", "1e6", "--reps", "1", "-q"])
            .env("PARLAB_FAULT", fault)
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
            .env("OMPI_MCA_rmaps_base_oversubscribe", "1");
        let output = child.output().expect("mpirun");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "PARLAB_FAULT={fault} on mpi must fail:\n{stderr}");
        assert!(stderr.contains("pi on mpi with 2 workers"), "PARLAB_FAULT={fault}: {stderr}");
    }
}

/// A rank that stops answering is told to stop, not left behind: with `PARLAB_FAULT=hang`
/// rank 1 sleeps until its stop flag is raised, which only rank 0's CANCEL message does.
/// `--timeout 1` must end the run with exit 1 and an error naming rank 1 and its items,
/// and the ranks stay in step, so the job ends cleanly instead of being aborted.
#[test]
fn a_hung_rank_is_told_to_stop_and_named() {
    let output = Command::new("mpirun")
        .args(["-n", "2", PARLAB, "run", "pi", "--backends", "mpi", "--size", "200000"])
        .args(["--reps", "1", "--warmup", "0", "-q", "--timeout", "1"])
        .env("PARLAB_FAULT", "hang")
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .output()
        .expect("mpirun");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "a hung rank fails the run with exit 1:\n{stderr}");
    for part in ["pi on mpi with 2 workers did not finish within", "(--timeout)", "rank 1 of 2", "items 0..1"] {
        assert!(stderr.contains(part), "the error must say '{part}':\n{stderr}");
    }
    assert!(!stderr.contains("MPI_ABORT"), "rank 1 was told and answered; the job was not aborted:\n{stderr}");
}

/// The MPI job script, run whole by bash: a stand-in `srun` starts `parlab info` once
/// and the measurement on 2 ranks through the real mpirun; then the script's mpirun
/// alternative, uncommented, through a stand-in `mpirun` that logs and calls the real one.
#[test]
fn the_mpi_script_runs_end_to_end_under_stand_in_launchers() {
    use std::os::unix::fs::PermissionsExt;
    let real_mpirun =
        String::from_utf8(Command::new("bash").args(["-c", "command -v mpirun"]).output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
    assert!(!real_mpirun.is_empty(), "mpirun is installed");
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("launches.log");
    let write = |name: &str, body: String| {
        let path = bin.join(name);
        std::fs::write(
            &path,
            format!("#!/bin/bash\nset -euo pipefail\necho \"{name} $*\" >> \"{}\"\n{body}", log.display()),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    // srun: one task when asked for one, else SLURM_NTASKS ranks through mpirun.
    write(
        "srun",
        format!(
            "tasks=\"${{SLURM_NTASKS:-1}}\"\nwhile [[ $# -gt 0 && $1 == -* ]]; do\n  case $1 in\n    --ntasks=*) tasks=${{1#--ntasks=}} ;;\n  esac\n  shift\ndone\n\
             if [[ $tasks == 1 ]]; then exec \"$@\"; fi\nexec \"{real_mpirun}\" -n \"$tasks\" \"$@\"\n"
        ),
    );
    write("mpirun", format!("exec \"{real_mpirun}\" \"$@\"\n"));
    std::os::unix::fs::symlink(PARLAB, bin.join("parlab")).unwrap();
    let text = String::from_utf8(
        Command::new(PARLAB)
            .args(["batch", "integral", "--mpi", "--ranks", "2", "--size", "1e6"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let run = |script: &str, job_id: &str| -> Output {
        let job = dir.path().join(format!("job-{job_id}.sh"));
        std::fs::write(&job, script).unwrap();
        assert!(Command::new("bash").arg("-n").arg(&job).status().unwrap().success(), "bash -n:\n{script}");
        Command::new("bash")
            .arg(&job)
            .current_dir(dir.path())
            .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
            .env("SLURM_JOB_ID", job_id)
            .env("SLURM_NTASKS", "2")
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
            .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
            .output()
            .unwrap()
    };
    let output = run(&text, "11");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let launches = std::fs::read_to_string(&log).unwrap();
    let launches: Vec<&str> = launches.lines().collect();
    assert_eq!(launches.len(), 2, "{launches:?}");
    assert!(launches[0].starts_with("srun --ntasks=1") && launches[0].ends_with("parlab info"), "{launches:?}");
    assert!(launches[1].contains("parlab run integral --backends mpi"), "{launches:?}");
    assert_eq!(stdout.matches("outcome (identical").count(), 1, "only rank 0 reports, once:\n{stdout}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("parlab-11/results.json")).unwrap()).unwrap();
    assert_eq!(report["points"][0]["workers"], 2);

    // The mpirun alternative instead of the srun line.
    std::fs::remove_file(&log).unwrap();
    let alternative: String = text
        .lines()
        .filter(|l| !l.starts_with("srun") || l.ends_with("parlab info"))
        .map(|l| l.strip_prefix("#   mpirun").map_or(l.to_string(), |rest| format!("mpirun{rest}")))
        .collect::<Vec<_>>()
        .join("\n");
    let output = run(&alternative, "12");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let launches = std::fs::read_to_string(&log).unwrap();
    assert!(launches.lines().next().is_some_and(|l| l.ends_with("parlab info")), "{launches}");
    assert!(launches.lines().nth(1).is_some_and(|l| l.starts_with("mpirun -n 2 parlab run integral")), "{launches}");
    assert!(dir.path().join("parlab-12/results.json").exists());
    let folders = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().starts_with("parlab-")));
    assert_eq!(folders.count(), 2, "one results folder per job");
}

/// `parlab run KERNEL --backends mpi --launcher LAUNCHER --workers 1,2`, not itself under
/// mpirun: each worker count is its own MPI job and the points come back as one report.
fn launched(args: &[&str]) -> Output {
    let mut child = Command::new(PARLAB)
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parlab starts");
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the launched run did not finish within 180 s");
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn a_launcher_gives_a_whole_scaling_curve_in_one_report() {
    for launcher in ["mpirun", "mpirun -n {workers} --bind-to core"] {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("curve.json");
        let output = launched(&[
            "run",
            "integral",
            "--backends",
            "mpi",
            "--launcher",
            launcher,
            "--workers",
            "1,2",
            "--size",
            "2e6",
            "--reps",
            "2",
            "-q",
            "--json",
            json.to_str().unwrap(),
        ]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{launcher}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stdout.contains("mpirun -n 2"), "{stdout}");
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let points = report["points"].as_array().unwrap();
        assert_eq!(points.len(), 2, "{launcher}: {report}");
        for (point, workers) in points.iter().zip([1, 2]) {
            assert_eq!(point["backend"], "mpi");
            assert_eq!(point["workers"], workers);
            assert_eq!(point["verified"], true);
            assert_eq!(point["oversubscribed"], false, "{launcher}: 2 ranks on 2 CPUs each have a core");
            assert_eq!(point["stats"]["worker_items"].as_array().unwrap().len(), workers);
        }
        assert!(report["reference_s"].as_f64().is_some_and(|t| t > 0.0));
    }
}

/// Rank 0 is bound to one core by mpirun, but the job has one core per rank: two ranks
/// on two CPUs are not oversubscribed, and the card says where the count came from.
#[test]
fn ranks_with_a_core_each_are_not_oversubscribed() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cpus < 2 {
        eprintln!("skipped: needs 2 CPUs, this machine has {cpus}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let output = mpirun(
        2,
        &[
            "run",
            "integral",
            "--backends",
            "mpi",
            "--size",
            "2e6",
            "--reps",
            "1",
            "-q",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("job:"), "the card names the job: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["points"][0]["oversubscribed"], false, "{report}");
    assert_eq!(report["machine"]["job"]["ranks"], 2, "{report}");
    assert!(report["machine"]["available_parallelism"].as_u64().unwrap() >= 2, "{report}");
}
