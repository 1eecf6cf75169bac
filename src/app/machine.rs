//! The Machine screen's input (beside `ui/machine.rs`): scrolling the machine's facts.

use super::keys::{Command, Hint, Keys, always};
use super::{App, Effect, Key, Screen};

/// The furthest the machine facts scroll, in lines.
const MAX_SCROLL: u16 = 200;

/// What a key does on the Machine screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineAction {
    /// Scroll by this many lines (negative: up).
    Scroll(i16),
    /// To the top.
    Top,
    /// Back to the lessons.
    Back,
}

use MachineAction as M;

/// The Machine screen's keys.
pub const KEYS: Keys<MachineAction> = Keys(&[
    Command {
        keys: "↑↓ j k Home",
        bindings: &[
            (Key::Up, M::Scroll(-1)),
            (Key::Char('k'), M::Scroll(-1)),
            (Key::Down, M::Scroll(1)),
            (Key::Char('j'), M::Scroll(1)),
            (Key::Home, M::Top),
        ],
        help: "scroll the machine's facts",
        when: always,
        hints: &[Hint::new("↑↓", "scroll", 10, always)],
    },
    Command {
        keys: "q Esc",
        bindings: &[(Key::Char('q'), M::Back), (Key::Esc, M::Back)],
        help: "back to the lessons",
        when: always,
        hints: &[Hint::new("q", "back", 48, always)],
    },
]);

impl App {
    /// Does what `action` says on the Machine screen.
    pub(super) fn machine_action(&mut self, action: MachineAction) -> Option<Effect> {
        match action {
            M::Scroll(lines) => self.scroll_machine(lines),
            M::Top => self.machine_scroll = 0,
            M::Back => self.screen = Screen::Lessons,
        }
        None
    }

    /// Scrolls the machine facts by `lines` (negative: up).
    pub(super) fn scroll_machine(&mut self, lines: i16) {
        self.machine_scroll = if lines < 0 {
            self.machine_scroll.saturating_sub(lines.unsigned_abs())
        } else {
            self.machine_scroll.saturating_add(lines.unsigned_abs()).min(MAX_SCROLL)
        };
    }
}
