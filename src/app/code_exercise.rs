//! The write-the-code exercises' model (beside `exercises.rs`, whose key table routes
//! their keys here): put the starter into the workspace folder (never over the learner's
//! edits without a second press), watch the file (the main loop polls its mtime and
//! sends `Event::CodeSaved`), check it in the background (an `Effect`, cancellable),
//! take the verdict into the progress record, reveal the exercise's hints and its
//! reference solution on request. And the code pane: which Python twin the reader and
//! the Lab show. No I/O here: the main loop carries out the effects.

use std::path::{Path, PathBuf};

use super::{App, Effect, Screen};
use crate::lessons::code::{Prepared, Verdict};
use crate::lessons::{CodeExercise, Exercise};

/// The state of the code exercise being worked on (not saved: the file is).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeView {
    /// The exercise whose file is watched: (lesson, exercise index).
    pub watching: Option<(usize, usize)>,
    /// The learner's file, once it is in the workspace.
    pub path: Option<PathBuf>,
    /// A check is running.
    pub checking: bool,
    /// The file was saved while a check ran: check again when it ends.
    pub pending: bool,
    /// The last check's verdict (for the watched exercise).
    pub verdict: Option<Verdict>,
    /// What putting the starter in place did, or why it failed.
    pub note: Option<String>,
    /// The learner pressed F once: a second press replaces their file with the starter.
    pub confirm_fresh: bool,
    /// The reference solution is shown.
    pub solution: bool,
    /// Scroll of the exercise's detail, in lines.
    pub scroll: u16,
}

/// What the main loop must do to check a learner's file.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeCheck {
    /// The learner's file.
    pub path: PathBuf,
    /// The exercise it is checked against.
    pub exercise: CodeExercise,
}

/// What a code-exercise key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeAction {
    /// Put the starter in the workspace (if it is not there) and watch it; check it now
    /// when it is already watched.
    Start,
    /// Check the file now.
    Check,
    /// Stop the check.
    Cancel,
    /// Show or hide the reference solution.
    Solution,
    /// Show the exercise's next hint.
    Hint,
    /// Replace the learner's file with a fresh starter (asks for a second press).
    Fresh,
    /// Scroll the exercise's detail by this many lines (negative: up).
    Scroll(i16),
}

impl App {
    /// The code exercise shown on the Exercises screen, with its (lesson, index).
    pub fn shown_code(&self) -> Option<((usize, usize), &CodeExercise)> {
        let index = self.exercises_view.selected;
        match self.opened_lesson()?.exercises.get(index)? {
            Exercise::Code(code) => Some(((self.opened, index), code)),
            _ => None,
        }
    }

    /// Whether the code exercise shown is the one whose file is watched.
    pub fn shown_code_is_watched(&self) -> bool {
        self.shown_code().is_some_and(|(at, _)| self.code.watching == Some(at))
    }

    /// The file the main loop should watch for saves, if any.
    pub fn code_watch(&self) -> Option<&Path> {
        self.code.watching.and(self.code.path.as_deref())
    }

    /// Does what a code-exercise key says.
    pub(super) fn code_action(&mut self, action: CodeAction) -> Option<Effect> {
        if action != CodeAction::Fresh {
            self.code.confirm_fresh = false;
        }
        let (at, exercise) = self.shown_code().map(|(at, e)| (at, e.clone()))?;
        match action {
            CodeAction::Start | CodeAction::Check if self.code.watching == Some(at) && self.code.path.is_some() => {
                return self.check_code();
            }
            CodeAction::Start | CodeAction::Check => return self.prepare_code(at, &exercise, false),
            CodeAction::Cancel => {
                if self.code.checking {
                    self.code.pending = false;
                    return Some(Effect::CancelCode);
                }
            }
            CodeAction::Solution => {
                self.code.solution = !self.code.solution;
                if self.code.solution {
                    if let Some(record) = self.exercise_records.get_mut(at.0).and_then(|r| r.get_mut(at.1))
                        && !record.solution_shown
                    {
                        record.solution_shown = true;
                        self.progress_changed = true;
                    }
                    self.code.scroll = u16::MAX;
                } else {
                    self.code.scroll = 0;
                }
            }
            CodeAction::Hint => {
                let total = exercise.hints.len();
                let record = self.exercise_records.get_mut(at.0).and_then(|r| r.get_mut(at.1))?;
                self.message = Some(if total == 0 {
                    "This exercise has no hints.".into()
                } else if record.hints < total {
                    record.hints += 1;
                    self.progress_changed = true;
                    format!("Hint {} of {total} shown.", record.hints)
                } else {
                    format!("All {total} hints are shown; v shows the reference solution.")
                });
            }
            CodeAction::Fresh => {
                if self.code.checking {
                    self.message = Some("A check is running: wait for it or press c to cancel it.".into());
                } else if self.code.confirm_fresh {
                    self.code.confirm_fresh = false;
                    return self.prepare_code(at, &exercise, true);
                } else {
                    self.code.confirm_fresh = true;
                    self.message = Some(format!(
                        "Press F again to replace {} with a fresh starter (your file is kept as a .bak copy).",
                        exercise.file
                    ));
                }
            }
            CodeAction::Scroll(lines) if lines < 0 => {
                self.code.scroll = self.code.scroll.min(self.code_max_scroll).saturating_sub(lines.unsigned_abs())
            }
            CodeAction::Scroll(lines) => {
                self.code.scroll = self.code.scroll.saturating_add(lines.unsigned_abs()).min(self.code_max_scroll)
            }
        }
        None
    }

    fn prepare_code(&mut self, at: (usize, usize), exercise: &CodeExercise, fresh: bool) -> Option<Effect> {
        if self.code.checking {
            self.message = Some("A check is running: wait for it or press c to cancel it.".into());
            return None;
        }
        let starter = self.course.lessons.get(at.0)?.file_text(&exercise.starter)?.to_string();
        if self.code.watching != Some(at) {
            self.code = CodeView { watching: Some(at), ..CodeView::default() };
        }
        Some(Effect::PrepareCode { dir: self.workspace.clone(), file: exercise.file.clone(), starter, fresh })
    }

    fn check_code(&mut self) -> Option<Effect> {
        let (lesson, index) = self.code.watching?;
        let Some(Exercise::Code(exercise)) = self.course.lessons.get(lesson)?.exercises.get(index) else { return None };
        let path = self.code.path.clone()?;
        if self.code.checking {
            self.code.pending = true;
            return None;
        }
        self.code.checking = true;
        self.code.pending = false;
        Some(Effect::CheckCode(Box::new(CodeCheck { path, exercise: exercise.clone() })))
    }

    /// The starter was put in place (or kept, or it failed): watch the file; check a
    /// file the learner already had.
    pub(super) fn on_code_prepared(&mut self, prepared: Result<Prepared, String>) -> Option<Effect> {
        match prepared {
            Ok(prepared) => {
                let shown = prepared.path().display().to_string();
                self.code.path = Some(prepared.path().to_path_buf());
                self.code.verdict = None;
                match prepared {
                    Prepared::Copied(_) => {
                        self.code.note = Some(format!(
                            "The starter is now {shown}. Open it in your editor, do the TODO and save: parlab checks every save."
                        ));
                        None
                    }
                    Prepared::Replaced { backup, .. } => {
                        self.code.note = Some(format!(
                            "A fresh starter is now {shown}; your previous file is kept as {}.",
                            backup.display()
                        ));
                        None
                    }
                    Prepared::Kept(_) => {
                        self.code.note = Some(format!(
                            "{shown} was already there: it is yours and was kept (F twice starts afresh). Checking it..."
                        ));
                        self.check_code()
                    }
                }
            }
            Err(why) => {
                self.code.note = Some(format!("Could not put the starter in the workspace: {why}"));
                self.code.watching = None;
                None
            }
        }
    }

    /// The watched file was saved: check it (again after the running check).
    pub(super) fn on_code_saved(&mut self) -> Option<Effect> {
        self.code.watching?;
        self.check_code()
    }

    /// A check ended with `verdict`: record it, and check again if the file was saved meanwhile.
    pub(super) fn on_code_checked(&mut self, verdict: Verdict) -> Option<Effect> {
        self.code.checking = false;
        let (lesson, index) = self.code.watching?;
        let cancelled = verdict.lines.iter().any(|(_, line)| line == "Check cancelled.");
        if !cancelled && let Some(record) = self.exercise_records.get_mut(lesson).and_then(|r| r.get_mut(index)) {
            record.attempts += 1;
            record.passed = Some(verdict.passed);
            record.speedup = verdict.speedup.or(record.speedup);
            record.explanation = verdict.lines.iter().map(|(_, line)| line.clone()).collect();
            if verdict.passed && !record.done {
                record.done = true;
                record.when = Some(crate::measure::report::utc(self.now));
            }
            self.progress_changed = true;
        }
        let file = self.code.path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string());
        if self.screen != Screen::Exercises || !self.shown_code_is_watched() {
            self.message = Some(format!(
                "Exercise {} ({}): {}",
                index + 1,
                file.unwrap_or_default(),
                if verdict.passed { "passed. (t: exercises)" } else { "not yet; t shows why." }
            ));
        }
        self.code.verdict = Some(verdict);
        self.code.scroll = 0;
        if self.code.pending {
            self.code.pending = false;
            return self.check_code();
        }
        None
    }

    /// The largest useful scroll of the code exercise's detail (set by the main loop).
    pub fn set_code_max_scroll(&mut self, lines: u16) {
        self.code_max_scroll = lines;
    }

    /// The backend whose Python twin the code pane shows for `lesson`: the Lab's cursor
    /// when the Lab is set up for it, else the first backend switched on.
    pub fn twin_backend(&self, lesson: usize) -> Option<String> {
        if self.lab_lesson == lesson
            && let Some(backend) = self.lab.as_ref().and_then(|l| l.cursor_backend())
        {
            return Some(backend.to_string());
        }
        let l = self.course.lessons.get(lesson)?;
        l.selected.first().or(l.backends.first()).cloned()
    }

    /// The lesson whose Python the code pane shows on the current screen.
    pub fn code_pane_lesson(&self) -> usize {
        if self.screen == Screen::Lab { self.lab_lesson } else { self.opened }
    }

    /// Shows or hides the Python twin beside the lesson (reader) or the chart (Lab).
    pub(super) fn toggle_code_pane(&mut self) {
        // The pane itself says when the backend has no twin.
        self.code_pane = !self.code_pane;
        self.code_scroll = 0;
    }

    /// Scrolls the code pane by `lines` (negative: up), within the twin's length.
    pub(super) fn scroll_code_pane(&mut self, lines: i16) {
        let lesson = self.code_pane_lesson();
        let total = self
            .twin_backend(lesson)
            .and_then(|b| self.course.lessons.get(lesson)?.twin(&b).map(|(_, text)| text.lines().count()))
            .unwrap_or(0);
        let max = total.saturating_sub(1).min(u16::MAX as usize) as u16;
        self.code_scroll = if lines < 0 {
            self.code_scroll.saturating_sub(lines.unsigned_abs())
        } else {
            self.code_scroll.saturating_add(lines.unsigned_abs()).min(max)
        };
    }
}
