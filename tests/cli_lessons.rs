//! `parlab lessons list|check` and the terminal lab's refusal to start without a terminal.

use assert_cmd::Command;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").unwrap()
}

#[test]
fn lists_the_built_in_lessons() {
    parlab()
        .args(["lessons", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Embarrassingly parallel").and(predicate::str::contains("The GIL")));
}

#[test]
fn the_shipped_course_folder_checks_clean() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
    parlab().args(["lessons", "check", dir]).assert().success().stdout(predicate::str::contains("no problems"));
}

/// A one-lesson course in a temporary folder, unlike the built-in one in every name.
fn tiny_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "title = \"A course of my own\"\n[[lesson]]\nid = \"my-only-lesson\"\ntitle = \"Counting darts twice\"\n\
         file = \"only.md\"\nkernel = \"pi\"\nsize = 200_000\nbackends = [\"threads\"]\nworkers = [1, 2]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("only.md"), "# Counting darts twice\n\n**Objectives** (about 5 minutes)\n\n- one\n- two\n\nA lesson no built-in course has.\n\n## Key points\n\n- one\n- two\n").unwrap();
    dir
}

#[test]
fn lessons_dir_replaces_the_built_in_course() {
    let course = tiny_course();
    parlab().args(["lessons", "check"]).arg(course.path()).assert().success();
    let listed = parlab().arg("--lessons").arg(course.path()).args(["lessons", "list"]).assert().success();
    let text = String::from_utf8_lossy(&listed.get_output().stdout).to_string();
    assert!(text.contains("Counting darts twice"), "the list shows the given course:\n{text}");
    for built_in in ["Embarrassingly parallel", "The GIL"] {
        assert!(!text.contains(built_in), "the built-in lesson '{built_in}' is listed too:\n{text}");
    }
    let without = parlab().args(["lessons", "list"]).assert().success();
    let text = String::from_utf8_lossy(&without.get_output().stdout).to_string();
    assert!(!text.contains("Counting darts twice") && text.contains("Embarrassingly parallel"), "{text}");
}

#[test]
fn a_broken_course_gives_file_line_errors_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "title = \"t\"\n[[lesson]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.md\"\nkernel = \"nope\"\nbackends = [\"seq\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
    parlab()
        .args(["lessons", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("course.toml:6: unknown kernel 'nope'"));
}

#[test]
fn the_lab_needs_a_terminal() {
    parlab().assert().code(2).stderr(predicate::str::contains("interactive terminal"));
}

#[test]
fn check_finds_claims_and_parameters_that_name_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        r#"title = "t"
[[lesson]]
id = "a"
title = "A"
file = "a.md"
kernel = "amdahl"
params = { serial = "2" }
backends = ["threads"]

[[lesson.claims]]
text = "fit"
backend = "rayon"
workers = 2
params = { schedule = "dynamic" }
metric = "serial_fraction"
op = "~="
value = 0.1
tolerance = 0.05
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
    parlab().args(["lessons", "check"]).arg(dir.path()).assert().code(2).stderr(
        predicate::str::contains("course.toml:7: --param serial=2")
            .and(predicate::str::contains(
                "course.toml:10: claim 'fit': parameter 'schedule' is not one of kernel 'amdahl' or of backends rayon",
            ))
            .and(predicate::str::contains("2 problems found")),
    );
}

#[test]
fn check_judges_predictions_by_the_figure_model_the_lab_measures_them_with() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        r#"title = "t"
[[lesson]]
id = "a"
title = "A"
file = "a.md"
kernel = "pi"
backends = ["seq", "threads"]

[[lesson.exercises]]
kind = "predict"
prompt = "seq cannot take 2 workers"
backend = "seq"
workers = 2
metric = "speedup"

[[lesson.exercises]]
kind = "predict"
prompt = "no fit from one worker"
backend = "threads"
workers = 1
metric = "serial_fraction"

[[lesson.exercises]]
kind = "predict"
prompt = "not a measurement"
backend = "threads"
workers = 2
metric = "pool_cpus"

[[lesson.exercises]]
kind = "predict"
prompt = "an outcome needs a tolerance"
backend = "threads"
workers = 2
metric = "outcome:estimate"

[[lesson.exercises]]
kind = "predict"
prompt = "fine"
backend = "threads"
workers = 2
metric = "stats:messages"
tolerance = 0.5
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
    parlab().args(["lessons", "check"]).arg(dir.path()).assert().code(2).stderr(
        predicate::str::contains("course.toml:9: backend 'seq' always runs with 1 worker")
            .and(predicate::str::contains("course.toml:16: serial_fraction needs workers of 2 or more to fit"))
            .and(predicate::str::contains("course.toml:23: metric pool_cpus is not read from a measurement"))
            .and(predicate::str::contains(
                "course.toml:30: metric outcome:estimate has no default tolerance for a prediction: give `tolerance`",
            ))
            .and(predicate::str::contains("4 problems found")),
    );
}

/// Copies the shipped course folder (with its instructor's notes, code and Python
/// twins) into a temporary one.
fn shipped_copy() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), dir.path());
    dir
}

#[test]
fn check_holds_every_lesson_and_note_to_the_course_form() {
    let dir = shipped_copy();
    let ok = parlab().args(["lessons", "check"]).arg(dir.path()).assert().success();
    let text = String::from_utf8_lossy(&ok.get_output().stdout).to_string();
    assert!(text.contains("13 instructor's notes"), "{text}");

    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    edit("03-amdahl.md", "**Objectives** (about 35 minutes)", "**Objectives**");
    edit("07-race-conditions.md", "## Key points", "## Points");
    edit("instructor/09-load-balance.md", "## Timing (about 35 minutes)", "## Timing (about 20 minutes)");
    std::fs::remove_file(dir.path().join("instructor/10-message-passing.md")).unwrap();
    let failed = parlab().args(["lessons", "check"]).arg(dir.path()).assert().code(2);
    let errors = String::from_utf8_lossy(&failed.get_output().stderr).to_string();
    let at = |file: &str| format!("{}/{file}", dir.path().display());
    for (file, needle) in [
        ("03-amdahl.md:3: ", "(about N minutes)"),
        ("07-race-conditions.md:", "`## Key points`"),
        ("instructor/09-load-balance.md:3: ", "the note says about 20 minutes, the lesson's objectives say about 35"),
        ("instructor/10-message-passing.md: ", "lesson 'message-passing' has no instructor's note"),
    ] {
        assert!(
            errors.lines().any(|l| l.starts_with(&at(file)) && l.contains(needle)),
            "expected {file} ... {needle} in:\n{errors}"
        );
    }
    assert!(errors.contains("4 problems found"), "{errors}");
}
