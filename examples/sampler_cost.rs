//! What the per-core sampler costs, for BENCHMARKS.md: `cargo run --release --example
//! sampler_cost`. Three figures:
//! 1. the parser and utilisation arithmetic of the live Linux source (`ProcStatCounter`)
//!    on a synthetic /proc/stat with 64, 128 and 256 `cpuN` lines, in a loop;
//! 2. reading this machine's real /proc/stat (the kernel's part, which a synthetic file
//!    cannot show), in a loop;
//! 3. the live sampler thread at 4 Hz over 10 s: the process's CPU time while nothing
//!    else runs.
//!
//! The budget is 1 % of one core: at 4 samples a second, 2.5 ms of CPU per sample.

use std::hint::black_box;
use std::time::{Duration, Instant};

use parlab::sysmon::{ProcStatCounter, Sampler, process_cpu_time, synthetic_proc_stat, thread_cpu_time};

const BUDGET_PER_SAMPLE: Duration = Duration::from_micros(2500);

fn per_iteration(iterations: u32, mut work: impl FnMut(u32)) -> Duration {
    let cpu_before = thread_cpu_time();
    let started = Instant::now();
    for i in 0..iterations {
        work(i);
    }
    let wall = started.elapsed();
    // CPU time where the platform has it: a busy neighbour does not inflate it.
    let cpu = thread_cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
    cpu.filter(|c| !c.is_zero()).unwrap_or(wall) / iterations
}

fn main() {
    println!("budget: 1 % of a core at 4 Hz = {BUDGET_PER_SAMPLE:?} per sample\n");
    println!("| CPUs | parse + utilisation per sample | share of one core at 4 Hz |");
    println!("|---|---|---|");
    for cpus in [2, 64, 128, 256] {
        let texts = [synthetic_proc_stat(cpus, 0), synthetic_proc_stat(cpus, 1)];
        let mut counter = ProcStatCounter::new();
        // Warm up, then median of 5 rounds.
        per_iteration(1000, |i| {
            black_box(counter.update(&texts[i as usize % 2]));
        });
        let mut rounds: Vec<Duration> = (0..5)
            .map(|_| {
                per_iteration(20_000, |i| {
                    black_box(counter.update(&texts[i as usize % 2]));
                })
            })
            .collect();
        rounds.sort();
        let median = rounds[2];
        println!("| {cpus} | {:.1} us | {:.4} % |", median.as_secs_f64() * 1e6, median.as_secs_f64() * 4.0 * 100.0);
    }

    let real = std::fs::read_to_string("/proc/stat").map(|t| t.lines().filter(|l| l.starts_with("cpu")).count());
    match real {
        Ok(lines) => {
            let read = per_iteration(20_000, |_| {
                black_box(std::fs::read_to_string("/proc/stat").unwrap());
            });
            println!(
                "\nreading this machine's /proc/stat ({} CPUs): {:.1} us per read",
                lines - 1,
                read.as_secs_f64() * 1e6
            );
        }
        Err(e) => println!("\nno /proc/stat here ({e})"),
    }

    let sampler = Sampler::start(Duration::from_millis(250)).expect("the sampler starts");
    let before = process_cpu_time();
    let started = Instant::now();
    let mut samples = 0;
    while started.elapsed() < Duration::from_secs(10) {
        if sampler.events().recv_timeout(Duration::from_secs(1)).is_ok() {
            samples += 1;
        }
    }
    let used = process_cpu_time().saturating_sub(before);
    let wall = started.elapsed();
    println!(
        "live sampler at 4 Hz on this machine: {samples} samples in {:.1} s used {:.2} ms of CPU = {:.4} % of one core",
        wall.as_secs_f64(),
        used.as_secs_f64() * 1e3,
        used.as_secs_f64() / wall.as_secs_f64() * 100.0
    );
}
