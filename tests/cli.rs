//! The command line as a user drives it: the real binary, small sizes, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

#[test]
fn a_small_run_writes_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out/results.json");
    let csv = dir.path().join("results.csv");
    parlab()
        .args(["run", "pi", "--size", "200k", "--backends", "seq,threads,rayon,gil", "--workers", "1,2", "--reps", "2"])
        .arg("--json")
        .arg(&json)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("serial fraction (Amdahl fit over 1, 2 workers)"))
        .stdout(predicate::str::contains("estimate="));

    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["parlab_version"], env!("CARGO_PKG_VERSION"));
    assert!(report["machine"]["available_parallelism"].as_u64().is_some_and(|n| n >= 1), "{}", report["machine"]);
    assert_eq!(report["plan"]["spec"]["kernel"], "pi");
    let points = report["points"].as_array().unwrap();
    // seq runs once (it has one worker); the others at 1 and 2 workers.
    assert_eq!(points.len(), 1 + 3 * 2);
    let number = |point: &serde_json::Value, key: &str| -> f64 {
        point[key].as_f64().unwrap_or_else(|| panic!("'{key}' is not a number: {point}"))
    };
    for point in points {
        assert_eq!(point["kernel"], "pi");
        let backend = point["backend"].as_str().unwrap();
        assert!(["seq", "threads", "rayon", "gil"].contains(&backend), "{point}");
        let workers = point["workers"].as_u64().unwrap_or_else(|| panic!("workers: {point}"));
        let times: Vec<f64> = point["times_s"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
        assert_eq!(times.len(), 2);
        assert!(times.iter().all(|&t| t > 0.0), "{point}");
        let (min, median, max) = (number(point, "min_s"), number(point, "median_s"), number(point, "max_s"));
        assert!(0.0 < min && min <= median && median <= max, "{point}");
        assert_eq!(min, times.iter().copied().fold(f64::INFINITY, f64::min));
        let speedup = number(point, "speedup");
        assert!(speedup > 0.0 && number(point, "speedup_vs_seq") > 0.0, "{point}");
        assert!((number(point, "efficiency") - speedup / workers as f64).abs() < 1e-9, "{point}");
        if workers == 1 {
            assert!(point["karp_flatt"].is_null(), "Karp-Flatt is undefined at 1 worker: {point}");
            assert!((speedup - 1.0).abs() < 1e-12, "speedup against itself at 1 worker: {point}");
        } else {
            number(point, "karp_flatt");
        }
        // Too short a run to be sampled gives no busy cores; a sampled one a real figure.
        // (`busy_cores_of_a_long_run_is_a_figure` below insists on one.)
        assert!(point["busy_cores"].is_null() || point["busy_cores"].as_f64().is_some(), "{point}");
        assert!(number(point, "cpu_time_s") >= 0.0, "{point}");
        assert_eq!(point["verified"], true);
        assert!(point["outcome"]["estimate"].as_f64().is_some_and(|pi| (pi - std::f64::consts::PI).abs() < 0.05));
        assert_eq!(point["outcome"], points[0]["outcome"], "every backend gives the same outcome");
    }
    let fits = report["fits"].as_array().unwrap();
    assert_eq!(fits.len(), 3, "one fit per backend with two worker counts: {fits:?}");
    for fit in fits {
        let s = fit["serial_fraction"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(fit["workers_used"], serde_json::json!([1, 2]), "{fit}");
    }

    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("kernel,size,backend,workers,median_s"));
    assert_eq!(lines.len(), 1 + points.len());
    let columns = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == columns));
}

/// A run of at least a second is sampled: its busy cores are a figure between 0 and the
/// CPU count, never null (a null passes a check that only asks whether the key exists).
#[test]
fn busy_cores_of_a_long_run_is_a_figure() {
    let cpus = std::thread::available_parallelism().unwrap().get() as f64;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    // The io kernel waits rather than computes: 150 requests of 5 to 15 ms on one worker
    // take about 1.5 s however busy the machine is.
    parlab()
        .args(["run", "io", "--size", "150", "--backends", "threads", "--workers", "1", "--reps", "1", "-q"])
        .args(["--warmup", "0", "--json"])
        .arg(&json)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let point = &report["points"][0];
    let seconds = point["median_s"].as_f64().unwrap();
    assert!(seconds >= 1.0, "the run must last a second to be sampled for sure; it took {seconds} s: raise --size");
    let busy = point["busy_cores"].as_f64().unwrap_or_else(|| panic!("busy_cores is not a number: {point}"));
    assert!((0.0..=cpus).contains(&busy), "busy_cores {busy} is not between 0 and {cpus} CPUs");
}

#[test]
fn bad_input_exits_2_naming_the_flag_and_the_choices() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["run", "nosuch"], &["unknown kernel 'nosuch'", "valid kernels:", "pi", "integral", "walk", "amdahl"]),
        (&["run", "pi", "--backends", "seq,gpu"], &["--backends", "unknown backend 'gpu'", "threads", "rayon", "gil"]),
        (&["run", "pi", "--workers", "0"], &["--workers", "0 is not a valid worker count"]),
        (&["run", "pi", "--workers", "two"], &["--workers", "two"]),
        (&["run", "pi", "--size", "0"], &["--size", "at least 1"]),
        (&["run", "pi", "--size", "lots"], &["--size", "not a size"]),
        (&["run", "colmeans", "--param", "in_memory=true", "--size", "1e12"], &["--size", "MiB of memory is free"]),
        (&["run", "pi", "--param", "colour=blue"], &["--param colour", "valid parameters"]),
        (&["run", "amdahl", "--param", "serial=2"], &["--param serial=2", "between 0 and 1"]),
        (&["run", "amdahl", "--param", "serial=half"], &["--param serial=half"]),
        (&["run", "pi", "--reps", "0"], &["--reps"]),
        (&["run", "pi", "--backends", "gil", "--param", "switch_ms=-1"], &["--param switch_ms=-1", "milliseconds"]),
        (&["run", "pi", "--backends", "threads", "--param", "switch_ms=1"], &["--param switch_ms", "valid parameters"]),
        (&["frobnicate"], &["unrecognized subcommand"]),
    ];
    for (args, needles) in cases {
        let assert = parlab().args(*args).assert().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        for needle in *needles {
            assert!(stderr.contains(needle), "parlab {args:?}: stderr lacks '{needle}':\n{stderr}");
        }
    }
}

#[test]
fn existing_output_files_are_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    std::fs::write(&json, "keep me").unwrap();
    let run = |force: bool| {
        let mut cmd = parlab();
        cmd.args(["run", "pi", "--size", "100k", "--backends", "seq", "--reps", "1", "--warmup", "0", "-q", "--json"])
            .arg(&json);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    run(false).code(2).stderr(predicate::str::contains("already exists; pass --force"));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "keep me");
    run(true).success();
    assert!(std::fs::read_to_string(&json).unwrap().contains("\"parlab_version\""));
}

#[test]
fn info_prints_the_cpu_facts() {
    let cpus = std::thread::available_parallelism().unwrap().get();
    parlab()
        .arg("info")
        .assert()
        .success()
        .stdout(predicate::str::contains("logical CPUs"))
        .stdout(predicate::str::contains(format!("available parallelism   {cpus}")))
        .stdout(predicate::str::contains(format!("A pool started here would use {cpus} CPUs")));
    let facts: serde_json::Value =
        serde_json::from_slice(&parlab().args(["info", "--json"]).assert().success().get_output().stdout).unwrap();
    assert_eq!(facts["available_parallelism"], cpus);
}

#[cfg(target_os = "linux")]
#[test]
fn the_cpu_count_follows_a_restricted_affinity_mask() {
    if std::process::Command::new("taskset").arg("--version").output().is_err() {
        eprintln!("skipped: taskset is not installed");
        return;
    }
    let exe = assert_cmd::cargo::cargo_bin("parlab");
    let out =
        std::process::Command::new("taskset").args(["-c", "0"]).arg(exe).args(["info", "--json"]).output().unwrap();
    assert!(out.status.success());
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(facts["available_parallelism"], 1);
    assert_eq!(facts["affinity"], serde_json::json!([0]));
}

#[test]
fn kernels_and_backends_are_listed() {
    let kernels = parlab().arg("kernels").assert().success();
    let text = String::from_utf8_lossy(&kernels.get_output().stdout).to_string();
    for kernel in parlab::kernels::ids() {
        assert!(text.lines().any(|l| l.starts_with(kernel)), "kernel {kernel} not listed");
    }
    let backends = parlab().arg("backends").assert().success();
    let text = String::from_utf8_lossy(&backends.get_output().stdout).to_string();
    for backend in parlab::backends::ids() {
        assert!(text.lines().any(|l| l.starts_with(backend)), "backend {backend} not listed");
    }
}

#[test]
fn help_and_version() {
    parlab().arg("--help").assert().success().stdout(predicate::str::contains("parlab run pi"));
    parlab().arg("--version").assert().success().stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    parlab().args(["run", "--help"]).assert().success().stdout(predicate::str::contains("--backends"));
}

/// Ctrl-C in the middle of a run: parlab stops mid-repetition, prints and writes the
/// points it finished, marked incomplete, and exits 130 (the shell's code for SIGINT).
/// In interleaved rounds (the default) the finished points are every point's complete
/// rounds.
#[test]
fn ctrl_c_keeps_the_finished_points_and_exits_130() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let mut child = Std::new(env!("CARGO_BIN_EXE_parlab"))
        .args(["run", "pi", "--size", "1e9", "--backends", "threads", "--workers", "1,2", "--reps", "2", "--json"])
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for round 0's two timed runs: round 1 is running then.
    // The reader stays open to the end: a closed stderr would fail parlab's own writes.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push(line.clone());
        if seen.iter().filter(|l| l.contains("timed run")).count() == 2 {
            break;
        }
    }
    assert!(seen.iter().any(|l| l.contains("threads x2: timed run")), "no progress seen: {seen:?}");
    let sent = std::time::Instant::now();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGINT).unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let output = child.wait_with_output().unwrap();
    eprintln!("parlab exited {:?} after SIGINT", sent.elapsed());
    assert!(rest.iter().any(|l| l.contains("interrupted: the 2 points measured before")), "{rest:?}");
    assert_eq!(output.status.code(), Some(130), "Ctrl-C must exit 130");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("threads"), "the finished points are printed: {stdout}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["incomplete"], true);
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 2, "both points, with round 0 only: {points:?}");
    assert!(points.iter().all(|p| p["times_s"].as_array().unwrap().len() == 1), "{points:?}");
}

#[test]
fn scale_weak_grows_the_size_with_the_workers() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let csv = dir.path().join("results.csv");
    parlab()
        .args(["run", "amdahl", "--size", "2M", "--param", "serial_units=400000", "--scale", "weak"])
        .args(["--backends", "seq,threads", "--workers", "1,2", "--reps", "1", "--warmup", "0"])
        .arg("--json")
        .arg(&json)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("Gustafson fit over 1, 2 workers"))
        .stdout(predicate::str::contains("weak scaling: p workers ran 2000000 x p work units"))
        .stdout(predicate::str::contains("4,000,000"));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["plan"]["scale"], "weak");
    let sizes: Vec<(u64, u64)> = report["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["workers"].as_u64().unwrap(), p["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(sizes, [(1, 2_000_000), (1, 2_000_000), (2, 4_000_000)], "seq at 1 worker, threads at 1 and 2");
    let threads_2 = &report["points"][2];
    assert!(threads_2["karp_flatt"].is_null(), "{threads_2}");
    assert_eq!(threads_2["outcome"]["serial_units"], 400_000, "the serial part does not grow");
    let fit = &report["fits"][0];
    assert_eq!(fit["law"], "gustafson");
    assert!(fit["speedup_limit"].is_null());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",scale"), "{text}");
    assert!(text.lines().nth(3).unwrap().starts_with("amdahl,4000000,threads,2,") && text.trim_end().ends_with("weak"));
    // parlab plot draws it back from the file, with the Gustafson line.
    parlab().args(["plot"]).arg(&json).arg("--out").arg(dir.path().join("charts")).assert().success();
    let svg = std::fs::read_to_string(dir.path().join("charts/speedup.svg")).unwrap();
    assert!(svg.contains("Gustafson fit") && svg.contains("weak scaling"));
    let md = std::fs::read_to_string(dir.path().join("charts/report.md")).unwrap();
    assert!(md.contains("## Gustafson fit") && md.contains("--scale weak"), "{md}");
}

#[test]
fn a_bad_scale_is_a_usage_error_naming_the_flag() {
    parlab()
        .args(["run", "pi", "--size", "1000", "--scale", "medium"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--scale"))
        .stderr(predicate::str::contains("strong, weak"));
}
