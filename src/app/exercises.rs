//! The Exercises screen's model: predict-then-measure (a plan at 1 and the asked
//! worker count, run through the normal run path, judged against the manifest's
//! tolerance with an explanation of the gap), multiple choice with feedback per option,
//! and "run this and look" steps that complete when a matching point is measured.

use super::code_exercise::CodeAction;
use super::keys::{Command, Hint, Keys};
use super::{App, Effect, Key, RunProgress, Screen};
use crate::lessons::progress::{ExerciseKind, ExerciseRecord};
use crate::lessons::{Choice, Exercise, Lesson, Predict};
use crate::measure::{Point, Report};

pub use super::grading::{
    explain_gap, graded_against, measured_value, metric_words, option_explanation, parse_prediction, predict_plan,
    tolerance,
};

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
    /// Pair: the share line box, while open (what was pasted or typed into it).
    pub share: Option<String>,
}

impl Default for ExercisesView {
    fn default() -> Self {
        Self { selected: 0, pane: ExercisesPane::List, input: String::new(), option: 0, note: None, share: None }
    }
}

/// The kind of an exercise, as the progress file names it.
pub fn kind(exercise: &Exercise) -> ExerciseKind {
    match exercise {
        Exercise::Predict(_) => ExerciseKind::Predict,
        Exercise::Choice(_) => ExerciseKind::Choice,
        Exercise::Run(_) => ExerciseKind::Run,
        Exercise::Code(_) => ExerciseKind::Code,
        Exercise::Pair(_) => ExerciseKind::Pair,
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
        self.code.solution = false;
        self.code.scroll = 0;
        self.code.confirm_fresh = false;
        self.exercises_view = ExercisesView {
            selected: index,
            pane: self.exercises_view.pane,
            input: record.as_ref().and_then(|r| r.prediction).map(|p| format!("{p}")).unwrap_or_default(),
            option: record.and_then(|r| r.chosen).unwrap_or(0),
            note: None,
            share: None,
        };
    }

    /// Whether the Exercises screen takes digits for itself (typing a prediction or
    /// choosing an option), so they do not switch screens.
    pub fn exercise_takes_digits(&self) -> bool {
        self.screen == Screen::Exercises
            && self.exercises_view.pane == ExercisesPane::Detail
            && matches!(
                self.current_exercises().get(self.exercises_view.selected),
                Some(Exercise::Predict(_) | Exercise::Choice(_) | Exercise::Pair(_))
            )
    }

    /// Does what `action` says on the Exercises screen.
    pub(super) fn exercises_action(&mut self, action: ExercisesAction) -> Option<Effect> {
        let count = self.current_exercises().len();
        let index = self.exercises_view.selected;
        let options = self.current_options();
        let view = &mut self.exercises_view;
        match action {
            X::Cancel => {
                self.message = Some("Cancelling after the current repetition...".into());
                return Some(Effect::CancelRun);
            }
            X::Up => self.select_exercise(index.saturating_sub(1)),
            X::Down => self.select_exercise(index + 1),
            X::First => self.select_exercise(0),
            X::Last => self.select_exercise(count.saturating_sub(1)),
            X::Open => view.pane = ExercisesPane::Detail,
            X::Back => {
                self.screen = Screen::Lessons;
                self.lessons_pane = super::LessonsPane::Reader;
            }
            X::List => view.pane = ExercisesPane::List,
            X::Type(c) => {
                if view.input.len() < 12 {
                    view.input.push(c);
                }
                view.note = None;
            }
            X::Erase => {
                view.input.pop();
                view.note = None;
            }
            X::Clear => view.input.clear(),
            X::OptionUp => view.option = view.option.saturating_sub(1),
            X::OptionDown => view.option = (view.option + 1).min(options.saturating_sub(1)),
            X::Pick(option) => {
                if option < options {
                    view.option = option;
                }
            }
            X::Enter => match self.current_exercises().get(index).cloned() {
                Some(Exercise::Predict(p)) => return self.measure_prediction(index, &p),
                Some(Exercise::Choice(c)) => self.answer_choice(index, &c),
                Some(Exercise::Run(r)) => self.setup_run_step(&r.backend, r.workers),
                Some(Exercise::Code(_)) => return self.code_action(CodeAction::Start),
                Some(Exercise::Pair(p)) => self.predict_partner(index, &p),
                None => {}
            },
            X::Hint => self.next_hint(self.opened),
            X::Code(action) => return self.code_action(action),
        }
        None
    }

    /// The number of options of the exercise shown (0 unless it is a question).
    fn current_options(&self) -> usize {
        match self.current_exercises().get(self.exercises_view.selected) {
            Some(Exercise::Choice(c)) => c.options.len(),
            _ => 0,
        }
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
        let mut plan = match predict_plan(&lesson, predict, self.facts.available_parallelism, self.size_override) {
            Ok(plan) => plan,
            Err(why) => {
                self.exercises_view.note = Some(format!("Cannot measure this: {why}"));
                return None;
            }
        };
        // The measurement's points join the Lab's results for this lesson.
        self.setup_lab(lesson_index);
        let metric = predict.metric.clone();
        if let Some(record) = self.exercise_records.get_mut(lesson_index).and_then(|r| r.get_mut(index)) {
            record.first_prediction.get_or_insert(prediction);
            record.prediction = Some(prediction);
            record.metric = Some(metric);
            record.measured = None;
            record.passed = None;
        }
        self.progress_changed = true;
        self.exercises_view.note = None;
        self.guard_plan(&mut plan);
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

    fn answer_choice(&mut self, index: usize, choice: &Choice) {
        let option = self.exercises_view.option;
        let right = option == choice.answer;
        let lesson = self.opened;
        if let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) {
            record.attempts += 1;
            record.chosen = Some(option);
            if right && !record.done {
                record.done = true;
                record.when = Some(crate::measure::report::utc(self.now));
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
        let figure = predict.figure();
        let measured = figure.read(report).map_err(|e| e.to_string());
        let point = figure.point(report).cloned();
        let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) else { return };
        match measured {
            Ok(value) => {
                let prediction = record.prediction.unwrap_or(0.0);
                let params = &self.course.lessons[lesson].params;
                let (answer, model) = graded_against(params, &predict, report, value);
                let passed = predict.passes(prediction, answer);
                record.measured = Some(value);
                record.passed = Some(passed);
                record.attempts += 1;
                record.speedup = point.as_ref().and_then(|p| p.speedup);
                record.busy_cores = point.as_ref().and_then(|p| p.busy_cores);
                if !record.done {
                    record.done = true;
                    record.when = Some(crate::measure::report::utc(self.now));
                }
                let modelled = model.is_some();
                record.explanation = model
                    .into_iter()
                    .chain(explain_gap(report, &predict, prediction, value, crate::sysmon::turbo_boost()))
                    .collect();
                // On the Exercises screen the exercise itself shows the verdict.
                self.message = (self.screen != Screen::Exercises).then(|| {
                    format!(
                        "Exercise {}: predicted {}, {}measured {}{}",
                        index + 1,
                        predict.metric.format(prediction),
                        if modelled {
                            format!("the law gives {}, ", predict.metric.format(answer))
                        } else {
                            String::new()
                        },
                        predict.metric.format(value),
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
                record.when = Some(crate::measure::report::utc(self.now));
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

/// What a key does on the Exercises screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExercisesAction {
    /// Stop the measurement after the current repetition.
    Cancel,
    /// The exercise above.
    Up,
    /// The exercise below.
    Down,
    /// The first exercise.
    First,
    /// The last exercise.
    Last,
    /// List: answer the exercise under the cursor.
    Open,
    /// List: back to the lesson's text.
    Back,
    /// Detail: back to the list.
    List,
    /// Predict: type this character.
    Type(char),
    /// Predict: erase the last character.
    Erase,
    /// Predict: erase everything typed.
    Clear,
    /// Question: the option above.
    OptionUp,
    /// Question: the option below.
    OptionDown,
    /// Question: this option (from 0).
    Pick(usize),
    /// Measure the prediction, answer the question or set the Lab up for the run step.
    Enter,
    /// Show the lesson's next hint.
    Hint,
    /// A write-the-code exercise's key.
    Code(CodeAction),
}

fn shown(app: &App) -> Option<&Exercise> {
    app.current_exercises().get(app.exercises_view.selected)
}

fn running(app: &App) -> bool {
    app.run.is_some()
}

fn list(app: &App) -> bool {
    app.exercises_view.pane == ExercisesPane::List
}

fn list_with_exercises(app: &App) -> bool {
    list(app) && !app.current_exercises().is_empty()
}

fn detail(app: &App) -> bool {
    app.exercises_view.pane == ExercisesPane::Detail
}

fn predicting(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Predict(_)))
}

fn pairing(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Pair(_))) && app.exercises_view.share.is_none()
}

fn sharing(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Pair(_))) && app.exercises_view.share.is_some()
}

fn typing_number(app: &App) -> bool {
    predicting(app) || pairing(app)
}

fn detail_not_sharing(app: &App) -> bool {
    detail(app) && !sharing(app)
}

fn choosing(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Choice(_)))
}

fn run_step(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Run(_)))
}

fn coding(app: &App) -> bool {
    detail(app) && matches!(shown(app), Some(Exercise::Code(_)))
}

fn not_coding(app: &App) -> bool {
    !coding(app) && !sharing(app)
}

fn coding_unwatched(app: &App) -> bool {
    coding(app) && !app.shown_code_is_watched()
}

fn coding_watched(app: &App) -> bool {
    coding(app) && app.shown_code_is_watched()
}

fn code_checking(app: &App) -> bool {
    app.code.checking
}

fn solution_label(app: &App) -> String {
    if app.code.solution { "hide solution" } else { "solution" }.into()
}

fn predicting_or_run_step(app: &App) -> bool {
    predicting(app) || pairing(app) || run_step(app) || coding(app)
}

fn choose_label(app: &App) -> String {
    format!("or 1-{} choose", app.current_options())
}

use ExercisesAction as X;

/// The keys that type a prediction.
const TYPING: &[(Key, ExercisesAction)] = &[
    (Key::Char('0'), X::Type('0')),
    (Key::Char('1'), X::Type('1')),
    (Key::Char('2'), X::Type('2')),
    (Key::Char('3'), X::Type('3')),
    (Key::Char('4'), X::Type('4')),
    (Key::Char('5'), X::Type('5')),
    (Key::Char('6'), X::Type('6')),
    (Key::Char('7'), X::Type('7')),
    (Key::Char('8'), X::Type('8')),
    (Key::Char('9'), X::Type('9')),
    (Key::Char('.'), X::Type('.')),
    (Key::Char(','), X::Type(',')),
    (Key::Char('%'), X::Type('%')),
    (Key::Backspace, X::Erase),
    (Key::Delete, X::Clear),
];

/// The keys that choose an option: arrows, 1-9 and a-i.
const CHOOSING: &[(Key, ExercisesAction)] = &[
    (Key::Up, X::OptionUp),
    (Key::Char('k'), X::OptionUp),
    (Key::Down, X::OptionDown),
    (Key::Char('j'), X::OptionDown),
    (Key::Char('1'), X::Pick(0)),
    (Key::Char('2'), X::Pick(1)),
    (Key::Char('3'), X::Pick(2)),
    (Key::Char('4'), X::Pick(3)),
    (Key::Char('5'), X::Pick(4)),
    (Key::Char('6'), X::Pick(5)),
    (Key::Char('7'), X::Pick(6)),
    (Key::Char('8'), X::Pick(7)),
    (Key::Char('9'), X::Pick(8)),
    (Key::Char('a'), X::Pick(0)),
    (Key::Char('b'), X::Pick(1)),
    (Key::Char('c'), X::Pick(2)),
    (Key::Char('d'), X::Pick(3)),
    (Key::Char('e'), X::Pick(4)),
    (Key::Char('f'), X::Pick(5)),
    (Key::Char('g'), X::Pick(6)),
    (Key::Char('h'), X::Pick(7)),
    (Key::Char('i'), X::Pick(8)),
];

/// The Exercises screen's keys.
pub const KEYS: Keys<ExercisesAction> = Keys(&[
    Command {
        keys: "c",
        bindings: &[(Key::Char('c'), X::Cancel)],
        help: "cancel the measurement (after the current repetition)",
        when: running,
        hints: &[Hint::new("c", "cancel", 10, running)],
    },
    Command {
        keys: "↑↓ Home End",
        bindings: &[
            (Key::Up, X::Up),
            (Key::Char('k'), X::Up),
            (Key::Down, X::Down),
            (Key::Char('j'), X::Down),
            (Key::Home, X::First),
            (Key::End, X::Last),
        ],
        help: "choose an exercise (also j k)",
        when: list,
        hints: &[Hint::new("↑↓", "choose", 20, list)],
    },
    Command {
        keys: "Enter → Tab",
        bindings: &[
            (Key::Enter, X::Open),
            (Key::Right, X::Open),
            (Key::Char('l'), X::Open),
            (Key::Tab, X::Open),
            (Key::BackTab, X::Open),
        ],
        help: "answer the exercise chosen (also l)",
        when: list_with_exercises,
        hints: &[Hint::new("Enter", "answer", 21, list)],
    },
    Command {
        keys: "q Esc",
        bindings: &[(Key::Char('q'), X::Back), (Key::Esc, X::Back)],
        help: "on the list: back to the lesson's text",
        when: list,
        hints: &[Hint::new("q", "back", 22, list)],
    },
    Command {
        keys: "0-9 . ⌫ Del",
        bindings: TYPING,
        help: "predict, pair: type a number (Backspace erases, Delete clears)",
        when: typing_number,
        hints: &[Hint::new("0-9 .", "type", 20, typing_number)],
    },
    Command {
        keys: "Enter",
        bindings: &[(Key::Enter, X::Enter)],
        help: "measure, answer, set up the lab, start the code, grade a pair",
        when: detail,
        hints: &[
            Hint::new("Enter", "measure", 21, predicting),
            Hint::new("Enter", "predict", 21, pairing),
            Hint::new("Enter", "grade", 21, sharing),
            Hint::new("Enter", "answer", 21, choosing),
            Hint::new("Enter", "set up the lab", 21, run_step),
            Hint::new("Enter", "start", 21, coding_unwatched),
        ],
    },
    Command {
        keys: "c",
        bindings: &[(Key::Char('c'), X::Code(CodeAction::Cancel))],
        help: "code: stop the check of your file",
        when: code_checking,
        hints: &[Hint::new("c", "stop the check", 10, code_checking)],
    },
    Command {
        keys: "r",
        bindings: &[(Key::Char('r'), X::Code(CodeAction::Check))],
        help: "code: run your file at 1 and 2 workers now (saves do too)",
        when: coding,
        hints: &[Hint::new("r", "check now", 21, coding_watched)],
    },
    Command {
        keys: "v",
        bindings: &[(Key::Char('v'), X::Code(CodeAction::Solution))],
        help: "code: show or hide the reference solution",
        when: coding,
        hints: &[Hint::from("v", solution_label, 24, coding)],
    },
    Command {
        keys: "n",
        bindings: &[(Key::Char('n'), X::Code(CodeAction::Hint))],
        help: "code: show the exercise's next hint",
        when: coding,
        hints: &[Hint::new("n", "hint", 23, coding)],
    },
    Command {
        keys: "F",
        bindings: &[(Key::Char('F'), X::Code(CodeAction::Fresh))],
        help: "code: a fresh starter (press twice; yours is kept as .bak)",
        when: coding_watched,
        hints: &[],
    },
    Command {
        keys: "PgUp PgDn",
        bindings: &[(Key::PageUp, X::Code(CodeAction::Scroll(-10))), (Key::PageDown, X::Code(CodeAction::Scroll(10)))],
        help: "code: scroll the exercise (output, hints, solution)",
        when: coding,
        hints: &[Hint::new("PgDn", "scroll", 25, coding)],
    },
    Command {
        keys: "↑↓ 1-9 a-i",
        bindings: CHOOSING,
        help: "question: choose an option (Space answers too)",
        when: choosing,
        hints: &[Hint::from("↑↓", choose_label, 20, choosing)],
    },
    Command {
        keys: "Space",
        bindings: &[(Key::Char(' '), X::Enter)],
        help: "question: answer with the option chosen",
        when: choosing,
        hints: &[],
    },
    Command {
        keys: "↑↓ j k",
        bindings: &[(Key::Up, X::Up), (Key::Char('k'), X::Up), (Key::Down, X::Down), (Key::Char('j'), X::Down)],
        help: "predict, run step, code: the exercise above / below",
        when: predicting_or_run_step,
        hints: &[],
    },
    Command {
        keys: "Esc q ← h",
        bindings: &[
            (Key::Esc, X::List),
            (Key::Tab, X::List),
            (Key::BackTab, X::List),
            (Key::Char('q'), X::List),
            (Key::Left, X::List),
            (Key::Char('h'), X::List),
        ],
        help: "back to the list (also Tab); closes a pair's share box",
        when: detail,
        hints: &[Hint::new("Esc", "list", 30, detail_not_sharing), Hint::new("Esc", "close the box", 30, sharing)],
    },
    Command {
        keys: "n",
        bindings: &[(Key::Char('n'), X::Hint)],
        help: "show the lesson's next hint",
        when: super::keys::always,
        hints: &[Hint::new("n", "hint", 40, not_coding)],
    },
]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::LabSetup;
    use crate::lessons::Metric;
    use crate::lessons::progress::ExerciseKind;

    fn predict(metric: Metric, backend: &str, workers: usize) -> Predict {
        Predict {
            prompt: "?".into(),
            backend: backend.into(),
            workers,
            metric,
            tolerance: None,
            params: Default::default(),
            expect: None,
        }
    }

    /// A report of gil at 1 and 2 workers (1.0 s and 0.8 s) beside seq (0.9 s).
    fn report() -> Report {
        let course = crate::lessons::embedded().unwrap();
        let plan = predict_plan(&course.lessons[0], &predict(Metric::SpeedupVsSeq, "gil", 2), 2, Some(1000)).unwrap();
        let mut report = Report { reference_s: Some(0.9), ..Report::new(crate::sysmon::MachineFacts::detect(), plan) };
        report.machine.available_parallelism = 2;
        report.machine.logical_cores = 2;
        report.machine.physical_cores = Some(2);
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
        let lines = explain_gap(&report, &predict(Metric::Speedup, "gil", 2), 1.9, 1.25, None);
        let text = lines.join("\n");
        assert!(text.contains("You expected more"), "{text}");
        assert!(text.contains("1.1 of 2 cores were busy: the workers mostly took turns"), "{text}");
        assert!(text.contains("60 % of the work were serial"), "{text}");
        let close = explain_gap(&report, &predict(Metric::Speedup, "gil", 2), 1.3, 1.25, None).join("\n");
        assert!(!close.contains("You expected"), "{close}");
        assert!(!close.contains("SMT") && !close.contains("Turbo"), "{close}");
    }

    #[test]
    fn smt_turbo_and_a_busy_neighbour_are_named_when_they_shaped_the_figure() {
        let mut report = report();
        let gil2 = report.points.iter_mut().find(|p| p.backend == "gil" && p.workers == 2).unwrap();
        gil2.cpu_cores = 1.0;
        gil2.busy_cores = Some(1.9);
        let quiet = |report: &Report, turbo| {
            explain_gap(report, &predict(Metric::Speedup, "gil", 2), 1.25, 1.25, turbo).join("\n")
        };
        let text = quiet(&report, Some(true));
        assert!(text.contains("A busy neighbour: other programs kept about 0.9 cores busy"), "{text}");
        assert!(text.contains("Turbo boost is on"), "efficiency 0.62 with boost: {text}");
        assert!(!text.contains("SMT"), "2 physical cores: {text}");
        assert!(!quiet(&report, None).contains("Turbo"), "boost unknown: not named");
        report.machine.physical_cores = Some(1);
        let text = quiet(&report, Some(false));
        assert!(
            text.contains("SMT: this machine's 2 CPUs are 1 physical cores with 2 hardware threads each"),
            "{text}"
        );
        assert!(!text.contains("Turbo"), "{text}");
    }

    #[test]
    fn an_amdahl_prediction_is_graded_against_the_law_on_this_machines_cpus() {
        let report = report();
        let mut p = predict(Metric::Speedup, "gil", 2);
        let params: std::collections::BTreeMap<String, String> = [("serial".to_string(), "0.1".to_string())].into();
        assert_eq!(graded_against(&params, &p, &report, 1.25), (1.25, None), "no model: the measurement");
        p.expect = Some(crate::lessons::manifest::Expect::Amdahl);
        let (answer, why) = graded_against(&params, &p, &report, 1.25);
        approx::assert_relative_eq!(answer, 1.0 / 0.55, epsilon = 1e-12);
        let why = why.unwrap();
        assert!(why.contains("s = 0.1") && why.contains("= 1.82x"), "{why}");
        assert!(why.contains("T(1) measured 1.000 s, so T(2) should be"), "{why}");
        assert!(p.passes(1.8, answer) && !p.passes(1.25, answer), "a right answer passes whatever was measured");
        p.workers = 4;
        let (answer, why) = graded_against(&params, &p, &report, 1.25);
        approx::assert_relative_eq!(answer, 1.0 / 0.55, epsilon = 1e-12);
        assert!(why.unwrap().contains("4 workers on 2 CPUs run 2 at a time"));
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
