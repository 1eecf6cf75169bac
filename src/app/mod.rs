//! The terminal lab's model: the [`App`] state, the [`Event`]s it eats and
//! [`App::update`], which changes the state and asks for [`Effect`]s (start a run,
//! cancel it, quit) that the main loop carries out. No drawing and no terminal here,
//! so every screen state can be built and tested without one.

pub mod cores;
pub mod exercises;
pub mod lab;
pub mod summary;

use crate::lessons::progress::{BestRun, ExerciseRecord, LessonRecord, ProgressFile, Resume};
use crate::lessons::{Course, Lesson};
use crate::measure::{Plan, Point, Report, RunEvent};
use crate::sysmon::{CpuSnapshot, MachineFacts};
pub use cores::CoreHistory;
pub use exercises::{ExercisesPane, ExercisesView};
pub use lab::{LabRow, LabSetup, Toggle};

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
    /// Saving the progress file failed.
    ProgressSaveFailed(String),
}

/// What the main loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start this plan on the runner thread.
    StartRun(Plan),
    /// Ask the running plan to stop.
    CancelRun,
    /// Write these results as report files (JSON, CSV, Markdown, charts) to a fresh folder.
    Export(Box<Report>),
    /// Write this Markdown progress summary to a fresh `parlab-progress.md`.
    ExportProgress(String),
    /// Restore the terminal and exit.
    Quit,
}

/// Which pane of the Lessons screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonsPane {
    /// The list.
    List,
    /// The reader.
    Reader,
}

/// Which pane of the Lab has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabPane {
    /// The setup controls.
    Setup,
    /// The results table.
    Results,
}

/// How far a learner got with a lesson.
pub use crate::lessons::progress::Mark as Progress;

/// One sample the runner just timed.
#[derive(Debug, Clone, PartialEq)]
pub struct LastSample {
    /// Backend.
    pub backend: String,
    /// Worker count.
    pub workers: usize,
    /// A warm-up run (not counted).
    pub warmup: bool,
    /// Wall time.
    pub seconds: f64,
}

/// The plan that is running.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    /// A sweep (all switched-on points) or one point.
    pub sweep: bool,
    /// The plan.
    pub plan: Plan,
    /// Executions done (the reference run included).
    pub done: usize,
    /// Executions in all.
    pub total: usize,
    /// The point being measured.
    pub current: Option<(String, usize)>,
    /// The last sample.
    pub last: Option<LastSample>,
    /// The (lesson, exercise) whose prediction this run measures.
    pub exercise: Option<(usize, usize)>,
}

/// The whole state of the terminal lab.
#[derive(Debug, Clone)]
pub struct App {
    /// The course.
    pub course: Course,
    /// This machine.
    pub facts: MachineFacts,
    /// Use colours (false when NO_COLOR is set).
    pub color: bool,
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
    pub reader_max_scroll: u16,
    /// Progress per lesson.
    pub progress: Vec<Progress>,
    /// Hints revealed per lesson.
    pub hints_shown: Vec<usize>,
    /// Per lesson, one record per exercise.
    pub exercise_records: Vec<Vec<ExerciseRecord>>,
    /// Per lesson, the best speedup measured.
    pub best: Vec<Option<BestRun>>,
    /// The Exercises screen's state.
    pub exercises_view: ExercisesView,
    /// The lesson under the cursor in the progress summary.
    pub progress_selected: usize,
    /// The lesson whose reset waits for a second `R`.
    pub confirm_reset: Option<usize>,
    /// Something the learner must know (a damaged progress file, a failed save); shown
    /// on every screen until the next key.
    pub warning: Option<String>,
    /// Where progress is saved, shown in the summary (None: not saved).
    pub progress_path: Option<String>,
    /// The progress file as loaded: lessons of other courses are kept when saving.
    pub progress_base: ProgressFile,
    /// The resume point last saved.
    saved_resume: Option<Resume>,
    /// The Lab's controls, for the lesson `lab_lesson`.
    pub lab: Option<LabSetup>,
    /// Which lesson the Lab is set up for.
    pub lab_lesson: usize,
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
    /// Set when the app should exit.
    pub quit: bool,
    /// Set when `progress` changed and should be saved.
    pub progress_changed: bool,
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
            quit: false,
            progress_changed: false,
        }
    }

    /// Takes what a saved progress file holds for this course's lessons (marks, hints,
    /// exercise answers, best speedups) and resumes at its lesson and screen.
    pub fn load_progress(&mut self, saved: &ProgressFile) {
        self.progress_base = saved.clone();
        for (i, lesson) in self.course.lessons.iter().enumerate() {
            let Some(record) = saved.lessons.get(&lesson.id) else { continue };
            self.progress[i] = record.mark;
            self.hints_shown[i] = record.hints.min(lesson.hints.len());
            self.best[i] = record.best.clone();
            for saved_exercise in &record.exercises {
                let slot = saved_exercise.number.checked_sub(1).and_then(|n| self.exercise_records[i].get_mut(n));
                if let Some(slot) = slot
                    && slot.kind == saved_exercise.kind
                {
                    *slot = saved_exercise.clone();
                }
            }
        }
        if let Some(resume) = &saved.resume
            && let Some(lesson) = self.course.lessons.iter().position(|l| l.id == resume.lesson)
        {
            self.opened = lesson;
            self.selected = lesson;
            self.progress_selected = lesson;
            match Screen::from_key(&resume.screen) {
                Some(Screen::Lab) => self.open_lab(lesson),
                Some(Screen::Exercises) => self.open_exercises(),
                Some(screen) => self.screen = screen,
                None => {}
            }
        }
        self.saved_resume = self.resume();
    }

    /// Where the learner is now, as saved for the next start.
    pub fn resume(&self) -> Option<Resume> {
        let lesson = self.course.lessons.get(self.opened)?;
        Some(Resume { lesson: lesson.id.clone(), screen: self.screen.key().to_string() })
    }

    /// What the learner did in lesson `index`, as saved.
    pub fn lesson_record(&self, index: usize) -> LessonRecord {
        let exercises = self.exercise_records.get(index).map_or_else(Vec::new, |records| {
            records
                .iter()
                .filter(|r| **r != ExerciseRecord { number: r.number, kind: r.kind, ..Default::default() })
                .cloned()
                .collect()
        });
        LessonRecord {
            mark: self.progress.get(index).copied().unwrap_or_default(),
            hints: self.hints_shown.get(index).copied().unwrap_or(0),
            exercises,
            best: self.best.get(index).cloned().flatten(),
        }
    }

    /// The progress to save: what was loaded, with this course's lessons as they are now.
    pub fn progress_file(&self) -> ProgressFile {
        let mut file = self.progress_base.clone();
        for (i, lesson) in self.course.lessons.iter().enumerate() {
            let record = self.lesson_record(i);
            if record.is_empty() {
                file.lessons.remove(&lesson.id);
            } else {
                file.lessons.insert(lesson.id.clone(), record);
            }
        }
        file.resume = self.resume();
        file
    }

    fn mark(&mut self, lesson: usize, mark: Progress) {
        if let Some(p) = self.progress.get_mut(lesson)
            && *p < mark
        {
            *p = mark;
            self.progress_changed = true;
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
            Event::ProgressSaveFailed(why) => {
                self.warning = Some(why);
                None
            }
        }
    }

    fn quit_now(&mut self) -> Option<Effect> {
        self.quit = true;
        Some(Effect::Quit)
    }

    fn on_key(&mut self, key: Key) -> Option<Effect> {
        if key == Key::CtrlC {
            return self.quit_now();
        }
        self.warning = None;
        if self.help {
            self.help = false;
            return None;
        }
        if key != Key::Char('R') {
            self.confirm_reset = None;
        }
        match key {
            Key::Char('?') => {
                self.help = true;
                return None;
            }
            Key::Char(c @ '1'..='9') if !self.exercise_takes_digits() => {
                if let Some(&screen) = Screen::ALL.get(c as usize - '1' as usize) {
                    return self.show(screen);
                }
            }
            _ => {}
        }
        match self.screen {
            Screen::Lessons => self.lessons_key(key),
            Screen::Lab => self.lab_key(key),
            Screen::Exercises => self.exercises_key(key),
            Screen::Progress => self.progress_key(key),
            Screen::Machine => self.machine_key(key),
        }
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
        self.mark(lesson, Progress::Read);
    }

    /// Sets the Lab up for `lesson` (keeps the controls when it already is) and shows it.
    pub fn open_lab(&mut self, lesson: usize) {
        if self.setup_lab(lesson) {
            self.screen = Screen::Lab;
        }
    }

    /// Sets the Lab up for `lesson` without showing it; false when there is no such lesson.
    fn setup_lab(&mut self, lesson: usize) -> bool {
        let Some(l) = self.course.lessons.get(lesson) else { return false };
        if self.lab.is_none() || self.lab_lesson != lesson {
            self.lab = Some(LabSetup::from_lesson(l, self.facts.available_parallelism, self.size_override));
            self.lab_lesson = lesson;
            self.lab_pane = LabPane::Setup;
        }
        true
    }

    /// Opens `lesson` and marks the lessons before it that were never opened as
    /// skipped: a workshop moving on.
    pub fn jump_to(&mut self, lesson: usize) {
        if lesson >= self.course.lessons.len() {
            return;
        }
        let mut skipped = 0;
        for mark in &mut self.progress[..lesson] {
            if *mark == Progress::New {
                *mark = Progress::Skipped;
                skipped += 1;
            }
        }
        self.progress_changed = true;
        self.open_lesson(lesson);
        self.screen = Screen::Lessons;
        self.message = Some(if skipped == 0 {
            format!("Jumped to lesson {}.", lesson + 1)
        } else {
            format!("Jumped to lesson {}; {skipped} earlier lesson(s) never opened are marked skipped.", lesson + 1)
        });
    }

    /// Forgets everything the learner did in `lesson`.
    pub fn reset_lesson(&mut self, lesson: usize) {
        let Some(l) = self.course.lessons.get(lesson) else { return };
        self.progress[lesson] = Progress::New;
        self.hints_shown[lesson] = 0;
        self.best[lesson] = None;
        self.exercise_records[lesson] = exercises::fresh_records(l);
        if self.opened == lesson {
            self.exercises_view = ExercisesView::default();
        }
        self.progress_changed = true;
        self.message = Some(format!("Lesson {} reset: marks, answers, predictions and hints forgotten.", lesson + 1));
    }

    fn progress_key(&mut self, key: Key) -> Option<Effect> {
        let count = self.course.lessons.len();
        let row = self.progress_selected.min(count.saturating_sub(1));
        match key {
            Key::Up | Key::Char('k') => self.progress_selected = row.saturating_sub(1),
            Key::Down | Key::Char('j') => self.progress_selected = (row + 1).min(count.saturating_sub(1)),
            Key::Home => self.progress_selected = 0,
            Key::End => self.progress_selected = count.saturating_sub(1),
            Key::Enter => {
                self.open_lesson(row);
                self.screen = Screen::Lessons;
            }
            Key::Char('J') => self.jump_to(row),
            Key::Char('R') => {
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
            Key::Char('e') => {
                let text = summary::markdown(self, &crate::measure::report::utc_now());
                self.message = Some("Writing the progress summary...".into());
                return Some(Effect::ExportProgress(text));
            }
            Key::Char('q') | Key::Esc => self.screen = Screen::Lessons,
            _ => {}
        }
        None
    }

    fn lessons_key(&mut self, key: Key) -> Option<Effect> {
        let count = self.course.lessons.len();
        match self.lessons_pane {
            LessonsPane::List => match key {
                Key::Up | Key::Char('k') => self.selected = self.selected.saturating_sub(1),
                Key::Down | Key::Char('j') => self.selected = (self.selected + 1).min(count.saturating_sub(1)),
                Key::Home => self.selected = 0,
                Key::End => self.selected = count.saturating_sub(1),
                Key::Enter | Key::Right | Key::Char('l') | Key::Tab | Key::BackTab => self.open_lesson(self.selected),
                Key::Char('J') => self.jump_to(self.selected),
                Key::Char('t') => {
                    self.open_lesson(self.selected);
                    self.open_exercises();
                }
                Key::Char('q') | Key::Esc => return self.quit_now(),
                _ => {}
            },
            LessonsPane::Reader => match key {
                Key::Up | Key::Char('k') => self.reader_scroll = self.reader_scroll.saturating_sub(1),
                Key::Down | Key::Char('j') => self.scroll_reader(1),
                Key::PageUp => self.reader_scroll = self.reader_scroll.saturating_sub(10),
                Key::PageDown | Key::Char(' ') => self.scroll_reader(10),
                Key::Home => self.reader_scroll = 0,
                Key::End => self.reader_scroll = self.reader_max_scroll,
                Key::Char('n') => self.next_hint(self.opened),
                Key::Char('t') => self.open_exercises(),
                Key::Enter => {
                    self.open_lab(self.opened);
                }
                Key::Tab | Key::BackTab | Key::Left | Key::Char('h') | Key::Char('q') | Key::Esc => {
                    self.lessons_pane = LessonsPane::List;
                }
                _ => {}
            },
        }
        None
    }

    fn scroll_reader(&mut self, lines: u16) {
        self.reader_scroll = self.reader_scroll.saturating_add(lines).min(self.reader_max_scroll);
    }

    fn next_hint(&mut self, lesson: usize) {
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

    fn lab_key(&mut self, key: Key) -> Option<Effect> {
        match key {
            Key::Char('r') => return self.start(false),
            Key::Char('s') => return self.start(true),
            Key::Char('c') => {
                return if self.run.is_some() {
                    self.message = Some("Cancelling after the current repetition...".into());
                    Some(Effect::CancelRun)
                } else {
                    self.message = Some("Nothing is running.".into());
                    None
                };
            }
            Key::Char('x') if self.run.is_none() => {
                self.results = None;
                self.results_scroll = 0;
                self.message = Some("Results cleared.".into());
                return None;
            }
            Key::Char('m') => {
                let has_map = self.results.as_ref().and_then(crate::plot::Heatmap::from_report).is_some();
                if has_map {
                    self.lab_map = !self.lab_map;
                } else {
                    self.message =
                        Some("No heat map: only kernels whose outcome is a 2D histogram (walk) have one.".into());
                }
                return None;
            }
            Key::Char('e') => {
                return match &self.results {
                    Some(results) if !results.points.is_empty() => {
                        self.message = Some("Exporting the results...".into());
                        Some(Effect::Export(Box::new(results.clone())))
                    }
                    _ => {
                        self.message = Some("Nothing to export yet: run a point (r) or a sweep (s) first.".into());
                        None
                    }
                };
            }
            Key::Char('n') => {
                self.next_hint(self.lab_lesson);
                return None;
            }
            Key::Char('t') => {
                self.opened = self.lab_lesson;
                self.selected = self.lab_lesson;
                self.open_exercises();
                return None;
            }
            Key::Tab | Key::BackTab => {
                self.lab_pane = match self.lab_pane {
                    LabPane::Setup => LabPane::Results,
                    LabPane::Results => LabPane::Setup,
                };
                return None;
            }
            Key::Char('q') | Key::Esc => {
                self.screen = Screen::Lessons;
                return None;
            }
            _ => {}
        }
        match self.lab_pane {
            LabPane::Results => match key {
                Key::Up | Key::Char('k') => self.results_scroll = self.results_scroll.saturating_sub(1),
                Key::Down | Key::Char('j') => self.results_scroll = self.results_scroll.saturating_add(1),
                Key::Home => self.results_scroll = 0,
                _ => {}
            },
            LabPane::Setup => {
                let running = self.run.is_some();
                let lab = self.lab.as_mut()?;
                match key {
                    Key::Up | Key::Char('k') => lab.move_row(-1),
                    Key::Down | Key::Char('j') => lab.move_row(1),
                    Key::Left | Key::Char('h') | Key::Char('-') => lab.adjust(-1),
                    Key::Right | Key::Char('l') | Key::Char('+') => lab.adjust(1),
                    Key::Enter | Key::Char(' ') if !running => lab.toggle(),
                    _ => {}
                }
            }
        }
        None
    }

    fn start(&mut self, sweep: bool) -> Option<Effect> {
        if self.run.is_some() {
            self.message = Some("A run is in progress: wait for it or press c to cancel.".into());
            return None;
        }
        let lab = self.lab.as_ref()?;
        let plan = if sweep { lab.sweep_plan() } else { lab.point_plan() };
        match plan {
            Ok(plan) => {
                let total = plan.total_runs();
                self.message = None;
                self.run = Some(RunProgress {
                    sweep,
                    plan: plan.clone(),
                    done: 0,
                    total,
                    current: None,
                    last: None,
                    exercise: None,
                });
                Some(Effect::StartRun(plan))
            }
            Err(why) => {
                self.message = Some(why);
                None
            }
        }
    }

    fn machine_key(&mut self, key: Key) -> Option<Effect> {
        match key {
            Key::Up | Key::Char('k') => self.machine_scroll = self.machine_scroll.saturating_sub(1),
            Key::Down | Key::Char('j') => self.machine_scroll = self.machine_scroll.saturating_add(1).min(200),
            Key::Home => self.machine_scroll = 0,
            Key::Char('q') | Key::Esc => self.screen = Screen::Lessons,
            _ => {}
        }
        None
    }

    fn on_mouse_exercise_row(&mut self, row: usize) {
        if row < self.opened_lesson().map_or(0, |l| l.exercises.len()) {
            if self.exercises_view.selected != row {
                self.exercises_view.pane = ExercisesPane::List;
                self.select_exercise(row);
            } else {
                self.exercises_view.pane = ExercisesPane::Detail;
            }
        }
    }

    fn on_mouse(&mut self, mouse: Mouse) -> Option<Effect> {
        if self.help {
            self.help = false;
            return None;
        }
        match mouse {
            Mouse::Click(Target::Tab(screen)) => return self.show(screen),
            Mouse::Click(Target::LessonRow(row)) => {
                if row < self.course.lessons.len() {
                    if self.selected == row && self.lessons_pane == LessonsPane::List {
                        self.open_lesson(row);
                    } else {
                        self.selected = row;
                        self.lessons_pane = LessonsPane::List;
                    }
                }
            }
            Mouse::Click(Target::Reader) => self.lessons_pane = LessonsPane::Reader,
            Mouse::Click(Target::LabOption(row, option)) => {
                self.lab_pane = LabPane::Setup;
                let running = self.run.is_some();
                if let Some(lab) = self.lab.as_mut() {
                    lab.row = row;
                    if let Some(option) = option {
                        match row {
                            LabRow::Backends => lab.backend_cursor = option.min(lab.backends.len().saturating_sub(1)),
                            LabRow::Workers => lab.workers_cursor = option.min(lab.workers.len().saturating_sub(1)),
                            LabRow::Kernel | LabRow::Size | LabRow::Reps => {}
                        }
                        if !running && matches!(row, LabRow::Backends | LabRow::Workers) {
                            lab.toggle();
                        }
                    }
                }
            }
            Mouse::Click(Target::Results) => self.lab_pane = LabPane::Results,
            Mouse::Click(Target::Machine) => {}
            Mouse::Click(Target::ExerciseRow(row)) => self.on_mouse_exercise_row(row),
            Mouse::Click(Target::Exercise) => {
                if !self.opened_lesson().is_none_or(|l| l.exercises.is_empty()) {
                    self.exercises_view.pane = ExercisesPane::Detail;
                }
            }
            Mouse::Click(Target::ProgressRow(row)) => {
                if row < self.course.lessons.len() {
                    self.progress_selected = row;
                }
            }
            Mouse::ScrollUp(target) | Mouse::ScrollDown(target) => {
                let down = matches!(mouse, Mouse::ScrollDown(_));
                let step = |v: u16| if down { v.saturating_add(3) } else { v.saturating_sub(3) };
                match target {
                    Target::LessonRow(_) => {
                        let count = self.course.lessons.len();
                        self.selected = if down {
                            (self.selected + 1).min(count.saturating_sub(1))
                        } else {
                            self.selected.saturating_sub(1)
                        };
                    }
                    Target::Reader => self.reader_scroll = step(self.reader_scroll).min(self.reader_max_scroll),
                    Target::Results => self.results_scroll = step(self.results_scroll),
                    Target::Machine => self.machine_scroll = step(self.machine_scroll).min(200),
                    Target::ProgressRow(_) => {
                        let count = self.course.lessons.len();
                        self.progress_selected = if down {
                            (self.progress_selected + 1).min(count.saturating_sub(1))
                        } else {
                            self.progress_selected.saturating_sub(1)
                        };
                    }
                    Target::Tab(_) | Target::LabOption(..) | Target::ExerciseRow(_) | Target::Exercise => {}
                }
            }
        }
        None
    }

    fn on_run(&mut self, event: RunEvent) {
        match event {
            RunEvent::Started { total_runs, .. } => {
                if let Some(run) = self.run.as_mut() {
                    run.total = total_runs;
                    run.done = 0;
                }
            }
            RunEvent::PointStarted { backend, workers } => {
                if let Some(run) = self.run.as_mut() {
                    run.current = Some((backend, workers));
                }
            }
            RunEvent::Sample { backend, workers, warmup, seconds, done, total } => {
                if let Some(run) = self.run.as_mut() {
                    run.done = done;
                    run.total = total;
                    run.last = Some(LastSample { backend, workers, warmup, seconds });
                }
            }
            RunEvent::PointFinished { point, report } => self.add_point(*point, &report),
            RunEvent::Finished(report) => {
                let points = report.points.len();
                let exercise = self.run.as_ref().and_then(|r| r.exercise);
                self.finish(format!(
                    "Finished: {points} point{} measured and verified.",
                    if points == 1 { "" } else { "s" }
                ));
                if let Some((lesson, index)) = exercise {
                    self.finish_prediction(lesson, index, Some(&report));
                }
            }
            RunEvent::Failed(why) => {
                let exercise = self.run.as_ref().and_then(|r| r.exercise);
                self.finish(format!("Run failed: {why}"));
                if let Some((lesson, index)) = exercise {
                    self.finish_prediction(lesson, index, None);
                    self.exercises_view.note = Some(format!("The measurement failed: {why}"));
                }
            }
            RunEvent::Cancelled(report) => {
                let exercise = self.run.as_ref().and_then(|r| r.exercise);
                self.finish(format!("Cancelled after {} point(s); they are kept below.", report.points.len()));
                if let Some((lesson, index)) = exercise {
                    self.finish_prediction(lesson, index, None);
                }
            }
        }
    }

    fn finish(&mut self, message: String) {
        self.run = None;
        // Keep the news of an exercise the run completed.
        self.message = Some(match self.message.take().filter(|m| m.starts_with("Exercise ")) {
            Some(exercise) => format!("{message} {exercise}"),
            None => message,
        });
    }

    /// Adds a measured point to the session's results (replacing an earlier
    /// measurement of the same backend and worker count) and refits.
    pub fn add_point(&mut self, point: Point, report: &Report) {
        self.mark(self.lab_lesson, Progress::Ran);
        let lesson_kernel = self.lab_lesson().map(|l| l.kernel.clone());
        if let (Some(speedup), Some(best)) = (point.speedup, self.best.get_mut(self.lab_lesson))
            && lesson_kernel.as_deref() == Some(point.kernel.as_str())
            && point.workers > 1
            && best.as_ref().is_none_or(|b| speedup > b.speedup)
        {
            *best = Some(BestRun { backend: point.backend.clone(), workers: point.workers, speedup });
            self.progress_changed = true;
        }
        self.complete_run_steps(&point);
        match self.results.as_mut() {
            Some(results) if results.plan.spec == report.plan.spec => {
                results.points.retain(|p| !(p.backend == point.backend && p.workers == point.workers));
                results.points.push(point);
                if report.reference_s.is_some() {
                    results.reference_s = report.reference_s;
                }
                results.derive();
            }
            _ => self.results = Some(report.clone()),
        }
    }
}
