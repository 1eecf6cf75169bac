//! The result of a plan: measured points with their derived figures, Amdahl fits per
//! backend, the plan and the machine. This is parlab's JSON format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Plan;
use super::rounds::{Order, RoundSpeedup};
use super::speedup::{AmdahlFit, GustafsonFit, efficiency, karp_flatt, scaled_speedup, speedup};
use super::stats::Summary;
use crate::backends::ExecStats;
use crate::kernels::Outcome;
use crate::sysmon::MachineFacts;

/// Everything a run produced; serialised as parlab's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Version of parlab that measured it.
    pub parlab_version: String,
    /// When the run started, UTC, ISO 8601.
    pub created: String,
    /// The machine it ran on.
    pub machine: MachineFacts,
    /// What was asked for.
    pub plan: Plan,
    /// Seconds the sequential reference run took (it also served to verify every outcome).
    pub reference_s: Option<f64>,
    /// One entry per (backend, workers), in the order measured.
    pub points: Vec<Point>,
    /// Amdahl fit per backend with at least two worker counts within the available CPUs.
    pub fits: Vec<Fit>,
    /// The commands measured, when the points are commands (`parlab run --cmd`) rather
    /// than a kernel: each command's name is a backend of the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<super::commands::CommandPlan>,
    /// The run was interrupted (Ctrl-C): only the points finished before are here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

/// One measured (backend, worker count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Kernel id.
    pub kernel: String,
    /// Backend id.
    pub backend: String,
    /// Worker count.
    pub workers: usize,
    /// The kernel size this point ran at, when it differs from point to point (weak
    /// scaling: the plan's size times the worker count); absent under strong scaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Wall time of every timed repetition, seconds.
    pub times_s: Vec<f64>,
    /// Median of `times_s`.
    pub median_s: f64,
    /// Fastest repetition.
    pub min_s: f64,
    /// Slowest repetition.
    pub max_s: f64,
    /// (max - min) / median.
    pub spread: f64,
    /// Spread above 5 %: the machine was busy or the work is irregular.
    pub noisy: bool,
    /// Against the same backend at 1 worker, if measured: the median of the per-round
    /// ratios when the plan ran in interleaved rounds, else the ratio of the medians. Under
    /// weak scaling, the scaled speedup p x T(1, n) / T(p, p n).
    pub speedup: Option<f64>,
    /// Against `seq`, if measured; per round like `speedup`, scaled the same way under weak
    /// scaling.
    pub speedup_vs_seq: Option<f64>,
    /// The ratio of the medians, beside a `speedup` read round by round (interleaved
    /// order); absent point after point, where `speedup` is this ratio.
    #[serde(default)]
    pub speedup_of_medians: Option<f64>,
    /// How much the rounds disagree about this point's speedup (against 1 worker, else
    /// against seq): (q3 - q1) / median of the per-round ratios; interleaved order only.
    #[serde(default)]
    pub round_spread: Option<f64>,
    /// `round_spread` above [`super::rounds::DISAGREE`]: the speedup is not to be trusted.
    #[serde(default)]
    pub rounds_disagree: bool,
    /// speedup / workers.
    pub efficiency: Option<f64>,
    /// Karp-Flatt serial fraction (undefined at 1 worker).
    pub karp_flatt: Option<f64>,
    /// Mean busy cores of the whole machine while the repetitions ran (sysmon); absent
    /// when the repetitions were shorter than one sampling interval.
    pub busy_cores: Option<f64>,
    /// Process CPU time (self and children) per repetition, median, seconds.
    pub cpu_time_s: f64,
    /// cpu_time_s / median_s: how many cores this process kept busy.
    pub cpu_cores: f64,
    /// More workers than available CPUs.
    pub oversubscribed: bool,
    /// The outcome agreed with the sequential reference and with what is known to be true.
    pub verified: bool,
    /// The kernel's outcome (of the last timed repetition).
    pub outcome: Outcome,
    /// Scalar outcome values that changed from one timed repetition to the next, one
    /// entry per repetition: e.g. the lost updates of a race, or peak memory.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub varying: BTreeMap<String, Vec<f64>>,
    /// Costs beyond time (bytes moved, start-up, lock hand-overs, per-worker busy time),
    /// from the median repetition.
    pub stats: ExecStats,
}

/// Which law a [`Fit`] fits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Law {
    /// Amdahl, T(p) = a + b / p, for strong scaling; s is the serial share of the
    /// 1-worker run.
    #[default]
    Amdahl,
    /// Gustafson, S(p) = p - s (p - 1), for weak scaling; s is the serial share of the
    /// p-worker run.
    Gustafson,
}

/// Amdahl fit (strong scaling) or Gustafson fit (weak scaling) of one backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Backend id.
    pub backend: String,
    /// The law fitted; results files from before it existed hold Amdahl fits.
    #[serde(default)]
    pub law: Law,
    /// Fitted serial fraction s, 0 to 1.
    pub serial_fraction: f64,
    /// The largest speedup this s allows (1 / s); none under Gustafson's law, whose
    /// scaled speedup has no limit.
    pub speedup_limit: Option<f64>,
    /// Fitted serial seconds (a in T(p) = a + b / p); under Gustafson's law, s times the
    /// median time of the largest worker count fitted.
    pub serial_s: f64,
    /// Fitted parallel seconds (b); under Gustafson's law, the rest of that time.
    pub parallel_s: f64,
    /// Quality of the fit.
    pub r_squared: f64,
    /// Worker counts used (those within the available CPUs).
    pub workers_used: Vec<usize>,
}

impl Fit {
    /// The speedup the fitted law predicts at `workers`: Amdahl's for a fixed size,
    /// Gustafson's scaled speedup under weak scaling.
    pub fn predicted_speedup(&self, workers: f64) -> f64 {
        match self.law {
            Law::Amdahl => super::speedup::amdahl_speedup(self.serial_fraction, workers),
            Law::Gustafson => super::speedup::gustafson_speedup(self.serial_fraction, workers),
        }
    }
}

impl Point {
    /// A point from raw repetition times; derived figures are filled by [`Report::derive`].
    pub fn new(kernel: &str, backend: &str, workers: usize, times_s: Vec<f64>) -> Self {
        let summary = Summary::of(&times_s).unwrap_or(Summary { median: 0.0, min: 0.0, max: 0.0, spread: 0.0 });
        Self {
            kernel: kernel.to_string(),
            backend: backend.to_string(),
            workers,
            size: None,
            median_s: summary.median,
            min_s: summary.min,
            max_s: summary.max,
            spread: summary.spread,
            noisy: summary.noisy(),
            times_s,
            speedup: None,
            speedup_vs_seq: None,
            speedup_of_medians: None,
            round_spread: None,
            rounds_disagree: false,
            efficiency: None,
            karp_flatt: None,
            busy_cores: None,
            cpu_time_s: 0.0,
            cpu_cores: 0.0,
            oversubscribed: false,
            verified: false,
            outcome: Outcome::default(),
            varying: BTreeMap::new(),
            stats: ExecStats::default(),
        }
    }
}

/// The scalar values that differ between `outcomes`, with their value in each.
pub fn varying_scalars(outcomes: &[Outcome]) -> BTreeMap<String, Vec<f64>> {
    let Some(first) = outcomes.first() else { return BTreeMap::new() };
    first
        .values
        .keys()
        .filter_map(|name| {
            let values: Option<Vec<f64>> = outcomes.iter().map(|o| o.scalar(name)).collect();
            let values = values?;
            values.iter().any(|v| v.to_bits() != values[0].to_bits()).then(|| (name.clone(), values))
        })
        .collect()
}

impl Report {
    /// A report of `plan` on `machine` with no point yet, stamped with this parlab's
    /// version and the current time.
    pub fn new(machine: MachineFacts, plan: Plan) -> Report {
        Report {
            parlab_version: env!("CARGO_PKG_VERSION").to_string(),
            created: utc_now(),
            machine,
            plan,
            reference_s: None,
            points: Vec::new(),
            fits: Vec::new(),
            commands: None,
            incomplete: false,
        }
    }

    /// The backends in the order they first appear.
    pub fn backends(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for p in &self.points {
            if !seen.contains(&p.backend.as_str()) {
                seen.push(&p.backend);
            }
        }
        seen
    }

    /// Points of one backend, in worker order.
    pub fn points_of(&self, backend: &str) -> Vec<&Point> {
        let mut points: Vec<&Point> = self.points.iter().filter(|p| p.backend == backend).collect();
        points.sort_by_key(|p| p.workers);
        points
    }

    /// The fit of one backend.
    pub fn fit_of(&self, backend: &str) -> Option<&Fit> {
        self.fits.iter().find(|f| f.backend == backend)
    }

    /// Several reports as one, for charts that compare them: every series is renamed
    /// `backend @ label`, and keeps the speedups, oversubscription marks and fits of its
    /// own run (each measured against its own 1-worker time, on its own machine).
    pub fn compare(reports: Vec<(String, Report)>) -> Report {
        let mut merged: Option<Report> = None;
        for (label, report) in reports {
            let rename = |backend: &str| format!("{backend} @ {label}");
            let points: Vec<Point> =
                report.points.iter().cloned().map(|p| Point { backend: rename(&p.backend), ..p }).collect();
            let fits: Vec<Fit> =
                report.fits.iter().cloned().map(|f| Fit { backend: rename(&f.backend), ..f }).collect();
            let backends: Vec<String> = report.plan.backends.iter().map(|b| rename(b)).collect();
            match &mut merged {
                None => {
                    let mut first = report;
                    first.points = points;
                    first.fits = fits;
                    first.plan.backends = backends;
                    first.commands = None;
                    merged = Some(first);
                }
                Some(all) => {
                    all.points.extend(points);
                    all.fits.extend(fits);
                    all.plan.backends.extend(backends);
                    for w in report.plan.workers {
                        if !all.plan.workers.contains(&w) {
                            all.plan.workers.push(w);
                        }
                    }
                    all.plan.workers.sort_unstable();
                    all.machine.available_parallelism =
                        all.machine.available_parallelism.max(report.machine.available_parallelism);
                }
            }
        }
        merged.expect("at least one report to compare")
    }

    /// Recomputes every derived figure (speedups, efficiency, Karp-Flatt, oversubscription,
    /// fits) from the raw times. Called after each new point, so partial reports are
    /// consistent too.
    pub fn derive(&mut self) {
        let cpus = self.machine.available_parallelism;
        let weak = self.plan.scale.is_weak();
        let reference = crate::backends::reference_id();
        let rounds = self.plan.order == Order::Interleaved;
        let seq: Option<(f64, Vec<f64>)> = self
            .points
            .iter()
            .find(|p| p.backend == reference && p.workers == 1)
            .map(|p| (p.median_s, p.times_s.clone()));
        let base: Vec<(String, f64, Vec<f64>)> = self
            .points
            .iter()
            .filter(|p| p.workers == 1)
            .map(|p| (p.backend.clone(), p.median_s, p.times_s.clone()))
            .collect();
        for point in &mut self.points {
            let own = base.iter().find(|(b, _, _)| *b == point.backend).map(|(_, t, times)| (*t, times.clone()));
            // Against a base: the median of per-round ratios in rounds, else the ratio of medians.
            let against = |base: &Option<(f64, Vec<f64>)>| {
                let (median, times) = base.as_ref()?;
                // Weak scaling: p workers did p times the work, so compare work rates.
                let rate = if weak { point.workers as f64 } else { 1.0 };
                let of_medians = if weak {
                    scaled_speedup(*median, point.median_s, point.workers)
                } else {
                    speedup(*median, point.median_s)
                };
                let paired = rounds
                    .then(|| RoundSpeedup::of(times, &point.times_s))
                    .flatten()
                    .map(|r| RoundSpeedup { median: r.median * rate, ..r });
                Some((paired.map_or(of_medians, |r| r.median), of_medians, paired))
            };
            let (own, vs_seq) = (against(&own), against(&seq));
            point.speedup = own.map(|(s, _, _)| s);
            point.speedup_vs_seq = vs_seq.map(|(s, _, _)| s);
            point.speedup_of_medians = own.filter(|(_, _, paired)| paired.is_some()).map(|(_, m, _)| m);
            // The rounds of the point's own comparison: against 1 worker, else against seq.
            let is_base = point.workers == 1;
            let is_seq = is_base && point.backend == reference;
            let compared = match (own, vs_seq) {
                (Some((_, _, paired)), _) if !is_base => paired,
                (_, Some((_, _, paired))) if !is_seq => paired,
                _ => None,
            };
            point.round_spread = compared.map(|r| r.spread);
            point.rounds_disagree = compared.is_some_and(|r| r.disagrees());
            point.efficiency = point.speedup.map(|s| efficiency(s, point.workers));
            // Karp-Flatt reads a fixed-size speedup; it says nothing of a scaled one.
            point.karp_flatt = if weak { None } else { point.speedup.and_then(|s| karp_flatt(s, point.workers)) };
            point.oversubscribed = point.workers > cpus;
            point.cpu_cores = if point.median_s > 0.0 { point.cpu_time_s / point.median_s } else { 0.0 };
        }
        self.fits = self
            .backends()
            .into_iter()
            .filter_map(|backend| {
                let within: Vec<&Point> = self.points_of(backend).into_iter().filter(|p| p.workers <= cpus).collect();
                if weak {
                    let used: Vec<(usize, f64)> =
                        within.iter().filter_map(|p| p.speedup.map(|s| (p.workers, s))).collect();
                    let largest = within.iter().filter(|p| p.speedup.is_some()).max_by_key(|p| p.workers)?;
                    let fit = GustafsonFit::fit(&used)?;
                    return Some(Fit {
                        backend: backend.to_string(),
                        law: Law::Gustafson,
                        serial_fraction: fit.serial_fraction,
                        speedup_limit: None,
                        serial_s: fit.serial_fraction * largest.median_s,
                        parallel_s: (1.0 - fit.serial_fraction) * largest.median_s,
                        r_squared: fit.r_squared,
                        workers_used: used.iter().map(|&(p, _)| p).collect(),
                    });
                }
                let used: Vec<(usize, f64)> = within.iter().map(|p| (p.workers, p.median_s)).collect();
                AmdahlFit::fit(&used).map(|fit| Fit {
                    backend: backend.to_string(),
                    law: Law::Amdahl,
                    serial_fraction: fit.serial_fraction,
                    speedup_limit: fit.speedup_limit().is_finite().then(|| fit.speedup_limit()),
                    serial_s: fit.serial_s,
                    parallel_s: fit.parallel_s,
                    r_squared: fit.r_squared,
                    workers_used: used.iter().map(|&(p, _)| p).collect(),
                })
            })
            .collect();
    }
}

/// Why a report read back from a file cannot be shown: the field at fault, e.g.
/// `points[2].median_s: -1 is not a positive number of seconds`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct ReportError {
    /// Path of the field, as in the JSON (`points[0].workers`).
    pub field: String,
    /// What is wrong with it.
    pub why: String,
}

fn bad(field: impl Into<String>, why: impl Into<String>) -> ReportError {
    ReportError { field: field.into(), why: why.into() }
}

/// A time in seconds: finite and above zero.
fn seconds(field: &str, value: f64) -> Result<(), ReportError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(bad(field, format!("{value} is not a positive number of seconds")))
    }
}

/// A quantity that may be zero: finite and not negative.
fn not_negative(field: &str, value: f64) -> Result<(), ReportError> {
    if value.is_finite() && value >= 0.0 { Ok(()) } else { Err(bad(field, format!("{value} must be 0 or more"))) }
}

/// A ratio: finite and above zero.
fn ratio(field: &str, value: Option<f64>) -> Result<(), ReportError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(bad(field, format!("{v} is not a positive ratio"))),
        _ => Ok(()),
    }
}

impl Report {
    /// Checks a report read back from a file as strictly as `parlab run` checks a fresh
    /// one: known kernel and backends, worker counts from 1 to [`super::MAX_WORKERS`], at
    /// least one point, positive finite times with min <= median <= max, and derived
    /// figures that are finite. A fresh report always passes.
    pub fn validate(&self) -> Result<(), ReportError> {
        let kernel = &self.plan.spec.kernel;
        if crate::kernels::find(kernel).is_none() {
            return Err(bad(
                "plan.spec.kernel",
                format!("unknown kernel '{kernel}'; valid kernels: {}", crate::kernels::ids().join(", ")),
            ));
        }
        for (i, backend) in self.plan.backends.iter().enumerate() {
            known_backend(&format!("plan.backends[{i}]"), backend)?;
        }
        for (i, &workers) in self.plan.workers.iter().enumerate() {
            worker_count(&format!("plan.workers[{i}]"), workers)?;
        }
        if self.plan.repetitions == 0 {
            return Err(bad("plan.repetitions", "must be at least 1"));
        }
        if self.machine.available_parallelism == 0 {
            return Err(bad("machine.available_parallelism", "must be at least 1"));
        }
        if let Some(reference) = self.reference_s {
            seconds("reference_s", reference)?;
        }
        if self.points.is_empty() {
            return Err(bad("points", "the report has no measured points"));
        }
        for (i, point) in self.points.iter().enumerate() {
            point.validate(&format!("points[{i}]"), kernel)?;
            if self.points[..i].iter().any(|p| p.backend == point.backend && p.workers == point.workers) {
                return Err(bad(
                    format!("points[{i}]"),
                    format!("{} at {} workers is measured twice", point.backend, point.workers),
                ));
            }
        }
        for (i, fit) in self.fits.iter().enumerate() {
            let at = |field: &str| format!("fits[{i}].{field}");
            if !self.points.iter().any(|p| p.backend == fit.backend) {
                return Err(bad(at("backend"), format!("'{}' has no measured points", fit.backend)));
            }
            if !(0.0..=1.0).contains(&fit.serial_fraction) {
                return Err(bad(at("serial_fraction"), format!("{} is not between 0 and 1", fit.serial_fraction)));
            }
            ratio(&at("speedup_limit"), fit.speedup_limit)?;
            for (name, value) in [("serial_s", fit.serial_s), ("parallel_s", fit.parallel_s)] {
                if !value.is_finite() {
                    return Err(bad(at(name), format!("{value} is not a finite number of seconds")));
                }
            }
            if !fit.r_squared.is_finite() {
                return Err(bad(at("r_squared"), format!("{} is not a finite number", fit.r_squared)));
            }
            for (j, &workers) in fit.workers_used.iter().enumerate() {
                worker_count(&at(&format!("workers_used[{j}]")), workers)?;
            }
        }
        Ok(())
    }
}

fn known_backend(field: &str, backend: &str) -> Result<(), ReportError> {
    if crate::backends::find(backend).is_some() {
        Ok(())
    } else {
        Err(bad(field, format!("unknown backend '{backend}'; valid backends: {}", crate::backends::ids().join(", "))))
    }
}

fn worker_count(field: &str, workers: usize) -> Result<(), ReportError> {
    if (1..=super::MAX_WORKERS).contains(&workers) {
        Ok(())
    } else {
        Err(bad(field, format!("{workers} is not a valid worker count (1 to {})", super::MAX_WORKERS)))
    }
}

impl Point {
    /// Checks one point read back from a file; `at` names it (`points[3]`).
    fn validate(&self, at: &str, kernel: &str) -> Result<(), ReportError> {
        let field = |name: &str| format!("{at}.{name}");
        if self.kernel != kernel {
            return Err(bad(field("kernel"), format!("'{}' differs from the plan's kernel '{kernel}'", self.kernel)));
        }
        known_backend(&field("backend"), &self.backend)?;
        worker_count(&field("workers"), self.workers)?;
        if self.times_s.is_empty() {
            return Err(bad(field("times_s"), "no timed repetitions"));
        }
        for (i, &t) in self.times_s.iter().enumerate() {
            seconds(&field(&format!("times_s[{i}]")), t)?;
        }
        seconds(&field("median_s"), self.median_s)?;
        seconds(&field("min_s"), self.min_s)?;
        seconds(&field("max_s"), self.max_s)?;
        if !(self.min_s <= self.median_s && self.median_s <= self.max_s) {
            return Err(bad(
                field("median_s"),
                format!("{} is not between min_s {} and max_s {}", self.median_s, self.min_s, self.max_s),
            ));
        }
        let (low, high) = self.times_s.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        if low < self.min_s || high > self.max_s {
            return Err(bad(
                field("times_s"),
                format!("runs from {low} to {high} s, outside min_s {} and max_s {}", self.min_s, self.max_s),
            ));
        }
        not_negative(&field("spread"), self.spread)?;
        ratio(&field("speedup"), self.speedup)?;
        ratio(&field("speedup_vs_seq"), self.speedup_vs_seq)?;
        ratio(&field("speedup_of_medians"), self.speedup_of_medians)?;
        if let Some(spread) = self.round_spread {
            not_negative(&field("round_spread"), spread)?;
        }
        ratio(&field("efficiency"), self.efficiency)?;
        if let Some(k) = self.karp_flatt
            && !k.is_finite()
        {
            return Err(bad(field("karp_flatt"), format!("{k} is not a finite number")));
        }
        if let Some(busy) = self.busy_cores {
            not_negative(&field("busy_cores"), busy)?;
        }
        not_negative(&field("cpu_time_s"), self.cpu_time_s)?;
        not_negative(&field("cpu_cores"), self.cpu_cores)?;
        for (name, values) in &self.varying {
            if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                return Err(bad(field(&format!("varying.{name}")), format!("{v} is not a finite number")));
            }
        }
        Ok(())
    }
}

/// Today's date and time, UTC, as ISO 8601 (e.g. 2026-11-22T10:04:05Z).
pub fn utc_now() -> String {
    utc(std::time::SystemTime::now())
}

/// A time, UTC, as ISO 8601 (e.g. 2026-11-22T10:04:05Z).
pub fn utc(time: std::time::SystemTime) -> String {
    let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changing_scalars_vary() {
        use crate::kernels::Value;
        let outcome = |lost: u64| {
            Outcome::default()
                .with("expected", Value::Int(10))
                .with("lost", Value::Int(lost))
                .with("v", Value::Ints(vec![]))
        };
        let varying = varying_scalars(&[outcome(3), outcome(0), outcome(3)]);
        assert_eq!(varying.len(), 1);
        assert_eq!(varying["lost"], vec![3.0, 0.0, 3.0]);
        assert!(varying_scalars(&[outcome(1), outcome(1)]).is_empty());
        assert!(varying_scalars(&[]).is_empty());
    }

    #[test]
    fn weak_scaling_reports_scaled_speedups_and_a_gustafson_fit() {
        use crate::kernels::KernelSpec;
        use crate::measure::{Plan, Scale};
        let spec = KernelSpec { size: 1000, ..KernelSpec::new("pi").unwrap() };
        let plan = Plan {
            spec,
            backends: vec!["threads".into()],
            workers: vec![1, 2, 4],
            warmup: 0,
            repetitions: 1,
            scale: Scale::Weak,
            order: Order::Sequential,
        };
        let mut machine = MachineFacts::detect();
        machine.available_parallelism = 4;
        let mut report = Report::new(machine, plan);
        // Gustafson with s = 0.25: T(p, p n) = p T(1, n) / (p - s (p - 1)).
        for p in [1usize, 2, 4] {
            let t = p as f64 * 2.0 / (p as f64 - 0.25 * (p as f64 - 1.0));
            let mut point = Point::new("pi", "threads", p, vec![t]);
            point.size = Some(report.plan.size_at(p));
            report.points.push(point);
        }
        report.derive();
        let sizes: Vec<Option<u64>> = report.points.iter().map(|p| p.size).collect();
        assert_eq!(sizes, [Some(1000), Some(2000), Some(4000)]);
        let four = &report.points[2];
        assert!((four.speedup.unwrap() - (4.0 - 0.25 * 3.0)).abs() < 1e-12, "{four:?}");
        assert!((four.efficiency.unwrap() - 3.25 / 4.0).abs() < 1e-12);
        assert_eq!(four.karp_flatt, None, "Karp-Flatt is for a fixed size");
        let fit = report.fit_of("threads").unwrap();
        assert_eq!(fit.law, Law::Gustafson);
        assert!((fit.serial_fraction - 0.25).abs() < 1e-12, "{fit:?}");
        assert_eq!(fit.speedup_limit, None);
        assert!((fit.predicted_speedup(4.0) - 3.25).abs() < 1e-12);
        report.validate().unwrap();
        // It goes through results.json and back, scale and law included.
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains("\"scale\":\"weak\"") && text.contains("\"law\":\"gustafson\""));
        assert_eq!(serde_json::from_str::<Report>(&text).unwrap(), report);
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_414), (2025, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
