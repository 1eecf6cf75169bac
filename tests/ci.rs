//! CI's own promises: the README's test command is the one .ci/run runs, snapshots are
//! never rewritten or waved through by the caller's environment, the MPI step cannot be
//! skipped by a missing script, the benchmarks run in quick mode, and the scripts parse.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Lines of a shell script without comments and blank lines.
fn commands(script: &str) -> Vec<&str> {
    script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let readme = read("README.md");
    let run = read(".ci/run");
    let in_readme: Vec<&str> = readme.lines().filter(|l| l.starts_with("cargo test")).collect();
    let in_ci: Vec<&str> = commands(&run).into_iter().filter(|l| l.starts_with("cargo test")).collect();
    assert_eq!(in_ci, ["cargo test --release --locked"], ".ci/run runs one test command, locked");
    assert_eq!(in_readme, in_ci, "README's test command and .ci/run's differ");
}

#[test]
fn ci_clears_the_snapshot_overrides_before_testing() {
    let run = read(".ci/run");
    let lines = commands(&run);
    let unset = lines.iter().position(|l| l.starts_with("unset ") && l.contains("INSTA_UPDATE"));
    let unset = unset.expect(".ci/run unsets INSTA_UPDATE");
    assert!(lines[unset].contains("INSTA_FORCE_PASS"), "{}", lines[unset]);
    let test = lines.iter().position(|l| l.starts_with("cargo test")).unwrap();
    assert!(unset < test, "the variables are cleared before cargo test runs");
}

#[test]
fn ci_fails_without_the_mpi_script_and_runs_the_benchmarks_quickly() {
    let run = read(".ci/run");
    let lines = commands(&run);
    assert!(lines.contains(&"bash .ci/mpi.sh"), "{run}");
    assert!(!run.contains("if [ -f .ci/mpi.sh ]"), "a missing .ci/mpi.sh must fail, not skip:\n{run}");
    let benches = lines.iter().find(|l| l.contains("cargo bench")).expect("the benchmarks run");
    assert!(benches.contains("PARLAB_BENCH_QUICK=1"), "{benches}");
    for bench in ["engine", "kernels", "plot", "processes"] {
        assert!(run.contains(bench), "bench {bench} is not run");
        assert!(read(&format!("benches/{bench}.rs")).contains("PARLAB_BENCH_QUICK"), "{bench} has no quick mode");
    }
    // The claims step, when it exists, comes after the tests.
    if let Some(claims) = lines.iter().position(|l| l.contains(".ci/claims.sh")) {
        assert!(claims > lines.iter().position(|l| l.starts_with("cargo test")).unwrap());
    }
}

#[test]
fn the_ci_scripts_parse() {
    for script in [".ci/run", ".ci/mpi.sh"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
        let status = std::process::Command::new("bash").arg("-n").arg(&path).status().expect("bash runs");
        assert!(status.success(), "bash -n {script}");
    }
}
