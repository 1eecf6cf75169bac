//! How a prediction is measured and graded: the plan it runs, the figure read from the
//! report, the answer it is graded against (the law on this machine's CPUs, or the
//! measurement), and the explanation of a gap, which names SMT, turbo or a busy neighbour
//! when the machine facts and the run show them.

use super::{LabSetup, Toggle};
use crate::lessons::{Choice, Lesson, Predict};
use crate::measure::{Plan, Point, Report};

/// The tolerance of a predict exercise.
pub fn tolerance(predict: &Predict) -> f64 {
    predict.tolerance()
}

/// The figure in words, e.g. "speedup of gil ×2 over gil ×1".
pub fn metric_words(predict: &Predict) -> String {
    predict.figure().words()
}

/// The plan that measures a prediction: the lesson's kernel, size and parameters (as
/// its Lab would run them), the points the figure needs (`Figure::backends` and
/// `Figure::worker_counts`), and always 1 worker too, so that the explanation of the gap
/// can show the speedup and Karp-Flatt figure of the point.
pub fn predict_plan(lesson: &Lesson, predict: &Predict, cpus: usize, size: Option<u64>) -> Result<Plan, String> {
    let figure = predict.figure();
    let mut lab = LabSetup::from_lesson(lesson, cpus, size);
    lab.lesson_params.extend(predict.params.clone());
    lab.backends = figure.backends().into_iter().map(|value| Toggle { value, on: true }).collect();
    let mut workers = figure.worker_counts();
    workers.push(1);
    workers.sort_unstable();
    workers.dedup();
    lab.workers = workers.into_iter().map(|value| Toggle { value, on: true }).collect();
    lab.sweep_plan()
}

/// The measured value of the predicted figure, or why there is none.
pub fn measured_value(report: &Report, predict: &Predict) -> Result<f64, String> {
    predict.figure().read(report).map_err(|e| e.to_string())
}

/// What a prediction is graded against: the measured figure, or the model the exercise
/// names (`expect`), with a sentence on how the model's value came about. `lesson_params`
/// are the lesson's parameters, which the prediction's own override.
pub fn graded_against(
    lesson_params: &std::collections::BTreeMap<String, String>,
    predict: &Predict,
    report: &Report,
    measured: f64,
) -> (f64, Option<String>) {
    let Some(expect) = predict.expect else { return (measured, None) };
    let serial = predict
        .params
        .get("serial")
        .or_else(|| lesson_params.get("serial"))
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0);
    let cpus = report.machine.available_parallelism.max(1);
    let expected = expect.speedup(serial, predict.workers, cpus);
    let p = predict.workers.min(cpus);
    let one = report.points.iter().find(|q| q.backend == predict.backend && q.workers == 1);
    let times = match (one, predict.figure().point(report)) {
        (Some(one), Some(point)) => format!(
            " T(1) measured {}, so T({}) should be {} + {} = {}; it measured {}.",
            crate::present::units::seconds(one.median_s),
            predict.workers,
            crate::present::units::seconds(serial * one.median_s),
            crate::present::units::seconds((1.0 - serial) * one.median_s / p as f64),
            crate::present::units::seconds(one.median_s * (serial + (1.0 - serial) / p as f64)),
            crate::present::units::seconds(point.median_s),
        ),
        _ => String::new(),
    };
    let on = if p < predict.workers {
        format!(" ({} workers on {cpus} CPUs run {p} at a time)", predict.workers)
    } else {
        String::new()
    };
    (
        expected,
        Some(format!(
            "Graded against Amdahl's law for the configured s = {serial}{on}: 1 / ({serial} + {:.2} / {p}) = {expected:.2}x.{times}",
            1.0 - serial
        )),
    )
}

/// Why the measurement came out as it did, in a few sentences built from the report and
/// the machine: SMT, turbo boost (`turbo`, from [`crate::sysmon::turbo_boost`]) and a busy
/// neighbour are named when they shaped the figure.
pub fn explain_gap(
    report: &Report,
    predict: &Predict,
    prediction: f64,
    measured: f64,
    turbo: Option<bool>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let gap = prediction - measured;
    if gap.abs() > tolerance(predict) {
        lines.push(if gap > 0.0 {
            "You expected more than the machine gave; the figures below say where it went.".to_string()
        } else {
            "The machine did better than you expected; the figures below say why.".to_string()
        });
    }
    let Some(p) = predict.figure().point(report) else { return lines };
    let cpus = report.machine.available_parallelism.max(1);
    let usable = p.workers.min(cpus);
    if predict.metric.about().scaling && p.workers > 1 {
        if p.workers > cpus {
            lines.push(format!(
                "{} workers share {cpus} available CPU{}: at best {usable}x, the extra workers only queue.",
                p.workers,
                if cpus == 1 { "" } else { "s" }
            ));
        } else {
            lines.push(format!(
                "The ideal with {} workers is {}.00x: every worker on its own core.",
                p.workers, p.workers
            ));
        }
    }
    if let Some(busy) = p.busy_cores {
        let of = report.machine.logical_cores.max(1);
        let reading = if p.workers == 1 {
            "one worker keeps one core busy".to_string()
        } else if busy < 0.6 * usable as f64 + 0.4 {
            "the workers mostly took turns instead of running at the same time".to_string()
        } else if p.speedup.is_some_and(|s| s < 0.7 * usable as f64) {
            "the cores were busy, yet the time did not shrink as much: overhead or contention, not useful work"
                .to_string()
        } else {
            "the workers really ran at the same time".to_string()
        };
        lines.push(format!("While it ran, {busy:.1} of {of} cores were busy: {reading}."));
    }
    lines.extend(machine_reasons(report, p, predict.metric.about().scaling, turbo));
    if let Some(e) = p.karp_flatt.filter(|e| *e > 0.1 && *e <= 1.0) {
        lines.push(format!(
            "Karp-Flatt: it behaves as if {:.0} % of the work were serial, which caps the speedup near {:.1}x (Amdahl).",
            e * 100.0,
            1.0 / e
        ));
    }
    if p.noisy {
        lines.push(format!(
            "The repetitions varied by {:.0} %: the machine was busy, so the figure is rough.",
            p.spread * 100.0
        ));
    }
    lines
}

/// What about this machine shaped point `p`: more workers than physical cores on an SMT
/// machine, turbo boost behind an efficiency below 1, other programs busy while it ran.
fn machine_reasons(report: &Report, p: &Point, scaling: bool, turbo: Option<bool>) -> Vec<String> {
    let mut lines = Vec::new();
    let machine = &report.machine;
    let logical = machine.logical_cores.max(1);
    if scaling
        && p.workers > 1
        && let Some(physical) = machine.physical_cores.filter(|&c| c > 0 && c < logical)
        && p.workers > physical.min(machine.available_parallelism)
    {
        lines.push(format!(
            "SMT: this machine's {logical} CPUs are {physical} physical cores with {} hardware threads each. Workers on two threads of one core share its execution units, so compute-bound work gains far less than 2x from the second thread.",
            logical / physical
        ));
    }
    if scaling && p.workers > 1 && turbo == Some(true) && p.efficiency.is_some_and(|e| e < 0.9) {
        lines.push(
            "Turbo boost is on: one busy core runs at a higher clock than several busy cores do, so part of the gap to the ideal is the clock, not your program.".to_string(),
        );
    }
    if let Some(busy) = p.busy_cores {
        let others = busy - p.cpu_cores;
        if others > 0.5 {
            lines.push(format!(
                "A busy neighbour: other programs kept about {others:.1} cores busy while this point ran (all programs {busy:.1}, parlab {:.1}). They took CPU time from the workers; measure again when the machine is quiet.",
                p.cpu_cores
            ));
        }
    }
    lines
}

/// Parses a typed prediction ("1.8", "1,8", "1.8x", "40%").
pub fn parse_prediction(text: &str) -> Option<f64> {
    let text = text.trim().trim_end_matches(['x', 'X']).replace(',', ".");
    let value = match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok()? / 100.0,
        None => text.parse::<f64>().ok()?,
    };
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// The explanation shown for `option` of a choice, if the manifest gives one.
pub fn option_explanation(choice: &Choice, option: usize) -> Option<&str> {
    choice.explanations.get(option).map(String::as_str).filter(|e| !e.trim().is_empty())
}
