//! The `py-*` backends through the real binary: every Python twin runs, prints its line,
//! and is checked against the known truth; a missing python3 or package is a clear
//! refusal with its install line, never a crash. Tests that need python3 (numpy, numba,
//! mpi4py) print why they skip when it is missing; .ci/python.sh runs them with a
//! virtual environment that has everything.

use std::path::Path;

use assert_cmd::Command;
use parlab::backends::python;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

/// The python3 the backends would use, or why not (printed: the test then skips).
fn python3() -> Option<&'static python::Interpreter> {
    match &python::found().python {
        Ok(interpreter) => Some(interpreter),
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// Runs `kernel` on `backends` at 1 and 2 workers and returns the report.
fn run(kernel: &str, size: u64, py_size: u64, backends: &[&str], dir: &Path) -> serde_json::Value {
    let json = dir.join(format!("{kernel}.json"));
    let assert = parlab()
        .args(["run", kernel, "--backends", &backends.join(","), "--workers", "1,2", "--reps", "1"])
        .args(["--size", &size.to_string(), "--param", &format!("py_size={py_size}"), "--json"])
        .arg(&json)
        .assert()
        .success()
        .stdout(predicate::str::contains("checked against the known truth"));
    drop(assert);
    serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
}

#[test]
fn every_twin_runs_and_is_checked_against_the_truth() {
    let Some(interpreter) = python3() else { return };
    let numpy = interpreter.has("numpy");
    let dir = tempfile::tempdir().unwrap();
    let mut extra = Vec::new();
    for id in ["py-numba", "py-mpi"] {
        match parlab::backends::find(id).unwrap().available(None) {
            Ok(()) => extra.push(id),
            Err(why) => eprintln!("{id} not tested: {why}"),
        }
    }
    let kernels: &[(&str, u64, u64, &[&str])] = &[
        ("pi", 2_000_000, 20_000, &["py-numba", "py-mpi"]),
        ("integral", 2_000_000, 20_000, &["py-numba", "py-mpi"]),
        ("walk", 4_000, 200, &["py-numba"]),
        ("square", 100_000, 3_000, &[]),
        ("counter", 1_000_000, 20_000, &[]),
        ("skewed", 64, 24, &[]),
        ("io", 24, 24, &["py-asyncio"]),
        ("bigresult", 8, 4, &[]),
        ("colmeans", 40_000, 20_000, &[]),
    ];
    for &(kernel, size, py_size, more) in kernels {
        if matches!(kernel, "bigresult" | "colmeans") && !numpy {
            eprintln!("{kernel} not tested: numpy is not installed for {}", interpreter.shown());
            continue;
        }
        let mut backends = vec!["seq", "py-seq", "py-threads", "py-processes"];
        backends.extend(more.iter().filter(|b| **b == "py-asyncio" || extra.contains(b)));
        let report = run(kernel, size, py_size, &backends, dir.path());
        let points = report["points"].as_array().unwrap();
        for backend in backends.iter().filter(|b| b.starts_with("py-")) {
            let mine: Vec<_> = points.iter().filter(|p| p["backend"] == *backend).collect();
            let expected = if *backend == "py-seq" { 1 } else { 2 };
            assert_eq!(mine.len(), expected, "{kernel} on {backend}: {report}");
            for point in mine {
                assert_eq!(point["verified"], true, "{kernel} on {backend}");
                assert_eq!(point["stats"]["ran_size"], py_size, "{kernel} on {backend}");
                let ran = point["stats"]["ran_time_s"].as_f64().unwrap();
                let equivalent = point["stats"]["equivalent_s"].as_f64().unwrap();
                let scale = if kernel == "skewed" {
                    (size * size) as f64 / (py_size * py_size) as f64
                } else {
                    size as f64 / py_size as f64
                };
                assert!((equivalent / ran - scale).abs() < 1e-6 * scale, "{kernel} on {backend}: {point}");
                assert!(point["speedup_vs_seq"].as_f64().unwrap() > 0.0);
            }
        }
    }
}

/// A stand-in for python3 that answers parlab's look like a plain CPython and prints
/// `line` for every twin it is asked to run.
fn fake_python(dir: &Path, line: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("python3");
    let probe = r#"{"executable": "fake", "version": "3.11.0", "free_threaded_build": false, "gil_enabled": true, "start_method": "fork", "modules": {}}"#;
    let script = format!("#!/bin/sh\nif [ \"$1\" = -c ]; then echo '{probe}'; else echo '{line}'; fi\n");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_wrong_twin_result_is_refused_against_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = fake_python(dir.path(), r#"{"time_s": 0.5, "outcome": {"estimate": 3.5}}"#);
    parlab()
        .env(python::PYTHON_ENV, &wrong)
        .args(["run", "pi", "--backends", "py-seq", "--size", "2e6", "--reps", "1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("printed a wrong result (checked against the known truth)"))
        .stderr(predicate::str::contains("standard errors from pi"));
    let silent = fake_python(dir.path(), "pi is about 3");
    parlab()
        .env(python::PYTHON_ENV, &silent)
        .args(["run", "pi", "--backends", "py-seq", "--size", "2e6", "--reps", "1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("it printed no JSON line"));
    // A right one is scaled by throughput: 2e6 darts at the 20,000 the twin ran.
    let right = fake_python(dir.path(), r#"{"time_s": 0.5, "outcome": {"estimate": 3.1416}}"#);
    parlab()
        .env(python::PYTHON_ENV, &right)
        .args(["run", "pi", "--backends", "py-seq", "--size", "2e6", "--reps", "1", "--param", "py_size=20000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CPython ran 20,000 in 500"))
        .stdout(predicate::str::contains("50.000 s"));
}

#[test]
fn a_missing_python_is_refused_with_its_install_line() {
    parlab()
        .env(python::PYTHON_ENV, "/nonexistent/python3")
        .args(["run", "pi", "--backends", "seq,py-threads", "--size", "1e6"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--backends: py-threads cannot run here"))
        .stderr(predicate::str::contains("/nonexistent/python3"));
    parlab()
        .env(python::PYTHON_ENV, "/nonexistent/python3")
        .arg("backends")
        .assert()
        .success()
        .stdout(predicate::str::contains("unavailable here"));
    parlab().env(python::PYTHON_ENV, "/nonexistent/python3").arg("python").assert().code(1);
}

#[test]
fn a_kernel_without_a_twin_in_a_variant_names_the_twins_it_has() {
    if python3().is_none() {
        return;
    }
    parlab()
        .args(["run", "skewed", "--backends", "py-asyncio", "--size", "64"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no asyncio twin"))
        .stderr(predicate::str::contains("skewed/processes.py"));
}

#[test]
fn parlab_python_reports_what_it_found() {
    let Some(interpreter) = python3() else { return };
    let assert = parlab().arg("python").assert().success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(out.contains(&interpreter.version), "{out}");
    for row in ["GIL", "start method", "numpy", "numba", "mpi4py", "py-seq", "py-threads-ft"] {
        assert!(out.contains(row), "no {row} in:\n{out}");
    }
    // Each missing piece comes with the line that installs it.
    for (module, line) in [("numba", "pip install numba"), ("mpi4py", "pip install mpi4py")] {
        if !interpreter.has(module) {
            assert!(out.contains(line), "{out}");
        }
    }
}

#[test]
fn the_lab_offers_the_python_backends_where_they_run() {
    let Some(_) = python3() else { return };
    let course = parlab::lessons::embedded().expect("the embedded course loads");
    for (id, expected) in [
        ("embarrassingly-parallel", &["py-seq", "py-threads", "py-processes"][..]),
        ("the-gil", &["py-seq", "py-threads", "py-processes"]),
        ("when-threads-help", &["py-threads", "py-asyncio"]),
        ("processes-and-data", &["py-threads", "py-processes"]),
        ("race-conditions", &["py-threads"]),
        ("load-balance", &["py-threads", "py-processes"]),
        ("message-passing", &["py-processes"]),
    ] {
        let lesson = course.lessons.iter().find(|l| l.id == id).unwrap_or_else(|| panic!("no lesson {id}"));
        for backend in expected {
            assert!(lesson.backends.iter().any(|b| b == backend), "lesson {id} does not offer {backend}");
            let found = parlab::backends::find(backend).unwrap();
            assert_eq!(found.available(Some(&lesson.kernel)), Ok(()), "{backend} on lesson {id}");
        }
    }
}
