//! The course manifest file format (`lessons/course.toml`): what each lesson runs,
//! what it asks and what it claims. Every field is documented because instructors
//! write these files by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::figure::Figure;
pub use super::figure::{Metric, Op};
use crate::kernels::{self, KernelSpec};

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
    /// Minutes the lesson takes in a workshop: reading, the Lab and the exercises
    /// (`parlab lessons plan` builds a schedule from them) [default: not given].
    #[serde(default)]
    pub minutes: Option<Spanned<u32>>,
    /// An extension for fast finishers: `parlab lessons plan` cuts it first [default: false].
    #[serde(default)]
    pub optional: bool,
    /// Things for the learner to do.
    #[serde(default)]
    pub exercises: Vec<Spanned<ManifestExercise>>,
    /// Statements about what the measurement shows, checked by the test suite.
    #[serde(default)]
    pub claims: Vec<Spanned<Claim>>,
}

/// One `[[lesson.exercises]]` table: the exercise, and whether it is an extension.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestExercise {
    /// An extension for fast finishers, shown as optional [default: false].
    #[serde(default)]
    pub optional: bool,
    /// The exercise itself.
    #[serde(flatten)]
    pub exercise: Exercise,
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
    /// Write the code: the learner edits a Python starter file until it passes.
    Code(CodeExercise),
    /// Predict your partner's figure from their `parlab info`, graded by their share line.
    Pair(Pair),
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
    /// Kernel and backend parameters for this measurement, over the lesson's [default:
    /// the lesson's], e.g. `{ sync = "atomic" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// What the prediction is graded against [default: the measured figure]. `"amdahl"`:
    /// Amdahl's law for the kernel's configured `serial` fraction on as many of the
    /// workers as this machine has CPUs, so that a right answer stays right on a loaded
    /// or turbo-boosted laptop; the measured figure is shown beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

/// A model a prediction is graded against instead of the measured figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Amdahl's law, S = 1 / (s + (1 - s) / p), with s the kernel's `serial` parameter and
    /// p the workers this machine can run at once.
    Amdahl,
}

impl Expect {
    /// The expected speedup of `workers` workers on `cpus` available CPUs with serial
    /// fraction `serial`.
    pub fn speedup(self, serial: f64, workers: usize, cpus: usize) -> f64 {
        match self {
            Expect::Amdahl => {
                let p = workers.min(cpus.max(1)) as f64;
                1.0 / (serial + (1.0 - serial) / p)
            }
        }
    }
}

impl Predict {
    /// The figure predicted.
    pub fn figure(&self) -> Figure {
        Figure { metric: self.metric.clone(), backend: self.backend.clone(), workers: self.workers }
    }

    /// How far off a prediction may be: the manifest's tolerance, else the metric's default
    /// (`parlab lessons check` refuses a metric without one when the manifest gives none).
    pub fn tolerance(&self) -> f64 {
        self.tolerance.or(self.metric.about().default_tolerance).unwrap_or(0.0)
    }

    /// Whether `prediction` is within the tolerance of the `measured` figure.
    pub fn passes(&self, prediction: f64, measured: f64) -> bool {
        Op::Near.holds(measured, prediction, self.tolerance())
    }
}

/// A pair exercise: the learner predicts a figure of their partner's machine from the
/// partner's `parlab info` (CPUs, cores, SMT), then reads the partner's share line
/// (`parlab share`, pasted or from a file); parlab reads the figure from that share and
/// grades the prediction with the tolerance model of [`Predict`].
///
/// ```toml
/// [[lesson.exercises]]
/// kind = "pair"
/// optional = true
/// prompt = "From your partner's `parlab info`: what speedup will their threads reach with 2 workers?"
/// backend = "threads"
/// workers = 2
/// metric = "speedup"
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// The question, naming what to look at in the partner's `parlab info`.
    pub prompt: String,
    /// Backend of the partner's point.
    pub backend: String,
    /// Worker count of the partner's point.
    pub workers: usize,
    /// Figure predicted; one a share carries (see `Metric::about().shared`).
    pub metric: Metric,
    /// How far off a prediction may be and still count as right [default: the metric's].
    #[serde(default)]
    pub tolerance: Option<f64>,
}

impl Pair {
    /// The same question as a prediction of the learner's own figure: the one model of
    /// figures, tolerances and grading that predict exercises use.
    pub fn as_predict(&self) -> Predict {
        Predict {
            prompt: self.prompt.clone(),
            backend: self.backend.clone(),
            workers: self.workers,
            metric: self.metric.clone(),
            tolerance: self.tolerance,
            params: BTreeMap::new(),
            expect: None,
        }
    }
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

/// Write the code: parlab copies `starter` into the learner's workspace folder as `file`,
/// runs it with python3 at 1 and 2 workers each time it is saved, and checks the result
/// it prints and the criterion.
///
/// ```toml
/// [[lesson.exercises]]
/// kind = "code"
/// prompt = "Share the darts out with multiprocessing.Pool.map."
/// file = "06-pool.py"
/// starter = "code/06-pool.py"
/// solution = "code/06-pool.solution.py"
/// expect = 3.14159265
/// tolerance = 0.01
/// criterion = "speedup"
/// hints = ["multiprocessing.Pool(args.workers) is a context manager."]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeExercise {
    /// What to write, in a sentence or two.
    pub prompt: String,
    /// The file's name in the learner's workspace folder, e.g. `06-pool.py`.
    pub file: String,
    /// The starter file with a TODO, relative to the course folder.
    pub starter: String,
    /// The reference solution, relative to the course folder (shown on request).
    pub solution: String,
    /// The right value of the `result` the script prints.
    pub expect: f64,
    /// How far the printed result may be from `expect` [default: 0, exactly].
    #[serde(default)]
    pub tolerance: f64,
    /// What else a passing script must show [default: `result`, only the right result].
    #[serde(default)]
    pub criterion: CodeCriterion,
    /// For `speedup`: the least speedup at 2 workers over 1 [default: 1.5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_speedup: Option<f64>,
    /// For `max_time`: the most seconds the run at 2 workers may report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_time: Option<f64>,
    /// A Python module the script needs (e.g. `numba`): when python3 cannot import it,
    /// the check is skipped with the line that installs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
    /// Hints for this exercise, revealed one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
}

impl CodeExercise {
    /// The least speedup the `speedup` criterion asks for.
    pub fn min_speedup(&self) -> f64 {
        self.min_speedup.unwrap_or(1.5)
    }
}

/// What a code exercise checks besides the right result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeCriterion {
    /// Only the right result, at 1 and 2 workers.
    #[default]
    Result,
    /// The right result, and no update lost: the count printed equals `expect` exactly.
    NoLostUpdates,
    /// At least `min_speedup` at 2 workers over 1, when two CPUs are free.
    Speedup,
    /// At 2 workers, faster than the plain loop the script times itself (`seq_time_s`),
    /// when two CPUs are free.
    BeatsSeq,
    /// The run at 2 workers reports at most `max_time` seconds.
    MaxTime,
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
    /// Figure measured (see [`Metric`]).
    pub metric: Metric,
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
    pub metric: Option<Metric>,
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

impl Measurement {
    /// The kernel spec measured (the kernel's small size when the claim gives none);
    /// `None` for an unknown kernel.
    pub fn spec(&self) -> Option<KernelSpec> {
        let kernel = kernels::find(&self.kernel)?;
        Some(KernelSpec {
            kernel: self.kernel.clone(),
            size: self.size.unwrap_or_else(|| kernel.small_size()),
            seed: 42,
            params: self.params.clone(),
        })
    }

    /// `metric` of this measurement's point.
    pub fn figure(&self, metric: &Metric) -> Figure {
        Figure { metric: metric.clone(), backend: self.backend.clone(), workers: self.workers }
    }
}

impl Claim {
    /// What the claim measures: its own figure, then its versus figure if it has one.
    pub fn figures(&self, lesson_kernel: &str) -> Vec<(Measurement, Figure)> {
        let own = self.measurement(lesson_kernel);
        let own_figure = own.figure(&self.metric);
        let mut figures = vec![(own, own_figure)];
        if let Some((versus, metric)) = self.versus_measurement(lesson_kernel) {
            let figure = versus.figure(&metric);
            figures.push((versus, figure));
        }
        figures
    }

    /// The figure the claim compares: the own value, or its ratio to the versus value.
    pub fn figure_value(&self, own: f64, versus: Option<f64>) -> Result<f64, String> {
        match versus {
            None => Ok(own),
            Some(0.0) => Err("the versus measurement is 0, so there is no ratio".into()),
            Some(other) => Ok(own / other),
        }
    }

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
    pub fn versus_measurement(&self, lesson_kernel: &str) -> Option<(Measurement, Metric)> {
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
            let metric = Metric::try_from(text.to_string()).unwrap();
            assert_eq!(metric.to_string(), text);
        }
        assert!(Metric::try_from("outcome:".to_string()).is_err());
        assert!(Metric::try_from("speed".to_string()).is_err());
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
        assert_eq!(metric, Metric::Time);
        assert!(claim.holds(3.0) && !claim.holds(2.9));
    }
}
