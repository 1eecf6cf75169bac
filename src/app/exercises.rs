//! The Exercises screen's model: predict-then-measure (a plan at 1 and the asked
//! worker count, run through the normal run path, judged against the manifest's
//! tolerance with an explanation of the gap), multiple choice with feedback per option,
//! and "run this and look" steps that complete when a matching point is measured.

use super::{App, Effect, Key, RunProgress, Screen};
use super::{LabSetup, Toggle};
use crate::lessons::progress::{ExerciseKind, ExerciseRecord};
use crate::lessons::{Choice, Exercise, Lesson, Metric, Predict};
use crate::measure::{Plan, Point, Report};

/// Which pane of the Exercises screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExercisesPane {
    /// The list of the lesson's exercises.
    List,
    /// The selected exercise (typing a prediction, choosing an option).
    Detail,
}

/// The Exercises screen's transient state (not saved).
#[derive(Debug, Clone, PartialEq)]
pub struct ExercisesView {
    /// The exercise shown.
    pub selected: usize,
    /// Which pane has the keys.
    pub pane: ExercisesPane,
    /// Predict: the number being typed.
    pub input: String,
    /// Choice: the option under the cursor.
    pub option: usize,
    /// The outcome of the last action here, e.g. why a prediction was not accepted.
    pub note: Option<String>,
}

impl Default for ExercisesView {
    fn default() -> Self {
        Self { selected: 0, pane: ExercisesPane::List, input: String::new(), option: 0, note: None }
    }
}

/// The kind of an exercise, as the progress file names it.
pub fn kind(exercise: &Exercise) -> ExerciseKind {
    match exercise {
        Exercise::Predict(_) => ExerciseKind::Predict,
        Exercise::Choice(_) => ExerciseKind::Choice,
        Exercise::Run(_) => ExerciseKind::Run,
    }
}

/// Empty records for every exercise of `lesson`.
pub fn fresh_records(lesson: &Lesson) -> Vec<ExerciseRecord> {
    lesson
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| ExerciseRecord { number: i + 1, kind: kind(e), ..ExerciseRecord::default() })
        .collect()
}

/// How far off a prediction may be when the manifest gives no tolerance.
pub fn default_tolerance(metric: Metric) -> f64 {
    match metric {
        Metric::Speedup | Metric::SpeedupVsSeq => 0.3,
        Metric::Efficiency => 0.15,
        Metric::BusyCores => 0.5,
        Metric::SerialFraction => 0.1,
    }
}

/// The tolerance of a predict exercise.
pub fn tolerance(predict: &Predict) -> f64 {
    predict.tolerance.unwrap_or_else(|| default_tolerance(predict.metric))
}

/// The figure in words, e.g. "speedup of gil ×2 over gil ×1".
pub fn metric_words(predict: &Predict) -> String {
    let (b, w) = (&predict.backend, predict.workers);
    match predict.metric {
        Metric::Speedup => format!("speedup of {b} ×{w} over {b} ×1"),
        Metric::SpeedupVsSeq => format!("speedup of {b} ×{w} over seq"),
        Metric::Efficiency => format!("efficiency of {b} ×{w} (speedup ÷ {w} workers)"),
        Metric::BusyCores => format!("busy cores while {b} ×{w} runs"),
        Metric::SerialFraction => format!("serial fraction of {b} fitted from ×1 and ×{w} (Amdahl)"),
    }
}

/// A value of the figure with its unit, e.g. "1.93x".
pub fn format_value(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Speedup | Metric::SpeedupVsSeq => format!("{value:.2}x"),
        Metric::Efficiency | Metric::SerialFraction => format!("{value:.2}"),
        Metric::BusyCores => format!("{value:.1} cores"),
    }
}

/// The plan that measures a prediction: the lesson's kernel, size and parameters (as
/// its Lab would run them), the exercise's backend at 1 and the asked worker count, and
/// seq first when the figure is against seq.
pub fn predict_plan(lesson: &Lesson, predict: &Predict, cpus: usize, size: Option<u64>) -> Result<Plan, String> {
    let mut lab = LabSetup::from_lesson(lesson, cpus, size);
    let mut backends = Vec::new();
    if predict.metric == Metric::SpeedupVsSeq && predict.backend != "seq" {
        backends.push("seq".to_string());
    }
    backends.push(predict.backend.clone());
    lab.backends = backends.into_iter().map(|value| Toggle { value, on: true }).collect();
    let mut workers = vec![1, predict.workers];
    workers.dedup();
    lab.workers = workers.into_iter().map(|value| Toggle { value, on: true }).collect();
    lab.sweep_plan()
}

fn point<'a>(report: &'a Report, predict: &Predict) -> Option<&'a Point> {
    report.points.iter().find(|p| p.backend == predict.backend && p.workers == predict.workers)
}

/// The measured value of the predicted figure, or why there is none.
pub fn measured_value(report: &Report, predict: &Predict) -> Result<f64, String> {
    let p =
        point(report, predict).ok_or_else(|| format!("{} ×{} was not measured", predict.backend, predict.workers))?;
    let missing = |what: &str| format!("{what} of {} ×{} could not be worked out", predict.backend, predict.workers);
    match predict.metric {
        Metric::Speedup => p.speedup.ok_or_else(|| missing("the speedup")),
        Metric::SpeedupVsSeq => p.speedup_vs_seq.ok_or_else(|| missing("the speedup over seq")),
        Metric::Efficiency => p.efficiency.ok_or_else(|| missing("the efficiency")),
        Metric::BusyCores => p.busy_cores.ok_or_else(|| {
            "the busy cores were not sampled: each repetition was shorter than a sampling interval (0.25 s); \
             measure a larger size"
                .to_string()
        }),
        Metric::SerialFraction => report
            .fit_of(&predict.backend)
            .map(|f| f.serial_fraction)
            .or(p.karp_flatt)
            .ok_or_else(|| missing("the serial fraction")),
    }
}

/// Why the measurement came out as it did, in a few sentences built from the report.
pub fn explain_gap(report: &Report, predict: &Predict, prediction: f64, measured: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let gap = prediction - measured;
    if gap.abs() > tolerance(predict) {
        lines.push(if gap > 0.0 {
            "You expected more than the machine gave; the figures below say where it went.".to_string()
        } else {
            "The machine did better than you expected; the figures below say why.".to_string()
        });
    }
    let Some(p) = point(report, predict) else { return lines };
    let cpus = report.machine.available_parallelism.max(1);
    let usable = p.workers.min(cpus);
    if matches!(predict.metric, Metric::Speedup | Metric::SpeedupVsSeq | Metric::Efficiency) && p.workers > 1 {
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

impl App {
    /// The exercises of the lesson open in the reader.
    fn current_exercises(&self) -> &[Exercise] {
        self.opened_lesson().map_or(&[], |l| &l.exercises)
    }

    /// The record of exercise `index` of `lesson`.
    pub fn exercise_record(&self, lesson: usize, index: usize) -> Option<&ExerciseRecord> {
        self.exercise_records.get(lesson)?.get(index)
    }

    /// Opens the Exercises screen on the lesson in the reader, at its first exercise
    /// not done yet, ready to answer.
    pub fn open_exercises(&mut self) {
        let lesson = self.opened;
        let first_open = (0..self.current_exercises().len())
            .find(|&i| !self.exercise_record(lesson, i).is_some_and(|r| r.done))
            .unwrap_or(0);
        if self.screen != Screen::Exercises || self.exercises_view.selected >= self.current_exercises().len() {
            self.select_exercise(first_open);
        }
        self.exercises_view.pane =
            if self.current_exercises().is_empty() { super::ExercisesPane::List } else { super::ExercisesPane::Detail };
        self.screen = Screen::Exercises;
    }

    pub(super) fn select_exercise(&mut self, index: usize) {
        let count = self.current_exercises().len();
        let index = index.min(count.saturating_sub(1));
        let lesson = self.opened;
        let record = self.exercise_record(lesson, index).cloned();
        self.exercises_view = ExercisesView {
            selected: index,
            pane: self.exercises_view.pane,
            input: record.as_ref().and_then(|r| r.prediction).map(|p| format!("{p}")).unwrap_or_default(),
            option: record.and_then(|r| r.chosen).unwrap_or(0),
            note: None,
        };
    }

    /// Whether the Exercises screen takes digits for itself (typing a prediction or
    /// choosing an option), so they do not switch screens.
    pub fn exercise_takes_digits(&self) -> bool {
        self.screen == Screen::Exercises
            && self.exercises_view.pane == ExercisesPane::Detail
            && matches!(
                self.current_exercises().get(self.exercises_view.selected),
                Some(Exercise::Predict(_) | Exercise::Choice(_))
            )
    }

    pub(super) fn exercises_key(&mut self, key: Key) -> Option<Effect> {
        if key == Key::Char('c') && self.run.is_some() {
            self.message = Some("Cancelling after the current repetition...".into());
            return Some(Effect::CancelRun);
        }
        let count = self.current_exercises().len();
        match self.exercises_view.pane {
            ExercisesPane::List => match key {
                Key::Up | Key::Char('k') => self.select_exercise(self.exercises_view.selected.saturating_sub(1)),
                Key::Down | Key::Char('j') => self.select_exercise(self.exercises_view.selected + 1),
                Key::Home => self.select_exercise(0),
                Key::End => self.select_exercise(count.saturating_sub(1)),
                Key::Enter | Key::Right | Key::Char('l') | Key::Tab | Key::BackTab if count > 0 => {
                    self.exercises_view.pane = ExercisesPane::Detail;
                }
                Key::Char('n') => self.next_hint(self.opened),
                Key::Char('q') | Key::Esc => {
                    self.screen = Screen::Lessons;
                    self.lessons_pane = super::LessonsPane::Reader;
                }
                _ => {}
            },
            ExercisesPane::Detail => {
                if matches!(key, Key::Esc | Key::Tab | Key::BackTab) {
                    self.exercises_view.pane = ExercisesPane::List;
                    return None;
                }
                let index = self.exercises_view.selected;
                match self.current_exercises().get(index).cloned() {
                    Some(Exercise::Predict(p)) => return self.predict_key(index, &p, key),
                    Some(Exercise::Choice(c)) => self.choice_key(index, &c, key),
                    Some(Exercise::Run(r)) => match key {
                        Key::Enter => {
                            self.setup_run_step(&r.backend, r.workers);
                        }
                        Key::Char('n') => self.next_hint(self.opened),
                        Key::Char('q') | Key::Left | Key::Char('h') => self.exercises_view.pane = ExercisesPane::List,
                        Key::Down | Key::Char('j') => self.select_exercise(index + 1),
                        Key::Up | Key::Char('k') => self.select_exercise(index.saturating_sub(1)),
                        _ => {}
                    },
                    None => self.exercises_view.pane = ExercisesPane::List,
                }
            }
        }
        None
    }

    fn predict_key(&mut self, index: usize, predict: &Predict, key: Key) -> Option<Effect> {
        let view = &mut self.exercises_view;
        match key {
            Key::Char(c) if c.is_ascii_digit() || matches!(c, '.' | ',' | '%') => {
                if view.input.len() < 12 {
                    view.input.push(c);
                }
                view.note = None;
            }
            Key::Backspace => {
                view.input.pop();
                view.note = None;
            }
            Key::Delete => view.input.clear(),
            Key::Up | Key::Char('k') => self.select_exercise(index.saturating_sub(1)),
            Key::Down | Key::Char('j') => self.select_exercise(index + 1),
            Key::Char('q') => self.exercises_view.pane = ExercisesPane::List,
            Key::Char('n') => self.next_hint(self.opened),
            Key::Enter => return self.measure_prediction(index, predict),
            _ => {}
        }
        None
    }

    fn measure_prediction(&mut self, index: usize, predict: &Predict) -> Option<Effect> {
        let Some(prediction) = parse_prediction(&self.exercises_view.input) else {
            self.exercises_view.note = Some(if self.exercises_view.input.is_empty() {
                "Type your prediction first, e.g. 1.5, then press Enter.".into()
            } else {
                format!("'{}' is not a number; type e.g. 1.5 and press Enter.", self.exercises_view.input)
            });
            return None;
        };
        if self.run.is_some() {
            self.exercises_view.note = Some("A run is in progress: wait for it or press c to cancel.".into());
            return None;
        }
        let lesson_index = self.opened;
        let lesson = self.opened_lesson()?.clone();
        let plan = match predict_plan(&lesson, predict, self.facts.available_parallelism, self.size_override) {
            Ok(plan) => plan,
            Err(why) => {
                self.exercises_view.note = Some(format!("Cannot measure this: {why}"));
                return None;
            }
        };
        // The measurement's points join the Lab's results for this lesson.
        self.setup_lab(lesson_index);
        let metric = predict.metric;
        if let Some(record) = self.exercise_records.get_mut(lesson_index).and_then(|r| r.get_mut(index)) {
            record.first_prediction.get_or_insert(prediction);
            record.prediction = Some(prediction);
            record.metric = Some(metric);
            record.measured = None;
            record.passed = None;
        }
        self.progress_changed = true;
        self.exercises_view.note = None;
        let total = plan.total_runs();
        self.message = None;
        self.run = Some(RunProgress {
            sweep: true,
            plan: plan.clone(),
            done: 0,
            total,
            current: None,
            last: None,
            exercise: Some((lesson_index, index)),
        });
        Some(Effect::StartRun(plan))
    }

    fn choice_key(&mut self, index: usize, choice: &Choice, key: Key) {
        let options = choice.options.len();
        match key {
            Key::Up | Key::Char('k') => self.exercises_view.option = self.exercises_view.option.saturating_sub(1),
            Key::Down | Key::Char('j') => {
                self.exercises_view.option = (self.exercises_view.option + 1).min(options.saturating_sub(1))
            }
            Key::Char(c @ '1'..='9') => {
                let option = c as usize - '1' as usize;
                if option < options {
                    self.exercises_view.option = option;
                }
            }
            Key::Char(c @ 'a'..='i') if (c as usize - 'a' as usize) < options => {
                self.exercises_view.option = c as usize - 'a' as usize;
            }
            Key::Enter | Key::Char(' ') => self.answer_choice(index, choice),
            Key::Char('q') | Key::Left => self.exercises_view.pane = ExercisesPane::List,
            Key::Char('n') => self.next_hint(self.opened),
            _ => {}
        }
    }

    fn answer_choice(&mut self, index: usize, choice: &Choice) {
        let option = self.exercises_view.option;
        let right = option == choice.answer;
        let lesson = self.opened;
        if let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) {
            record.attempts += 1;
            record.chosen = Some(option);
            if right && !record.done {
                record.done = true;
                record.when = Some(crate::measure::report::utc_now());
            }
        }
        self.progress_changed = true;
        self.exercises_view.note = None;
    }

    /// Sets the Lab up to run `backend` × `workers` for the opened lesson and shows it.
    fn setup_run_step(&mut self, backend: &str, workers: usize) {
        let lesson = self.opened;
        self.setup_lab(lesson);
        if let Some(lab) = self.lab.as_mut() {
            lab.kernel = lab.lesson_kernel.clone();
            lab.size = lab.default_size();
            if let Some(i) = lab.backends.iter().position(|b| b.value == backend) {
                lab.backend_cursor = i;
                lab.backends[i].on = true;
            }
            if let Some(i) = lab.workers.iter().position(|w| w.value == workers) {
                lab.workers_cursor = i;
                lab.workers[i].on = true;
            }
            lab.row = super::LabRow::Backends;
        }
        self.lab_pane = super::LabPane::Setup;
        self.screen = Screen::Lab;
        self.message = Some(format!("Press r to run {backend} ×{workers}, then watch the Cores panel."));
    }

    /// A run started for a prediction ended with `report` (None: it failed or was cancelled).
    pub(super) fn finish_prediction(&mut self, lesson: usize, index: usize, report: Option<&Report>) {
        let Some(Exercise::Predict(predict)) = self.course.lessons.get(lesson).and_then(|l| l.exercises.get(index))
        else {
            return;
        };
        let predict = predict.clone();
        let Some(report) = report else {
            self.exercises_view.note = Some("The measurement did not finish; press Enter to measure again.".into());
            return;
        };
        let measured = measured_value(report, &predict);
        let point = point(report, &predict).cloned();
        let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) else { return };
        match measured {
            Ok(value) => {
                let prediction = record.prediction.unwrap_or(0.0);
                let passed = (prediction - value).abs() <= tolerance(&predict) + 1e-9;
                record.measured = Some(value);
                record.passed = Some(passed);
                record.attempts += 1;
                record.speedup = point.as_ref().and_then(|p| p.speedup);
                record.busy_cores = point.as_ref().and_then(|p| p.busy_cores);
                if !record.done {
                    record.done = true;
                    record.when = Some(crate::measure::report::utc_now());
                }
                record.explanation = explain_gap(report, &predict, prediction, value);
                // On the Exercises screen the exercise itself shows the verdict.
                self.message = (self.screen != Screen::Exercises).then(|| {
                    format!(
                        "Exercise {}: predicted {}, measured {}{}",
                        index + 1,
                        format_value(predict.metric, prediction),
                        format_value(predict.metric, value),
                        if passed {
                            ": within the tolerance. (t: exercises)"
                        } else {
                            ": outside the tolerance; t shows why."
                        }
                    )
                });
            }
            Err(why) => {
                self.exercises_view.note = Some(format!("No verdict: {why}."));
            }
        }
        self.progress_changed = true;
    }

    /// Completes the run steps of the Lab's lesson that `point` matches.
    pub(super) fn complete_run_steps(&mut self, point: &Point) {
        let lesson = self.lab_lesson;
        let Some(l) = self.course.lessons.get(lesson) else { return };
        if point.kernel != l.kernel {
            return;
        }
        let matching: Vec<usize> = l
            .exercises
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Exercise::Run(r) if r.backend == point.backend && r.workers == point.workers => Some(i),
                _ => None,
            })
            .collect();
        for index in matching {
            let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) else { continue };
            record.attempts += 1;
            record.speedup = point.speedup.or(record.speedup);
            record.busy_cores = point.busy_cores.or(record.busy_cores);
            if !record.done {
                record.done = true;
                record.when = Some(crate::measure::report::utc_now());
                let busy = point.busy_cores.map_or(String::new(), |b| format!(", {b:.1} cores busy"));
                self.message = Some(format!(
                    "Exercise {} done: {} ×{} measured{busy}. (t: exercises)",
                    index + 1,
                    point.backend,
                    point.workers
                ));
            }
            self.progress_changed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::progress::ExerciseKind;

    fn predict(metric: Metric, backend: &str, workers: usize) -> Predict {
        Predict { prompt: "?".into(), backend: backend.into(), workers, metric, tolerance: None }
    }

    /// A report of gil at 1 and 2 workers (1.0 s and 0.8 s) beside seq (0.9 s).
    fn report() -> Report {
        let course = crate::lessons::embedded().unwrap();
        let plan = predict_plan(&course.lessons[0], &predict(Metric::SpeedupVsSeq, "gil", 2), 2, Some(1000)).unwrap();
        let mut report = Report {
            parlab_version: "test".into(),
            created: "2026-11-22T10:00:00Z".into(),
            machine: crate::sysmon::MachineFacts::detect(),
            plan,
            reference_s: Some(0.9),
            points: Vec::new(),
            fits: Vec::new(),
            commands: None,
        };
        report.machine.available_parallelism = 2;
        report.machine.logical_cores = 2;
        for (backend, workers, seconds, busy) in [("seq", 1, 0.9, 1.0), ("gil", 1, 1.0, 1.0), ("gil", 2, 0.8, 1.1)] {
            let mut p = Point::new("pi", backend, workers, vec![seconds; 3]);
            p.busy_cores = Some(busy);
            report.points.push(p);
        }
        report.derive();
        report
    }

    #[test]
    fn a_prediction_is_measured_at_1_and_the_asked_workers() {
        let course = crate::lessons::embedded().unwrap();
        let lesson = &course.lessons[0];
        let plan = predict_plan(lesson, &predict(Metric::Speedup, "rayon", 4), 2, None).unwrap();
        assert_eq!((plan.backends.as_slice(), plan.workers.as_slice()), (&["rayon".to_string()][..], &[1, 4][..]));
        assert_eq!((plan.spec.kernel.as_str(), plan.spec.size), (lesson.kernel.as_str(), lesson.size));
        let plan = predict_plan(lesson, &predict(Metric::SpeedupVsSeq, "rayon", 2), 2, Some(1000)).unwrap();
        assert_eq!(plan.backends, ["seq", "rayon"], "a figure against seq measures seq too");
        assert_eq!(plan.spec.size, 1000, "--size applies");
        assert_eq!(predict_plan(lesson, &predict(Metric::Speedup, "rayon", 1), 2, None).unwrap().workers, [1]);
        assert_eq!(plan.spec, lesson_lab_spec(lesson, Some(1000)), "the same spec as the Lab's, so results merge");
    }

    fn lesson_lab_spec(lesson: &Lesson, size: Option<u64>) -> crate::kernels::KernelSpec {
        LabSetup::from_lesson(lesson, 2, size).sweep_plan().unwrap().spec
    }

    #[test]
    fn every_metric_comes_from_the_report() {
        let report = report();
        let value = |metric| measured_value(&report, &predict(metric, "gil", 2)).unwrap();
        approx::assert_relative_eq!(value(Metric::Speedup), 1.25);
        approx::assert_relative_eq!(value(Metric::SpeedupVsSeq), 0.9 / 0.8);
        approx::assert_relative_eq!(value(Metric::Efficiency), 0.625);
        approx::assert_relative_eq!(value(Metric::BusyCores), 1.1);
        // Two points: the Amdahl fit equals Karp-Flatt, (1/1.25 - 1/2) / (1 - 1/2) = 0.6.
        approx::assert_relative_eq!(value(Metric::SerialFraction), 0.6, epsilon = 1e-9);
        let missing = measured_value(&report, &predict(Metric::Speedup, "gil", 4)).unwrap_err();
        assert!(missing.contains("gil ×4 was not measured"), "{missing}");
    }

    #[test]
    fn the_gap_is_explained_from_the_measurement() {
        let report = report();
        let lines = explain_gap(&report, &predict(Metric::Speedup, "gil", 2), 1.9, 1.25);
        let text = lines.join("\n");
        assert!(text.contains("You expected more"), "{text}");
        assert!(text.contains("1.1 of 2 cores were busy: the workers mostly took turns"), "{text}");
        assert!(text.contains("60 % of the work were serial"), "{text}");
        let close = explain_gap(&report, &predict(Metric::Speedup, "gil", 2), 1.3, 1.25).join("\n");
        assert!(!close.contains("You expected"), "{close}");
    }

    #[test]
    fn records_start_empty_with_their_kinds() {
        let course = crate::lessons::embedded().unwrap();
        let records = fresh_records(&course.lessons[0]);
        let kinds: Vec<ExerciseKind> = records.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [ExerciseKind::Predict, ExerciseKind::Choice, ExerciseKind::Run]);
        assert!(records.iter().all(|r| !r.done && r.number > 0));
    }

    #[test]
    fn predictions_parse_as_learners_type_them() {
        let cases = [("1.8", Some(1.8)), ("1,8", Some(1.8)), ("2x", Some(2.0)), ("40%", Some(0.4)), (" 3 ", Some(3.0))];
        for (text, want) in cases {
            assert_eq!(parse_prediction(text), want, "{text}");
        }
        for bad in ["", ".", "x", "1.2.3", "-1"] {
            assert_eq!(parse_prediction(bad), None, "{bad}");
        }
    }
}
