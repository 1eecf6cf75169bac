//! Fixed results for the chart tests and the plot benchmark: no timing, no machine
//! facts from the machine running the tests, so the pictures are the same everywhere.

#![allow(dead_code)]

use std::collections::BTreeMap;

use parlab::kernels::{KernelSpec, Outcome, Value};
use parlab::measure::{Plan, Point, Report};
use parlab::plot::Distribution;
use parlab::sysmon::MachineFacts;

/// A machine with `cpus` CPUs.
pub fn machine(cpus: usize) -> MachineFacts {
    MachineFacts {
        cpu_model: "Example CPU @ 3.0GHz".into(),
        logical_cores: cpus,
        physical_cores: Some(cpus),
        available_parallelism: cpus,
        affinity: Some((0..cpus).collect()),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 8 << 30,
        memory_available_bytes: 6 << 30,
        os: "Linux 12 (bookworm)".into(),
        host: "example".into(),
        job: None,
        sockets: Vec::new(),
    }
}

/// Times that follow Amdahl's law with serial fraction `serial`, plus fixed "noise",
/// and a penalty beyond `cpus` workers (they take turns).
fn times(t1: f64, serial: f64, workers: usize, cpus: usize, wobble: f64) -> Vec<f64> {
    let p = workers.min(cpus) as f64;
    let mut t = t1 * (serial + (1.0 - serial) / p);
    if workers > cpus {
        t *= 1.0 + 0.02 * (workers / cpus) as f64;
    }
    [1.0, 1.0 + wobble, 1.0 - wobble / 2.0, 1.0 + wobble / 3.0, 1.0 - wobble / 4.0].iter().map(|f| t * f).collect()
}

/// A pi run over `backends` (id, serial fraction) at `workers`, on a `cpus`-CPU machine.
pub fn report(backends: &[(&str, f64)], workers: &[usize], cpus: usize) -> Report {
    let spec = KernelSpec { kernel: "pi".into(), size: 200_000_000, seed: 42, params: BTreeMap::new() };
    let outcome = Outcome::default()
        .with("darts", Value::Int(200_000_000))
        .with("inside", Value::Int(157_079_632))
        .with("estimate", Value::Float(3.14159264));
    let mut points = Vec::new();
    for (i, &(backend, serial)) in backends.iter().enumerate() {
        let counts: Vec<usize> = if backend == "seq" { vec![1] } else { workers.to_vec() };
        for (j, &w) in counts.iter().enumerate() {
            let wobble = 0.01 + 0.015 * ((i + j) % 4) as f64;
            let mut point = Point::new("pi", backend, w, times(1.6, serial, w, cpus, wobble));
            point.verified = true;
            point.cpu_time_s = point.median_s * w.min(cpus) as f64 * (1.0 - serial);
            point.outcome = outcome.clone();
            points.push(point);
        }
    }
    let mut report = Report {
        parlab_version: "0.1.0".into(),
        created: "2026-11-22T10:04:05Z".into(),
        machine: machine(cpus),
        plan: Plan {
            spec,
            backends: backends.iter().map(|(b, _)| b.to_string()).collect(),
            workers: workers.to_vec(),
            warmup: 1,
            repetitions: 5,
            scale: Default::default(),
            order: parlab::measure::Order::Sequential,
        },
        reference_s: Some(1.6),
        points,
        fits: Vec::new(),
        commands: None,
        incomplete: false,
    };
    report.derive();
    report
}

/// The lesson-sized example: threads, gil and rayon at 1, 2, 4 workers on 2 CPUs.
pub fn small() -> Report {
    report(&[("seq", 0.0), ("threads", 0.02), ("gil", 0.85), ("rayon", 0.04)], &[1, 2, 4], 2)
}

/// A cluster-node-sized example: 1 to 64 workers on 32 CPUs.
pub fn wide() -> Report {
    report(&[("threads", 0.03), ("rayon", 0.01), ("gil", 0.9)], &[1, 2, 4, 8, 16, 32, 64], 32)
}

/// A walk run whose outcome holds a `bins` x `bins` Gaussian histogram of endpoints.
pub fn walk(bins: usize) -> Report {
    let mut report = report(&[("threads", 0.02)], &[1, 2], 2);
    report.plan.spec.kernel = "walk".into();
    report.plan.spec.size = 20_000;
    let steps = 1000u64;
    let bin_width = 8u64 * 41 / bins as u64;
    let sigma = (steps as f64).sqrt() / bin_width as f64;
    let centre = (bins as f64 - 1.0) / 2.0;
    let mut histogram = Vec::with_capacity(bins * bins);
    for row in 0..bins {
        for column in 0..bins {
            let (dx, dy) = (column as f64 - centre, row as f64 - centre);
            let density = (-(dx * dx + dy * dy) / (2.0 * sigma * sigma)).exp();
            histogram.push((400.0 * density).round() as u64);
        }
    }
    let outcome = Outcome::default()
        .with("walkers", Value::Int(20_000))
        .with("steps", Value::Int(steps))
        .with("msd", Value::Float(2003.5))
        .with("bin_width", Value::Int(bin_width))
        .with("histogram", Value::Ints(histogram));
    for point in &mut report.points {
        point.kernel = "walk".into();
        point.outcome = outcome.clone();
    }
    report
}

/// Final counts of a racy counter over 200 repetitions (expected 2000).
pub fn race_counts() -> Distribution {
    let values: Vec<f64> = (0..200u32).map(|i| f64::from(2000 - (i * 37 % 23) * (i % 3))).collect();
    Distribution {
        title: "Final count of a shared counter, 2 threads x 1,000 increments".into(),
        subtitle: "200 repetitions; every lost update makes the count smaller".into(),
        footer: "Example CPU @ 3.0GHz | 2 of 2 CPUs available | parlab 0.1.0 | 2026-11-22".into(),
        x_desc: "final count".into(),
        values,
        marker: Some((2000.0, "correct: 2000".into())),
    }
}

/// A weak-scaling run of threads at 1, 2 and 4 workers on 4 CPUs: p workers ran p times
/// the size, with times that follow Gustafson's law with serial share `serial`.
pub fn weak(serial: f64) -> Report {
    let mut report = report(&[("threads", 0.0)], &[1, 2, 4], 4);
    report.plan.scale = parlab::measure::Scale::Weak;
    let t1 = 1.6;
    for point in &mut report.points {
        let p = point.workers as f64;
        let t = p * t1 / (p - serial * (p - 1.0));
        let times: Vec<f64> = [1.0, 1.01, 0.995, 1.003, 0.998].iter().map(|f| t * f).collect();
        let mut scaled = Point::new("pi", "threads", point.workers, times);
        scaled.size = Some(report.plan.spec.size * point.workers as u64);
        scaled.verified = true;
        scaled.outcome = point.outcome.clone();
        *point = scaled;
    }
    report.derive();
    report
}
