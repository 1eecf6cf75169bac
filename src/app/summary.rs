//! The learner's progress over the whole course, as the Progress screen shows it and as
//! the Markdown proof of completion (`parlab-progress.md`) writes it.

use super::{App, Progress};
use crate::lessons::Exercise;
use crate::lessons::progress::{BestRun, ExerciseRecord};

/// Where a learner stands with one lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonStatus {
    /// Not opened.
    New,
    /// Passed over when jumping ahead.
    Skipped,
    /// Read, nothing measured.
    Read,
    /// Measured, some exercises still open.
    Measured,
    /// Every exercise done (or, without exercises, measured).
    Done,
}

impl LessonStatus {
    /// The status in words.
    pub fn words(self) -> &'static str {
        match self {
            LessonStatus::New => "new",
            LessonStatus::Skipped => "skipped",
            LessonStatus::Read => "read",
            LessonStatus::Measured => "measured",
            LessonStatus::Done => "done",
        }
    }

    /// The mark in the lesson list.
    pub fn mark(self) -> &'static str {
        match self {
            LessonStatus::New => "·",
            LessonStatus::Skipped => "»",
            LessonStatus::Read => "○",
            LessonStatus::Measured => "◑",
            LessonStatus::Done => "✓",
        }
    }
}

/// One lesson's line of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonSummary {
    /// Position in the course, from 0.
    pub index: usize,
    /// Title.
    pub title: String,
    /// Where the learner stands.
    pub status: LessonStatus,
    /// Exercises done.
    pub exercises_done: usize,
    /// Exercises in the lesson.
    pub exercises_total: usize,
    /// Predictions measured.
    pub predictions_measured: usize,
    /// Predictions within their tolerance.
    pub predictions_passed: usize,
    /// Best speedup measured.
    pub best: Option<BestRun>,
    /// Hints revealed / hints in the lesson.
    pub hints: (usize, usize),
}

/// The whole course's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Lessons done.
    pub lessons_done: usize,
    /// One line per lesson.
    pub lessons: Vec<LessonSummary>,
    /// Exercises done over the course.
    pub exercises_done: usize,
    /// Exercises in the course.
    pub exercises_total: usize,
    /// Predictions measured over the course.
    pub predictions_measured: usize,
    /// Predictions within their tolerance.
    pub predictions_passed: usize,
}

/// The status of lesson `index`.
pub fn status(app: &App, index: usize) -> LessonStatus {
    let records = app.exercise_records.get(index).map_or(&[][..], Vec::as_slice);
    let mark = app.progress.get(index).copied().unwrap_or(Progress::New);
    // Optional exercises are extensions for fast finishers: a lesson is done without them.
    let optional = app.course.lessons.get(index).map_or(&[][..], |l| l.optional_exercises.as_slice());
    let required = |i: usize| !optional.get(i).copied().unwrap_or(false);
    let all_done = if records.is_empty() {
        mark == Progress::Ran
    } else {
        records.iter().enumerate().filter(|(i, _)| required(*i)).all(|(_, r)| r.done)
    };
    if all_done {
        return LessonStatus::Done;
    }
    match mark {
        Progress::New => LessonStatus::New,
        Progress::Skipped => LessonStatus::Skipped,
        Progress::Read => LessonStatus::Read,
        Progress::Ran => LessonStatus::Measured,
    }
}

/// The summary of `app`'s progress.
pub fn summary(app: &App) -> Summary {
    let lessons: Vec<LessonSummary> = app
        .course
        .lessons
        .iter()
        .enumerate()
        .map(|(index, lesson)| {
            let records = app.exercise_records.get(index).map_or(&[][..], Vec::as_slice);
            let predictions: Vec<&ExerciseRecord> = records.iter().filter(|r| r.measured.is_some()).collect();
            LessonSummary {
                index,
                title: lesson.title.clone(),
                status: status(app, index),
                exercises_done: records.iter().filter(|r| r.done).count(),
                exercises_total: lesson.exercises.len(),
                predictions_measured: predictions.len(),
                predictions_passed: predictions.iter().filter(|r| r.passed == Some(true)).count(),
                best: app.best.get(index).cloned().flatten(),
                hints: (app.hints_shown.get(index).copied().unwrap_or(0), lesson.hints.len()),
            }
        })
        .collect();
    Summary {
        lessons_done: lessons.iter().filter(|l| l.status == LessonStatus::Done).count(),
        exercises_done: lessons.iter().map(|l| l.exercises_done).sum(),
        exercises_total: lessons.iter().map(|l| l.exercises_total).sum(),
        predictions_measured: lessons.iter().map(|l| l.predictions_measured).sum(),
        predictions_passed: lessons.iter().map(|l| l.predictions_passed).sum(),
        lessons,
    }
}

/// "rayon ×2: 1.93x".
pub fn best_words(best: &BestRun) -> String {
    format!("{} ×{}: {:.2}x", best.backend, best.workers, best.speedup)
}

/// What the learner did in one exercise, in one line (None: nothing yet).
pub fn exercise_outcome(exercise: &Exercise, record: &ExerciseRecord) -> Option<String> {
    match exercise {
        Exercise::Predict(p) => {
            let prediction = record.prediction?;
            let Some(measured) = record.measured else {
                return Some(format!("predicted {}, not measured yet", p.metric.format(prediction)));
            };
            let verdict = if record.passed == Some(true) { "within" } else { "outside" };
            let first = match record.first_prediction {
                Some(first) if (first - prediction).abs() > 1e-9 => {
                    format!(" (first guess {})", p.metric.format(first))
                }
                _ => String::new(),
            };
            Some(format!(
                "predicted {}, measured {}: {verdict} ±{:.2}{first}",
                p.metric.format(prediction),
                p.metric.format(measured),
                p.tolerance()
            ))
        }
        Exercise::Choice(c) => {
            let chosen = record.chosen?;
            let option = c.options.get(chosen).map_or("?", String::as_str);
            let tries = if record.attempts == 1 { "1 try".to_string() } else { format!("{} tries", record.attempts) };
            Some(if record.done {
                format!("answered \"{option}\" (right, {tries})")
            } else {
                format!("answered \"{option}\" (not right yet, {tries})")
            })
        }
        Exercise::Run(r) => record.done.then(|| {
            let mut text = format!("ran {} ×{}", r.backend, r.workers);
            if let Some(s) = record.speedup {
                text.push_str(&format!(", speedup {s:.2}x"));
            }
            if let Some(b) = record.busy_cores {
                text.push_str(&format!(", {b:.1} cores busy"));
            }
            text
        }),
        Exercise::Pair(p) => {
            let prediction = record.prediction?;
            let Some(measured) = record.measured else {
                return Some(format!("predicted {}, partner's share not read yet", p.metric.format(prediction)));
            };
            let verdict = if record.passed == Some(true) { "within" } else { "outside" };
            let partner = record.partner.as_ref().map_or(String::new(), |m| format!(" ({m})"));
            Some(format!(
                "predicted {}, partner's share {}{partner}: {verdict} ±{:.2}",
                p.metric.format(prediction),
                p.metric.format(measured),
                p.as_predict().tolerance()
            ))
        }
        Exercise::Code(c) => (record.attempts > 0).then(|| {
            let checks =
                if record.attempts == 1 { "1 check".to_string() } else { format!("{} checks", record.attempts) };
            let mut text = if record.done {
                format!("{} passed ({checks})", c.file)
            } else {
                format!("{} not passed yet ({checks})", c.file)
            };
            if let Some(s) = record.speedup {
                text.push_str(&format!(", speedup {s:.2}x"));
            }
            if record.solution_shown {
                text.push_str(", solution seen");
            }
            text
        }),
    }
}

/// The kind of an exercise in words.
pub fn kind_words(exercise: &Exercise) -> &'static str {
    match exercise {
        Exercise::Predict(_) => "Predict",
        Exercise::Choice(_) => "Question",
        Exercise::Run(_) => "Run",
        Exercise::Code(_) => "Code",
        Exercise::Pair(_) => "Pair",
    }
}

fn prompt(exercise: &Exercise) -> &str {
    match exercise {
        Exercise::Predict(p) => &p.prompt,
        Exercise::Choice(c) => &c.prompt,
        Exercise::Run(r) => &r.prompt,
        Exercise::Code(c) => &c.prompt,
        Exercise::Pair(p) => &p.prompt,
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown proof of completion, dated `date`.
pub fn markdown(app: &App, date: &str) -> String {
    let s = summary(app);
    let facts = &app.facts;
    let mut out = format!("# parlab progress: {}\n\n", app.course.title);
    out.push_str(&format!(
        "Exported {date} by parlab {} on {} ({} logical cores, {} available).\n\n",
        env!("CARGO_PKG_VERSION"),
        facts.cpu_model,
        facts.logical_cores,
        facts.available_parallelism
    ));
    out.push_str(&format!(
        "**{} of {} lessons done**; {} of {} exercises done; {} of {} predictions within their tolerance.\n\n",
        s.lessons_done,
        s.lessons.len(),
        s.exercises_done,
        s.exercises_total,
        s.predictions_passed,
        s.predictions_measured
    ));
    out.push_str("| # | Lesson | Status | Exercises | Best speedup | Hints used |\n|---:|---|---|---|---|---|\n");
    for l in &s.lessons {
        out.push_str(&format!(
            "| {} | {} | {} | {}/{} | {} | {}/{} |\n",
            l.index + 1,
            cell(&l.title),
            l.status.words(),
            l.exercises_done,
            l.exercises_total,
            l.best.as_ref().map_or_else(|| "-".to_string(), best_words),
            l.hints.0,
            l.hints.1
        ));
    }
    for (l, lesson) in s.lessons.iter().zip(&app.course.lessons) {
        if l.status == LessonStatus::New || lesson.exercises.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}. {} ({})\n\n", l.index + 1, lesson.title, l.status.words()));
        for (i, exercise) in lesson.exercises.iter().enumerate() {
            let outcome = app
                .exercise_record(l.index, i)
                .and_then(|r| exercise_outcome(exercise, r))
                .unwrap_or_else(|| "not done".into());
            let done = app.exercise_record(l.index, i).is_some_and(|r| r.done);
            out.push_str(&format!(
                "- [{}] {} {}: {} — {}\n",
                if done { "x" } else { " " },
                kind_words(exercise),
                i + 1,
                prompt(exercise).trim(),
                outcome
            ));
            if let Some(record) = app.exercise_record(l.index, i) {
                for why in &record.explanation {
                    out.push_str(&format!("  - {why}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysmon::MachineFacts;

    #[test]
    fn a_lesson_is_done_without_its_optional_exercises() {
        let course = crate::lessons::embedded().expect("the embedded course loads");
        let mut app = App::new(course, MachineFacts::synthetic(2), false);
        let (index, lesson) = app
            .course
            .lessons
            .iter()
            .enumerate()
            .find(|(_, l)| l.optional_exercises.contains(&true))
            .map(|(i, l)| (i, l.clone()))
            .expect("the course has an optional exercise");
        for (i, record) in app.exercise_records[index].iter_mut().enumerate() {
            record.done = !lesson.optional_exercises[i];
        }
        assert_eq!(status(&app, index), LessonStatus::Done, "{}: the required exercises are done", lesson.id);
        let first_required = lesson.optional_exercises.iter().position(|o| !o).expect("a required exercise");
        app.exercise_records[index][first_required].done = false;
        assert_ne!(status(&app, index), LessonStatus::Done, "a required exercise is not done");
    }
}
