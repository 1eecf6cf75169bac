//! What individual kernels promise beyond agreeing with seq: the counter's race and its
//! fixes, the skewed kernel's imbalance under each schedule, matmul's identical results.
//! No timing is asserted: imbalance is counted in units of work, not seconds.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::thread::ThreadId;

use parlab::backends::{self, Job, static_ranges};
use parlab::kernels::{ItemCtx, KernelSpec, Outcome, Partial, Value, VerifyError, Workload};

fn spec(kernel: &str, size: u64, params: &[(&str, &str)]) -> KernelSpec {
    let mut spec = KernelSpec::new(kernel).unwrap();
    spec.size = size;
    spec.params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    spec
}

fn run(backend: &str, spec: &KernelSpec, workload: &dyn Workload, workers: usize) -> Outcome {
    let cancel = AtomicBool::new(false);
    let backend = backends::find(backend).unwrap();
    backend.execute(&Job { spec, workload, workers, cancel: &cancel, watch: None }).unwrap().outcome
}

fn int(outcome: &Outcome, name: &str) -> u64 {
    match outcome.values.get(name) {
        Some(Value::Int(v)) => *v,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn synchronised_counters_are_exact() {
    for sync in ["atomic", "mutex", "partials"] {
        let spec = spec("counter", 300_000, &[("sync", sync)]);
        let workload = spec.build().unwrap();
        for backend in ["threads", "rayon", "gil"] {
            for workers in [2, 4] {
                let outcome = run(backend, &spec, workload.as_ref(), workers);
                assert_eq!(int(&outcome, "final"), 300_000, "{sync} on {backend} x{workers}");
                assert_eq!(int(&outcome, "lost_updates"), 0, "{sync} on {backend} x{workers}");
            }
        }
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn unsynchronised_counter_never_over_counts() {
    let spec = spec("counter", 2_000_000, &[("sync", "none")]);
    let workload = spec.build().unwrap();
    for (backend, workers) in [("threads", 2), ("threads", 4), ("rayon", 2), ("gil", 2)] {
        let outcome = run(backend, &spec, workload.as_ref(), workers);
        let (expected, last) = (int(&outcome, "expected"), int(&outcome, "final"));
        assert_eq!(expected, 2_000_000);
        assert!(last <= expected, "{backend} x{workers}: counted {last} of {expected}");
        assert_eq!(int(&outcome, "lost_updates"), expected - last);
    }
    // One worker cannot race with itself: the sequential count is exact.
    assert_eq!(int(&run("seq", &spec, workload.as_ref(), 1), "final"), 2_000_000);
}

/// What lesson 7 teaches: two threads doing `counter += 1` at once lose updates. Every
/// run is a chance for the race; on two or more cores it shows within a few runs.
#[test]
fn unsynchronised_threads_lose_updates() {
    if cpus() < 2 {
        println!("skipped: one CPU, so two threads never run at the same instant");
        return;
    }
    let spec = spec("counter", 4_000_000, &[("sync", "none")]);
    let workload = spec.build().unwrap();
    let mut runs = 0;
    let lost = loop {
        runs += 1;
        let outcome = run("threads", &spec, workload.as_ref(), 2);
        let lost = int(&outcome, "lost_updates");
        if lost > 0 || runs == 20 {
            break lost;
        }
    };
    println!("{lost} updates lost in run {runs}");
    assert!(lost > 0, "20 runs of 2 unsynchronised threads on {} CPUs lost no update", cpus());
}

/// Wraps a workload and adds up, per thread, the cost its partials report (for
/// `skewed`: the iterations of every row, at even positions of `ints`).
struct CostByThread<'a> {
    inner: &'a dyn Workload,
    costs: Mutex<HashMap<ThreadId, u64>>,
}

impl Workload for CostByThread<'_> {
    fn items(&self) -> usize {
        self.inner.items()
    }
    fn serial_part(&self, ctx: &ItemCtx) -> Option<Partial> {
        self.inner.serial_part(ctx)
    }
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let part = self.inner.run_range(range, ctx);
        let cost: u64 = part.ints.iter().step_by(2).sum();
        *self.costs.lock().unwrap().entry(std::thread::current().id()).or_default() += cost;
        part
    }
    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        self.inner.combine(parts)
    }
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        self.inner.verify(outcome)
    }
}

/// Most loaded worker's cost over the mean cost: 1.0 is perfect balance.
fn imbalance(costs: &[u64], workers: usize) -> f64 {
    let total: u64 = costs.iter().sum();
    *costs.iter().max().unwrap() as f64 / (total as f64 / workers as f64)
}

/// What lesson 9 teaches: with uneven items a static split leaves one worker with much
/// more work, and a dynamic or guided schedule shares it out. Counted in units of work
/// (iterations), not seconds. Which thread takes which chunk depends on the machine's
/// load, so each schedule gets a few tries; a schedule that splits like static never
/// passes, because static's split is fixed.
#[test]
fn dynamic_schedule_balances_skewed_work_better_than_static() {
    if cpus() < 2 {
        println!("skipped: one CPU, so threads take turns and whoever runs first takes most chunks");
        return;
    }
    let base = spec("skewed", 240, &[]);
    let workload = base.build().unwrap();
    let reference = run("seq", &base, workload.as_ref(), 1);
    let Some(Value::Ints(row_cost)) = reference.values.get("row_cost") else { panic!("no row_cost") };
    for workers in [2, 3] {
        let blocks: Vec<u64> =
            static_ranges(row_cost.len(), workers).into_iter().map(|r| row_cost[r].iter().sum()).collect();
        let static_imbalance = imbalance(&blocks, workers);
        assert!(static_imbalance > 1.3, "the workload should be skewed: static imbalance {static_imbalance}");
        // Half of static's excess work gone, at least.
        let bound = 1.0 + (static_imbalance - 1.0) / 2.0;
        for schedule in ["dynamic", "guided"] {
            let spec = spec("skewed", 240, &[("schedule", schedule)]);
            let mut seen = Vec::new();
            for _ in 0..5 {
                let recording = CostByThread { inner: workload.as_ref(), costs: Mutex::new(HashMap::new()) };
                let outcome = run("threads", &spec, &recording, workers);
                workload.agrees(&outcome, &reference).unwrap();
                let mut costs: Vec<u64> = recording.costs.into_inner().unwrap().into_values().collect();
                costs.resize(workers, 0); // a thread that took no chunk did no work
                seen.push(imbalance(&costs, workers));
                if seen.last().is_some_and(|&i| i <= bound) {
                    break;
                }
            }
            let best = seen.iter().copied().fold(f64::INFINITY, f64::min);
            println!("{schedule} x{workers}: imbalance {seen:.2?} (static {static_imbalance:.2}, bound {bound:.2})");
            assert!(
                best <= bound,
                "{schedule} x{workers}: imbalance {seen:.2?} in 5 tries, static {static_imbalance:.2}: not under {bound:.2}"
            );
        }
    }
}

#[test]
fn naive_and_blocked_matmul_give_bit_identical_checksums() {
    for n in [1, 5, 64, 67, 130] {
        let mut outcomes = Vec::new();
        for params in [&[("algo", "naive")][..], &[("algo", "blocked")], &[("algo", "blocked"), ("inner", "3")]] {
            let spec = spec("matmul", n, params);
            let workload = spec.build().unwrap();
            let outcome = run("threads", &spec, workload.as_ref(), 2);
            workload.verify(&outcome).unwrap();
            outcomes.push(outcome);
        }
        assert_eq!(outcomes[0], outcomes[1], "n = {n}");
        assert_eq!(outcomes[1], outcomes[2], "n = {n}");
    }
}

#[test]
fn colmeans_streamed_equals_in_memory() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    let mut means = Vec::new();
    for params in [&[][..], &[("in_memory", "true")], &[("file", path)], &[("budget_mb", "0.3")]] {
        let spec = spec("colmeans", 20_000, params);
        let workload = spec.build().unwrap();
        let outcome = run("rayon", &spec, workload.as_ref(), 2);
        workload.verify(&outcome).unwrap();
        means.push(outcome.values["means"].clone());
    }
    let Value::Floats(streamed) = &means[0] else { panic!() };
    // Held in memory, or read back from the file: the same chunks, the same sums.
    for other in &means[1..3] {
        assert_eq!(other, &means[0]);
    }
    // Smaller chunks add in a different order: equal to rounding.
    let Value::Floats(small_chunks) = &means[3] else { panic!() };
    for (a, b) in streamed.iter().zip(small_chunks) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    // The plain in-memory mean, computed here from the file's bytes (40-byte header,
    // then rows of 64 little-endian f64), with no chunks at all.
    let bytes = std::fs::read(path).unwrap();
    let values: Vec<f64> = bytes[40..].chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect();
    assert_eq!(values.len(), 20_000 * 64);
    for (column, mean) in streamed.iter().enumerate() {
        let direct = values.iter().skip(column).step_by(64).sum::<f64>() / 20_000.0;
        assert!((direct - mean).abs() < 1e-12, "column {column}: streamed {mean}, in memory {direct}");
    }
}
