//! Wrong results must become failed runs, never data points. The real binary is run with
//! the hidden test hook `PARLAB_FAULT` (src/backends/fault.rs), which breaks every
//! measured point on purpose (the sequential reference stays right): a combine that
//! drops one item, a backend that skips a range, an outcome with one value changed.
//! Each must exit 1 with a message naming the kernel, the backend and the worker count,
//! and must write no results file.

use std::path::Path;

use assert_cmd::Command;
use parlab::kernels;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

/// The arguments that run `kernel` small; the counter runs synchronised, where its final
/// count is exact (unsynchronised, a changed count looks like one more lost update).
fn small_run(kernel: &str, backend: &str, workers: usize, json: &Path) -> Vec<String> {
    let size = kernels::find(kernel).unwrap().small_size().to_string();
    let mut args: Vec<String> = ["run", kernel, "--size", &size, "--backends", backend, "--reps", "1", "--warmup", "0"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--workers".into(), workers.to_string(), "-q".into(), "--json".into(), json.display().to_string()]);
    if kernel == "counter" {
        args.extend(["--param".into(), "sync=atomic".into()]);
    }
    args
}

/// Runs `kernel` on `backend` x `workers` with `fault` and checks it failed as it must.
fn assert_fails(fault: &str, kernel: &str, backend: &str, workers: usize) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let output = parlab().args(small_run(kernel, backend, workers, &json)).env("PARLAB_FAULT", fault).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "PARLAB_FAULT={fault} {kernel} on {backend} x{workers} must fail with exit 1; stderr:\n{stderr}"
    );
    let named = format!("{kernel} on {backend} with {workers} workers");
    assert!(stderr.contains(&named), "PARLAB_FAULT={fault}: the message must name '{named}':\n{stderr}");
    assert!(!json.exists(), "PARLAB_FAULT={fault} {kernel} on {backend}: a failed run wrote results");
}

/// The names of the values of `kernel`'s outcome, from a clean run.
fn outcome_names(kernel: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json");
    let output = parlab().args(small_run(kernel, "threads", 2, &json)).env_remove("PARLAB_FAULT").output().unwrap();
    assert!(output.status.success(), "{kernel} without a fault: {}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let point = &report["points"][0];
    assert_eq!(point["verified"], true);
    point["outcome"].as_object().unwrap().keys().cloned().collect()
}

/// Values a kernel measures about the machine rather than computes, which its `agrees`
/// leaves out on purpose: colmeans' resident memory and buffer sizes.
fn measured_not_computed(kernel: &str, name: &str) -> bool {
    kernel == "colmeans" && (name.starts_with("rss_") || name.starts_with("buffers_"))
}

#[test]
fn without_a_fault_the_same_runs_succeed() {
    // The control for every test below: the runs fail because of the fault alone.
    for kernel in kernels::ids() {
        assert!(!outcome_names(kernel).is_empty(), "{kernel} has an outcome");
    }
}

#[test]
fn every_value_of_every_kernels_outcome_changed_fails_the_run() {
    let mut checked = 0;
    for kernel in kernels::ids() {
        for name in outcome_names(kernel) {
            if measured_not_computed(kernel, &name) {
                continue;
            }
            assert_fails(&format!("perturb-outcome={name}"), kernel, "threads", 2);
            checked += 1;
        }
    }
    println!("{checked} outcome values changed one at a time, each a failed run");
}

#[test]
fn a_combine_that_drops_one_item_fails_every_kernel() {
    for kernel in kernels::ids() {
        assert_fails("drop-item", kernel, "threads", 2);
    }
}

#[test]
fn a_backend_that_skips_a_range_fails_every_kernel() {
    for kernel in kernels::ids() {
        assert_fails("skip-range", kernel, "threads", 2);
    }
}

#[test]
fn every_backend_turns_each_fault_into_a_failed_run() {
    for backend in parlab::backends::ids() {
        if backend == "mpi" {
            continue; // needs mpirun: tests/mpi.rs
        }
        if backend.starts_with("py-") {
            // A CPython twin computes in its own interpreter, which the in-process fault
            // hook cannot reach; tests/python.rs checks that a wrong twin result fails.
            continue;
        }
        let workers = if backend == "seq" { 1 } else { 3 };
        for fault in ["drop-item", "skip-range", "perturb-outcome"] {
            assert_fails(fault, "pi", backend, workers);
        }
    }
}
