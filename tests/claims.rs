//! Every claim of the built-in course, checked against the real kernels through
//! `measure::Runner` at the small sizes the claims name (3 repetitions after 1 warm-up,
//! medians). The claims are data in lessons/course.toml; this test knows no lesson: it
//! reads each claim's measurement(s) and metric and evaluates them the same way.
//!
//! A claim with `min_cpus` is skipped, with the reason printed, on a machine with fewer
//! available CPUs, or when other programs keep the machine too busy for that many CPUs
//! to be free (measured from /proc/stat just before). A claim about timings gets one
//! fresh measurement if the first misses, because a shared 2-core machine is noisy. Run with
//! `cargo test --release --test claims -- --nocapture` to see every measured value.

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use parlab::backends;
use parlab::kernels::{self, KernelSpec};
use parlab::lessons::{self, Claim, ClaimMetric, Measurement};
use parlab::measure::{Plan, Report, RunEvent, Runner};
use parlab::sysmon::{MachineFacts, Sampler, pool_cpu_count};

const REPETITIONS: u32 = 3;
const WARMUP: u32 = 1;

/// Why a claim was not checked, or why it could not be measured.
enum Miss {
    Skip(String),
    Fail(String),
}

/// Measures claims, reusing a report when two claims need the same plan.
struct Checker {
    runner: Runner,
    cpus: usize,
    cache: HashMap<String, Report>,
}

impl Checker {
    fn plan(m: &Measurement, metric: &ClaimMetric) -> Result<Plan, Miss> {
        let kernel = kernels::find(&m.kernel).ok_or_else(|| Miss::Fail(format!("unknown kernel {}", m.kernel)))?;
        let mut backends = vec![m.backend.clone()];
        if *metric == ClaimMetric::SpeedupVsSeq && m.backend != "seq" {
            backends.insert(0, "seq".to_string());
        }
        let workers = if metric.needs_one_worker() && m.workers > 1 { vec![1, m.workers] } else { vec![m.workers] };
        Ok(Plan {
            spec: KernelSpec {
                kernel: m.kernel.clone(),
                size: m.size.unwrap_or_else(|| kernel.small_size()),
                seed: 42,
                params: m.params.clone(),
            },
            backends,
            workers,
            warmup: WARMUP,
            repetitions: REPETITIONS,
        })
    }

    fn report(&mut self, plan: &Plan, fresh: bool) -> Result<Report, Miss> {
        let key = serde_json::to_string(plan).expect("plans serialise");
        if !fresh && let Some(report) = self.cache.get(&key) {
            return Ok(report.clone());
        }
        let cancel = AtomicBool::new(false);
        match self.runner.run(plan, &cancel, &mut |_| {}) {
            RunEvent::Finished(report) => {
                self.cache.insert(key, (*report).clone());
                Ok(*report)
            }
            RunEvent::Failed(why) => Err(Miss::Fail(format!("the run failed: {why}"))),
            other => Err(Miss::Fail(format!("the run ended with {other:?}"))),
        }
    }

    /// The value of `metric` for measurement `m`.
    fn value(&mut self, m: &Measurement, metric: &ClaimMetric, fresh: bool) -> Result<f64, Miss> {
        let plan = Self::plan(m, metric)?;
        let report = self.report(&plan, fresh)?;
        let point = report
            .points
            .iter()
            .find(|p| {
                p.backend == m.backend
                    && (p.workers == m.workers || backends::find(&m.backend).and_then(|b| b.fixed_workers()).is_some())
            })
            .ok_or_else(|| Miss::Fail(format!("no point for {} x {}", m.backend, m.workers)))?;
        let missing = |what: &str| Miss::Fail(format!("{what} was not measured for {} x {}", m.backend, m.workers));
        Ok(match metric {
            ClaimMetric::Time => point.median_s,
            ClaimMetric::Speedup => point.speedup.ok_or_else(|| missing("speedup"))?,
            ClaimMetric::SpeedupVsSeq => point.speedup_vs_seq.ok_or_else(|| missing("speedup against seq"))?,
            ClaimMetric::Efficiency => point.efficiency.ok_or_else(|| missing("efficiency"))?,
            ClaimMetric::KarpFlatt => point.karp_flatt.ok_or_else(|| missing("the Karp-Flatt metric"))?,
            ClaimMetric::SerialFraction => report.fit_of(&m.backend).map(|f| f.serial_fraction).ok_or_else(|| {
                Miss::Skip(format!("no Amdahl fit: {} workers do not fit in {} CPUs", m.workers, self.cpus))
            })?,
            ClaimMetric::CpuCores => point.cpu_cores,
            ClaimMetric::BusyCores => point
                .busy_cores
                .ok_or_else(|| Miss::Skip("the run was shorter than one sampling interval of the cores".into()))?,
            ClaimMetric::Outcome(name) => match point.varying.get(name) {
                Some(values) => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                None => point.outcome.scalar(name).ok_or_else(|| {
                    Miss::Fail(format!("the outcome has no number named '{name}': {}", point.outcome))
                })?,
            },
            ClaimMetric::Stats(field) => {
                let stats = serde_json::to_value(&point.stats).expect("stats serialise");
                // Fields that are zero are left out of the JSON.
                stats.get(field).and_then(serde_json::Value::as_f64).unwrap_or(0.0)
            }
            ClaimMetric::PoolCpus => return Err(Miss::Fail("pool_cpus is not a measurement".into())),
        })
    }

    /// The figure the claim is about: its metric, or the ratio to its versus measurement.
    fn measure(&mut self, claim: &Claim, lesson_kernel: &str, fresh: bool) -> Result<f64, Miss> {
        if claim.metric == ClaimMetric::PoolCpus {
            return pool_cpus(claim.taskset.as_deref());
        }
        let own = self.value(&claim.measurement(lesson_kernel), &claim.metric, fresh)?;
        match claim.versus_measurement(lesson_kernel) {
            None => Ok(own),
            Some((m, metric)) => {
                let other = self.value(&m, &metric, fresh)?;
                if other == 0.0 {
                    return Err(Miss::Fail(format!("the versus measurement's {metric} is 0")));
                }
                Ok(own / other)
            }
        }
    }
}

/// The CPU count a pool would use, from `parlab info --json`, under `taskset -c` if given.
fn pool_cpus(taskset: Option<&str>) -> Result<f64, Miss> {
    let parlab = env!("CARGO_BIN_EXE_parlab");
    let mut command = match taskset {
        Some(list) => {
            if Command::new("taskset").arg("--version").output().is_err() {
                return Err(Miss::Skip("taskset is not installed".into()));
            }
            let mut c = Command::new("taskset");
            c.args(["-c", list, parlab]);
            c
        }
        None => Command::new(parlab),
    };
    let output = command.args(["info", "--json"]).output().map_err(|e| Miss::Fail(format!("parlab info: {e}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(Miss::Skip(format!("taskset could not restrict parlab here: {}", why.trim())));
    }
    let facts: MachineFacts =
        serde_json::from_slice(&output.stdout).map_err(|e| Miss::Fail(format!("parlab info --json: {e}")))?;
    Ok(pool_cpu_count(&facts).cpus as f64)
}

/// CPUs that other programs keep busy, measured over 300 ms from /proc/stat (Linux).
fn busy_elsewhere() -> Option<f64> {
    fn sample() -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
        Some((fields.iter().take(8).sum(), idle))
    }
    let (total0, idle0) = sample()?;
    std::thread::sleep(Duration::from_millis(300));
    let (total1, idle1) = sample()?;
    let total = total1.saturating_sub(total0).max(1) as f64;
    let busy = 1.0 - idle1.saturating_sub(idle0) as f64 / total;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Some(busy * cpus as f64)
}

/// Whether the claim's figure depends on timings, which other programs can disturb.
fn is_timing(claim: &Claim) -> bool {
    let timed = |metric: &ClaimMetric| {
        matches!(
            metric,
            ClaimMetric::Time
                | ClaimMetric::Speedup
                | ClaimMetric::SpeedupVsSeq
                | ClaimMetric::Efficiency
                | ClaimMetric::KarpFlatt
                | ClaimMetric::SerialFraction
                | ClaimMetric::CpuCores
                | ClaimMetric::BusyCores
        )
    };
    timed(&claim.metric) || claim.versus.as_ref().and_then(|v| v.metric.as_ref()).is_some_and(timed)
}

/// Why a claim cannot be checked on this machine right now, if it cannot.
fn reason_to_skip(claim: &Claim, cpus: usize) -> Option<String> {
    if let Some(min) = claim.min_cpus
        && cpus < min
    {
        return Some(format!("needs {min} CPUs, this machine has {cpus} available"));
    }
    // A timing claim needs its CPUs free of other work (at least one, for a claim about a
    // single worker), or it measures the other programs.
    let free_needed = claim.min_cpus.or(is_timing(claim).then_some(1));
    if let Some(min) = free_needed
        && let Some(busy) = busy_elsewhere()
        && (cpus as f64 - busy) < min as f64 - 0.5
    {
        return Some(format!("needs {min} free CPUs, but other programs keep {busy:.1} of the {cpus} CPUs busy"));
    }
    if let Some(max) = claim.max_cpus
        && cpus > max
    {
        return Some(format!("is about more threads than CPUs: needs at most {max} CPUs, this machine has {cpus}"));
    }
    None
}

#[test]
fn every_claim_of_the_course_holds_on_this_machine() {
    backends::set_worker_program(env!("CARGO_BIN_EXE_parlab"));
    let course = lessons::embedded().expect("the embedded course loads");
    let facts = MachineFacts::detect();
    let cpus = facts.available_parallelism;
    let wants_sampler = course.lessons.iter().flat_map(|l| &l.claims).any(|c| c.metric == ClaimMetric::BusyCores);
    let sampler =
        wants_sampler.then(|| Sampler::start(Duration::from_millis(200)).ok().map(std::sync::Arc::new)).flatten();
    eprintln!("claims measured on: {} ({cpus} CPUs available)", facts.cpu_model);
    let mut checker = Checker { runner: Runner::new(facts, sampler), cpus, cache: HashMap::new() };
    let started = Instant::now();
    let (mut checked, mut skipped, mut failures) = (0, 0, Vec::new());
    for (number, lesson) in course.lessons.iter().enumerate() {
        for claim in &lesson.claims {
            let label = format!("lesson {} ({}): {}", number + 1, lesson.id, claim.text);
            if let Some(why) = reason_to_skip(claim, cpus) {
                eprintln!("SKIP {label}: {why}");
                skipped += 1;
                continue;
            }
            let clock = Instant::now();
            let mut result = checker.measure(claim, &lesson.kernel, false);
            if is_timing(claim) && matches!(result, Ok(v) if !claim.holds(v)) {
                eprintln!(
                    "     {label}: measured {:.4}, measuring again",
                    result.as_ref().ok().copied().unwrap_or(0.0)
                );
                if let Some(why) = reason_to_skip(claim, cpus) {
                    eprintln!("SKIP {label}: {why}");
                    skipped += 1;
                    continue;
                }
                result = checker.measure(claim, &lesson.kernel, true);
            }
            match result {
                Ok(measured) => {
                    let holds = claim.holds(measured);
                    eprintln!(
                        "{} {label}: measured {measured:.4}, claim {} ({:.1} s)",
                        if holds { "ok  " } else { "FAIL" },
                        claim.condition(),
                        clock.elapsed().as_secs_f64()
                    );
                    checked += 1;
                    if !holds {
                        failures.push(format!("{label}: measured {measured}, claim {}", claim.condition()));
                    }
                }
                Err(Miss::Skip(why)) => {
                    eprintln!("SKIP {label}: {why}");
                    skipped += 1;
                }
                Err(Miss::Fail(why)) => {
                    eprintln!("FAIL {label}: {why}");
                    failures.push(format!("{label}: {why}"));
                }
            }
        }
    }
    eprintln!(
        "{checked} claims checked, {skipped} skipped, {} failed, in {:.0} s",
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(checked > 0, "no claim could be checked on this machine");
    assert!(failures.is_empty(), "claims that do not hold:\n{}", failures.join("\n"));
}

#[test]
fn every_lesson_makes_claims_and_every_claim_says_what_it_claims() {
    let course = lessons::embedded().expect("the embedded course loads");
    for lesson in &course.lessons {
        assert!(!lesson.claims.is_empty(), "lesson {} has no claims", lesson.id);
        for claim in &lesson.claims {
            assert!(!claim.text.trim().is_empty(), "a claim of lesson {} has no text", lesson.id);
        }
    }
}
