//! The course manifest file format (`lessons/course.toml`): what each lesson runs,
//! what it asks and what it claims. Every field is documented because instructors
//! write these files by hand.

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

/// A statement about a measurement, e.g. "gil at 2 workers is below 1.3x".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Backend measured.
    pub backend: String,
    /// Worker count measured.
    pub workers: usize,
    /// Figure compared.
    pub metric: Metric,
    /// Comparison: `<`, `<=`, `>`, `>=`.
    pub op: Op,
    /// Value compared with.
    pub value: f64,
    /// Skip the check (with a printed reason) on machines with fewer available CPUs.
    #[serde(default)]
    pub min_cpus: Option<usize>,
    /// The claim in words, shown when it fails.
    #[serde(default)]
    pub text: String,
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
}

impl Op {
    /// Whether `measured op value` holds.
    pub fn holds(self, measured: f64, value: f64) -> bool {
        match self {
            Op::Less => measured < value,
            Op::AtMost => measured <= value,
            Op::Greater => measured > value,
            Op::AtLeast => measured >= value,
        }
    }
}
