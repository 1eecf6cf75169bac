//! The Progress screen's input (beside `ui/progress.rs`): moving over the course's
//! lessons, opening, jumping to or resetting one, and writing the summary.

use super::keys::{Command, Hint, Keys, always};
use super::{App, Effect, Key, Screen, summary};

/// What a key does on the Progress screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressAction {
    /// The lesson above.
    Up,
    /// The lesson below.
    Down,
    /// The first lesson.
    First,
    /// The last lesson.
    Last,
    /// Read the lesson.
    Open,
    /// Open the lesson and mark the unopened ones before it skipped.
    Jump,
    /// Reset the lesson (the second press in a row does it).
    Reset,
    /// Write the Markdown summary.
    Export,
    /// Back to the lessons.
    Back,
}

use ProgressAction as P;

/// The Progress screen's keys.
pub const KEYS: Keys<ProgressAction> = Keys(&[
    Command {
        keys: "↑↓ Home End",
        bindings: &[
            (Key::Up, P::Up),
            (Key::Char('k'), P::Up),
            (Key::Down, P::Down),
            (Key::Char('j'), P::Down),
            (Key::Home, P::First),
            (Key::End, P::Last),
        ],
        help: "choose a lesson (also j k)",
        when: always,
        hints: &[Hint::new("↑↓", "choose", 10, always)],
    },
    Command {
        keys: "Enter",
        bindings: &[(Key::Enter, P::Open)],
        help: "read the lesson",
        when: always,
        hints: &[Hint::new("Enter", "open", 11, always)],
    },
    Command {
        keys: "e",
        bindings: &[(Key::Char('e'), P::Export)],
        help: "write ./parlab-progress.md (never overwrites: -2, -3...)",
        when: always,
        hints: &[Hint::new("e", "export .md", 12, always)],
    },
    Command {
        keys: "J",
        bindings: &[(Key::Char('J'), P::Jump)],
        help: "jump to the lesson: earlier unopened ones are marked skipped",
        when: always,
        hints: &[Hint::new("J", "jump here", 13, always)],
    },
    Command {
        keys: "R R",
        bindings: &[(Key::Char('R'), P::Reset)],
        help: "reset the lesson: marks, answers, predictions and hints",
        when: always,
        hints: &[Hint::new("R R", "reset", 14, always)],
    },
    Command {
        keys: "q Esc",
        bindings: &[(Key::Char('q'), P::Back), (Key::Esc, P::Back)],
        help: "back to the lessons",
        when: always,
        hints: &[Hint::new("q", "back", 48, always)],
    },
]);

impl App {
    /// Does what `action` says on the Progress screen.
    pub(super) fn progress_action(&mut self, action: ProgressAction) -> Option<Effect> {
        let count = self.course.lessons.len();
        let row = self.progress_selected.min(count.saturating_sub(1));
        match action {
            P::Up => self.progress_selected = row.saturating_sub(1),
            P::Down => self.progress_selected = (row + 1).min(count.saturating_sub(1)),
            P::First => self.progress_selected = 0,
            P::Last => self.progress_selected = count.saturating_sub(1),
            P::Open => {
                self.open_lesson(row);
                self.screen = Screen::Lessons;
            }
            P::Jump => self.jump_to(row),
            P::Reset => {
                if self.confirm_reset == Some(row) {
                    self.confirm_reset = None;
                    self.reset_lesson(row);
                } else {
                    self.confirm_reset = Some(row);
                    self.message = Some(format!(
                        "Press R again to reset lesson {}: its marks, answers, predictions and hints are forgotten.",
                        row + 1
                    ));
                }
            }
            P::Export => {
                let text = summary::markdown(self, &crate::measure::report::utc(self.now));
                self.message = Some("Writing the progress summary...".into());
                return Some(Effect::ExportProgress(text));
            }
            P::Back => self.screen = Screen::Lessons,
        }
        None
    }
}
