//! The clock in `parlab run`: `--budget` picks the size from a probe and says so, the
//! progress lines carry the time left, and points under 100 ms are flagged as too short
//! to measure well. No test asserts a time: only that the figures are there and sane.

use assert_cmd::Command;

fn parlab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parlab"));
    // A crowded test machine must not cap these runs.
    command.env("PARLAB_LOGIN_USERS", "0").env("PARLAB_USER_CPU_LIMIT", "none");
    command
}

#[test]
fn a_budget_picks_the_size_from_a_probe_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let output = parlab()
        .args(["run", "pi", "--backends", "seq,threads", "--workers", "1,2", "--budget", "1s", "--reps", "1"])
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let line = stderr.lines().find(|l| l.contains("budget")).expect("the budget line");
    assert!(line.contains("fits the 1") && line.contains("s budget on this machine (probe:"), "{line}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let size = report["plan"]["spec"]["size"].as_u64().unwrap();
    assert!(line.contains(&format!("size {size} darts")), "{line}");
    // Between pi's small size and 20 times its default.
    assert!((400_000..=20_000_000_000).contains(&size), "{size}");
}

#[test]
fn a_budget_and_a_size_are_refused_together() {
    parlab()
        .args(["run", "pi", "--budget", "10s", "--size", "1e6"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--budget"));
    parlab().args(["run", "pi", "--budget", "ten"]).assert().code(2).stderr(predicates::str::contains("--budget"));
}

#[test]
fn progress_says_the_time_left_and_short_points_are_flagged() {
    let output = parlab()
        .args(["run", "pi", "--backends", "threads", "--workers", "1,2", "--size", "2000", "--reps", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    let progress: Vec<&str> = stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(progress.len(), 6, "{stderr}");
    for line in &progress[..5] {
        assert!(line.ends_with(" left"), "time left on every run but the last: {line}");
    }
    assert!(!progress[5].contains(" left"), "{}", progress[5]);
    // 2000 darts take microseconds: every median is flagged, and the legend says why.
    let rows: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with(['1', '2'])).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    for row in rows {
        // "1  160.9 µs ?  ...": the mark after the median's unit.
        assert_eq!(row.split_whitespace().nth(3), Some("?"), "{row}");
    }
    assert!(stdout.contains("? too short: under 100 ms"), "{stdout}");
}
