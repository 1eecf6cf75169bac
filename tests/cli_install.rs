//! What installing parlab adds: `parlab completions SHELL`, `parlab man`, `parlab doctor`,
//! and `parlab lessons check` of the built-in course (an installed parlab has no lessons/ folder).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").unwrap()
}

/// The public subcommands a completion script must offer.
const SUBCOMMANDS: [&str; 11] =
    ["run", "plot", "info", "batch", "kernels", "backends", "lessons", "doctor", "completions", "man", "help"];

fn completion(shell: &str) -> String {
    let output = parlab().args(["completions", shell]).output().unwrap();
    assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn completions_offer_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = completion(shell);
        for subcommand in SUBCOMMANDS {
            assert!(script.contains(subcommand), "{shell} completion lacks {subcommand}");
        }
        // Flags of a subcommand too (fish writes `-l workers`, the others `--workers`).
        assert!(script.contains("workers"), "{shell} completion lacks the --workers flag");
        assert!(script.contains("backends"), "{shell} completion lacks the --backends flag");
    }
}

#[test]
fn the_bash_completion_parses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("parlab.bash");
    std::fs::write(&file, completion("bash")).unwrap();
    let status = std::process::Command::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(status.success());
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    parlab().args(["completions", "tcsh"]).assert().code(2).stderr(predicate::str::contains("bash"));
}

#[test]
fn the_man_page_is_roff_with_the_subcommands() {
    let output = parlab().arg("man").output().unwrap();
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.lines().any(|l| l.starts_with(".TH parlab 1")), "{page}");
    for subcommand in ["run", "doctor", "completions"] {
        assert!(page.contains(subcommand), "man page lacks {subcommand}");
    }
}

#[test]
fn lessons_check_without_a_folder_checks_the_built_in_course() {
    parlab().args(["lessons", "check"]).assert().success().stdout(
        predicate::str::starts_with("the built-in course: ").and(predicate::str::contains("no problems found")),
    );
}

/// `parlab doctor` with a controlled environment: the progress file at `progress`, no
/// SSH, a PATH holding only `path`.
fn doctor(progress: &Path, path: &Path) -> Command {
    let mut command = parlab();
    command
        .arg("doctor")
        .env_clear()
        .env("HOME", progress.parent().unwrap())
        .env("PARLAB_PROGRESS", progress)
        .env("PATH", path)
        .env("TERM", "xterm-256color");
    command
}

#[test]
fn doctor_passes_with_a_writable_progress_folder_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("not-yet/progress.toml");
    doctor(&progress, dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("writable, not created yet"))
        .stdout(predicate::str::contains("MISSING").not());
    assert!(!dir.path().join("not-yet").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn doctor_fails_with_the_fix_when_progress_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    doctor(&blocker.join("parlab/progress.toml"), dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MISSING progress"))
        .stdout(predicate::str::contains("is a file"))
        .stdout(predicate::str::contains("fix: export PARLAB_PROGRESS="))
        .stdout(predicate::str::contains("1 thing the lab needs is missing"));
}

#[test]
fn doctor_reports_no_colour_dumb_terminals_and_ssh_with_their_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.toml");
    doctor(&progress, dir.path())
        .env("NO_COLOR", "1")
        .env("SSH_CONNECTION", "192.0.2.7 52000 192.0.2.1 22")
        .assert()
        .success()
        .stdout(predicate::str::contains("NO_COLOR is set"))
        .stdout(predicate::str::contains("fix: unset NO_COLOR"))
        .stdout(predicate::str::contains("over SSH from 192.0.2.7"))
        .stdout(predicate::str::contains("ssh -C"));
    doctor(&progress, dir.path())
        .env("TERM", "dumb")
        .assert()
        .success()
        .stdout(predicate::str::contains("TERM=dumb"))
        .stdout(predicate::str::contains("fix: run parlab in a terminal window"));
}

#[test]
fn doctor_without_python_or_mpi_says_how_to_get_them() {
    let dir = tempfile::tempdir().unwrap();
    doctor(&dir.path().join("progress.toml"), dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("python3   not found on PATH"))
        .stdout(predicate::str::contains("fix: install Python 3"))
        .stdout(predicate::str::contains("no mpirun on PATH"));
}

#[cfg(unix)]
fn fake_tool(dir: &Path, name: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join(name);
    std::fs::write(&file, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn doctor_reads_python_packages_and_finds_mpirun() {
    let home = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    fake_tool(bin.path(), "python3", "printf '3.12.1\\nnumpy 2.1.0\\nnumba -\\nmpi4py -\\n'");
    fake_tool(bin.path(), "mpirun", "exit 0");
    let path = std::env::join_paths([bin.path(), Path::new("/bin"), Path::new("/usr/bin")]).unwrap();
    doctor(&home.path().join("progress.toml"), Path::new(&path))
        .assert()
        .success()
        .stdout(predicate::str::contains("python3   3.12.1 at"))
        .stdout(predicate::str::contains("numpy 2.1.0; not importable: numba, mpi4py"))
        .stdout(predicate::str::contains("fix: python3 -m pip install numba mpi4py"))
        .stdout(predicate::str::contains("mpirun found"));
}

#[test]
fn completions_do_not_offer_the_hidden_worker() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = completion(shell);
        // How each shell's script offers a subcommand: bash's case arm and word list, zsh's
        // 'name:about', fish's -a "name", PowerShell's CompletionResult.
        for offered in ["subcmd__worker", " worker help", "'worker:", "-a \"worker\"", "new('worker'"] {
            assert!(!script.contains(offered), "{shell} offers the hidden worker ({offered})");
        }
    }
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    parlab().args(["man", "--dir"]).arg(dir.path()).assert().success();
    for page in ["parlab.1", "parlab-run.1", "parlab-doctor.1", "parlab-lessons-check.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
    assert!(!dir.path().join("parlab-worker.1").exists());
}
