//! The help overlay's input and contents (beside `ui/help.rs`): it lists every key
//! table's commands, grouped as "Everywhere" and then by screen, and any key closes it.

use super::keys::{GLOBAL, HelpGroup, Table, table};
use super::{App, Screen};

/// Everything the help overlay lists: the keys that work everywhere, then every
/// screen's, in tab order.
pub fn help_groups() -> Vec<HelpGroup> {
    let mut groups = vec![HelpGroup { title: "Everywhere", lines: GLOBAL.help() }];
    groups.extend(Screen::ALL.iter().map(|&s| HelpGroup { title: s.title(), lines: table(s).help() }));
    groups
}

impl App {
    /// Closes the help overlay: any key does (Ctrl-C still quits, before this).
    pub(super) fn close_help(&mut self) {
        self.help = false;
    }
}
