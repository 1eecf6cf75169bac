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

#[test]
fn lessons_export_writes_a_course_that_checks_and_refuses_a_folder_with_files() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("my-course");
    parlab().args(["lessons", "export"]).arg(&course).assert().success();
    assert!(course.join("course.toml").is_file());
    let files = std::fs::read_dir(&course).unwrap().count();
    assert!(files >= 10, "{files} files");
    parlab().args(["lessons", "check"]).arg(&course).assert().success();
    // The exported course keeps the clock: minutes and optional lessons.
    let toml = std::fs::read_to_string(course.join("course.toml")).unwrap();
    assert!(toml.contains("minutes = ") && toml.contains("optional = true"));

    std::fs::write(course.join("course.toml"), "title = \"trimmed\"\n").unwrap();
    parlab()
        .args(["lessons", "export"])
        .arg(&course)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already holds files"));
    assert_eq!(std::fs::read_to_string(course.join("course.toml")).unwrap(), "title = \"trimmed\"\n", "left alone");
    parlab().args(["lessons", "export", "--force"]).arg(&course).assert().success();
    assert_eq!(std::fs::read_to_string(course.join("course.toml")).unwrap(), toml);
}

/// A course of three lessons with minutes, one optional, one with an optional exercise.
fn small_course(dir: &std::path::Path, minutes: &[&str]) {
    let mut toml = String::from("title = \"Clock\"\n");
    for (i, extra) in minutes.iter().enumerate() {
        toml.push_str(&format!(
            "[[lesson]]\nid = \"l{i}\"\ntitle = \"Lesson {i}\"\nfile = \"l.md\"\nkernel = \"pi\"\nsize = 200_000\n\
             backends = [\"threads\"]\nworkers = [1, 2]\nreps = 1\nwarmup = 0\n{extra}\n"
        ));
    }
    std::fs::write(dir.join("course.toml"), toml).unwrap();
    std::fs::write(dir.join("l.md"), "# A lesson\n").unwrap();
}

#[test]
fn lessons_plan_cuts_the_optional_lesson_first_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    small_course(
        dir.path(),
        &[
            "minutes = 30",
            "minutes = 40\noptional = true",
            "minutes = 30\n[[lesson.exercises]]\nkind = \"run\"\noptional = true\nprompt = \"Run it\"\nbackend = \"threads\"\nworkers = 2",
        ],
    );
    let plan = |minutes: &str| {
        let output =
            parlab().arg("--lessons").arg(dir.path()).args(["lessons", "plan", "--minutes", minutes]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let roomy = plan("200");
    assert!(roomy.contains("nothing to cut"), "{roomy}");
    for lesson in ["1. Lesson 0", "2. Lesson 1", "3. Lesson 2"] {
        assert!(roomy.contains(lesson), "{lesson}: {roomy}");
    }
    assert!(roomy.contains("1 optional exercise"), "{roomy}");
    let tight = plan("70");
    let cut = tight.split("Cut").nth(1).expect("a Cut list");
    assert!(cut.contains("2. Lesson 1 (40 min, optional)"), "{tight}");
    assert!(!cut.contains("Lesson 0") && !cut.contains("Lesson 2"), "{tight}");
    assert!(tight.contains("0:30"), "the third lesson starts after the first's 30 min: {tight}");
    parlab()
        .arg("--lessons")
        .arg(dir.path())
        .args(["lessons", "plan", "--minutes", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--minutes"));
}

#[test]
fn minutes_and_optional_are_listed_and_checked_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    small_course(dir.path(), &["minutes = 25", "minutes = 10\noptional = true"]);
    let list = parlab().arg("--lessons").arg(dir.path()).args(["lessons", "list"]).output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(list.lines().any(|l| l.contains("Lesson 0") && l.contains("25 min")), "{list}");
    assert!(list.lines().any(|l| l.contains("Lesson 1") && l.contains("10 min") && l.contains("(optional)")), "{list}");
    small_course(dir.path(), &["minutes = 0"]);
    parlab()
        .args(["lessons", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("course.toml:12: minutes = 0: give 1 to 600"));
}
