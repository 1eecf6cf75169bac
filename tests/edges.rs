//! Bad input on the built binary (issue 16, "found by trying bad input"): every case is
//! refused with exit code 2 and a message naming the flag, the field or file:line, never
//! a panic (exit 101) and never a chart drawn from nonsense.

mod plot_common;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};

fn parlab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parlab"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A results.json of a real-looking report with `change` applied to its JSON.
fn results_with(dir: &Path, change: impl FnOnce(&mut Value)) -> std::path::PathBuf {
    let report = plot_common::report(&[("seq", 0.0), ("threads", 0.05)], &[1, 2], 2);
    let mut value = serde_json::to_value(&report).unwrap();
    change(&mut value);
    let path = dir.join("results.json");
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    path
}

/// `parlab plot FILE --out DIR`: exit 2, the file and `needle` named, nothing written.
fn plot_refuses(change: impl FnOnce(&mut Value), needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let results = results_with(tmp.path(), change);
    let out = tmp.path().join("plots");
    let output = parlab().arg("plot").arg(&results).arg("--out").arg(&out).output().unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{needle}: {text}");
    assert!(text.contains(needle), "expected {needle:?} in: {text}");
    assert!(text.contains("results.json"), "the file is named: {text}");
    assert!(!out.exists(), "{needle}: nothing is drawn from a bad report");
}

#[test]
fn plot_draws_a_sound_report() {
    let tmp = tempfile::tempdir().unwrap();
    let results = results_with(tmp.path(), |_| {});
    let out = tmp.path().join("plots");
    let output = parlab().arg("plot").arg(&results).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("speedup.svg").is_file());
}

#[test]
fn plot_refuses_reports_that_used_to_panic() {
    plot_refuses(|v| v["points"][1]["workers"] = json!(0), "points[1].workers: 0 is not a valid worker count");
    plot_refuses(|v| v["points"][1]["median_s"] = json!(0.0), "points[1].median_s: 0 is not a positive");
    plot_refuses(|v| v["points"][2]["median_s"] = json!(-1.5), "points[2].median_s: -1.5 is not a positive");
}

#[test]
fn plot_refuses_reports_that_make_no_sense() {
    plot_refuses(|v| v["points"] = json!([]), "points: the report has no measured points");
    plot_refuses(|v| v["points"][2]["speedup"] = json!(-2.0), "points[2].speedup: -2 is not a positive ratio");
    plot_refuses(|v| v["points"][1]["min_s"] = json!(-0.1), "points[1].min_s");
    plot_refuses(|v| v["points"][1]["times_s"] = json!([]), "points[1].times_s: no timed repetitions");
    plot_refuses(|v| v["points"][1]["backend"] = json!("warp"), "points[1].backend: unknown backend 'warp'");
    plot_refuses(|v| v["plan"]["spec"]["kernel"] = json!("nope"), "plan.spec.kernel: unknown kernel 'nope'");
    plot_refuses(|v| v["points"][1]["kernel"] = json!("walk"), "points[1].kernel");
    plot_refuses(|v| v["points"][1]["max_s"] = json!(1e-9), "points[1].median_s");
    plot_refuses(|v| v["plan"]["repetitions"] = json!(0), "plan.repetitions");
}

#[test]
fn invalid_utf8_in_results_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.json");
    std::fs::write(&path, b"{\n  \"parlab_version\": \"0.1\xff\"\n}\n").unwrap();
    let output = parlab().arg("plot").arg(&path).arg("--out").arg(tmp.path().join("o")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("r.json:2:"), "{}", stderr(&output));
    assert!(stderr(&output).contains("UTF-8"), "{}", stderr(&output));
}

#[test]
fn plot_refuses_a_device_as_results() {
    let output = parlab().args(["plot", "/dev/zero", "--plot", "/tmp/never-written-by-parlab.svg"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("not a regular file"), "{}", stderr(&output));
}

fn tiny_run() -> Command {
    let mut cmd = parlab();
    cmd.args(["run", "pi", "--backends", "seq", "--workers", "1", "--reps", "1", "--warmup", "0", "--size", "1000"]);
    cmd
}

#[test]
fn out_must_be_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let output = tiny_run().arg("--out").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--out"), "{}", stderr(&output));
    assert!(stderr(&output).contains("is not a folder"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("timed run"), "refused before any run: {}", stderr(&output));
    assert!(!tmp.path().join("notes.txt-2").exists());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");

    let results = results_with(tmp.path(), |_| {});
    let output = parlab().arg("plot").arg(&results).arg("--out").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--out"), "{}", stderr(&output));

    let output = tiny_run().args(["--out", "/dev/full"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!Path::new("/dev/full-2").exists());
}

#[test]
fn output_paths_are_checked_before_the_first_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    for (flag, name) in [("--json", "r.json"), ("--csv", "r.csv"), ("--plot", "s.svg"), ("--out", "dir")] {
        let output = tiny_run().arg(flag).arg(file.join(name)).output().unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{flag}: {text}");
        assert!(text.contains(flag), "{flag} named: {text}");
        assert!(text.contains("is not a folder"), "{flag}: {text}");
        assert!(!text.contains("timed run"), "{flag}: refused before any run: {text}");
    }
    let output = tiny_run().arg("--json").arg(tmp.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--json"), "{}", stderr(&output));
}

#[test]
fn negative_numbers_name_their_flag() {
    for (flag, value) in [("--size", "-1"), ("--workers", "-2"), ("--reps", "-1"), ("--seed", "-5")] {
        let output = parlab().args(["run", "pi", flag, value]).output().unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{flag}: {text}");
        assert!(text.contains(flag), "{flag} named: {text}");
        assert!(!text.contains("unexpected argument"), "{flag}: {text}");
    }
}

/// A course folder with one lesson whose manifest lines are `lesson_extra`.
fn course(lesson_file: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "title = \"t\"\n[[lesson]]\nid = \"a\"\ntitle = \"A\"\nfile = \"{lesson_file}\"\nkernel = \"colmeans\"\nbackends = [\"seq\"]\n{extra}"
    );
    std::fs::write(dir.path().join("course.toml"), manifest).unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A\n\n**Objectives** (about 5 minutes)\n\n- one\n- two\n\n## Key points\n\n- one\n- two\n",
    )
    .unwrap();
    dir
}

fn check(dir: &Path) -> Output {
    parlab().args(["lessons", "check"]).arg(dir).output().unwrap()
}

fn check_refuses(dir: &Path, needle: &str) {
    let output = check(dir);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{needle}: {text}");
    assert!(text.contains(needle), "expected {needle:?} in: {text}");
}

#[test]
fn lesson_files_stay_inside_the_course() {
    check_refuses(course("/etc/passwd", "").path(), "course.toml:5: lesson file /etc/passwd is an absolute path");
    check_refuses(course("../../x.md", "").path(), "course.toml:5: lesson file");
    check_refuses(course("../../x.md", "").path(), "climbs out with ..");
    let dir = course("zero.md", "");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).unwrap();
    check_refuses(dir.path(), "leads outside the course folder");
    let dir = course("outside.md", "");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.md"), "# secret\n").unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("secret.md"), dir.path().join("outside.md")).unwrap();
    check_refuses(dir.path(), "leads outside the course folder");
    let dir = course("big.md", "");
    std::fs::write(dir.path().join("big.md"), "# big\n".repeat(400_000)).unwrap();
    check_refuses(dir.path(), "larger than");
    let dir = course("a.md", "");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/b.md"),
        "# B\n\n**Objectives** (about 5 minutes)\n\n- one\n- two\n\n## Key points\n\n- one\n- two\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(dir.path().join("course.toml")).unwrap().replace("a.md", "sub/b.md");
    std::fs::write(dir.path().join("course.toml"), text).unwrap();
    let output = check(dir.path());
    assert!(output.status.success(), "a file in a subfolder is inside: {}", stderr(&output));
}

#[test]
fn checking_a_course_never_writes_its_matrix_file() {
    let work = tempfile::tempdir().unwrap();
    let dir = course("a.md", "params = { file = \"matrix.bin\" }\n");
    let output = parlab().current_dir(work.path()).args(["lessons", "check"]).arg(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!work.path().join("matrix.bin").exists(), "check wrote into the working folder");
    assert!(!dir.path().join("matrix.bin").exists(), "check wrote into the course folder");

    let victim = work.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let dir = course("a.md", &format!("params = {{ file = \"{}\" }}\n", victim.display()));
    check_refuses(dir.path(), "course.toml:8: parameter file");
    check_refuses(dir.path(), "is an absolute path");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    check_refuses(course("a.md", "params = { file = \"../m.bin\" }\n").path(), "climbs out with ..");

    // A claim's parameters are held to the same rule.
    let claim = format!(
        "[[lesson.claims]]\ntext = \"c\"\nbackend = \"seq\"\nworkers = 1\nparams = {{ file = \"{}\" }}\nmetric = \"speedup\"\nop = \">=\"\nvalue = 0.5\n",
        victim.display()
    );
    check_refuses(course("a.md", &claim).path(), "is an absolute path");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn invalid_utf8_in_a_course_is_located() {
    let dir = course("a.md", "");
    let mut manifest = std::fs::read("/dev/null").unwrap();
    manifest.extend_from_slice(b"title = \"t\"\n[[lesson]]\nid = \"a\xc3\"\n");
    std::fs::write(dir.path().join("course.toml"), manifest).unwrap();
    check_refuses(dir.path(), "course.toml:3: is not UTF-8 text");

    let dir = course("a.md", "");
    std::fs::write(dir.path().join("a.md"), b"# A\n\nsome \xff text\n").unwrap();
    check_refuses(dir.path(), "a.md:3: is not UTF-8 text");
}

/// `parlab kernels | head -1` and every other listing: a reader that goes away ends the
/// listing quietly (SIGPIPE), never with a panic (exit 101).
#[test]
fn a_listing_whose_reader_goes_away_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    for args in [&["kernels"][..], &["backends"], &["lessons", "list"], &["info"], &["completions", "bash"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parlab"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before parlab writes (as `head -1` does after one line).
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "parlab {args:?}: {stderr}");
        assert_ne!(output.status.code(), Some(101), "parlab {args:?}");
        assert!(output.status.success() || output.status.signal() == Some(13), "parlab {args:?}: {:?}", output.status);
    }
}
