//! The terminal lab's model: the [`App`] state and [`App::update`], which eats an
//! [`Event`] (`event.rs`), changes the state and asks for [`Effect`]s (start a run,
//! cancel it, export, quit) that the main loop carries out. No drawing and no terminal
//! here, so every screen state can be built and tested without one.
//!
//! The files mirror `ui/`: one per screen holding that screen's key table and input
//! (`lessons.rs`, `lab.rs`, `exercises.rs`, `progress.rs`, `machine.rs`, `help.rs`),
//! with the key model in `keys.rs`, the mouse in `mouse.rs`, the running plan and its
//! results in `run.rs`, and progress bookkeeping (saved marks, answers, resume) in
//! `records.rs`.

mod code_exercise;
pub mod command_row;
pub mod cores;
mod event;
pub mod exercises;
mod grading;
mod guard;
mod help;
pub mod keys;
pub mod lab;
pub mod lessons;
mod machine;
mod mouse;
pub mod pair;
mod progress;
mod records;
mod run;
pub mod runlog;
pub mod summary;

use std::time::SystemTime;

use crate::lessons::progress::{BestRun, ExerciseRecord, ProgressFile, Resume};
use crate::lessons::{Course, Lesson};
use crate::measure::Report;
use crate::sysmon::MachineFacts;
pub use code_exercise::{CodeAction, CodeCheck, CodeView};
pub use cores::CoreHistory;
pub use event::{Effect, Event, Key, Mouse, Target};
pub use exercises::{ExercisesPane, ExercisesView};
pub use help::help_groups;
use keys::GlobalAction;
pub use keys::{FooterKey, HelpGroup, HelpLine};
pub use lab::{LabPane, LabRow, LabSetup, Toggle};
pub use lessons::LessonsPane;
pub use run::{LastSample, RunProgress};

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The lesson list and reader.
    Lessons,
    /// Controls, cores, results and the chart.
    Lab,
    /// The exercises of the current lesson.
    Exercises,
    /// The summary of the learner's progress over the course.
    Progress,
    /// The machine's facts.
    Machine,
}

impl Screen {
    /// All screens, in tab order (the number keys follow it).
    pub const ALL: [Screen; 5] = [Screen::Lessons, Screen::Lab, Screen::Exercises, Screen::Progress, Screen::Machine];

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Lessons => "Lessons",
            Screen::Lab => "Lab",
            Screen::Exercises => "Exercises",
            Screen::Progress => "Progress",
            Screen::Machine => "Machine",
        }
    }

    /// The name saved in the progress file to resume on this screen.
    pub fn key(self) -> &'static str {
        match self {
            Screen::Lessons => "lessons",
            Screen::Lab => "lab",
            Screen::Exercises => "exercises",
            Screen::Progress => "progress",
            Screen::Machine => "machine",
        }
    }

    /// The screen saved as `key`.
    pub fn from_key(key: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// How far a learner got with a lesson.
pub use crate::lessons::progress::Mark as Progress;

/// The whole state of the terminal lab.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    /// The course.
    pub course: Course,
    /// This machine.
    pub facts: MachineFacts,
    /// Use colours (false when NO_COLOR is set).
    pub color: bool,
    /// The high-contrast theme (`--theme high-contrast`, and `--present` by default):
    /// bold and reverse video on any background, no colour or dim text.
    pub high_contrast: bool,
    /// The screen shown.
    pub screen: Screen,
    /// The help overlay is open.
    pub help: bool,
    /// The lesson list's cursor.
    pub selected: usize,
    /// The lesson in the reader (and the Lab).
    pub opened: usize,
    /// Which pane of the Lessons screen has the keys.
    pub lessons_pane: LessonsPane,
    /// Reader scroll, in lines.
    pub reader_scroll: u16,
    /// The largest useful reader scroll for the current layout (set by the main loop).
    reader_max_scroll: u16,
    /// Progress per lesson.
    progress: Vec<Progress>,
    /// Hints revealed per lesson.
    hints_shown: Vec<usize>,
    /// Per lesson, one record per exercise.
    pub exercise_records: Vec<Vec<ExerciseRecord>>,
    /// Per lesson, the best speedup measured.
    best: Vec<Option<BestRun>>,
    /// The Exercises screen's state.
    pub exercises_view: ExercisesView,
    /// The lesson under the cursor in the progress summary.
    pub progress_selected: usize,
    /// The lesson whose reset waits for a second press of the reset key.
    confirm_reset: Option<usize>,
    /// Something the learner must know (a damaged progress file, a failed save); shown
    /// on every screen until the next key.
    pub warning: Option<String>,
    /// Where progress is saved, shown in the summary (None: not saved).
    pub progress_path: Option<String>,
    /// The progress file as loaded: lessons of other courses are kept when saving.
    progress_base: ProgressFile,
    /// The resume point last saved.
    saved_resume: Option<Resume>,
    /// The Lab's controls, for the lesson `lab_lesson`.
    pub lab: Option<LabSetup>,
    /// The Lab's "your command" row: the learner's command, its input line, the history.
    pub command_row: command_row::CommandRow,
    /// Which lesson the Lab is set up for.
    lab_lesson: usize,
    /// Which Lab pane has the keys.
    pub lab_pane: LabPane,
    /// Results table scroll, in rows.
    pub results_scroll: u16,
    /// Machine screen scroll, in lines.
    pub machine_scroll: u16,
    /// Size given on the command line, overriding every lesson's.
    pub size_override: Option<u64>,
    /// Per-core utilisation history.
    pub cores: CoreHistory,
    /// The plan running now.
    pub run: Option<RunProgress>,
    /// Every point measured in this Lab session (same kernel and size), with fits.
    pub results: Option<Report>,
    /// The Lab shows the results' heat map (walk endpoints) instead of the speedup chart.
    pub lab_map: bool,
    /// A one-line message for the learner (outcome of the last action).
    pub message: Option<String>,
    /// The Lab's "Recent runs" list, when open.
    pub recent: Option<runlog::RecentView>,
    /// Projector mode (`parlab --present`): stacked panes, block charts, the key echo.
    pub present: bool,
    /// Fit each Lab's size to this many seconds of sweep when the Lab is first opened
    /// (`--budget`; None: the lessons keep their sizes).
    pub fit_budget: Option<f64>,
    /// Lessons whose size the main loop should fit now, off the UI thread (it answers
    /// with `Event::LessonFitted`).
    pub fit_requests: Vec<usize>,
    /// Lessons whose fitting was asked for (each is probed once).
    pub fit_asked: std::collections::BTreeSet<usize>,
    /// A shared login node outside a batch job (and no `--force`): every sweep and
    /// measurement is capped as `parlab run` caps it there.
    pub login_node: Option<crate::sysmon::login::LoginNode>,
    /// In projector mode: the last key and what it did, from the key tables.
    pub echo: Option<String>,
    /// Set when the app should exit.
    quit: bool,
    /// Set when `progress` changed and should be saved.
    progress_changed: bool,
    /// The wall clock's time at the last [`Event::Tick`] (the epoch before the first).
    now: SystemTime,
    /// The write-the-code exercise being worked on.
    pub code: CodeView,
    /// The folder code exercises' files are put in (`~/parlab-work` or `$PARLAB_WORKSPACE`).
    pub workspace: std::path::PathBuf,
    /// The largest useful scroll of a code exercise's detail (set by the main loop).
    code_max_scroll: u16,
    /// The reader and the Lab show the Python twin of the selected backend.
    pub code_pane: bool,
    /// The code pane's scroll, in lines.
    pub code_scroll: u16,
}

impl App {
    /// A fresh app on the Lessons screen.
    pub fn new(course: Course, facts: MachineFacts, color: bool) -> Self {
        let lessons = course.lessons.len();
        let exercise_records = course.lessons.iter().map(exercises::fresh_records).collect();
        let cores = facts.logical_cores;
        Self {
            course,
            facts,
            color,
            high_contrast: false,
            screen: Screen::Lessons,
            help: false,
            selected: 0,
            opened: 0,
            lessons_pane: LessonsPane::List,
            reader_scroll: 0,
            reader_max_scroll: u16::MAX,
            progress: vec![Progress::New; lessons],
            hints_shown: vec![0; lessons],
            exercise_records,
            best: vec![None; lessons],
            exercises_view: ExercisesView::default(),
            progress_selected: 0,
            confirm_reset: None,
            warning: None,
            progress_path: None,
            progress_base: ProgressFile::default(),
            saved_resume: None,
            lab: None,
            command_row: command_row::CommandRow::default(),
            lab_lesson: 0,
            lab_pane: LabPane::Setup,
            results_scroll: 0,
            machine_scroll: 0,
            size_override: None,
            cores: CoreHistory::new(cores),
            run: None,
            results: None,
            lab_map: false,
            message: None,
            recent: None,
            present: false,
            login_node: None,
            fit_budget: None,
            fit_requests: Vec::new(),
            fit_asked: Default::default(),
            echo: None,
            quit: false,
            progress_changed: false,
            now: SystemTime::UNIX_EPOCH,
            code: CodeView::default(),
            workspace: crate::lessons::code::workspace(),
            code_max_scroll: u16::MAX,
            code_pane: false,
            code_scroll: 0,
        }
    }

    /// The lesson in the reader.
    pub fn opened_lesson(&self) -> Option<&Lesson> {
        self.course.lessons.get(self.opened)
    }

    /// The lesson the Lab is set up for.
    pub fn lab_lesson(&self) -> Option<&Lesson> {
        self.course.lessons.get(self.lab_lesson)
    }

    /// Whether a plan is running (the UI then redraws less often).
    pub fn running(&self) -> bool {
        self.run.is_some()
    }

    /// The hints revealed so far for the lesson in the reader / Lab.
    pub fn visible_hints(&self, lesson: usize) -> &[String] {
        let shown = self.hints_shown.get(lesson).copied().unwrap_or(0);
        self.course.lessons.get(lesson).map_or(&[], |l| &l.hints[..shown.min(l.hints.len())])
    }

    /// Whether the Recent runs list is open (over the Lab).
    pub fn recent_open(&self) -> bool {
        self.recent.is_some() && self.screen == Screen::Lab
    }

    /// Whether the app has been asked to exit.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// The largest useful reader scroll for the current layout.
    pub fn reader_max_scroll(&self) -> u16 {
        self.reader_max_scroll
    }

    /// Sets the largest useful reader scroll (the main loop measures it from the layout).
    pub fn set_reader_max_scroll(&mut self, lines: u16) {
        self.reader_max_scroll = lines;
    }

    /// Handles one event; returns what the main loop must do.
    pub fn update(&mut self, event: Event) -> Option<Effect> {
        let effect = self.handle(event);
        let resume = self.resume();
        if resume != self.saved_resume {
            self.saved_resume = resume;
            self.progress_changed = true;
        }
        effect
    }

    fn handle(&mut self, event: Event) -> Option<Effect> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Tick(now) => {
                self.now = now;
                None
            }
            Event::Resize => None,
            Event::Cpu(snapshot) => {
                self.cores.push(&snapshot);
                None
            }
            Event::Run(event) => {
                self.on_run(event);
                None
            }
            Event::Terminate => self.quit_now(),
            Event::Exported(result) => {
                self.message = Some(match result {
                    Ok(folder) => format!("Exported results, report.md and charts to {folder}"),
                    Err(why) => format!("Export failed: {why}"),
                });
                None
            }
            Event::ProgressExported(result) => {
                self.message = Some(match result {
                    Ok(file) => format!("Progress summary written to {file}"),
                    Err(why) => format!("Could not write the progress summary: {why}"),
                });
                None
            }
            Event::ProgressSaveFailed(why) | Event::RunLogFailed(why) => {
                self.warning = Some(why);
                None
            }
            Event::RunsLoaded(loaded) => {
                self.runs_loaded(loaded);
                None
            }
            Event::LessonFitted(lesson, fitted) => {
                self.on_lesson_fitted(lesson, fitted);
                None
            }
            Event::CodePrepared(prepared) => self.on_code_prepared(prepared),
            Event::CodeSaved => self.on_code_saved(),
            Event::CodeChecked(verdict) => self.on_code_checked(verdict),
        }
    }

    pub(super) fn quit_now(&mut self) -> Option<Effect> {
        self.quit = true;
        Some(Effect::Quit)
    }

    /// A key: the keys that work everywhere first, then the screen's table (see `keys.rs`).
    fn on_key(&mut self, key: Key) -> Option<Effect> {
        // The command input line takes every key (typing `q` or `?` is text), but Ctrl-C.
        if self.command_input_open() && self.screen == Screen::Lab && key != Key::CtrlC {
            return self.command_input_key(key);
        }
        // So does a pair exercise's share line box: a pasted share is letters and digits.
        if self.share_input_open() && key != Key::CtrlC && !self.help {
            return self.share_input_key(key);
        }
        let global = keys::GLOBAL.find(self, key);
        if global == Some(GlobalAction::Quit) {
            return self.quit_now();
        }
        self.warning = None;
        if self.help {
            self.close_help();
            return None;
        }
        if self.present {
            self.echo = Some(keys::echo(self, key));
        }
        // A reset waits for a second press: any other key in between calls it off.
        let armed = self.confirm_reset;
        let effect = match global {
            Some(action) => self.global_action(action),
            None if self.recent_open() => runlog::KEYS.find(self, key).and_then(|a| self.recent_action(a)),
            None => match self.screen {
                Screen::Lessons => lessons::KEYS.find(self, key).and_then(|a| self.lessons_action(a)),
                Screen::Lab => lab::KEYS.find(self, key).and_then(|a| self.lab_action(a)),
                Screen::Exercises => exercises::KEYS.find(self, key).and_then(|a| self.exercises_action(a)),
                Screen::Progress => progress::KEYS.find(self, key).and_then(|a| self.progress_action(a)),
                Screen::Machine => machine::KEYS.find(self, key).and_then(|a| self.machine_action(a)),
            },
        };
        if self.confirm_reset == armed {
            self.confirm_reset = None;
        }
        effect
    }

    /// Switches screen, setting up the Lab for the opened lesson when needed.
    pub fn show(&mut self, screen: Screen) -> Option<Effect> {
        if screen != self.screen && self.run.is_none() {
            self.message = None;
        }
        match screen {
            Screen::Lab => self.open_lab(self.opened),
            Screen::Exercises => self.open_exercises(),
            Screen::Progress => {
                self.progress_selected = self.opened;
                self.screen = screen;
            }
            Screen::Lessons | Screen::Machine => self.screen = screen,
        }
        None
    }
}
