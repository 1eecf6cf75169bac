//! Pair exercises: the learner predicts a figure of their partner's machine from the
//! partner's `parlab info`, then pastes the partner's share line (or the name of a file
//! that holds it) into the share line box; parlab reads the figure from the share through
//! the same figure model and tolerance as a predict exercise, and records the verdict.

use std::path::Path;

use super::exercises::{explain_gap, parse_prediction};
use super::{App, Effect, Key};
use crate::export::share::{self, Share};
use crate::lessons::{Exercise, Pair};

/// The longest text the share line box takes (a share of thirty points is a few KiB).
const MAX_INPUT: usize = share::MAX_LINE;

/// A pair exercise graded against the partner's share.
#[derive(Debug, Clone, PartialEq)]
pub struct PairVerdict {
    /// The partner's figure, read from their share.
    pub measured: f64,
    /// Whether the prediction is within the tolerance of it.
    pub passed: bool,
    /// The partner's machine, as their share describes it.
    pub partner: String,
    /// Why the figure came out as it did: the partner's times, then the explanation of
    /// the gap a predict exercise gives.
    pub explanation: Vec<String>,
}

/// Grades `prediction` of `pair` against the partner's `share`, in a lesson whose Lab
/// runs `kernel`; an error says what the partner should measure or send instead.
pub fn grade(pair: &Pair, kernel: &str, share: &Share, prediction: f64) -> Result<PairVerdict, String> {
    if share.kernel != kernel {
        return Err(format!(
            "this share measured {}, not {kernel}: ask your partner to sweep this lesson's Lab, then `parlab share`",
            share.kernel
        ));
    }
    let predict = pair.as_predict();
    let figure = predict.figure();
    let report = share.to_report();
    let measured = figure.read(&report).map_err(|e| {
        format!(
            "{e} in your partner's share: ask them to sweep {} at {} workers, then `parlab share` again",
            pair.backend,
            figure.worker_counts().iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
        )
    })?;
    let passed = predict.passes(prediction, measured);
    let times: Vec<String> = report
        .points_of(&pair.backend)
        .iter()
        .filter(|p| figure.worker_counts().contains(&p.workers))
        .map(|p| format!("×{} {}", p.workers, crate::present::units::seconds(p.median_s)))
        .collect();
    let mut explanation =
        vec![format!("Your partner's {} took {} on {}.", pair.backend, times.join(", "), share.machine.describe())];
    // The partner's turbo boost is not in a share: it is not named.
    explanation.extend(explain_gap(&report, &predict, prediction, measured, None));
    Ok(PairVerdict { measured, passed, partner: share.machine.describe(), explanation })
}

/// The share in what the learner entered: a share line (or text holding one), else the
/// name of a file that holds it.
pub fn read_entered(text: &str) -> Result<Share, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("paste your partner's share line (or type the name of a file with it), then press Enter".into());
    }
    if text.lines().any(|line| share::token(line).is_some()) {
        return Share::from_text(text);
    }
    Share::from_file(Path::new(text))
}

impl App {
    /// Whether the share line box of a pair exercise is open (it takes every key but Ctrl-C).
    pub fn share_input_open(&self) -> bool {
        self.screen == super::Screen::Exercises
            && self.exercises_view.pane == super::ExercisesPane::Detail
            && self.exercises_view.share.is_some()
    }

    /// Enter on a pair exercise: takes the typed prediction and opens the share line box.
    pub(super) fn predict_partner(&mut self, index: usize, pair: &Pair) {
        let Some(prediction) = parse_prediction(&self.exercises_view.input) else {
            self.exercises_view.note = Some(if self.exercises_view.input.is_empty() {
                "Type your prediction for your partner first, e.g. 1.5, then press Enter.".into()
            } else {
                format!("'{}' is not a number; type e.g. 1.5 and press Enter.", self.exercises_view.input)
            });
            return;
        };
        let lesson = self.opened;
        if let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) {
            record.first_prediction.get_or_insert(prediction);
            record.prediction = Some(prediction);
            record.metric = Some(pair.metric.clone());
            record.measured = None;
            record.passed = None;
            record.partner = None;
        }
        self.progress_changed = true;
        self.exercises_view.note = None;
        self.exercises_view.share = Some(String::new());
    }

    /// A key while the share line box is open.
    pub(super) fn share_input_key(&mut self, key: Key) -> Option<Effect> {
        let view = &mut self.exercises_view;
        let text = view.share.as_mut()?;
        match key {
            Key::Esc => view.share = None,
            Key::Enter => self.read_partner_share(),
            Key::Backspace => {
                text.pop();
                view.note = None;
            }
            Key::Delete => text.clear(),
            // A pasted line arrives as keys; a pasted line break is a blank.
            Key::Char(c) if text.len() < MAX_INPUT => {
                text.push(c);
                view.note = None;
            }
            Key::Tab => text.push(' '),
            _ => {}
        }
        None
    }

    /// Reads the share in the box and grades the exercise shown with it.
    fn read_partner_share(&mut self) {
        let index = self.exercises_view.selected;
        let lesson = self.opened;
        let Some((pair, kernel)) = self.course.lessons.get(lesson).and_then(|l| match l.exercises.get(index) {
            Some(Exercise::Pair(pair)) => Some((pair.clone(), l.kernel.clone())),
            _ => None,
        }) else {
            return;
        };
        let entered = self.exercises_view.share.clone().unwrap_or_default();
        let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) else { return };
        let Some(prediction) = record.prediction else {
            self.exercises_view.share = None;
            self.exercises_view.note = Some("Type your prediction first, then press Enter.".into());
            return;
        };
        match read_entered(&entered).and_then(|share| grade(&pair, &kernel, &share, prediction)) {
            Ok(verdict) => {
                record.measured = Some(verdict.measured);
                record.passed = Some(verdict.passed);
                record.partner = Some(verdict.partner);
                record.explanation = verdict.explanation;
                record.attempts += 1;
                if !record.done {
                    record.done = true;
                    record.when = Some(crate::measure::report::utc(self.now));
                }
                self.progress_changed = true;
                self.exercises_view.share = None;
                self.exercises_view.note = None;
            }
            Err(why) => self.exercises_view.note = Some(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::share::{MachineClass, SharePoint, VERIFIED};
    use crate::lessons::Metric;

    fn pair(metric: Metric) -> Pair {
        Pair { prompt: "?".into(), backend: "threads".into(), workers: 2, metric, tolerance: None }
    }

    fn share() -> Share {
        Share {
            parlab_version: "0.1.0".into(),
            date: "2026-12-06".into(),
            machine: MachineClass {
                cpu_model: "Intel Core i5".into(),
                logical_cores: 4,
                physical_cores: Some(2),
                available: 4,
                smt: Some(true),
                os: "Linux".into(),
            },
            kernel: "pi".into(),
            size: 1000,
            params: Default::default(),
            repetitions: 3,
            backends: vec!["seq".into(), "threads".into()],
            workers: vec![1, 2],
            points: vec![
                SharePoint(0, 1, 2.0, 0.01, VERIFIED),
                SharePoint(1, 1, 2.0, 0.01, VERIFIED),
                SharePoint(1, 2, 1.25, 0.01, VERIFIED),
            ],
            fits: Vec::new(),
            predictions: Vec::new(),
        }
    }

    #[test]
    fn a_prediction_is_graded_by_the_partners_medians_with_the_predict_tolerance() {
        let verdict = grade(&pair(Metric::Speedup), "pi", &share(), 1.5).unwrap();
        approx::assert_relative_eq!(verdict.measured, 1.6);
        assert!(verdict.passed, "1.5 is within 0.3 of 1.6");
        assert!(!grade(&pair(Metric::Speedup), "pi", &share(), 1.2).unwrap().passed);
        assert_eq!(verdict.partner, "Intel Core i5, 4 of 4 CPUs (2 cores, SMT), Linux");
        let text = verdict.explanation.join("\n");
        assert!(text.contains("threads took ×1 2.000 s, ×2 1.250 s"), "{text}");
        let efficiency = grade(&pair(Metric::Efficiency), "pi", &share(), 0.8).unwrap();
        approx::assert_relative_eq!(efficiency.measured, 0.8);
    }

    #[test]
    fn a_share_of_another_kernel_or_without_the_point_says_what_to_measure() {
        let why = grade(&pair(Metric::Speedup), "amdahl", &share(), 1.5).unwrap_err();
        assert!(why.contains("this share measured pi, not amdahl"), "{why}");
        let mut four = pair(Metric::Speedup);
        four.workers = 4;
        let why = grade(&four, "pi", &share(), 1.5).unwrap_err();
        assert!(why.contains("threads ×4 was not measured") && why.contains("at 1 and 4 workers"), "{why}");
    }

    #[test]
    fn the_box_takes_a_line_text_around_it_or_a_file_name() {
        let line = share().encode();
        assert_eq!(read_entered(&format!("bob: {line} ")).unwrap(), share());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bob.txt");
        std::fs::write(&path, format!("hello\n{line}\n")).unwrap();
        assert_eq!(read_entered(path.to_str().unwrap()).unwrap(), share());
        let missing = read_entered(dir.path().join("none.txt").to_str().unwrap()).unwrap_err();
        assert!(missing.contains("cannot read"), "{missing}");
        assert!(read_entered("  ").unwrap_err().contains("paste your partner's share line"));
        let cut = read_entered(&line[..line.len() - 12]).unwrap_err();
        assert!(cut.contains("truncated"), "{cut}");
    }
}
