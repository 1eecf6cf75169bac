//! colmeans keeps memory within its chunk budget for a matrix ten times larger. Alone in
//! its own test binary, so that no other test's allocations count in this process's RSS.

use std::sync::atomic::AtomicBool;

use parlab::backends::{self, Job};
use parlab::kernels::{KernelSpec, Value};

fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

#[test]
fn peak_memory_stays_within_the_budget_for_a_matrix_ten_times_larger() {
    const BUDGET_MB: u64 = 16;
    const COLS: u64 = 64;
    // 10 x the budget: 160 MiB of rows.
    let rows = 10 * (BUDGET_MB << 20) / (COLS * 8);
    let before = resident_bytes();
    let mut spec = KernelSpec::new("colmeans").unwrap();
    spec.size = rows;
    spec.params.insert("budget_mb".into(), BUDGET_MB.to_string());
    spec.params.insert("cols".into(), COLS.to_string());
    let workload = spec.build().unwrap();
    let cancel = AtomicBool::new(false);
    for (backend, workers) in [("seq", 1), ("threads", 2), ("rayon", 4), ("threads", 16)] {
        let job = Job { spec: &spec, workload: workload.as_ref(), workers, cancel: &cancel, watch: None };
        let outcome = backends::find(backend).unwrap().execute(&job).unwrap().outcome;
        workload.verify(&outcome).unwrap();
        let int = |name: &str| match outcome.values.get(name) {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        };
        assert_eq!(int("bytes"), Some(10 * (BUDGET_MB << 20)));
        let buffers = int("buffers_peak_bytes").unwrap();
        assert!(buffers <= BUDGET_MB << 20, "{backend} x{workers}: chunk buffers peaked at {buffers} bytes");
        if let (Some(before), Some(peak)) = (before, int("rss_peak_bytes")) {
            // Fixed overhead: thread stacks, the allocator's own books, the test harness.
            let overhead = 24 << 20;
            let grown = peak.saturating_sub(before);
            println!(
                "{backend} x{workers}: resident memory grew by {} KiB, buffers {} KiB",
                grown >> 10,
                buffers >> 10
            );
            assert!(
                grown <= (BUDGET_MB << 20) + overhead,
                "{backend} x{workers}: resident memory grew by {} MiB for a {BUDGET_MB} MiB budget",
                grown >> 20
            );
        }
    }
}
