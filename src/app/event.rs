//! What the app eats and what it asks for: the [`Event`]s the main loop feeds to
//! [`App::update`](super::App::update) (keys, mouse, time, sysmon and run news) and the
//! [`Effect`]s it hands back (start a run, export, quit).

use std::time::SystemTime;

use super::{LabRow, Screen};
use crate::measure::{Plan, Report, RunEvent};
use crate::sysmon::CpuSnapshot;

/// A key, as the app understands it (the main loop translates terminal keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Ctrl-C.
    CtrlC,
    /// A printable character.
    Char(char),
}

impl Key {
    /// Every key the terminal can send the app: the named keys and the printable ASCII
    /// characters (tests walk it to find keys that are handled but not listed).
    pub fn all() -> Vec<Key> {
        let named = [
            Key::Up,
            Key::Down,
            Key::Left,
            Key::Right,
            Key::PageUp,
            Key::PageDown,
            Key::Home,
            Key::End,
            Key::Tab,
            Key::BackTab,
            Key::Enter,
            Key::Esc,
            Key::Backspace,
            Key::Delete,
            Key::CtrlC,
        ];
        named.into_iter().chain((' '..='~').map(Key::Char)).collect()
    }
}

/// Where the mouse pointed, found by the drawing code's hit test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A screen's tab.
    Tab(Screen),
    /// A row of the lesson list.
    LessonRow(usize),
    /// The lesson reader.
    Reader,
    /// An option of a Lab setup row (`None`: the row's label).
    LabOption(LabRow, Option<usize>),
    /// The results table.
    Results,
    /// The machine facts.
    Machine,
    /// A row of the exercise list.
    ExerciseRow(usize),
    /// The exercise shown.
    Exercise,
    /// A lesson's row in the progress summary.
    ProgressRow(usize),
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    /// Left click.
    Click(Target),
    /// Wheel up over a target.
    ScrollUp(Target),
    /// Wheel down over a target.
    ScrollDown(Target),
}

/// Everything the app reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press.
    Key(Key),
    /// A mouse action over something.
    Mouse(Mouse),
    /// The wall clock, sent by the main loop before the events it dates. The app never
    /// reads the clock itself: what it records (when an exercise was done, the date of a
    /// progress summary) takes the last tick's time, so tests that send none (or a fixed
    /// one) are deterministic.
    Tick(SystemTime),
    /// The terminal changed size.
    Resize,
    /// A per-core utilisation snapshot from sysmon.
    Cpu(CpuSnapshot),
    /// Progress of the running plan.
    Run(RunEvent),
    /// SIGTERM, SIGHUP or SIGINT: leave now.
    Terminate,
    /// An export finished: the folder written, or why it failed.
    Exported(Result<String, String>),
    /// The progress summary was written: the file, or why it failed.
    ProgressExported(Result<String, String>),
    /// A lesson's size was fitted to the time budget (None: its kernel could not be
    /// probed, it keeps its size), after [`App::fit_requests`](super::App::fit_requests)
    /// asked for it.
    LessonFitted(usize, Option<crate::lessons::plan::Fitted>),
    /// Saving the progress file failed.
    ProgressSaveFailed(String),
    /// Appending a finished point to the run log failed.
    RunLogFailed(String),
    /// The run log as read for the Recent runs list.
    RunsLoaded(super::runlog::Loaded),
    /// A code exercise's starter was put in the workspace (or kept), or why not.
    CodePrepared(Result<crate::lessons::code::Prepared, String>),
    /// The watched code exercise file was saved (its modification time changed).
    CodeSaved,
    /// A check of the learner's file ended.
    CodeChecked(crate::lessons::code::Verdict),
}

/// What the main loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start this plan on the runner thread.
    StartRun(Plan),
    /// Measure the learner's command (the Lab's "your command" row).
    StartCommands(Box<crate::measure::commands::CommandPlan>),
    /// Ask the running plan to stop.
    CancelRun,
    /// Write these results as report files (JSON, CSV, Markdown, charts) to a fresh folder.
    Export(Box<Report>),
    /// Write this Markdown progress summary to a fresh `parlab-progress.md`.
    ExportProgress(String),
    /// Read the run log for the Recent runs list.
    LoadRuns,
    /// Delete this run from the run log, then read it again.
    DeleteRun(String),
    /// Put a code exercise's starter into `dir` as `file` (never over the learner's file;
    /// with `fresh`, move theirs aside first), then send `Event::CodePrepared`.
    PrepareCode {
        /// The workspace folder.
        dir: std::path::PathBuf,
        /// The file's name there.
        file: String,
        /// The starter's text.
        starter: String,
        /// Replace the learner's file (kept as a backup).
        fresh: bool,
    },
    /// Run the learner's file at 1 and 2 workers in the background and grade it, then
    /// send `Event::CodeChecked`.
    CheckCode(Box<super::CodeCheck>),
    /// Stop the running check (its process group is killed).
    CancelCode,
    /// Restore the terminal and exit.
    Quit,
}
