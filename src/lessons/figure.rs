//! One model of the figures that predict exercises ask for and claims state: what each
//! metric is ([`Metric::about`]), which points a figure needs measured ([`Figure::plan`]),
//! how it is read from a [`Report`] ([`Figure::read`], an error when it is not there),
//! and how it is graded ([`Op`]). The Exercises screen, `parlab lessons check` and
//! `tests/claims.rs` all go through it.
//!
//! Adding a metric is one variant of [`Metric`] and its arm in [`Metric::about`] (plus
//! its name in [`Metric::PLAIN`] when it takes no argument): nothing outside this file.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::backends::{self, ExecStats};
use crate::kernels::KernelSpec;
use crate::measure::{Order, Plan, Point, Report, Scale};

/// A figure a prediction or a claim is about; written as a string in the manifest
/// (`speedup`, `outcome:lost_updates`, `stats:messages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Metric {
    /// `time`: median wall time, seconds.
    Time,
    /// `speedup`: against the same backend at 1 worker.
    Speedup,
    /// `speedup_vs_seq`: against seq.
    SpeedupVsSeq,
    /// `efficiency`: speedup / workers.
    Efficiency,
    /// `scaled_speedup`: weak scaling's p x T(1, n) / T(p, p n), measured with the size
    /// grown with the workers (`--scale weak`).
    ScaledSpeedup,
    /// `scaled_efficiency`: scaled speedup / workers, T(1, n) / T(p, p n).
    ScaledEfficiency,
    /// `karp_flatt`: the Karp-Flatt serial fraction at `workers`.
    KarpFlatt,
    /// `serial_fraction`: the Amdahl fit over the backend's points within the CPUs (1 and
    /// `workers`); when no fit could be made, the Karp-Flatt figure of the point.
    SerialFraction,
    /// `cpu_cores`: process CPU time / wall time (how many cores this run kept busy).
    CpuCores,
    /// `busy_cores`: mean busy cores of the whole machine while the point ran.
    BusyCores,
    /// `outcome:NAME`: a scalar of the kernel's outcome, the largest over the timed
    /// repetitions (e.g. `outcome:lost_updates`).
    Outcome(String),
    /// `stats:FIELD`: a cost the backend reports (e.g. `stats:messages`), median repetition.
    Stats(String),
    /// `pool_cpus`: the CPU count a pool would use, as `parlab info` reports it (claims
    /// only, run under `taskset -c` when the claim has `taskset`); not read from a report.
    PoolCpus,
}

/// What a figure is measured against, which decides the points it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The point alone.
    Nothing,
    /// The same backend at 1 worker.
    OneWorker,
    /// The seq backend.
    Seq,
}

/// How a value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// "1.93x".
    Ratio,
    /// "0.62".
    Fraction,
    /// "1.1 cores".
    Cores,
    /// "0.0123 s".
    Seconds,
    /// "785398" or "3.1416".
    Number,
    /// "2 CPUs".
    Cpus,
}

/// Where a figure's value comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// A field of the point, `None` when it could not be worked out.
    Point(fn(&Point) -> Option<f64>),
    /// The backend's Amdahl fit, else the point's Karp-Flatt figure.
    Fit,
    /// The sampled busy cores of the point.
    Sampled,
    /// A named scalar of the kernel's outcome (the metric's argument).
    Outcome,
    /// A field of the backend's costs (the metric's argument).
    Stats,
    /// Not in a report at all (asked of `parlab info`).
    Machine,
}

/// Everything the code needs to know about one metric.
#[derive(Debug, Clone, Copy)]
pub struct About {
    /// The manifest's spelling (before `:ARG` for metrics with an argument).
    pub name: &'static str,
    /// A short label for lists, e.g. "speedup vs seq".
    pub label: &'static str,
    /// The figure in words; `{b}`, `{w}` and `{arg}` stand for backend, workers, argument.
    pub words: &'static str,
    /// How values are shown.
    pub unit: Unit,
    /// The points measured besides the figure's own.
    pub against: Against,
    /// Whether timings decide the figure, so that other programs can disturb it.
    pub timing: bool,
    /// Whether it tells how the time scales with workers (its ideal is the worker count).
    pub scaling: bool,
    /// How far off a prediction may be when the manifest gives no tolerance; `None`: the
    /// manifest must give one.
    pub default_tolerance: Option<f64>,
    /// Whether a share line carries it (it follows from the medians and the fits alone),
    /// so that a pair exercise can ask for it.
    pub shared: bool,
    /// How the figure's plan sizes its points: weak for the scaled metrics.
    pub scale: Scale,
    /// Where the value is read.
    pub source: Source,
}

impl Metric {
    /// The metrics without an argument, in the order error messages list them.
    pub const PLAIN: &[Metric] = &[
        Metric::Time,
        Metric::Speedup,
        Metric::SpeedupVsSeq,
        Metric::Efficiency,
        Metric::ScaledSpeedup,
        Metric::ScaledEfficiency,
        Metric::KarpFlatt,
        Metric::SerialFraction,
        Metric::CpuCores,
        Metric::BusyCores,
        Metric::PoolCpus,
    ];

    /// The one place that says what each metric is.
    pub fn about(&self) -> About {
        let about = |name, label, words, unit, against, timing, default_tolerance, source| About {
            name,
            label,
            words,
            unit,
            against,
            timing,
            scaling: false,
            default_tolerance,
            shared: false,
            scale: Scale::Strong,
            source,
        };
        use Against::{Nothing, OneWorker, Seq};
        match self {
            Metric::Time => About {
                shared: true,
                ..about(
                    "time",
                    "time",
                    "median time of {b} ×{w}",
                    Unit::Seconds,
                    Nothing,
                    true,
                    None,
                    Source::Point(|p| Some(p.median_s)),
                )
            },
            Metric::Speedup => About {
                scaling: true,
                shared: true,
                ..about(
                    "speedup",
                    "speedup",
                    "speedup of {b} ×{w} over {b} ×1",
                    Unit::Ratio,
                    OneWorker,
                    true,
                    Some(0.3),
                    Source::Point(|p| p.speedup),
                )
            },
            Metric::SpeedupVsSeq => About {
                scaling: true,
                shared: true,
                ..about(
                    "speedup_vs_seq",
                    "speedup vs seq",
                    "speedup of {b} ×{w} over seq",
                    Unit::Ratio,
                    Seq,
                    true,
                    Some(0.3),
                    Source::Point(|p| p.speedup_vs_seq),
                )
            },
            Metric::Efficiency => About {
                scaling: true,
                shared: true,
                ..about(
                    "efficiency",
                    "efficiency",
                    "efficiency of {b} ×{w} (speedup ÷ {w} workers)",
                    Unit::Fraction,
                    OneWorker,
                    true,
                    Some(0.15),
                    Source::Point(|p| p.efficiency),
                )
            },
            Metric::ScaledSpeedup => About {
                scaling: true,
                scale: Scale::Weak,
                ..about(
                    "scaled_speedup",
                    "scaled speedup",
                    "scaled speedup of {b} ×{w} on {w} times the size (weak scaling)",
                    Unit::Ratio,
                    OneWorker,
                    true,
                    Some(0.3),
                    Source::Point(|p| p.speedup),
                )
            },
            Metric::ScaledEfficiency => About {
                scaling: true,
                scale: Scale::Weak,
                ..about(
                    "scaled_efficiency",
                    "scaled efficiency",
                    "efficiency of {b} ×{w} on {w} times the size (weak scaling: scaled speedup ÷ {w})",
                    Unit::Fraction,
                    OneWorker,
                    true,
                    Some(0.15),
                    Source::Point(|p| p.efficiency),
                )
            },
            Metric::KarpFlatt => About {
                shared: true,
                ..about(
                    "karp_flatt",
                    "Karp-Flatt",
                    "Karp-Flatt serial fraction of {b} ×{w}",
                    Unit::Fraction,
                    OneWorker,
                    true,
                    Some(0.1),
                    Source::Point(|p| p.karp_flatt),
                )
            },
            Metric::SerialFraction => About {
                shared: true,
                ..about(
                    "serial_fraction",
                    "serial fraction",
                    "serial fraction of {b} fitted from ×1 and ×{w} (Amdahl)",
                    Unit::Fraction,
                    OneWorker,
                    true,
                    Some(0.1),
                    Source::Fit,
                )
            },
            Metric::CpuCores => about(
                "cpu_cores",
                "cpu cores",
                "cores this process kept busy while {b} ×{w} ran",
                Unit::Cores,
                Nothing,
                true,
                Some(0.5),
                Source::Point(|p| Some(p.cpu_cores)),
            ),
            Metric::BusyCores => about(
                "busy_cores",
                "busy cores",
                "busy cores while {b} ×{w} runs",
                Unit::Cores,
                Nothing,
                true,
                Some(0.5),
                Source::Sampled,
            ),
            Metric::Outcome(_) => {
                about("outcome", "outcome", "{arg} of {b} ×{w}", Unit::Number, Nothing, false, None, Source::Outcome)
            }
            Metric::Stats(_) => about(
                "stats",
                "backend cost",
                "{arg} that {b} ×{w} reports",
                Unit::Number,
                Nothing,
                false,
                None,
                Source::Stats,
            ),
            Metric::PoolCpus => about(
                "pool_cpus",
                "pool CPUs",
                "CPUs a pool would use",
                Unit::Cpus,
                Nothing,
                false,
                None,
                Source::Machine,
            ),
        }
    }

    /// The argument of `outcome:NAME` and `stats:FIELD`.
    pub fn argument(&self) -> Option<&str> {
        match self {
            Metric::Outcome(arg) | Metric::Stats(arg) => Some(arg),
            _ => None,
        }
    }

    /// Whether the figure is measured against the same backend at 1 worker.
    pub fn needs_one_worker(&self) -> bool {
        self.about().against == Against::OneWorker
    }

    /// Whether timings decide the figure.
    pub fn is_timing(&self) -> bool {
        self.about().timing
    }

    /// Whether the figure is read from a measurement's report.
    pub fn is_measured(&self) -> bool {
        !matches!(self.about().source, Source::Machine)
    }

    /// A short label, e.g. "speedup vs seq".
    pub fn label(&self) -> &'static str {
        self.about().label
    }

    /// A value with its unit, e.g. "1.93x".
    pub fn format(&self, value: f64) -> String {
        match self.about().unit {
            Unit::Ratio => format!("{value:.2}x"),
            Unit::Fraction => format!("{value:.2}"),
            Unit::Cores => format!("{value:.1} cores"),
            Unit::Seconds => format!("{value:.4} s"),
            Unit::Number if value.fract() == 0.0 && value.abs() < 1e15 => format!("{value:.0}"),
            Unit::Number => format!("{value:.4}"),
            Unit::Cpus => format!("{value:.0} CPUs"),
        }
    }
}

impl TryFrom<String> for Metric {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if let Some(name) = text.strip_prefix("outcome:") {
            return if name.is_empty() {
                Err("metric 'outcome:' needs a name, e.g. outcome:lost_updates".into())
            } else {
                Ok(Self::Outcome(name.to_string()))
            };
        }
        if let Some(field) = text.strip_prefix("stats:") {
            return if STATS.iter().any(|s| s.name == field) {
                Ok(Self::Stats(field.to_string()))
            } else {
                Err(format!("unknown stats field '{field}'; valid fields: {}", stats_fields().join(", ")))
            };
        }
        Self::PLAIN.iter().find(|m| m.about().name == text).cloned().ok_or_else(|| {
            let names: Vec<&str> = Self::PLAIN.iter().map(|m| m.about().name).collect();
            format!("unknown metric '{text}'; valid metrics: {}, outcome:NAME, stats:FIELD", names.join(", "))
        })
    }
}

impl From<Metric> for String {
    fn from(metric: Metric) -> String {
        metric.to_string()
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.argument() {
            Some(arg) => write!(f, "{}:{arg}", self.about().name),
            None => f.write_str(self.about().name),
        }
    }
}

/// One backend cost a `stats:FIELD` metric can name, and how it is read.
pub struct StatsField {
    /// The name after `stats:`, as `ExecStats` spells it.
    pub name: &'static str,
    /// The value, `None` when the backend did not report it.
    pub read: fn(&ExecStats) -> Option<f64>,
}

/// The backend costs `stats:FIELD` can name: the numeric fields of `ExecStats`.
pub const STATS: &[StatsField] = &[
    StatsField { name: "startup_s", read: |s| s.startup_s },
    StatsField { name: "messages", read: |s| Some(s.messages as f64) },
    StatsField { name: "bytes_sent", read: |s| Some(s.bytes_sent as f64) },
    StatsField { name: "bytes_received", read: |s| Some(s.bytes_received as f64) },
    StatsField { name: "encode_s", read: |s| s.encode_s },
    StatsField { name: "transfer_s", read: |s| s.transfer_s },
    StatsField { name: "lock_handovers", read: |s| Some(s.lock_handovers as f64) },
    StatsField { name: "result_bytes", read: |s| Some(s.result_bytes as f64) },
];

/// The names of [`STATS`].
pub fn stats_fields() -> Vec<&'static str> {
    STATS.iter().map(|s| s.name).collect()
}

/// Why a figure could not be read from a report.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FigureError {
    /// The point is not in the report.
    #[error("{backend} ×{workers} was not measured")]
    NotMeasured { backend: String, workers: usize },
    /// The point is there but the figure could not be derived from it.
    #[error("the {what} of {backend} ×{workers} could not be worked out")]
    NotDerived { what: &'static str, backend: String, workers: usize },
    /// The cores were not sampled while the point ran.
    #[error(
        "the busy cores were not sampled: each repetition was shorter than a sampling interval (0.25 s); measure a larger size"
    )]
    NotSampled,
    /// The outcome has no scalar of that name.
    #[error("the outcome has no number named '{name}': {outcome}")]
    NoOutcome { name: String, outcome: String },
    /// No stats field of that name exists.
    #[error("the report has no stats field '{field}'; valid fields: {}", stats_fields().join(", "))]
    NoStatsField { field: String },
    /// The backend did not report that cost.
    #[error("{backend} ×{workers} did not report stats:{field}")]
    StatsNotReported { field: String, backend: String, workers: usize },
    /// The metric is not read from a report.
    #[error("{metric} is not read from a measurement")]
    NotInReport { metric: String },
}

impl FigureError {
    /// Whether this machine or run could not show the figure (a claim is skipped, with
    /// the reason), rather than the figure being wrong or missing (a claim fails).
    pub fn is_machine_limit(&self) -> bool {
        matches!(self, FigureError::NotSampled)
    }
}

/// One figure: a metric of one backend × workers point.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What is measured.
    pub metric: Metric,
    /// Backend of the point.
    pub backend: String,
    /// Worker count of the point.
    pub workers: usize,
}

impl Figure {
    /// The backends to measure: seq first when the figure is against seq.
    pub fn backends(&self) -> Vec<String> {
        let mut backends = Vec::new();
        let reference = backends::reference_id();
        if self.metric.about().against == Against::Seq && self.backend != reference {
            backends.push(reference.to_string());
        }
        backends.push(self.backend.clone());
        backends
    }

    /// The worker counts to measure: 1 too when the figure is against 1 worker.
    pub fn worker_counts(&self) -> Vec<usize> {
        if self.metric.needs_one_worker() && self.workers > 1 { vec![1, self.workers] } else { vec![self.workers] }
    }

    /// The plan that measures the figure for `spec`.
    pub fn plan(&self, spec: KernelSpec, warmup: u32, repetitions: u32) -> Plan {
        let scale = self.metric.about().scale;
        Plan {
            spec,
            backends: self.backends(),
            workers: self.worker_counts(),
            warmup,
            repetitions,
            scale,
            order: Order::Interleaved,
        }
    }

    /// The figure's point in `report` (a backend with a fixed worker count, seq, runs at
    /// that count whatever was asked).
    pub fn point<'r>(&self, report: &'r Report) -> Option<&'r Point> {
        let fixed = backends::find(&self.backend).and_then(|b| b.fixed_workers()).is_some();
        report.points.iter().find(|p| p.backend == self.backend && (p.workers == self.workers || fixed))
    }

    /// The figure's value in `report`; an error when the report does not hold it, never a
    /// stand-in value.
    pub fn read(&self, report: &Report) -> Result<f64, FigureError> {
        if !self.metric.is_measured() {
            return Err(FigureError::NotInReport { metric: self.metric.to_string() });
        }
        let point = self
            .point(report)
            .ok_or_else(|| FigureError::NotMeasured { backend: self.backend.clone(), workers: self.workers })?;
        let about = self.metric.about();
        let not_derived =
            || FigureError::NotDerived { what: about.label, backend: self.backend.clone(), workers: self.workers };
        let arg = self.metric.argument().unwrap_or_default();
        match about.source {
            Source::Point(read) => read(point).ok_or_else(not_derived),
            Source::Fit => {
                report.fit_of(&self.backend).map(|f| f.serial_fraction).or(point.karp_flatt).ok_or_else(not_derived)
            }
            Source::Sampled => point.busy_cores.ok_or(FigureError::NotSampled),
            Source::Outcome => match point.varying.get(arg) {
                Some(values) if !values.is_empty() => Ok(values.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
                _ => point.outcome.scalar(arg).ok_or_else(|| FigureError::NoOutcome {
                    name: arg.to_string(),
                    outcome: point.outcome.to_string(),
                }),
            },
            Source::Stats => {
                let field = STATS
                    .iter()
                    .find(|s| s.name == arg)
                    .ok_or_else(|| FigureError::NoStatsField { field: arg.to_string() })?;
                (field.read)(&point.stats).ok_or_else(|| FigureError::StatsNotReported {
                    field: arg.to_string(),
                    backend: self.backend.clone(),
                    workers: self.workers,
                })
            }
            Source::Machine => Err(FigureError::NotInReport { metric: self.metric.to_string() }),
        }
    }

    /// The figure in words, e.g. "speedup of gil ×2 over gil ×1".
    pub fn words(&self) -> String {
        self.metric
            .about()
            .words
            .replace("{b}", &self.backend)
            .replace("{w}", &self.workers.to_string())
            .replace("{arg}", self.metric.argument().unwrap_or_default())
    }

    /// What is wrong with the figure as a course states it, in words (empty: nothing).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.metric.is_measured() {
            problems.push(format!("metric {} is not read from a measurement", self.metric));
            return problems;
        }
        match backends::find(&self.backend) {
            None => problems.push(format!(
                "unknown backend '{}'; valid backends: {}",
                self.backend,
                backends::ids().join(", ")
            )),
            Some(backend) if self.workers > 1 && backend.fixed_workers().is_some() => {
                problems.push(format!("backend '{}' always runs with 1 worker", self.backend))
            }
            Some(_) => {}
        }
        if self.workers == 0 || self.workers > crate::measure::MAX_WORKERS {
            problems.push(format!(
                "{} is not a valid worker count (1 to {})",
                self.workers,
                crate::measure::MAX_WORKERS
            ));
        } else if self.metric.about().source.is_fit() && self.workers < 2 {
            problems.push(format!("{} needs workers of 2 or more to fit", self.metric));
        }
        problems
    }
}

impl Source {
    fn is_fit(self) -> bool {
        matches!(self, Source::Fit)
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Less than.
    #[serde(rename = "<")]
    Less,
    /// At most.
    #[serde(rename = "<=")]
    AtMost,
    /// Greater than.
    #[serde(rename = ">")]
    Greater,
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// Exactly equal.
    #[serde(rename = "==")]
    Equal,
    /// Within a tolerance (a claim's `tolerance`, a prediction's).
    #[serde(rename = "~=")]
    Near,
}

impl Op {
    /// Whether `measured op value` holds; `tolerance` is used by `~=` only, with a
    /// rounding slack so that 1.3 against 1.0 is within 0.3.
    pub fn holds(self, measured: f64, value: f64, tolerance: f64) -> bool {
        match self {
            Op::Less => measured < value,
            Op::AtMost => measured <= value,
            Op::Greater => measured > value,
            Op::AtLeast => measured >= value,
            Op::Equal => measured == value,
            Op::Near => (measured - value).abs() <= tolerance + 1e-9,
        }
    }

    /// The operator as written in the manifest.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Less => "<",
            Op::AtMost => "<=",
            Op::Greater => ">",
            Op::AtLeast => ">=",
            Op::Equal => "==",
            Op::Near => "~=",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(metric: Metric, backend: &str, workers: usize) -> Figure {
        Figure { metric, backend: backend.into(), workers }
    }

    /// A report of gil at 1 and 2 workers (1.0 s and 0.8 s) beside seq (0.9 s).
    fn report() -> Report {
        let plan = figure(Metric::SpeedupVsSeq, "gil", 2).plan(
            KernelSpec { kernel: "pi".into(), size: 1000, seed: 42, params: Default::default() },
            0,
            3,
        );
        let mut report = Report { reference_s: Some(0.9), ..Report::new(crate::sysmon::MachineFacts::detect(), plan) };
        report.machine.available_parallelism = 2;
        report.machine.logical_cores = 2;
        for (backend, workers, seconds, busy) in [("seq", 1, 0.9, 1.0), ("gil", 1, 1.0, 1.0), ("gil", 2, 0.8, 1.1)] {
            let mut p = Point::new("pi", backend, workers, vec![seconds; 3]);
            p.busy_cores = Some(busy);
            p.cpu_time_s = seconds * 0.5 * workers as f64;
            report.points.push(p);
        }
        report.points[2].stats.messages = 0;
        report.points[2].stats.lock_handovers = 7;
        report.points[2].varying.insert("lost".into(), vec![3.0, 9.0, 4.0]);
        report.derive();
        report
    }

    #[test]
    fn every_metric_spells_and_reads_back_as_the_manifest_writes_it() {
        let mut all = Metric::PLAIN.to_vec();
        all.extend([Metric::Outcome("lost_updates".into()), Metric::Stats("messages".into())]);
        for metric in all {
            let text = metric.to_string();
            assert_eq!(Metric::try_from(text.clone()), Ok(metric.clone()), "{text}");
            assert!(!metric.label().is_empty() && !metric.about().words.is_empty(), "{text}");
        }
        assert!(Metric::try_from("outcome:".to_string()).is_err());
        assert!(Metric::try_from("speed".to_string()).unwrap_err().contains("valid metrics: time, speedup,"));
        assert!(Metric::try_from("stats:flops".to_string()).unwrap_err().starts_with("unknown stats field 'flops'"));
    }

    #[test]
    fn a_figure_plans_the_points_it_is_measured_against() {
        let points = |metric, backend: &str, workers| {
            let f = figure(metric, backend, workers);
            (f.backends(), f.worker_counts())
        };
        assert_eq!(points(Metric::Speedup, "rayon", 4), (vec!["rayon".to_string()], vec![1, 4]));
        assert_eq!(points(Metric::SpeedupVsSeq, "rayon", 2), (vec!["seq".to_string(), "rayon".to_string()], vec![2]));
        assert_eq!(points(Metric::SpeedupVsSeq, "seq", 1), (vec!["seq".to_string()], vec![1]));
        assert_eq!(points(Metric::Time, "threads", 2), (vec!["threads".to_string()], vec![2]));
        assert_eq!(points(Metric::SerialFraction, "threads", 1).1, vec![1]);
    }

    #[test]
    fn every_figure_comes_from_the_report() {
        let report = report();
        let value = |metric| figure(metric, "gil", 2).read(&report);
        approx::assert_relative_eq!(value(Metric::Time).unwrap(), 0.8);
        approx::assert_relative_eq!(value(Metric::Speedup).unwrap(), 1.25);
        approx::assert_relative_eq!(value(Metric::SpeedupVsSeq).unwrap(), 0.9 / 0.8);
        approx::assert_relative_eq!(value(Metric::Efficiency).unwrap(), 0.625);
        // Two points: the Amdahl fit equals Karp-Flatt, (1/1.25 - 1/2) / (1 - 1/2) = 0.6.
        approx::assert_relative_eq!(value(Metric::KarpFlatt).unwrap(), 0.6, epsilon = 1e-9);
        approx::assert_relative_eq!(value(Metric::SerialFraction).unwrap(), 0.6, epsilon = 1e-9);
        approx::assert_relative_eq!(value(Metric::CpuCores).unwrap(), 1.0);
        approx::assert_relative_eq!(value(Metric::BusyCores).unwrap(), 1.1);
        assert_eq!(value(Metric::Outcome("lost".into())), Ok(9.0), "the largest over the repetitions");
        assert_eq!(value(Metric::Stats("lock_handovers".into())), Ok(7.0));
        assert_eq!(value(Metric::Stats("messages".into())), Ok(0.0), "a counter the backend keeps reads 0");
        let seq = figure(Metric::Time, "seq", 4).read(&report).unwrap();
        approx::assert_relative_eq!(seq, 0.9);
        let missing = figure(Metric::Speedup, "gil", 4).read(&report).unwrap_err();
        assert_eq!(missing.to_string(), "gil ×4 was not measured");
    }

    #[test]
    fn a_figure_missing_from_the_report_is_an_error_never_zero() {
        let mut report = report();
        // A stats field nobody reports, a misspelt one, an outcome that is not there.
        let read = |report: &Report, metric| figure(metric, "gil", 2).read(report);
        assert_eq!(
            read(&report, Metric::Stats("startup_s".into())),
            Err(FigureError::StatsNotReported { field: "startup_s".into(), backend: "gil".into(), workers: 2 })
        );
        assert_eq!(
            read(&report, Metric::Stats("message".into())),
            Err(FigureError::NoStatsField { field: "message".into() })
        );
        assert!(matches!(read(&report, Metric::Outcome("estimat".into())), Err(FigureError::NoOutcome { .. })));
        report.points[2].busy_cores = None;
        assert_eq!(read(&report, Metric::BusyCores), Err(FigureError::NotSampled));
        assert!(FigureError::NotSampled.is_machine_limit());
        assert_eq!(read(&report, Metric::PoolCpus), Err(FigureError::NotInReport { metric: "pool_cpus".into() }));
    }

    #[test]
    fn every_stats_field_is_a_number_backends_report() {
        let stats = ExecStats {
            startup_s: Some(1.0),
            messages: 1,
            bytes_sent: 1,
            bytes_received: 1,
            encode_s: Some(1.0),
            transfer_s: Some(1.0),
            lock_handovers: 1,
            result_bytes: 1,
            ..Default::default()
        };
        let json = serde_json::to_value(&stats).unwrap();
        let mut numbers: Vec<&str> =
            json.as_object().unwrap().iter().filter(|(_, v)| v.is_number()).map(|(k, _)| k.as_str()).collect();
        numbers.sort_unstable();
        let mut fields = stats_fields();
        fields.sort_unstable();
        assert_eq!(numbers, fields);
        for field in STATS {
            assert_eq!(Some(json[field.name].as_f64().unwrap()), (field.read)(&stats), "{}", field.name);
        }
    }

    #[test]
    fn figures_a_course_cannot_measure_are_named() {
        assert_eq!(figure(Metric::Speedup, "seq", 2).problems(), ["backend 'seq' always runs with 1 worker"]);
        assert_eq!(
            figure(Metric::SerialFraction, "threads", 1).problems(),
            ["serial_fraction needs workers of 2 or more to fit"]
        );
        assert_eq!(figure(Metric::PoolCpus, "", 1).problems(), ["metric pool_cpus is not read from a measurement"]);
        assert!(figure(Metric::Time, "gpu", 1).problems()[0].starts_with("unknown backend 'gpu'"));
        assert!(figure(Metric::Speedup, "threads", 2).problems().is_empty());
    }

    #[test]
    fn values_show_their_unit_and_words_name_the_point() {
        assert_eq!(Metric::Speedup.format(1.934), "1.93x");
        assert_eq!(Metric::BusyCores.format(1.06), "1.1 cores");
        assert_eq!(Metric::Stats("messages".into()).format(3.0), "3");
        assert_eq!(figure(Metric::Speedup, "gil", 2).words(), "speedup of gil ×2 over gil ×1");
        assert_eq!(figure(Metric::Outcome("lost_updates".into()), "threads", 2).words(), "lost_updates of threads ×2");
        assert!(Op::Near.holds(1.3, 1.0, 0.3), "rounding does not fail a prediction at the edge");
        assert!(Op::Near.holds(2.3, 2.0, 0.5) && !Op::Near.holds(2.6, 2.0, 0.5));
        assert!(Op::Equal.holds(0.0, 0.0, 0.0) && !Op::Equal.holds(1e-12, 0.0, 0.0));
    }
}
