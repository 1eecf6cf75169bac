//! Keys as data. Every screen has one table of [`Command`]s (in its own file beside
//! its input handling: `lessons.rs`, `lab.rs`, ...), and the keys that work everywhere
//! are the table [`GLOBAL`] here. One table drives three things, so they cannot drift:
//! the handler (a key does what the first command that lists it, and applies now,
//! says), the footer (each command's [`Hint`]s, by rank) and the help overlay (one line
//! per command). Adding a key is one line in its screen's table (plus an action and its
//! arm in the same file when it does something new). No terminal types here.

use super::{App, Key, Screen};

/// How a footer hint reads: fixed words, or words made from the state (e.g. the point
/// `r` runs).
#[derive(Clone, Copy)]
pub enum Label {
    /// Fixed words.
    Text(&'static str),
    /// Words made from the state.
    From(fn(&App) -> String),
}

/// A key shown in the footer while `when` holds. The footer lists hints by `rank`
/// (lowest first); when the line is too short the highest ranks are left out, and
/// the footer says so.
#[derive(Clone, Copy)]
pub struct Hint {
    /// The keys as the footer writes them, e.g. "↑↓".
    pub keys: &'static str,
    /// What they do, in a word or two.
    pub label: Label,
    /// Place in the footer: lower comes first and stays longest.
    pub rank: u8,
    /// When the footer shows it. Usually when its command works; it may differ, e.g. a
    /// pane's keys are named as long as the pane has the keys.
    pub when: fn(&App) -> bool,
}

impl Hint {
    /// A hint with fixed words.
    pub const fn new(keys: &'static str, label: &'static str, rank: u8, when: fn(&App) -> bool) -> Self {
        Self { keys, label: Label::Text(label), rank, when }
    }

    /// A hint whose words come from the state.
    pub const fn from(keys: &'static str, label: fn(&App) -> String, rank: u8, when: fn(&App) -> bool) -> Self {
        Self { keys, label: Label::From(label), rank, when }
    }
}

/// One line of a key table: keys that do related things, what the help overlay says
/// about them, when they work and how the footer names them.
pub struct Command<A: 'static> {
    /// The keys as the help overlay writes them, e.g. "↑↓ j k".
    pub keys: &'static str,
    /// Each key and the action it takes.
    pub bindings: &'static [(Key, A)],
    /// The help overlay's line.
    pub help: &'static str,
    /// When the keys work.
    pub when: fn(&App) -> bool,
    /// How the footer names them (none: help only).
    pub hints: &'static [Hint],
}

/// A screen's key table: its commands, first match wins.
pub struct Keys<A: 'static>(pub &'static [Command<A>]);

impl<A: Copy> Keys<A> {
    /// The action `key` takes now: the first command that applies and lists it.
    pub fn find(&self, app: &App, key: Key) -> Option<A> {
        self.0.iter().filter(|c| (c.when)(app)).flat_map(|c| c.bindings).find(|(k, _)| *k == key).map(|&(_, a)| a)
    }
}

/// A key table with its actions' type forgotten: what the footer, the help and the
/// tests need.
pub trait Table {
    /// The help lines, in table order.
    fn help(&self) -> Vec<HelpLine>;
    /// The footer hints that show now.
    fn hints(&self, app: &App) -> Vec<FooterKey>;
    /// Every command: its help line and its keys.
    fn commands(&self) -> Vec<(HelpLine, Vec<Key>)>;
    /// The command that takes `key` now, if any.
    fn taking(&self, app: &App, key: Key) -> Option<HelpLine>;
}

impl<A: Copy> Table for Keys<A> {
    fn help(&self) -> Vec<HelpLine> {
        self.0.iter().map(|c| HelpLine { keys: c.keys, help: c.help }).collect()
    }

    fn hints(&self, app: &App) -> Vec<FooterKey> {
        self.0
            .iter()
            .flat_map(|c| c.hints)
            .filter(|h| (h.when)(app))
            .map(|h| FooterKey {
                keys: h.keys,
                label: match h.label {
                    Label::Text(text) => text.to_string(),
                    Label::From(words) => words(app),
                },
                rank: h.rank,
            })
            .collect()
    }

    fn commands(&self) -> Vec<(HelpLine, Vec<Key>)> {
        self.0
            .iter()
            .map(|c| (HelpLine { keys: c.keys, help: c.help }, c.bindings.iter().map(|&(k, _)| k).collect()))
            .collect()
    }

    fn taking(&self, app: &App, key: Key) -> Option<HelpLine> {
        self.0
            .iter()
            .filter(|c| (c.when)(app))
            .find(|c| c.bindings.iter().any(|&(k, _)| k == key))
            .map(|c| HelpLine { keys: c.keys, help: c.help })
    }
}

/// One entry of the footer, worded for the state it was asked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FooterKey {
    /// The keys, e.g. "↑↓".
    pub keys: &'static str,
    /// What they do.
    pub label: String,
    /// Place in the footer: lower comes first and stays longest.
    pub rank: u8,
}

/// One line of the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpLine {
    /// The keys, e.g. "↑↓ j k".
    pub keys: &'static str,
    /// What they do.
    pub help: &'static str,
}

/// The help overlay's lines for one group of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpGroup {
    /// "Everywhere" or a screen's title.
    pub title: &'static str,
    /// One line per command.
    pub lines: Vec<HelpLine>,
}

/// Always.
pub fn always(_: &App) -> bool {
    true
}

/// What the keys of [`GLOBAL`] do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalAction {
    /// Leave at once.
    Quit,
    /// Open the help overlay.
    Help,
    /// Show a screen.
    Show(Screen),
}

/// How a key is written on the echo strip, as the key tables write it.
pub fn key_name(key: Key) -> String {
    match key {
        Key::Up => "↑".into(),
        Key::Down => "↓".into(),
        Key::Left => "←".into(),
        Key::Right => "→".into(),
        Key::PageUp => "PgUp".into(),
        Key::PageDown => "PgDn".into(),
        Key::Home => "Home".into(),
        Key::End => "End".into(),
        Key::Tab => "Tab".into(),
        Key::BackTab => "Shift-Tab".into(),
        Key::Enter => "Enter".into(),
        Key::Esc => "Esc".into(),
        Key::Backspace => "⌫".into(),
        Key::Delete => "Del".into(),
        Key::CtrlC => "Ctrl-C".into(),
        Key::Char(' ') => "Space".into(),
        Key::Char(c) => c.to_string(),
    }
}

/// The projector's echo of `key`, worded before it acts: the key and the help line of
/// the command that takes it (the same lookup as the handler), plus what a sweep or a
/// run will measure. Built from the tables, so it cannot drift from what keys do.
pub fn echo(app: &App, key: Key) -> String {
    let name = key_name(key);
    let Some(line) = app.command_taking(key) else { return format!("{name}: does nothing here") };
    let lab = app.lab.as_ref().filter(|_| app.screen == Screen::Lab && app.run.is_none());
    let plan = match (key, lab) {
        (Key::Char('s'), Some(lab)) => lab.sweep_plan().ok(),
        (Key::Char('r'), Some(lab)) => lab.point_plan().ok(),
        _ => None,
    };
    let detail = plan.map_or(String::new(), |p| {
        let workers: Vec<String> = p.workers.iter().map(ToString::to_string).collect();
        format!(" ({} × {} workers)", p.backends.join(", "), workers.join(", "))
    });
    format!("{name}: {}{detail}", line.help)
}

fn numbers_switch(app: &App) -> bool {
    !app.exercise_takes_digits()
}

fn on_machine(app: &App) -> bool {
    app.screen == Screen::Machine
}

fn on_machine_or_exercises(app: &App) -> bool {
    matches!(app.screen, Screen::Machine | Screen::Exercises)
}

fn on_lesson_list(app: &App) -> bool {
    app.screen == Screen::Lessons && app.lessons_pane == super::LessonsPane::List
}

/// The keys that work on every screen (looked up before the screen's own).
pub const GLOBAL: Keys<GlobalAction> = Keys(&[
    Command {
        keys: "1-5",
        bindings: &[
            (Key::Char('1'), GlobalAction::Show(Screen::Lessons)),
            (Key::Char('2'), GlobalAction::Show(Screen::Lab)),
            (Key::Char('3'), GlobalAction::Show(Screen::Exercises)),
            (Key::Char('4'), GlobalAction::Show(Screen::Progress)),
            (Key::Char('5'), GlobalAction::Show(Screen::Machine)),
        ],
        help: "Lessons, Lab, Exercises, Progress, Machine (or click the tabs)",
        when: numbers_switch,
        hints: &[
            Hint::new("1", "lessons", 45, on_machine),
            Hint::new("2", "lab", 45, on_machine_or_exercises),
            Hint::new("4", "progress", 45, on_lesson_list),
        ],
    },
    Command {
        keys: "?",
        bindings: &[(Key::Char('?'), GlobalAction::Help)],
        help: "this help; any key closes it",
        when: always,
        hints: &[Hint::new("?", "help", 50, always)],
    },
    Command {
        keys: "Ctrl-C",
        bindings: &[(Key::CtrlC, GlobalAction::Quit)],
        help: "quit at once",
        when: always,
        hints: &[],
    },
]);

/// The key table of `screen`.
pub fn table(screen: Screen) -> &'static dyn Table {
    match screen {
        Screen::Lessons => &super::lessons::KEYS,
        Screen::Lab => &super::lab::KEYS,
        Screen::Exercises => &super::exercises::KEYS,
        Screen::Progress => &super::progress::KEYS,
        Screen::Machine => &super::machine::KEYS,
    }
}

impl App {
    /// Does what `action` of [`GLOBAL`] says.
    pub(super) fn global_action(&mut self, action: GlobalAction) -> Option<super::Effect> {
        match action {
            GlobalAction::Quit => self.quit_now(),
            GlobalAction::Help => {
                self.help = true;
                None
            }
            GlobalAction::Show(screen) => self.show(screen),
        }
    }

    /// The footer for the state the app is in: the hints that show now, by rank.
    pub fn footer_keys(&self) -> Vec<FooterKey> {
        // The share line box takes every key as text: only its own keys are hinted.
        let mut keys = if self.share_input_open() { Vec::new() } else { GLOBAL.hints(self) };
        keys.extend(self.table_now().hints(self));
        keys.sort_by_key(|k| k.rank);
        keys
    }

    /// The command that takes `key` now (the help overlay's line for it), looked up as
    /// the handler does: the keys that work everywhere first, then the screen's.
    pub fn command_taking(&self, key: Key) -> Option<HelpLine> {
        GLOBAL.taking(self, key).or_else(|| self.table_now().taking(self, key))
    }

    /// The key table that takes keys now: the Recent runs list's while it is open, else
    /// the screen's.
    fn table_now(&self) -> &'static dyn Table {
        if self.recent_open() { &super::runlog::KEYS } else { table(self.screen) }
    }
}
