//! Backend parameters are checked before anything runs, by one function
//! (`Backend::validate`) shared by `parlab run`, `parlab batch` and `parlab lessons check`:
//! a bad value is a usage error (exit 2) naming the parameter and the valid choices.

use assert_cmd::Command;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").unwrap()
}

#[test]
fn a_bad_schedule_stops_the_run_before_seq_is_measured() {
    parlab()
        .args(["run", "pi", "--backends", "seq,threads", "--workers", "2", "--size", "20000", "--reps", "1"])
        .args(["--param", "schedule=bogus"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("--param schedule=bogus")
                .and(predicate::str::contains("static, dynamic or guided"))
                .and(predicate::str::contains("timed run").not()),
        );
}

#[test]
fn every_backend_parameter_is_checked_up_front() {
    for (backends, param, expected) in [
        ("threads", "chunk=0", "--param chunk=0"),
        ("threads", "chunk=many", "--param chunk=many"),
        ("seq,processes", "chunksize=0", "--param chunksize=0: must be 'auto' or a whole number"),
        ("gil", "switch_ms=-1", "--param switch_ms=-1"),
    ] {
        parlab()
            .args(["run", "pi", "--backends", backends, "--workers", "2", "--size", "20000", "--reps", "1"])
            .args(["--param", param])
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn good_backend_parameters_still_run() {
    parlab()
        .args(["run", "pi", "--backends", "threads", "--workers", "2", "--size", "20000", "--reps", "1", "--quiet"])
        .args(["--param", "schedule=guided", "--param", "chunk=2"])
        .assert()
        .success();
}

#[test]
fn batch_refuses_a_bad_schedule() {
    parlab()
        .args(["batch", "pi", "--workers", "4", "--backends", "threads", "--param", "schedule=bogus"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("--param schedule=bogus").and(predicate::str::contains("guided")));
}

#[test]
fn lessons_check_refuses_a_bad_schedule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        r#"title = "t"

[[lesson]]
id = "a"
title = "A"
file = "a.md"
kernel = "skewed"
backends = ["seq", "threads"]
params = { schedule = "bogus" }
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
    parlab()
        .args(["lessons", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--param schedule=bogus: use static, dynamic or guided"));
}
