//! The Lessons screen's input (beside `ui/lessons.rs`): the lesson list and the reader,
//! their key table and what each action does.

use super::keys::{Command, Hint, Keys, always};
use super::{App, Effect, Key};

/// Which pane of the Lessons screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonsPane {
    /// The list.
    List,
    /// The reader.
    Reader,
}

/// What a key does on the Lessons screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonsAction {
    /// List: the lesson above.
    Up,
    /// List: the lesson below.
    Down,
    /// List: the first lesson.
    First,
    /// List: the last lesson.
    Last,
    /// List: read the lesson under the cursor.
    Read,
    /// List: open the lesson and mark the unopened ones before it skipped.
    Jump,
    /// List: leave parlab.
    Quit,
    /// Reader: scroll by this many lines (negative: up).
    Scroll(i16),
    /// Reader: to the top.
    Top,
    /// Reader: to the bottom.
    Bottom,
    /// Reader: show the next hint.
    Hint,
    /// Reader: open the lesson's Lab.
    Lab,
    /// Reader: back to the list.
    List,
    /// The lesson's exercises.
    Exercises,
    /// Reader: show the Python of the selected backend instead of the text, or back.
    Python,
}

fn list(app: &App) -> bool {
    app.lessons_pane == LessonsPane::List
}

fn reader(app: &App) -> bool {
    app.lessons_pane == LessonsPane::Reader
}

fn python_label(app: &App) -> String {
    if app.code_pane { "text" } else { "python" }.into()
}

use LessonsAction as A;

/// The Lessons screen's keys.
pub const KEYS: Keys<LessonsAction> = Keys(&[
    Command {
        keys: "↑↓ j k",
        bindings: &[(Key::Up, A::Up), (Key::Char('k'), A::Up), (Key::Down, A::Down), (Key::Char('j'), A::Down)],
        help: "choose a lesson",
        when: list,
        hints: &[Hint::new("↑↓", "choose", 10, list)],
    },
    Command {
        keys: "Home End",
        bindings: &[(Key::Home, A::First), (Key::End, A::Last)],
        help: "the first / last lesson",
        when: list,
        hints: &[],
    },
    Command {
        keys: "Enter → Tab",
        bindings: &[
            (Key::Enter, A::Read),
            (Key::Right, A::Read),
            (Key::Char('l'), A::Read),
            (Key::Tab, A::Read),
            (Key::BackTab, A::Read),
        ],
        help: "read the lesson (also l)",
        when: list,
        hints: &[Hint::new("Enter", "read", 11, list)],
    },
    Command {
        keys: "J",
        bindings: &[(Key::Char('J'), A::Jump)],
        help: "jump to this lesson: earlier unopened ones are marked skipped",
        when: list,
        hints: &[Hint::new("J", "jump here", 13, list)],
    },
    Command {
        keys: "q Esc",
        bindings: &[(Key::Char('q'), A::Quit), (Key::Esc, A::Quit)],
        help: "on the list: quit; in the text: back to the list",
        when: list,
        hints: &[Hint::new("q", "quit", 60, list)],
    },
    Command {
        keys: "↑↓ j k",
        bindings: &[
            (Key::Up, A::Scroll(-1)),
            (Key::Char('k'), A::Scroll(-1)),
            (Key::Down, A::Scroll(1)),
            (Key::Char('j'), A::Scroll(1)),
            (Key::PageUp, A::Scroll(-10)),
            (Key::PageDown, A::Scroll(10)),
            (Key::Char(' '), A::Scroll(10)),
            (Key::Home, A::Top),
            (Key::End, A::Bottom),
        ],
        help: "in the text: scroll; PgUp PgDn Space a page, Home End the ends",
        when: reader,
        hints: &[Hint::new("↑↓", "scroll", 10, reader)],
    },
    Command {
        keys: "Enter",
        bindings: &[(Key::Enter, A::Lab)],
        help: "in the text: open the lesson's Lab",
        when: reader,
        hints: &[Hint::new("Enter", "open the lab", 11, reader)],
    },
    Command {
        keys: "Esc ← Tab",
        bindings: &[
            (Key::Esc, A::List),
            (Key::Char('q'), A::List),
            (Key::Left, A::List),
            (Key::Char('h'), A::List),
            (Key::Tab, A::List),
            (Key::BackTab, A::List),
        ],
        help: "in the text: back to the list (also q, h)",
        when: reader,
        hints: &[Hint::new("Esc", "list", 48, reader)],
    },
    Command {
        keys: "t",
        bindings: &[(Key::Char('t'), A::Exercises)],
        help: "the lesson's exercises (also from the Lab)",
        when: always,
        hints: &[Hint::new("t", "exercises", 12, always)],
    },
    Command {
        keys: "p",
        bindings: &[(Key::Char('p'), A::Python)],
        help: "in the text: the Python twin of the chosen backend, or back",
        when: reader,
        hints: &[Hint::from("p", python_label, 14, reader)],
    },
    Command {
        keys: "n",
        bindings: &[(Key::Char('n'), A::Hint)],
        help: "in the text: show the next hint (kept in your progress)",
        when: reader,
        hints: &[Hint::new("n", "hint", 13, reader)],
    },
]);

impl App {
    /// Does what `action` says on the Lessons screen.
    pub(super) fn lessons_action(&mut self, action: LessonsAction) -> Option<Effect> {
        let count = self.course.lessons.len();
        match action {
            A::Up => self.selected = self.selected.saturating_sub(1),
            A::Down => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
            A::First => self.selected = 0,
            A::Last => self.selected = count.saturating_sub(1),
            A::Read => self.open_lesson(self.selected),
            A::Jump => self.jump_to(self.selected),
            A::Quit => return self.quit_now(),
            A::Scroll(lines) if self.code_pane => self.scroll_code_pane(lines),
            A::Top if self.code_pane => self.code_scroll = 0,
            A::Bottom if self.code_pane => self.scroll_code_pane(i16::MAX),
            A::Scroll(lines) if lines < 0 => {
                self.reader_scroll = self.reader_scroll.saturating_sub(lines.unsigned_abs())
            }
            A::Scroll(lines) => self.scroll_reader(lines.unsigned_abs()),
            A::Top => self.reader_scroll = 0,
            A::Bottom => self.reader_scroll = self.reader_max_scroll,
            A::Python => self.toggle_code_pane(),
            A::Hint => self.next_hint(self.opened),
            A::Lab => self.open_lab(self.opened),
            A::List => self.lessons_pane = LessonsPane::List,
            A::Exercises => {
                if self.lessons_pane == LessonsPane::List {
                    self.open_lesson(self.selected);
                }
                self.open_exercises();
            }
        }
        None
    }

    fn scroll_reader(&mut self, lines: u16) {
        self.reader_scroll = self.reader_scroll.saturating_add(lines).min(self.reader_max_scroll);
    }

    /// Opens `lesson` in the reader.
    pub fn open_lesson(&mut self, lesson: usize) {
        if lesson >= self.course.lessons.len() {
            return;
        }
        if self.opened != lesson {
            self.reader_scroll = 0;
        }
        self.opened = lesson;
        self.selected = lesson;
        self.lessons_pane = LessonsPane::Reader;
        self.mark(lesson, super::Progress::Read);
    }

    /// Shows the next hint of `lesson`, or says why there is none.
    pub(super) fn next_hint(&mut self, lesson: usize) {
        let total = self.course.lessons.get(lesson).map_or(0, |l| l.hints.len());
        let Some(shown) = self.hints_shown.get_mut(lesson) else { return };
        if total == 0 {
            self.message = Some("This lesson has no hints.".into());
        } else if *shown < total {
            *shown += 1;
            self.progress_changed = true;
            self.message = Some(format!("Hint {} of {total} shown.", *shown));
        } else {
            self.message = Some(format!("All {total} hints are shown."));
        }
    }
}
