//! Every claim of the built-in course, checked against the real kernels through
//! `measure::Runner` at the small sizes the claims name. The claims are data in
//! lessons/course.toml; this test knows no lesson: it plans, reads and grades every
//! figure through `lessons::figure`, the model the Exercises screen and `parlab lessons
//! check` use too.
//!
//! Each claim is measured once, and is made robust by what it measures rather than by a
//! loose threshold or a second try (a claim that needs a second measurement to pass is
//! wrong or too tight). A figure of one plan runs in interleaved rounds (5 timed rounds
//! after 1 warm-up; `measure::rounds`): a speedup is the median of the per-round ratios,
//! so a burst of other load lands on one round of every point instead of on one point. A
//! claim that compares two plans (`versus`: another size, parameter or backend) runs them
//! in alternating rounds here, one timed repetition of each per round, and its figure is
//! the median of the per-round ratios.
//!
//! A timing claim that misses while its rounds disagree (the middle half of the per-round
//! figures spans more than 10 % of their median, the rule behind the CLI's "rounds
//! disagree" flag) was measured on an unsteady machine: on this project's shared 2-vCPU
//! VMs a vCPU's speed drifts by up to a third from one second to the next. Such a miss is
//! printed with every repetition, not judged, and counted among the skipped. A miss whose
//! rounds agree fails the test, like any other claim that does not hold, and prints what
//! it ran on (every repetition of every point, the CPU time its process tree got).
//!
//! It prints one line per claim on stdout (`ok`, `FAIL` or `SKIP` with the reason) and
//! ends with `claims: N checked, N skipped, N failed` (checked + skipped = all claims;
//! failed are among the checked). CI runs it as its own step (`.ci/claims.sh`).
//!
//! A claim is skipped, with the reason printed, when this machine has too few (or, for
//! `max_cpus`, too many) CPUs, or when a claim about timings could not have its CPUs free:
//! other programs' load is sampled over 300 ms before each measurement and over the
//! measurement itself (the machine's busy time from /proc/stat minus the CPU time of this
//! process and its children). Around a measurement of several workers, and after each of
//! its timed repetitions of several workers, two threads spinning side by side for a few
//! hundred milliseconds are timed against one, each thread's rate on its own
//! ([`core_capacity`]): when the median of those probes says they ran as fewer than
//! [`TWO_FREE_CORES`] (the host shares these vCPUs, slows one of them or caps the machine,
//! which /proc/stat inside it cannot show), a timing claim that needs two cores is skipped
//! with its figure printed, not judged. More than a quarter of the timing claims skipped
//! fails the test, so a green run cannot hide an unchecked course. parlab processes left
//! running after a measurement (a stray `parlab worker`) are a failure, never someone
//! else's load.
//!
//! `PARLAB_CLAIMS=text` checks only the claims whose label contains `text`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use parlab::backends;
use parlab::lessons::{self, Claim, Metric};
use parlab::measure::rounds::{DISAGREE, quartile_spread};
use parlab::measure::{Plan, Report, RunEvent, Runner};
use parlab::sysmon::{
    MachineFacts, Sampler, TWO_FREE_CORES, core_capacity, core_capacity_once, pool_cpu_count, process_cpu_time,
};

const REPETITIONS: u32 = 5;
const WARMUP: u32 = 1;
/// How long other programs' load is sampled before each measurement.
const LOAD_PROBE: Duration = Duration::from_millis(300);
/// Held by the tests that start or look for parlab processes, so that one test's
/// processes are never another's leftovers when the tests run in parallel.
static PROCESSES: std::sync::Mutex<()> = std::sync::Mutex::new(());
/// Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux).
const TICKS_PER_S: f64 = 100.0;

/// Why a claim was not checked, or why it failed without a value.
enum Miss {
    Skip(Skip),
    Fail(String),
}

/// Why a claim was skipped, by kind, for the account at the end.
enum Skip {
    /// The machine has too few or too many CPUs.
    Cpus(String),
    /// Other programs kept the CPUs busy.
    Load(String),
    /// The machine could not show the figure (e.g. too short to sample, no taskset).
    Machine(String),
}

impl Skip {
    fn why(&self) -> &str {
        match self {
            Skip::Cpus(why) | Skip::Load(why) | Skip::Machine(why) => why,
        }
    }
}

/// CPUs that other programs kept busy, before and during one measurement, and how many
/// cores' worth of work two spinning threads got around it and between its rounds
/// ([`core_capacity`]).
#[derive(Debug, Clone, Copy)]
struct Load {
    before: Option<f64>,
    during: Option<f64>,
    capacity: Option<f64>,
}

impl Load {
    const NONE: Load = Load { before: None, during: None, capacity: None };

    fn worst(self) -> Option<f64> {
        max(self.before, self.during)
    }

    /// The worse of two loads, phase by phase (a ratio claim measures twice).
    fn merge(self, other: Load) -> Load {
        Load {
            before: max(self.before, other.before),
            during: max(self.during, other.during),
            capacity: min(self.capacity, other.capacity),
        }
    }

    /// Phase by phase, the median of `loads` (what most rounds saw).
    fn median(loads: &[Load]) -> Load {
        let phase = |pick: fn(&Load) -> Option<f64>| {
            let seen: Vec<f64> = loads.iter().filter_map(pick).collect();
            (!seen.is_empty()).then(|| median(&seen))
        };
        Load { before: phase(|l| l.before), during: phase(|l| l.during), capacity: phase(|l| l.capacity) }
    }

    /// "1.2 before, 0.4 during the measurement; 2 threads ran as 1.96 cores".
    fn words(self) -> String {
        let show = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.1}"));
        let capacity = self.capacity.map_or(String::new(), |c| format!("; 2 threads ran as {c:.2} cores"));
        format!("{} before, {} during the measurement{capacity}", show(self.before), show(self.during))
    }
}

fn min(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A report and the load it was measured under.
#[derive(Clone)]
struct Measured {
    report: Report,
    load: Load,
}

/// Machine-wide busy time (/proc/stat) and this process tree's CPU time at one instant.
struct Counters {
    at: Instant,
    busy_ticks: u64,
    total_ticks: u64,
    cpus: usize,
    own_cpu_s: f64,
}

impl Counters {
    fn now() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let mut lines = stat.lines();
        let fields: Vec<u64> =
            lines.next()?.split_whitespace().skip(1).take(8).filter_map(|f| f.parse().ok()).collect();
        let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
        let total: u64 = fields.iter().sum();
        let cpus = lines.filter(|l| l.starts_with("cpu")).count().max(1);
        let own_cpu_s = process_cpu_time().as_secs_f64() + live_descendants_cpu_s();
        Some(Self { at: Instant::now(), busy_ticks: total - idle, total_ticks: total, cpus, own_cpu_s })
    }

    /// CPUs kept busy by programs other than this process and its children since `earlier`.
    fn elsewhere_since(&self, earlier: &Counters) -> Option<f64> {
        let total = self.total_ticks.checked_sub(earlier.total_ticks).filter(|&t| t > 0)? as f64;
        let busy = self.busy_ticks.saturating_sub(earlier.busy_ticks) as f64;
        let machine = busy / total * self.cpus as f64;
        let wall = self.at.duration_since(earlier.at).as_secs_f64();
        let own = if wall > 0.0 { (self.own_cpu_s - earlier.own_cpu_s).max(0.0) / wall } else { 0.0 };
        Some((machine - own).max(0.0))
    }
}

/// One process seen in /proc.
struct Process {
    pid: i32,
    ppid: i32,
    state: char,
    name: String,
    cpu_ticks: u64,
    exe: Option<PathBuf>,
    command: String,
}

fn processes() -> Vec<Process> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name is in parentheses and may hold spaces: read after the last ')'.
            let name = stat.get(stat.find('(')? + 1..stat.rfind(')')?)?.to_string();
            let rest: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split_whitespace().collect();
            let state = rest.first()?.chars().next()?;
            let ppid = rest.get(1)?.parse().ok()?;
            let ticks = |i: usize| rest.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
            let exe = std::fs::read_link(format!("/proc/{pid}/exe"))
                .ok()
                .map(|p| PathBuf::from(p.to_string_lossy().trim_end_matches(" (deleted)")));
            let command = std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " ").trim().to_string())
                .unwrap_or_default();
            Some(Process { pid, ppid, state, name, cpu_ticks: ticks(11) + ticks(12), exe, command })
        })
        .collect()
}

/// The pids of this process's descendants, from a snapshot of /proc.
fn descendants(all: &[Process]) -> Vec<&Process> {
    let mut tree = vec![std::process::id() as i32];
    let mut found = Vec::new();
    while let Some(parent) = tree.pop() {
        for p in all.iter().filter(|p| p.ppid == parent) {
            tree.push(p.pid);
            found.push(p);
        }
    }
    found
}

/// CPU seconds of this process's children that are still running (not yet in rusage).
fn live_descendants_cpu_s() -> f64 {
    let all = processes();
    descendants(&all).iter().map(|p| p.cpu_ticks as f64 / TICKS_PER_S).sum()
}

/// parlab processes still there: anything running the parlab binary under test, however
/// it was re-parented, and this process's children that are parlab and were never waited
/// for (zombies have no readable exe). Waits up to 2 s for processes on their way out.
fn leftovers(parlab: &Path) -> Vec<String> {
    // The kernel keeps the first 15 bytes of the program's name.
    let name: String = parlab.file_name().map_or("parlab".into(), |n| n.to_string_lossy().chars().take(15).collect());
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let all = processes();
        let ours: Vec<i32> = descendants(&all).iter().filter(|p| p.name == name).map(|p| p.pid).collect();
        let left: Vec<String> = all
            .iter()
            .filter(|p| p.exe.as_deref() == Some(parlab) || ours.contains(&p.pid))
            .map(|p| format!("pid {} [{}] {}", p.pid, p.state, if p.command.is_empty() { &p.name } else { &p.command }))
            .collect();
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A claim's figure as measured, and how it was measured.
struct Value {
    value: f64,
    /// The load of other programs seen while its measurements ran.
    load: Load,
    /// Whether its rounds agreed: the middle half of the per-round figures spans at most
    /// [`DISAGREE`] of their median, the rule behind the CLI's "rounds disagree" flag.
    steady: bool,
    /// Each point's repetitions and CPU time, printed when a timing claim misses.
    detail: String,
}

/// Measures plans, reusing a report (and its load) when two claims need the same plan.
struct Checker {
    runner: Runner,
    parlab: PathBuf,
    cache: HashMap<String, Measured>,
    /// Available CPUs.
    cpus: usize,
}

impl Checker {
    /// Measures `plan`; with `reuse`, a plan measured before is not measured again.
    fn measure(&mut self, plan: &Plan, reuse: bool) -> Result<Measured, Miss> {
        let key = serde_json::to_string(plan).expect("plans serialise");
        if let Some(measured) = self.cache.get(&key).filter(|_| reuse) {
            return Ok(measured.clone());
        }
        let probe = Counters::now();
        std::thread::sleep(LOAD_PROBE);
        let start = Counters::now();
        // Only a plan of several workers needs to know that the CPUs run as cores.
        let several = plan.workers.iter().any(|&w| w > 1) && self.cpus >= 2;
        let ahead = several.then(|| core_capacity(2, 1)).flatten();
        let cancel = AtomicBool::new(false);
        // Between the timed repetitions of several workers (one per round when the rounds
        // interleave), one probe each: the median says what most rounds ran on, as the
        // median of the per-round ratios does for the figure.
        let mut between = Vec::new();
        let event = self.runner.run(plan, &cancel, &mut |event| {
            if let RunEvent::Sample { workers, warmup: false, .. } = event
                && *workers > 1
                && several
                && let Some(cores) = core_capacity_once(2)
            {
                between.push(cores);
            }
        });
        let end = Counters::now();
        let after = several.then(|| core_capacity(2, 1)).flatten();
        // What most of the measurement ran on: the median of every probe around it and
        // between its rounds (one probe reads one half-second of a host that drifts).
        let probes: Vec<f64> = ahead.into_iter().chain(between).chain(after).collect();
        let capacity = (!probes.is_empty()).then(|| median(&probes));
        let left = leftovers(&self.parlab);
        if !left.is_empty() {
            return Err(Miss::Fail(format!("parlab processes left running after the run: {}", left.join("; "))));
        }
        let load = Load {
            before: probe.as_ref().zip(start.as_ref()).and_then(|(a, b)| b.elsewhere_since(a)),
            during: start.as_ref().zip(end.as_ref()).and_then(|(a, b)| b.elsewhere_since(a)),
            capacity,
        };
        match event {
            RunEvent::Finished(report) => {
                let measured = Measured { report: *report, load };
                self.cache.insert(key, measured.clone());
                Ok(measured)
            }
            RunEvent::Failed(why) => Err(Miss::Fail(format!("the run failed: {why}"))),
            other => Err(Miss::Fail(format!("the run ended with {other:?}"))),
        }
    }

    /// The figure the claim compares, and the load of other programs seen while
    /// its measurements ran.
    fn claim_value(&mut self, claim: &Claim, lesson_kernel: &str) -> Result<Value, Miss> {
        if !claim.metric.is_measured() {
            return pool_cpus(claim.taskset.as_deref(), &self.parlab).map(|value| Value {
                value,
                load: Load::NONE,
                steady: true,
                detail: String::new(),
            });
        }
        let figures = claim.figures(lesson_kernel);
        let mut plans = Vec::new();
        for (m, figure) in &figures {
            let spec = m.spec().ok_or_else(|| Miss::Fail(format!("unknown kernel {}", m.kernel)))?;
            plans.push((spec, figure));
        }
        let read = |figure: &parlab::lessons::Figure, report: &Report| match figure.read(report) {
            Ok(value) => Ok(value),
            Err(e) if e.is_machine_limit() => Err(Miss::Skip(Skip::Machine(e.to_string()))),
            Err(e) => Err(Miss::Fail(e.to_string())),
        };
        let [(spec, figure), (versus_spec, versus)] = plans.as_slice() else {
            // One plan: its own rounds make it robust.
            let (spec, figure) = plans.first().ok_or_else(|| Miss::Fail("the claim names no figure".into()))?;
            let measured = self.measure(&figure.plan(spec.clone(), WARMUP, REPETITIONS), true)?;
            let report = &measured.report;
            return Ok(Value {
                value: read(figure, report)?,
                load: measured.load,
                steady: !report.points.iter().any(|p| p.rounds_disagree),
                detail: rounds_detail(&[report]),
            });
        };
        // Two plans: alternating rounds, one timed repetition of each per round (the first
        // round after a warm-up); the figure is the median of the per-round ratios, and the
        // load the median of the rounds' loads (a disturbed round is left out either way).
        let timing = figures.iter().any(|(_, f)| f.metric.is_timing());
        let rounds = if timing { REPETITIONS } else { 1 };
        let (mut ratios, mut loads, mut details) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (warmup, reps) = if !timing {
                (WARMUP, REPETITIONS)
            } else if round == 0 {
                (WARMUP, 1)
            } else {
                (0, 1)
            };
            let own = self.measure(&figure.plan(spec.clone(), warmup, reps), !timing)?;
            let other = self.measure(&versus.plan(versus_spec.clone(), warmup, reps), !timing)?;
            let value = claim
                .figure_value(read(figure, &own.report)?, Some(read(versus, &other.report)?))
                .map_err(Miss::Fail)?;
            ratios.push(value);
            loads.push(own.load.merge(other.load));
            details.push(rounds_detail(&[&own.report, &other.report]));
        }
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        let detail = format!("per-round figures [{}]; {}", shown.join(", "), details.join(" | "));
        Ok(Value {
            value: median(&ratios),
            load: Load::median(&loads),
            steady: quartile_spread(&ratios) <= DISAGREE,
            detail,
        })
    }
}

/// What a timing claim that missed ran on: each point's timed repetitions and the CPU
/// time its process tree got per second of them (about the worker count when every
/// worker ran the whole time; about 1 when the workers took turns on one CPU).
fn rounds_detail(reports: &[&Report]) -> String {
    let mut parts = Vec::new();
    for report in reports {
        for point in &report.points {
            let times: Vec<String> = point.times_s.iter().map(|t| format!("{:.0}", t * 1e3)).collect();
            parts.push(format!(
                "{} x{}: [{}] ms, {:.2} cpu cores",
                point.backend,
                point.workers,
                times.join(" "),
                point.cpu_cores
            ));
        }
    }
    parts.join("; ")
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}

/// The CPU count a pool would use, from `parlab info --json`, under `taskset -c` if given.
fn pool_cpus(taskset: Option<&str>, parlab: &Path) -> Result<f64, Miss> {
    let mut command = match taskset {
        Some(list) => {
            if Command::new("taskset").arg("--version").output().is_err() {
                return Err(Miss::Skip(Skip::Machine("taskset is not installed".into())));
            }
            let mut c = Command::new("taskset");
            c.args(["-c", list]).arg(parlab);
            c
        }
        None => Command::new(parlab),
    };
    let output = command.args(["info", "--json"]).output().map_err(|e| Miss::Fail(format!("parlab info: {e}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(Miss::Skip(Skip::Machine(format!("taskset could not restrict parlab here: {}", why.trim()))));
    }
    let facts: MachineFacts =
        serde_json::from_slice(&output.stdout).map_err(|e| Miss::Fail(format!("parlab info --json: {e}")))?;
    Ok(pool_cpu_count(&facts).cpus as f64)
}

/// Whether the claim's figure depends on timings, which other programs can disturb.
fn is_timing(claim: &Claim, lesson_kernel: &str) -> bool {
    claim.figures(lesson_kernel).iter().any(|(_, figure)| figure.metric.is_timing())
}

/// Why the claim cannot be checked on a machine with `cpus` available CPUs.
fn cpus_skip(claim: &Claim, cpus: usize) -> Option<String> {
    if let Some(min) = claim.min_cpus
        && cpus < min
    {
        return Some(format!("needs {min} CPUs, this machine has {cpus} available"));
    }
    if let Some(max) = claim.max_cpus
        && cpus > max
    {
        return Some(format!("is about more threads than CPUs: needs at most {max} CPUs, this machine has {cpus}"));
    }
    None
}

/// Why a timing claim measured while other programs kept `busy` CPUs busy says nothing.
fn load_skip(claim: &Claim, timing: bool, cpus: usize, load: Load) -> Option<String> {
    // A timing claim needs its CPUs free of other work (at least one, for a claim about a
    // single worker), or it measures the other programs.
    let needed = claim.min_cpus.or(timing.then_some(1))?;
    if timing
        && needed >= 2
        && let Some(cores) = load.capacity.filter(|&c| c < TWO_FREE_CORES)
    {
        return Some(format!(
            "needs {needed} free cores, but 2 spinning threads ran as {cores:.2} cores (the median of the probes around and between its rounds): the host shares these CPUs or slows one of them now (SMT siblings or a neighbour outside this machine) ({})",
            load.words()
        ));
    }
    let busy = load.worst()?;
    ((cpus as f64 - busy) < needed as f64 - 0.5).then(|| {
        format!(
            "needs {needed} free CPUs, but other programs kept {busy:.1} of the {cpus} CPUs busy ({})",
            load.words()
        )
    })
}

/// Why a timing that misses while its rounds disagree is not judged: it was measured on an
/// unsteady machine (a burst of the host's in some rounds). A steady miss is judged.
fn unsteady_skip(claim: &Claim, timing: bool, measured: &Value) -> Option<String> {
    (timing && !measured.steady && !claim.holds(measured.value)).then(|| {
        format!(
            "its rounds disagree (the middle half of the per-round figures spans more than {:.0} % of their median: the machine was not steady); measured {:.4} against {}, not judged; what it ran on: {}",
            DISAGREE * 100.0,
            measured.value,
            claim.condition(),
            measured.detail
        )
    })
}

#[test]
fn every_claim_of_the_course_holds_on_this_machine() {
    let _alone = PROCESSES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let parlab = PathBuf::from(env!("CARGO_BIN_EXE_parlab"));
    let parlab = parlab.canonicalize().unwrap_or(parlab);
    backends::set_worker_program(&parlab);
    let course = lessons::embedded().expect("the embedded course loads");
    let filter = std::env::var("PARLAB_CLAIMS").unwrap_or_default();
    let facts = MachineFacts::detect();
    let cpus = facts.available_parallelism;
    let wants_sampler = course.lessons.iter().flat_map(|l| &l.claims).any(|c| c.metric == Metric::BusyCores);
    let sampler =
        wants_sampler.then(|| Sampler::start(Duration::from_millis(200)).ok().map(std::sync::Arc::new)).flatten();
    println!("claims measured on: {} ({cpus} CPUs available)", facts.cpu_model);
    let mut checker =
        Checker { runner: Runner::new(facts, sampler), parlab: parlab.clone(), cache: HashMap::new(), cpus };
    let started = Instant::now();
    let (mut checked, mut skipped, mut failures) = (0, 0, Vec::new());
    let (mut timing_total, mut timing_skipped, mut left_out) = (0, 0, 0);
    let mut skip_kinds = [0usize; 3];
    let before = leftovers(&parlab);
    if !before.is_empty() {
        println!("FAIL parlab processes were running before the claims started: {}", before.join("; "));
        failures.push(format!("parlab processes left by an earlier run: {}", before.join("; ")));
    }
    for (number, lesson) in course.lessons.iter().enumerate() {
        for claim in &lesson.claims {
            let label = format!("lesson {} ({}): {}", number + 1, lesson.id, claim.text);
            if !label.contains(&filter) {
                left_out += 1;
                continue;
            }
            let timing = is_timing(claim, &lesson.kernel);
            timing_total += usize::from(timing);
            let clock = Instant::now();
            let evaluate = |checker: &mut Checker| match cpus_skip(claim, cpus) {
                Some(why) => Err(Miss::Skip(Skip::Cpus(why))),
                None => checker.claim_value(claim, &lesson.kernel).and_then(|measured| {
                    let value = measured.value;
                    match load_skip(claim, timing, cpus, measured.load) {
                        // The figure is printed, but a busy machine's figure judges nothing.
                        Some(why) => Err(Miss::Skip(Skip::Load(format!(
                            "{why}; measured {value:.4} against {}, not judged",
                            claim.condition()
                        )))),
                        None => match unsteady_skip(claim, timing, &measured) {
                            Some(why) => Err(Miss::Skip(Skip::Load(why))),
                            None => Ok(measured),
                        },
                    }
                }),
            };
            let outcome = evaluate(&mut checker);
            match outcome {
                Ok(Value { value: measured, load, detail, .. }) => {
                    let holds = claim.holds(measured);
                    let elsewhere = if load.worst().is_some() {
                        format!("; CPUs busy elsewhere: {}", load.words())
                    } else {
                        String::new()
                    };
                    println!(
                        "{} {label}: measured {measured:.4}, claim {} ({:.1} s{elsewhere})",
                        if holds { "ok  " } else { "FAIL" },
                        claim.condition(),
                        clock.elapsed().as_secs_f64()
                    );
                    checked += 1;
                    if !holds && timing {
                        println!("     what it ran on: {detail}");
                    }
                    if !holds {
                        failures.push(format!("{label}: measured {measured}, claim {}", claim.condition()));
                    }
                }
                Err(Miss::Skip(skip)) => {
                    println!("SKIP {label}: {}", skip.why());
                    skipped += 1;
                    timing_skipped += usize::from(timing);
                    skip_kinds[match skip {
                        Skip::Load(_) => 0,
                        Skip::Cpus(_) => 1,
                        Skip::Machine(_) => 2,
                    }] += 1;
                }
                Err(Miss::Fail(why)) => {
                    println!("FAIL {label}: {why}");
                    checked += 1;
                    failures.push(format!("{label}: {why}"));
                }
            }
        }
    }
    let too_many_skipped = timing_skipped * 4 > timing_total;
    println!(
        "skipped: {} for load, {} for this machine's CPU count, {} that this machine could not show; \
         timing claims skipped: {timing_skipped} of {timing_total} (at most a quarter may be){}",
        skip_kinds[0],
        skip_kinds[1],
        skip_kinds[2],
        if too_many_skipped { ": TOO MANY, the course was not checked" } else { "" }
    );
    if left_out > 0 {
        println!("left out by PARLAB_CLAIMS={filter:?}: {left_out} claims");
    }
    println!("took {:.0} s", started.elapsed().as_secs_f64());
    println!("claims: {checked} checked, {skipped} skipped, {} failed", failures.len());
    assert!(checked > 0, "no claim could be checked on this machine");
    assert!(failures.is_empty(), "claims that do not hold:\n{}", failures.join("\n"));
    assert!(
        !too_many_skipped,
        "{timing_skipped} of {timing_total} timing claims were skipped: more than a quarter, so the course was not checked"
    );
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

#[test]
fn load_elsewhere_is_the_machine_s_busy_time_minus_this_process_tree_s() {
    let at = Instant::now();
    let start = Counters { at, busy_ticks: 1_000, total_ticks: 4_000, cpus: 2, own_cpu_s: 10.0 };
    // One second later: both CPUs were busy the whole time (200 of 200 ticks), and this
    // process tree used 1.5 CPU-seconds of that, so others kept 0.5 CPUs busy.
    let end =
        Counters { at: at + Duration::from_secs(1), busy_ticks: 1_200, total_ticks: 4_200, cpus: 2, own_cpu_s: 11.5 };
    approx::assert_relative_eq!(end.elsewhere_since(&start).unwrap(), 0.5, epsilon = 1e-9);
    // Half the machine idle, all of the busy half ours: nobody else.
    let quiet =
        Counters { at: at + Duration::from_secs(1), busy_ticks: 1_100, total_ticks: 4_200, cpus: 2, own_cpu_s: 11.0 };
    approx::assert_relative_eq!(quiet.elsewhere_since(&start).unwrap(), 0.0, epsilon = 1e-9);
    assert!(start.elsewhere_since(&start).is_none(), "no ticks passed: no reading");
    let load = Load { before: Some(0.2), during: Some(1.7), capacity: Some(1.96) };
    assert_eq!(load.worst(), Some(1.7), "load during the run counts, not only before it");
    let ratio = load.merge(Load { before: Some(0.9), during: None, capacity: Some(1.4) });
    assert_eq!((ratio.before, ratio.during, ratio.capacity), (Some(0.9), Some(1.7), Some(1.4)));
}

/// "threads with 2 workers exceed 1.6x", a timing claim for the verdict tests.
fn threads_speedup_claim(min_cpus: Option<usize>) -> Claim {
    Claim {
        text: "t".into(),
        kernel: None,
        size: None,
        params: Default::default(),
        backend: Some("threads".into()),
        workers: Some(2),
        metric: Metric::Speedup,
        versus: None,
        op: parlab::lessons::Op::Greater,
        value: 1.6,
        tolerance: None,
        min_cpus,
        max_cpus: None,
        taskset: None,
    }
}

#[test]
fn a_timing_claim_on_cpus_the_host_shares_is_not_judged() {
    let quiet = Load { before: Some(0.0), during: Some(0.1), capacity: Some(1.95) };
    assert!(load_skip(&threads_speedup_claim(Some(2)), true, 2, quiet).is_none(), "two real cores: judged");
    let shared = Load { capacity: Some(1.3), ..quiet };
    let why = load_skip(&threads_speedup_claim(Some(2)), true, 2, shared).expect("shared cores: skipped");
    assert!(why.contains("ran as 1.30 cores"), "{why}");
    assert!(load_skip(&threads_speedup_claim(None), true, 2, shared).is_none(), "a one-worker claim needs one core");
}

#[test]
fn a_timing_that_misses_on_rounds_that_disagree_is_not_judged_but_a_steady_miss_is() {
    let claim = threads_speedup_claim(Some(2));
    let measured = |value, steady| Value { value, load: Load::NONE, steady, detail: "threads x2: [..]".into() };
    let why = unsteady_skip(&claim, true, &measured(1.02, false)).expect("an unsteady miss is not judged");
    assert!(why.contains("rounds disagree") && why.contains("1.0200") && why.contains("threads x2"), "{why}");
    assert!(unsteady_skip(&claim, true, &measured(1.02, true)).is_none(), "a steady miss is judged (and fails)");
    assert!(unsteady_skip(&claim, true, &measured(1.9, false)).is_none(), "a pass on unsteady rounds still passes");
    assert!(
        unsteady_skip(&claim, false, &measured(1.02, false)).is_none(),
        "only timings depend on the machine's steadiness"
    );
}

#[test]
fn this_process_s_children_are_found() {
    let mut child = Command::new("sleep").arg("5").spawn().expect("sleep runs");
    let all = processes();
    let found = descendants(&all).iter().any(|p| p.pid == child.id() as i32);
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "a child of this process is one of its descendants");
    assert!(!descendants(&processes()).iter().any(|p| p.pid == child.id() as i32), "a reaped child is gone");
}

#[test]
fn a_parlab_worker_left_running_is_found() {
    let _alone = PROCESSES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let parlab = PathBuf::from(env!("CARGO_BIN_EXE_parlab"));
    let parlab = parlab.canonicalize().unwrap_or(parlab);
    // A worker waits on its stdin: while the pipe is open it stays, as a stray one would.
    let mut worker = Command::new(&parlab)
        .args(["worker", "--parent", &std::process::id().to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("parlab worker starts");
    let pid = format!("pid {} ", worker.id());
    let found = leftovers(&parlab);
    drop(worker.stdin.take());
    let stopped = worker.wait();
    assert!(found.iter().any(|p| p.starts_with(&pid) && p.contains("worker")), "{found:?}");
    assert!(stopped.is_ok());
    assert_eq!(leftovers(&parlab), Vec::<String>::new(), "a worker that was waited for is gone");
}
