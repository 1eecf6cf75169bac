//! The course manifest file format (`lessons/course.toml`): what each lesson runs,
//! what it asks and what it claims. Every field is documented because instructors
//! write these files by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The whole `course.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The course title shown above the lesson list.
    pub title: String,
    /// The lessons, in the order they are taught.
    #[serde(default, rename = "lesson")]
    pub lessons: Vec<ManifestLesson>,
}

/// One `[[lesson]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLesson {
    /// Short unique id, e.g. `embarrassingly-parallel`.
    pub id: Spanned<String>,
    /// Title shown in the lesson list and above the text.
    pub title: String,
    /// Markdown file with the lesson text, relative to the manifest's folder.
    pub file: Spanned<String>,
    /// Kernel the Lab runs for this lesson (see `parlab kernels`).
    pub kernel: Spanned<String>,
    /// Amount of work in the kernel's unit [default: the kernel's default size].
    #[serde(default)]
    pub size: Option<Spanned<u64>>,
    /// Kernel and backend parameters the Lab runs with, as `--param key=value`
    /// [default: none, i.e. the defaults `parlab kernels` / `parlab backends` list].
    #[serde(default)]
    pub params: Option<Spanned<BTreeMap<String, String>>>,
    /// Backends the Lab offers, in display order (see `parlab backends`).
    pub backends: Spanned<Vec<String>>,
    /// Backends switched on when the Lab opens [default: all of `backends`].
    #[serde(default)]
    pub selected: Option<Spanned<Vec<String>>>,
    /// Worker counts switched on when the Lab opens [default: 1, 2, 4 ... up to the
    /// available CPUs, plus one oversubscribed count].
    #[serde(default)]
    pub workers: Option<Spanned<Vec<usize>>>,
    /// Timed repetitions per point [default: 3].
    #[serde(default)]
    pub reps: Option<u32>,
    /// Untimed warm-up runs per point [default: 1].
    #[serde(default)]
    pub warmup: Option<u32>,
    /// Hints, revealed one at a time, in order.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Things for the learner to do.
    #[serde(default)]
    pub exercises: Vec<Spanned<Exercise>>,
    /// Statements about what the measurement shows, checked by the test suite.
    #[serde(default)]
    pub claims: Vec<Spanned<Claim>>,
}

/// One exercise; `kind` says which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Exercise {
    /// Predict-then-measure: the learner types a number, parlab measures it.
    Predict(Predict),
    /// A multiple-choice question.
    Choice(Choice),
    /// "Run this and look": completes when the learner has run the point.
    Run(RunStep),
}

/// Predict a measured figure, then measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predict {
    /// The question, e.g. "What speedup will rayon reach with 2 workers?".
    pub prompt: String,
    /// Backend measured.
    pub backend: String,
    /// Worker count measured.
    pub workers: usize,
    /// Figure the learner predicts.
    pub metric: Metric,
    /// How far off a prediction may be and still count as right, in the metric's unit.
    #[serde(default)]
    pub tolerance: Option<f64>,
}

/// A multiple-choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The question.
    pub prompt: String,
    /// The answers offered, in display order.
    pub options: Vec<String>,
    /// Index (from 0) of the right answer in `options`.
    pub answer: usize,
    /// Shown after answering: why the right answer is right.
    #[serde(default)]
    pub explanation: String,
    /// One explanation per option, in the order of `options` [default: none]: why that
    /// option is right or wrong, shown when the learner picks it. When given, there must
    /// be exactly one per option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanations: Vec<String>,
}

impl Choice {
    /// What to show after the learner picked option `picked`: that option's own
    /// explanation if there is one, else the general `explanation`.
    pub fn explanation_for(&self, picked: usize) -> &str {
        self.explanations.get(picked).map_or(self.explanation.as_str(), String::as_str)
    }
}

/// A step that completes when the learner runs a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStep {
    /// What to do and what to look at.
    pub prompt: String,
    /// Backend to run.
    pub backend: String,
    /// Worker count to run.
    pub workers: usize,
}

/// A statement about a measurement, e.g. "gil at 2 workers is below 1.3x", which
/// `tests/claims.rs` checks against the real kernel. The claim measures `metric` of one
/// (kernel, size, params, backend, workers) measurement; with `versus` it measures the
/// ratio of that figure to the same figure of a second measurement. Then it compares the
/// result with `value` by `op`.
///
/// ```toml
/// [[lesson.claims]]
/// text = "chunksize 1 costs more per item than chunksize 1000"
/// kernel = "square"
/// size = 20_000
/// backend = "processes"
/// workers = 2
/// params = { chunksize = "1" }
/// metric = "time"
/// versus = { params = { chunksize = "1000" } }
/// op = ">="
/// value = 3.0
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The claim in words, printed with the measured value and shown when it fails.
    #[serde(default)]
    pub text: String,
    /// Kernel measured [default: the lesson's kernel].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Size in the kernel's unit [default: the kernel's small size, a few milliseconds].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Kernel and backend parameters, as `--param key=value` [default: none].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Backend measured; required by every metric but `pool_cpus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// Worker count measured; required by every metric but `pool_cpus`. Metrics against
    /// 1 worker (speedup, efficiency, karp_flatt, serial_fraction) also measure 1 worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// Figure measured (see [`ClaimMetric`]).
    pub metric: ClaimMetric,
    /// A second measurement: the claim is about metric / (the versus measurement's metric).
    /// Fields left out are the claim's own; `params`, when given, replace the claim's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<Versus>,
    /// Comparison: `<`, `<=`, `>`, `>=`, `==` or `~=` (within `tolerance`).
    pub op: Op,
    /// Value compared with.
    pub value: f64,
    /// For `~=`: how far the measured figure may be from `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    /// Skip the check (with a printed reason) on machines with fewer available CPUs, or
    /// when other programs keep the machine so busy that this many CPUs are not free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cpus: Option<usize>,
    /// Skip the check (with a printed reason) on machines with more available CPUs (for
    /// claims about oversubscription, which needs more threads than CPUs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cpus: Option<usize>,
    /// For `pool_cpus`: run `parlab info` under `taskset -c CPULIST` (e.g. "0").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taskset: Option<String>,
}

/// The second measurement of a ratio claim; every field left out is the claim's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versus {
    /// Kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Parameters, replacing all of the claim's when given (`params = {}`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, String>>,
    /// Backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// Worker count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// Metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<ClaimMetric>,
}

/// One fully resolved measurement of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Measurement {
    /// Kernel id.
    pub kernel: String,
    /// Size, or `None` for the kernel's small size.
    pub size: Option<u64>,
    /// Parameters.
    pub params: BTreeMap<String, String>,
    /// Backend id.
    pub backend: String,
    /// Worker count.
    pub workers: usize,
}

impl Claim {
    /// The measurement the claim is about, in a lesson whose kernel is `lesson_kernel`.
    pub fn measurement(&self, lesson_kernel: &str) -> Measurement {
        Measurement {
            kernel: self.kernel.clone().unwrap_or_else(|| lesson_kernel.to_string()),
            size: self.size,
            params: self.params.clone(),
            backend: self.backend.clone().unwrap_or_default(),
            workers: self.workers.unwrap_or(1),
        }
    }

    /// The second measurement of a ratio claim, and its metric.
    pub fn versus_measurement(&self, lesson_kernel: &str) -> Option<(Measurement, ClaimMetric)> {
        let versus = self.versus.as_ref()?;
        let own = self.measurement(lesson_kernel);
        let params = versus.params.clone().unwrap_or_else(|| own.params.clone());
        let measurement = Measurement {
            kernel: versus.kernel.clone().unwrap_or(own.kernel),
            size: versus.size.or(own.size),
            params,
            backend: versus.backend.clone().unwrap_or(own.backend),
            workers: versus.workers.unwrap_or(own.workers),
        };
        Some((measurement, versus.metric.clone().unwrap_or_else(|| self.metric.clone())))
    }

    /// Whether the measured figure makes the claim true.
    pub fn holds(&self, measured: f64) -> bool {
        self.op.holds(measured, self.value, self.tolerance.unwrap_or(0.0))
    }

    /// "speedup >= 1.6" or "time ratio ~= 2 (+-0.4)", for messages.
    pub fn condition(&self) -> String {
        let ratio = if self.versus.is_some() { " ratio" } else { "" };
        let within = match (self.op, self.tolerance) {
            (Op::Near, Some(t)) => format!(" (+-{t})"),
            _ => String::new(),
        };
        format!("{}{ratio} {} {}{within}", self.metric, self.op.symbol(), self.value)
    }
}

/// The figure a claim is about; written as a string in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ClaimMetric {
    /// `time`: median wall time, seconds.
    Time,
    /// `speedup`: against the same backend at 1 worker.
    Speedup,
    /// `speedup_vs_seq`: against seq.
    SpeedupVsSeq,
    /// `efficiency`: speedup / workers.
    Efficiency,
    /// `karp_flatt`: the Karp-Flatt serial fraction at `workers`.
    KarpFlatt,
    /// `serial_fraction`: Amdahl fit over 1 and `workers` workers.
    SerialFraction,
    /// `cpu_cores`: process CPU time / wall time (how many cores the run kept busy).
    CpuCores,
    /// `busy_cores`: mean busy cores of the whole machine while the point ran.
    BusyCores,
    /// `outcome:NAME`: a scalar of the kernel's outcome, the largest over the timed
    /// repetitions (e.g. `outcome:lost_updates`).
    Outcome(String),
    /// `stats:FIELD`: a cost the backend reports (e.g. `stats:messages`), median repetition.
    Stats(String),
    /// `pool_cpus`: the CPU count a pool would use, as `parlab info` reports it
    /// (run under `taskset -c` when the claim has `taskset`).
    PoolCpus,
}

/// The backend costs a `stats:FIELD` metric can name (the fields of `ExecStats`).
pub const STATS_FIELDS: &[&str] = &[
    "startup_s",
    "messages",
    "bytes_sent",
    "bytes_received",
    "encode_s",
    "transfer_s",
    "lock_handovers",
    "result_bytes",
];

impl ClaimMetric {
    /// Whether the metric is measured against the same backend at 1 worker.
    pub fn needs_one_worker(&self) -> bool {
        matches!(self, Self::Speedup | Self::Efficiency | Self::KarpFlatt | Self::SerialFraction)
    }
}

impl TryFrom<String> for ClaimMetric {
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
            return if STATS_FIELDS.contains(&field) {
                Ok(Self::Stats(field.to_string()))
            } else {
                Err(format!("unknown stats field '{field}'; valid fields: {}", STATS_FIELDS.join(", ")))
            };
        }
        Ok(match text.as_str() {
            "time" => Self::Time,
            "speedup" => Self::Speedup,
            "speedup_vs_seq" => Self::SpeedupVsSeq,
            "efficiency" => Self::Efficiency,
            "karp_flatt" => Self::KarpFlatt,
            "serial_fraction" => Self::SerialFraction,
            "cpu_cores" => Self::CpuCores,
            "busy_cores" => Self::BusyCores,
            "pool_cpus" => Self::PoolCpus,
            _ => {
                return Err(format!(
                    "unknown metric '{text}'; valid metrics: time, speedup, speedup_vs_seq, efficiency, karp_flatt, serial_fraction, cpu_cores, busy_cores, pool_cpus, outcome:NAME, stats:FIELD"
                ));
            }
        })
    }
}

impl From<ClaimMetric> for String {
    fn from(metric: ClaimMetric) -> String {
        metric.to_string()
    }
}

impl std::fmt::Display for ClaimMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Time => f.write_str("time"),
            Self::Speedup => f.write_str("speedup"),
            Self::SpeedupVsSeq => f.write_str("speedup_vs_seq"),
            Self::Efficiency => f.write_str("efficiency"),
            Self::KarpFlatt => f.write_str("karp_flatt"),
            Self::SerialFraction => f.write_str("serial_fraction"),
            Self::CpuCores => f.write_str("cpu_cores"),
            Self::BusyCores => f.write_str("busy_cores"),
            Self::Outcome(name) => write!(f, "outcome:{name}"),
            Self::Stats(field) => write!(f, "stats:{field}"),
            Self::PoolCpus => f.write_str("pool_cpus"),
        }
    }
}

/// A figure a claim or prediction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Speedup against the same backend at 1 worker.
    Speedup,
    /// Speedup against seq.
    SpeedupVsSeq,
    /// Speedup divided by workers.
    Efficiency,
    /// Mean busy cores of the machine while the point ran.
    BusyCores,
    /// Fitted Amdahl serial fraction of the backend.
    SerialFraction,
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
    /// Within the claim's `tolerance`.
    #[serde(rename = "~=")]
    Near,
}

impl Op {
    /// Whether `measured op value` holds; `tolerance` is used by `~=` only.
    pub fn holds(self, measured: f64, value: f64, tolerance: f64) -> bool {
        match self {
            Op::Less => measured < value,
            Op::AtMost => measured <= value,
            Op::Greater => measured > value,
            Op::AtLeast => measured >= value,
            Op::Equal => measured == value,
            Op::Near => (measured - value).abs() <= tolerance,
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

    #[test]
    fn a_picked_option_shows_its_own_explanation_or_the_general_one() {
        let mut choice = Choice {
            prompt: "?".into(),
            options: vec!["a".into(), "b".into()],
            answer: 1,
            explanation: "general".into(),
            explanations: vec!["why not a".into(), "why b".into()],
        };
        assert_eq!(choice.explanation_for(0), "why not a");
        assert_eq!(choice.explanation_for(1), "why b");
        choice.explanations.clear();
        assert_eq!(choice.explanation_for(0), "general");
    }

    #[test]
    fn metrics_read_and_write_as_the_manifest_spells_them() {
        for text in ["time", "speedup_vs_seq", "serial_fraction", "outcome:lost_updates", "stats:messages", "pool_cpus"]
        {
            let metric = ClaimMetric::try_from(text.to_string()).unwrap();
            assert_eq!(metric.to_string(), text);
        }
        assert!(ClaimMetric::try_from("outcome:".to_string()).is_err());
        assert!(ClaimMetric::try_from("speed".to_string()).is_err());
        assert!(Op::Near.holds(2.3, 2.0, 0.5) && !Op::Near.holds(2.6, 2.0, 0.5));
        assert!(Op::Equal.holds(0.0, 0.0, 0.0) && !Op::Equal.holds(1e-12, 0.0, 0.0));
    }

    #[test]
    fn a_versus_measurement_inherits_what_it_does_not_name() {
        let claim: Claim = toml::from_str(
            r#"kernel = "square"
backend = "processes"
workers = 2
size = 100
params = { chunksize = "1" }
metric = "time"
versus = { params = { chunksize = "1000" } }
op = ">="
value = 3.0"#,
        )
        .unwrap();
        let own = claim.measurement("pi");
        let (versus, metric) = claim.versus_measurement("pi").unwrap();
        assert_eq!((own.kernel.as_str(), own.size, own.workers), ("square", Some(100), 2));
        assert_eq!((versus.kernel.as_str(), versus.backend.as_str(), versus.size), ("square", "processes", Some(100)));
        assert_eq!(versus.params.get("chunksize").map(String::as_str), Some("1000"));
        assert_eq!(metric, ClaimMetric::Time);
        assert!(claim.holds(3.0) && !claim.holds(2.9));
    }
}
