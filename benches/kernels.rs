//! Speed of the course's kernels, printed side by side (medians over repetitions):
//! matmul blocked vs naive and blocked GFLOP/s per core; colmeans GB/s against the
//! machine's measured memory bandwidth; every kernel's default size on seq.
//! Run with `cargo bench --bench kernels` (`-- quick` skips the default-size table;
//! `PARLAB_BENCH_QUICK=1` runs everything at tiny sizes, once, as CI does).

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use parlab::backends::{self, Job};
use parlab::kernels::{self, KernelSpec, Outcome, Workload};

/// Whether `PARLAB_BENCH_QUICK` asks for a quick run: tiny sizes, one repetition. CI runs
/// it so that the benchmark keeps building and running; its figures mean nothing.
fn quick() -> bool {
    std::env::var("PARLAB_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `full`, or `small` in a quick run.
fn pick<T>(full: T, small: T) -> T {
    if quick() { small } else { full }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { 0.5 * (values[n / 2 - 1] + values[n / 2]) }
}

fn spec(kernel: &str, size: u64, params: &[(&str, &str)]) -> KernelSpec {
    let mut spec = KernelSpec::new(kernel).expect("registered kernel");
    spec.size = size;
    spec.params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    spec
}

/// Median seconds of `reps` verified executions (after one warm-up), and the last outcome.
fn time(backend: &str, spec: &KernelSpec, workload: &dyn Workload, workers: usize, reps: usize) -> (f64, Outcome) {
    let cancel = AtomicBool::new(false);
    let backend = backends::find(backend).expect("registered backend");
    let job = Job { spec, workload, workers, cancel: &cancel, watch: None };
    let mut times = Vec::new();
    let mut outcome = Outcome::default();
    for rep in 0..=reps {
        let started = Instant::now();
        let run = backend.execute(&job).expect("execution");
        let seconds = started.elapsed().as_secs_f64();
        workload.verify(&run.outcome).expect("verified outcome");
        outcome = run.outcome;
        if rep > 0 {
            times.push(seconds);
        }
    }
    (median(times), outcome)
}

/// Bytes per second of summing a 1 GiB array of f64 (eight accumulators, so the adds
/// are not the limit) on `threads` threads: the memory bandwidth a streaming kernel can hope for.
fn memory_bandwidth(threads: usize) -> f64 {
    let values = vec![1.0f64; pick(1 << 27, 1 << 14)];
    let sum = |part: &[f64]| {
        let mut acc = [0.0f64; 8];
        for block in part.chunks_exact(8) {
            for (a, v) in acc.iter_mut().zip(block) {
                *a += v;
            }
        }
        acc.iter().sum::<f64>()
    };
    let mut times = Vec::new();
    for rep in 0..6 {
        let started = Instant::now();
        let total: f64 = std::thread::scope(|scope| {
            let handles: Vec<_> =
                values.chunks(values.len().div_ceil(threads)).map(|part| scope.spawn(move || sum(part))).collect();
            handles.into_iter().map(|h| h.join().expect("thread")).sum()
        });
        assert_eq!(total, values.len() as f64);
        if rep > 0 {
            times.push(started.elapsed().as_secs_f64());
        }
    }
    (values.len() * 8) as f64 / median(times)
}

fn matmul() {
    println!(
        "== matmul, n = {} ({:.2} GFLOP per product)",
        pick(1024, 64),
        2.0 * f64::from(pick(1024u32, 64)).powi(3) * 1e-9
    );
    let mut blocked_seq = 0.0;
    let mut naive_seq = 0.0;
    for (algo, backend, workers, inner, reps) in [
        ("naive", "seq", 1, "1", 2),
        ("blocked", "seq", 1, "1", 5),
        ("blocked", "threads", 2, "1", 5),
        ("blocked", "seq", 1, "2", 5),
        ("blocked", "threads", 2, "2", 5),
        ("blocked", "threads", 4, "2", 5),
    ] {
        let n = pick(1024, 64);
        let spec = spec("matmul", n, &[("algo", algo), ("inner", inner)]);
        let workload = spec.build().expect("workload");
        let (seconds, _) = time(backend, &spec, workload.as_ref(), workers, pick(reps, 1));
        let gflops = 2.0 * (n as f64).powi(3) / seconds * 1e-9;
        let threads = workers * inner.parse::<usize>().unwrap_or(1);
        println!(
            "  {algo:<8}{backend:<8} x{workers} inner {inner}: {:>8.1} ms  {gflops:>6.2} GFLOP/s  {:>6.2} GFLOP/s per thread",
            seconds * 1e3,
            gflops / threads as f64
        );
        match (algo, backend) {
            ("naive", _) => naive_seq = seconds,
            ("blocked", "seq") if inner == "1" => blocked_seq = seconds,
            _ => {}
        }
    }
    println!("  blocked is {:.1}x faster than naive on one core (goal >= 10x)", naive_seq / blocked_seq);
}

fn colmeans() {
    println!("== colmeans, 64 columns");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bandwidth: Vec<f64> = (1..=cores.min(2)).map(memory_bandwidth).collect();
    for (i, b) in bandwidth.iter().enumerate() {
        println!("  memory bandwidth, summing 1 GiB on {} thread(s): {:>6.2} GB/s", i + 1, b * 1e-9);
    }
    let file = std::env::temp_dir().join(format!("parlab-bench-colmeans-{}.bin", std::process::id()));
    let path = file.to_string_lossy().to_string();
    let rows_1gib = pick(1u64 << 30, 1 << 20) / (64 * 8);
    for (label, rows, params) in [
        ("in memory, 1 GiB", rows_1gib, vec![("in_memory", "true")]),
        ("generated in chunks, 2 GiB", 2 * rows_1gib, vec![]),
        ("file (page cache), 2 GiB", 2 * rows_1gib, vec![("file", path.as_str())]),
    ] {
        let spec = spec("colmeans", rows, &params);
        let workload = spec.build().expect("workload");
        for (backend, workers) in [("seq", 1), ("rayon", 2)] {
            if workers > cores {
                continue;
            }
            let (seconds, outcome) = time(backend, &spec, workload.as_ref(), workers, pick(5, 1));
            let rate = (rows * 64 * 8) as f64 / seconds;
            let peak = outcome.scalar("rss_peak_bytes").unwrap_or(0.0) / (1u64 << 20) as f64;
            println!(
                "  {label:<28} {backend:<6} x{workers}: {:>6.2} GB/s = {:>4.0} % of bandwidth on {workers} thread(s), peak RSS {peak:.0} MiB",
                rate * 1e-9,
                100.0 * rate / bandwidth[workers - 1]
            );
        }
    }
    let _ = std::fs::remove_file(&file);
}

fn default_sizes() {
    println!("== every kernel at its default size on seq (median of 3)");
    for kernel in kernels::registry() {
        let size = pick(kernel.default_size(), kernel.small_size());
        let spec = spec(kernel.id(), size, &[]);
        let workload = spec.build().expect("workload");
        let (seconds, _) = time("seq", &spec, workload.as_ref(), 1, pick(3, 1));
        println!("  {:<10}{:>14} {:<22}{:>8.2} s", kernel.id(), size, kernel.size_unit(), seconds);
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    matmul();
    colmeans();
    if !quick {
        default_sizes();
    }
}
