//! `parlab run --cmd`: the learner's own program measured across worker counts, driven
//! as a user would (the real binary, small shell and Python programs as the measured
//! command). No time is asserted: CPU time is compared in work, and processes are
//! looked for in /proc.

mod proc_common;

use std::fs;
use std::process::{Command as Std, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use proc_common::with_marker;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

fn have_python() -> bool {
    Std::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Waits up to `limit` for no process to carry `marker`; the survivors otherwise.
fn gone_within(marker: &str, limit: Duration) -> Vec<u32> {
    let start = Instant::now();
    loop {
        let left = with_marker(marker);
        if left.is_empty() || start.elapsed() > limit {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn workers_and_the_environment_reach_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    parlab()
        .args(["run", "--cmd", "sh -c 'echo arg=$0 env=$PARLAB_WORKERS omp=$OMP_NUM_THREADS' {workers}"])
        .args(["--name", "echo", "--threads-env", "--workers", "1,2", "--reps", "2", "--warmup", "0", "-q"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("echo: sh -c"))
        .stdout(predicate::str::contains("output check: exit status only"));
    let log = fs::read_to_string(out.join("logs/echo-x2.log")).unwrap();
    assert!(log.contains("arg=2 env=2 omp=2"), "{log}");
    let log = fs::read_to_string(out.join("logs/echo-x1.log")).unwrap();
    assert!(log.contains("arg=1 env=1 omp=1"), "{log}");
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    for point in points {
        assert_eq!(point["backend"], "echo");
        assert_eq!(point["times_s"].as_array().unwrap().len(), 2);
        assert!(point["speedup"].is_number(), "{point}");
    }
    assert_eq!(
        report["commands"]["commands"][0]["template"],
        "sh -c 'echo arg=$0 env=$PARLAB_WORKERS omp=$OMP_NUM_THREADS' {workers}"
    );
    for file in ["report.md", "results.csv", "speedup.png", "speedup.svg"] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
}

#[test]
fn cpu_time_of_the_whole_process_tree_is_counted() {
    if !have_python() {
        eprintln!("skipped: python3 is not on PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("burn.py");
    // Each worker process does the same fixed work, so the tree's CPU time grows with
    // the worker count whatever the machine's load (a count, not a timing).
    fs::write(
        &script,
        "import sys\nfrom multiprocessing import Pool\n\ndef burn(_):\n    t = 0\n    for i in range(10_000_000):\n        t += i\n    return t\n\nif __name__ == '__main__':\n    n = int(sys.argv[1])\n    with Pool(n) as pool:\n        print('total =', sum(pool.map(burn, range(n))))\n",
    )
    .unwrap();
    let json = dir.path().join("r.json");
    parlab()
        .args(["run", "--cmd"])
        .arg(format!("python3 {} {{workers}}", script.display()))
        .args(["--workers", "1,3", "--reps", "1", "--warmup", "0", "-q", "--json"])
        .arg(&json)
        .assert()
        .success()
        .stdout(predicate::str::contains("burn.py"));
    let report: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let cpu: Vec<f64> =
        report["points"].as_array().unwrap().iter().map(|p| p["cpu_time_s"].as_f64().unwrap()).collect();
    assert!(cpu[0] > 0.05, "the child's CPU time was not counted: {cpu:?}");
    assert!(cpu[1] > 1.5 * cpu[0], "the pool workers' CPU time was not counted: {cpu:?}");
    let rss = report["points"][0]["stats"]["peak_rss_bytes"].as_u64().unwrap_or(0);
    assert!(rss > 1 << 20, "peak RSS of a Python process is more than 1 MiB: {rss}");
}

#[test]
fn check_stdout_catches_output_that_changes_with_the_workers() {
    parlab()
        .args(["run", "--cmd", "echo {workers}", "--workers", "1,2", "--reps", "1", "--warmup", "0", "-q"])
        .args(["--check", "stdout"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("echo with 2 workers printed other output than echo with 1 workers"))
        .stderr(predicate::str::contains("line 1: '1' against '2'"));
}

#[test]
fn check_regex_compares_the_number() {
    parlab()
        .args(["run", "--cmd", "echo pi = 3.1415{workers}", "--workers", "1,2", "--reps", "1", "--warmup", "0", "-q"])
        .args(["--check", "regex:pi = ([0-9.]+)", "--tolerance", "1e-3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("output check: /pi = ([0-9.]+)/ within 0.001"));
    parlab()
        .args(["run", "--cmd", "echo pi = 3.{workers}", "--workers", "1,2", "--reps", "1", "--warmup", "0", "-q"])
        .args(["--check", "regex:pi = ([0-9.]+)", "--tolerance", "1e-3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("printed 3.2, but echo with 1 workers printed 3.1"));
}

#[test]
fn a_failing_command_is_an_error_with_its_stderr() {
    parlab()
        .args(["run", "--shell", "--cmd", "echo step {workers}; echo 'Traceback: boom' >&2; exit 3"])
        .args(["--workers", "1,2", "--reps", "1", "--warmup", "0", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("with 1 workers exited with status 3"))
        .stderr(predicate::str::contains("Traceback: boom"));
}

#[test]
fn a_missing_program_is_an_error() {
    parlab()
        .args(["run", "--cmd", "no-such-program-parlab {workers}", "--workers", "1", "--reps", "1", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("could not start `no-such-program-parlab`"));
}

#[test]
fn a_timeout_kills_the_whole_process_group() {
    let marker = "sleep 31.4159";
    let started = Instant::now();
    parlab()
        .args(["run", "--shell", "--cmd", &format!("{marker} & {marker}; echo {{workers}}")])
        .args(["--workers", "1", "--reps", "1", "--warmup", "0", "-q", "--timeout", "1s"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ran longer than the 1 s timeout and was killed"));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(gone_within(marker, Duration::from_secs(5)), Vec::<u32>::new(), "a command outlived its timeout");
}

#[test]
fn a_killed_parlab_leaves_no_command_behind() {
    let marker = "sleep 27.1828";
    let mut child = Std::new(env!("CARGO_BIN_EXE_parlab"))
        .args(["run", "--shell", "--cmd", &format!("{marker} & {marker}; echo {{workers}}")])
        .args(["--workers", "1", "--reps", "1", "--warmup", "0", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while with_marker(marker).len() < 2 {
        assert!(start.elapsed() < Duration::from_secs(20), "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(gone_within(marker, Duration::from_secs(5)), Vec::<u32>::new(), "a command outlived parlab");
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "--cmd", "python3 pi.py"],
            "--cmd 'python3 pi.py': the command does not change with the worker count",
        ),
        (&["run", "--cmd", "x {workers}", "--check", "bytes"], "--check 'bytes'"),
        (&["run", "--cmd", "x {workers}", "--check", "regex:("], "not a regular expression"),
        (&["run", "--cmd", "x", "--launcher", "mpirun --oversubscribe"], "--launcher 'mpirun --oversubscribe'"),
        (&["run", "--cmd", "x {workers}", "--timeout", "soon"], "--timeout"),
        (&["run", "pi", "--cmd", "x {workers}"], "--cmd"),
        (&["run", "--cmd", "x {workers}", "--name", "a", "--name", "b"], "--name: 2 names for 1 commands"),
        (
            &["run", "--cmd", "x {workers}", "--cmd", "x {workers}", "--name", "a", "--name", "a"],
            "two commands are called 'a'",
        ),
        (&["run", "--cmd", "'x {workers}"], "cannot split it into words"),
        (&["run", "--cmd", "x {workers}", "--workers", "0"], "--workers: 0 is not a valid worker count"),
    ];
    for (args, message) in cases {
        parlab().args(*args).assert().code(2).stderr(predicate::str::contains(*message));
    }
}

#[test]
fn launcher_mistakes_exit_2_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "--cmd", "x", "--launcher", "no-such-mpirun -n {workers}"],
            "--launcher 'no-such-mpirun -n {workers}': no-such-mpirun was not found on PATH",
        ),
        (
            &["run", "integral", "--backends", "mpi", "--launcher", "no-such-mpirun -n {workers}"],
            // Without the mpi feature the backend is refused first, naming the same flag.
            if cfg!(feature = "mpi") { "--launcher 'no-such-mpirun -n {workers}'" } else { "--launcher: this parlab" },
        ),
        (
            &["run", "integral", "--backends", "threads", "--launcher", "sh -c true {workers}"],
            "--launcher: the threads backend runs inside one parlab process",
        ),
        (
            &["run", "integral", "--backends", "mpi", "--launcher", "mpirun --bind-to core"],
            if cfg!(feature = "mpi") { "--launcher 'mpirun --bind-to core'" } else { "--launcher: this parlab" },
        ),
    ];
    for (args, message) in cases {
        parlab().args(*args).assert().code(2).stderr(predicate::str::contains(*message));
    }
}

/// Without the `mpi` feature a kernel cannot be launched, and parlab says how to build it.
#[cfg(not(feature = "mpi"))]
#[test]
fn launching_a_kernel_needs_the_mpi_feature() {
    parlab()
        .args(["run", "integral", "--backends", "mpi", "--launcher", "sh -c true {workers}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--features mpi"));
}

/// A stand-in launcher (a shell that starts the command) runs each worker count as its
/// own job: the points of a `--cmd` sweep come through one launch each.
#[test]
fn a_launcher_template_starts_each_point() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    parlab()
        .args(["run", "--cmd", "sh -c 'echo ranks=$PARLAB_RANKS'", "--launcher", "env PARLAB_RANKS={workers}"])
        .args(["--workers", "1,2", "--reps", "1", "--warmup", "0", "-q", "--check", "regex:ranks=([0-9]+)"])
        .args(["--tolerance", "10"])
        .arg("--json")
        .arg(&json)
        .assert()
        .success()
        .stdout(predicate::str::contains("PARLAB_RANKS=2"));
    let report: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    // The number each job printed is its own worker count: the launcher got {workers}.
    assert_eq!(points[1]["outcome"]["value"], 2.0, "{}", points[1]);
}

#[test]
fn help_shows_a_cmd_example() {
    parlab()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--cmd"))
        .stdout(predicate::str::contains("{workers}"));
}

#[test]
fn plot_compares_several_results_on_one_chart() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["laptop", "node"] {
        parlab()
            .args(["run", "pi", "--size", "200k", "--backends", "threads", "--workers", "1,2", "--reps", "1", "-q"])
            .arg("--json")
            .arg(dir.path().join(format!("{name}.json")))
            .assert()
            .success();
    }
    let out = dir.path().join("compare");
    parlab()
        .arg("plot")
        .arg(dir.path().join("laptop.json"))
        .arg(dir.path().join("node.json"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let svg = fs::read_to_string(out.join("speedup.svg")).unwrap();
    for series in ["threads @ laptop", "threads @ node"] {
        assert!(svg.contains(series), "the compared chart has no '{series}' series");
    }
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(report["points"].as_array().unwrap().len(), 4);
    assert!(fs::read_to_string(out.join("report.md")).unwrap().contains("threads @ node"));
}
