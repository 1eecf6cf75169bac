//! Engine benchmark: kernel speed per core, parallel efficiency at p = available CPUs,
//! and per-item overhead of every backend, measured side by side in one run.
//! Run with `cargo bench --bench engine`; figures go into BENCHMARKS.md.
//! `PARLAB_BENCH_QUICK=1` runs it once at a thousandth of the sizes, one repetition (CI
//! does, so that the benchmark keeps building and running; its figures mean nothing).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use parlab::backends::{self, Backend, Job};
use parlab::kernels::{ItemCtx, KernelSpec, Outcome, Partial, VerifyError, Workload};
use parlab::measure::stats::Summary;

/// Whether `PARLAB_BENCH_QUICK` asks for a quick run (CI: does it still run?).
fn quick() -> bool {
    std::env::var("PARLAB_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Timed repetitions per figure: 7, or 1 in a quick run.
fn reps() -> usize {
    if quick() { 1 } else { 7 }
}

/// `size`, or a thousandth of it in a quick run.
fn sized(size: u64) -> u64 {
    if quick() { (size / 1000).max(1) } else { size }
}

/// Median seconds of `reps()` executions (after one warm-up) of `workload` on `backend`.
fn time(backend: &dyn Backend, spec: &KernelSpec, workload: &dyn Workload, workers: usize) -> Summary {
    let cancel = AtomicBool::new(false);
    let job = Job { spec, workload, workers, cancel: &cancel, watch: None };
    backend.execute(&job).expect("warm-up run");
    let times: Vec<f64> = (0..reps())
        .map(|_| {
            let started = Instant::now();
            let run = backend.execute(&job).expect("run");
            let elapsed = started.elapsed().as_secs_f64();
            workload.verify(&run.outcome).expect("verified");
            elapsed
        })
        .collect();
    Summary::of(&times).expect("times")
}

/// Items that do nothing: what is left is the backend's own cost per item. Counts the
/// ranges (tasks) the backend cut the items into.
struct Empty {
    items: usize,
    ranges: AtomicU64,
}

impl Workload for Empty {
    fn items(&self) -> usize {
        self.items
    }
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        ctx.checkpoint();
        self.ranges.fetch_add(1, Ordering::Relaxed);
        let mut part = Partial::for_range(&range);
        part.ints.push(range.len() as u64);
        part
    }
    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        Outcome::default().with("items", parlab::kernels::Value::Int(parts.iter().map(|p| p.ints[0]).sum()))
    }
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        (outcome.scalar("items") == Some(self.items as f64))
            .then_some(())
            .ok_or_else(|| VerifyError::Wrong("items lost".into()))
    }
}

fn main() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let facts = parlab::sysmon::MachineFacts::detect();
    println!("parlab engine benchmark: {} ({cpus} CPUs available), {} repetitions, medians", facts.cpu_model, reps());
    let seq = backends::find("seq").unwrap();

    println!("\n## Kernel speed on one core (seq)");
    println!("{:<22} {:>14} {:>12} {:>10}", "kernel", "size", "median", "rate");
    for (kernel, how, size, unit) in [
        ("pi", "scalar", 400_000_000u64, "M darts/s"),
        ("pi", "lanes-baseline", 400_000_000u64, "M darts/s"),
        ("pi", "lanes", 1_000_000_000u64, "M darts/s"),
        ("integral", "", 1_000_000_000, "M points/s"),
    ] {
        let size = sized(size);
        let mut spec = KernelSpec::new(kernel).unwrap();
        spec.size = size;
        if !how.is_empty() {
            spec.params.insert("impl".into(), how.into());
        }
        let workload = spec.build().unwrap();
        let t = time(seq, &spec, workload.as_ref(), 1);
        let kernel = if how.is_empty() { kernel.to_string() } else { format!("{kernel} impl={how}") };
        println!(
            "{kernel:<22} {size:>14} {:>10.3} s {:>8.0} {unit} (spread {:.1} %)",
            t.median,
            size as f64 / t.median / 1e6,
            t.spread * 100.0
        );
    }

    println!("\n## Parallel efficiency at p = {cpus} (against the same backend at p = 1)");
    println!(
        "{:<10} {:<8} {:>10} {:>10} {:>9} {:>11}",
        "kernel",
        "backend",
        "T(1)",
        format!("T({cpus})"),
        "speedup",
        "efficiency"
    );
    for (kernel, size) in [("pi", 600_000_000u64), ("integral", 1_500_000_000)] {
        let size = sized(size);
        let mut spec = KernelSpec::new(kernel).unwrap();
        spec.size = size;
        let workload = spec.build().unwrap();
        for name in ["threads", "rayon"] {
            let backend = backends::find(name).unwrap();
            let one = time(backend, &spec, workload.as_ref(), 1);
            let many = time(backend, &spec, workload.as_ref(), cpus);
            let speedup = one.median / many.median;
            println!(
                "{kernel:<10} {name:<8} {:>8.3} s {:>8.3} s {:>8.2}x {:>10.1} %",
                one.median,
                many.median,
                speedup,
                100.0 * speedup / cpus as f64
            );
        }
    }

    println!("\n## Per-item overhead on an empty kernel (p = {cpus}; seq at 1)");
    println!(
        "{:<10} {:>10} {:>12} {:>12} {:>16} {:>12}",
        "backend", "items", "median", "per item", "ranges per run", "per range"
    );
    let items = sized(200_000) as usize;
    let empty = Empty { items, ranges: AtomicU64::new(0) };
    let spec = KernelSpec { kernel: "empty".into(), size: items as u64, seed: 0, params: Default::default() };
    for backend in backends::registry() {
        let workers = backend.fixed_workers().unwrap_or(cpus);
        // Backends that start processes or ranks rebuild the workload from the spec by
        // name, which an unregistered benchmark kernel cannot offer: they are measured
        // in their own benchmark.
        if !["seq", "threads", "rayon", "gil"].contains(&backend.id()) {
            continue;
        }
        empty.ranges.store(0, Ordering::Relaxed);
        let t = time(*backend, &spec, &empty, workers);
        let ranges = empty.ranges.load(Ordering::Relaxed) as f64 / (reps() + 1) as f64;
        println!(
            "{:<10} {items:>10} {:>9.3} ms {:>9.2} ns {:>16.1} {:>9.2} us",
            backend.id(),
            t.median * 1e3,
            t.median / items as f64 * 1e9,
            ranges,
            t.median / ranges * 1e6
        );
    }
}
