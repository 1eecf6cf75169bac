//! What worker processes cost, side by side with threads: pool start-up per worker,
//! time per chunk, per-item overhead at chunksize 1 and 1000, bulk throughput of results
//! through the pipes, efficiency on pi, and bigresult on processes against threads.
//! Medians over repetitions. Run with `cargo bench --bench processes`; set
//! PARLAB_BENCH_REPS (default 5) and PARLAB_BENCH_PI_SIZE (default 1e9 darts);
//! PARLAB_BENCH_QUICK=1 runs it at tiny sizes, once, as CI does.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use parlab::backends::{self, ExecStats, Job};
use parlab::kernels::KernelSpec;

struct Sample {
    wall: f64,
    stats: ExecStats,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One warm-up, then `reps` timed executions; the sample with the median wall time.
fn measure(backend: &str, spec: &KernelSpec, workers: usize, reps: usize) -> (f64, Vec<Sample>) {
    let backend = backends::find(backend).expect("backend");
    let workload = spec.build().expect("spec");
    let cancel = AtomicBool::new(false);
    let mut samples = Vec::new();
    for rep in 0..=reps {
        let job = Job { spec, workload: workload.as_ref(), workers, cancel: &cancel, watch: None };
        let started = Instant::now();
        let run = backend.execute(&job).unwrap_or_else(|e| panic!("{}: {e}", backend.id()));
        let wall = started.elapsed().as_secs_f64();
        workload.verify(&run.outcome).expect("verified");
        if rep > 0 {
            samples.push(Sample { wall, stats: run.stats });
        }
    }
    (median(samples.iter().map(|s| s.wall).collect()), samples)
}

fn spec(kernel: &str, size: u64, params: &[(&str, &str)]) -> KernelSpec {
    let mut spec = KernelSpec::new(kernel).expect("kernel");
    spec.size = size;
    for (key, value) in params {
        spec.params.insert((*key).into(), (*value).into());
    }
    spec
}

fn us(seconds: f64) -> String {
    if seconds < 1e-6 { format!("{:.0} ns", seconds * 1e9) } else { format!("{:.1} us", seconds * 1e6) }
}

fn ms(seconds: f64) -> String {
    format!("{:.1} ms", seconds * 1e3)
}

/// Whether `PARLAB_BENCH_QUICK` asks for a quick run: tiny sizes, one repetition. CI runs
/// it so that the benchmark keeps building and running; its figures mean nothing.
fn quick() -> bool {
    std::env::var("PARLAB_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `full`, or `small` in a quick run.
fn pick<T>(full: T, small: T) -> T {
    if quick() { small } else { full }
}

fn main() {
    backends::set_worker_program(env!("CARGO_BIN_EXE_parlab"));
    let reps: usize = std::env::var("PARLAB_BENCH_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(pick(5, 1)).max(1);
    let pi_size: u64 = std::env::var("PARLAB_BENCH_PI_SIZE")
        .ok()
        .and_then(|v| parlab::cli::parse_size(&v).ok())
        .unwrap_or(pick(1_000_000_000, 1_000_000));
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut row = |figure: &str, processes: String, other: String, note: &str| {
        rows.push([figure.into(), processes, other, note.into()]);
        let last = rows.last().expect("row");
        eprintln!("{:<44} {:>16} {:>16}  {}", last[0], last[1], last[2], last[3]);
    };

    // 1. Pool start-up: spawn + handshake, per worker.
    let tiny = spec("bigresult", 1, &[("side", "1")]);
    for workers in [1, cpus.max(2)] {
        let (_, samples) = measure("processes", &tiny, workers, reps);
        let startup = median(samples.iter().filter_map(|s| s.stats.startup_s).collect());
        let (_, ranks) = measure("ranks", &tiny, workers, reps);
        let ranks_startup = median(ranks.iter().filter_map(|s| s.stats.startup_s).collect());
        row(
            &format!("start-up per worker ({workers} workers)"),
            ms(startup / workers as f64),
            format!("ranks {}", us(ranks_startup / workers as f64)),
            "goal < 5 ms; spawn + handshake",
        );
    }

    // 2. Time per chunk of one trivial item, one worker (two tasks kept in flight).
    let chunks = pick(5000, 50);
    let trivial = spec("bigresult", chunks, &[("side", "1"), ("chunksize", "1")]);
    let (_, samples) = measure("processes", &trivial, 1, reps);
    let per_chunk =
        median(samples.iter().map(|s| (s.wall - s.stats.startup_s.unwrap_or(0.0)) / chunks as f64).collect());
    let (seq_wall, _) = measure("seq", &trivial, 1, reps);
    row(
        "time per chunk (1 worker, 1 trivial item)",
        us(per_chunk),
        format!("seq {}", us(seq_wall / chunks as f64)),
        "task out, result back",
    );

    // 3. Per-item overhead at chunksize 1 and 1000.
    let items = pick(20_000, 2000);
    for chunksize in ["1", "1000"] {
        let s = spec("bigresult", items, &[("side", "1"), ("chunksize", chunksize)]);
        let (_, samples) = measure("processes", &s, cpus, reps);
        let per_item =
            median(samples.iter().map(|s| (s.wall - s.stats.startup_s.unwrap_or(0.0)) / items as f64).collect());
        let (threads_wall, _) = measure("threads", &s, cpus, reps);
        row(
            &format!("per item, chunksize {chunksize} ({cpus} workers)"),
            us(per_item),
            format!("threads {}", us(threads_wall / items as f64)),
            "Python Pool.map: 44 us at 1, 0.4 us at 1000",
        );
    }

    // 4. Bulk throughput of results: 8 MiB arrays through one pipe.
    let bulk = spec("bigresult", pick(48, 2), &[("side", "1024"), ("chunksize", "1")]);
    let (_, samples) = measure("processes", &bulk, 1, reps);
    let pipe = median(
        samples.iter().map(|s| s.stats.bytes_received as f64 / s.stats.transfer_s.unwrap_or(f64::NAN)).collect(),
    );
    let (seq_wall, _) = measure("seq", &bulk, 1, reps);
    let end_to_end = median(
        samples
            .iter()
            .map(|s| s.stats.bytes_received as f64 / (s.wall - s.stats.startup_s.unwrap_or(0.0) - seq_wall).max(1e-9))
            .collect(),
    );
    row(
        "result throughput through a pipe",
        format!("{:.2} GB/s", pipe / 1e9),
        format!("end-to-end {:.2} GB/s", end_to_end / 1e9),
        "goal >= 1 GB/s; 8 MiB results",
    );

    // 5. Efficiency on pi at p = available CPUs.
    let pi = spec("pi", pi_size, &[]);
    let (seq_pi, _) = measure("seq", &pi, 1, reps);
    let (proc_pi, samples) = measure("processes", &pi, cpus, reps);
    let (threads_pi, _) = measure("threads", &pi, cpus, reps);
    let startup = median(samples.iter().filter_map(|s| s.stats.startup_s).collect());
    row(
        &format!("pi efficiency at p = {cpus} (seq {:.2} s)", seq_pi),
        format!("{:.2} ({:.2} s)", seq_pi / (cpus as f64 * proc_pi), proc_pi),
        format!("threads {:.2} ({:.2} s)", seq_pi / (cpus as f64 * threads_pi), threads_pi),
        &format!(
            "goal >= 0.9; threads/processes time {:.2}; pool start {} included",
            threads_pi / proc_pi,
            ms(startup)
        ),
    );

    // 6. bigresult: results dominate, so processes lose to threads.
    let big = spec("bigresult", pick(200, 4), &[]);
    let (seq_big, _) = measure("seq", &big, 1, reps);
    let (proc_big, samples) = measure("processes", &big, cpus, reps);
    let (threads_big, _) = measure("threads", &big, cpus, reps);
    let moved = samples[0].stats.bytes_received as f64;
    row(
        &format!("bigresult 200 x 500x500 at p = {cpus} (seq {:.2} s)", seq_big),
        format!("{:.3} s", proc_big),
        format!("threads {:.3} s", threads_big),
        &format!("processes moved {:.0} MB", moved / 1e6),
    );

    println!("\n| figure | processes | threads / other | note |\n|---|---|---|---|");
    for [figure, processes, other, note] in &rows {
        println!("| {figure} | {processes} | {other} | {note} |");
    }
    println!("\nmedians of {reps} repetitions after one warm-up; {cpus} CPUs available");
}
