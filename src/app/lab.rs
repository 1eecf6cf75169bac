//! The Lab (beside `ui/lab.rs`): its controls (kernel, backends, worker counts, size
//! and repetitions, preset from a lesson, and the plans they describe) and its input:
//! the key table and what each action does.

use std::collections::BTreeMap;

use crate::kernels::{self, KernelSpec};
use crate::lessons::Lesson;
use crate::measure::{Order, Plan, default_workers};

use super::keys::{Command, Hint, Keys, always};
use super::{App, Effect, Key, RunProgress, Screen};

/// A rows of the Lab's setup panel, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabRow {
    /// Which kernel runs.
    Kernel,
    /// Which backends a sweep runs.
    Backends,
    /// Which worker counts a sweep runs.
    Workers,
    /// Amount of work.
    Size,
    /// Timed repetitions per point.
    Reps,
}

impl LabRow {
    /// All rows, top to bottom.
    pub const ALL: [LabRow; 5] = [LabRow::Kernel, LabRow::Backends, LabRow::Workers, LabRow::Size, LabRow::Reps];
}

/// Something that can be switched on or off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toggle<T> {
    /// The value.
    pub value: T,
    /// Whether a sweep includes it.
    pub on: bool,
}

/// The Lab's controls.
#[derive(Debug, Clone, PartialEq)]
pub struct LabSetup {
    /// Kernel id.
    pub kernel: String,
    /// Backends offered, with their on/off state.
    pub backends: Vec<Toggle<String>>,
    /// Worker counts offered, with their on/off state.
    pub workers: Vec<Toggle<usize>>,
    /// Size in the kernel's unit.
    pub size: u64,
    /// The lesson's kernel and size, for going back to them.
    pub lesson_kernel: String,
    /// The lesson's size (or the one given on the command line).
    pub lesson_size: u64,
    /// The size given on the command line, for every kernel.
    pub size_override: Option<u64>,
    /// Timed repetitions per point.
    pub reps: u32,
    /// Warm-up runs per point.
    pub warmup: u32,
    /// The lesson's kernel and backend parameters, used while its kernel is chosen.
    pub lesson_params: BTreeMap<String, String>,
    /// The selected row.
    pub row: LabRow,
    /// Cursor in the backends row: the backend `r` runs.
    pub backend_cursor: usize,
    /// Cursor in the workers row: the worker count `r` runs.
    pub workers_cursor: usize,
}

impl LabSetup {
    /// Controls preset from `lesson` on a machine with `cpus` available CPUs; `size`
    /// overrides the lesson's size.
    pub fn from_lesson(lesson: &Lesson, cpus: usize, size: Option<u64>) -> Self {
        let on_counts = lesson.workers.clone().unwrap_or_else(|| default_workers(cpus));
        let mut counts: Vec<usize> = on_counts.iter().copied().chain(default_workers(cpus)).collect();
        counts.sort_unstable();
        counts.dedup();
        let workers: Vec<Toggle<usize>> =
            counts.into_iter().map(|w| Toggle { value: w, on: on_counts.contains(&w) }).collect();
        // A backend that cannot run here (a py-* one without python3 or its package) is
        // not offered; `parlab python` says what to install.
        let runs_here = |b: &String| crate::backends::find(b).is_none_or(|b| b.available(Some(&lesson.kernel)).is_ok());
        let backends: Vec<Toggle<String>> = lesson
            .backends
            .iter()
            .filter(|b| runs_here(b))
            .map(|b| Toggle { value: b.clone(), on: lesson.selected.contains(b) })
            .collect();
        let backend_cursor = backends.iter().position(|b| b.on).unwrap_or(0);
        let workers_cursor = workers.iter().position(|w| w.on && w.value > 1).unwrap_or(0);
        Self {
            kernel: lesson.kernel.clone(),
            backends,
            workers,
            size: size.unwrap_or(lesson.size),
            lesson_kernel: lesson.kernel.clone(),
            lesson_size: size.unwrap_or(lesson.size),
            size_override: size,
            reps: lesson.reps,
            warmup: lesson.warmup,
            lesson_params: lesson.params.clone(),
            row: LabRow::Backends,
            backend_cursor,
            workers_cursor,
        }
    }

    /// The backend under the cursor.
    pub fn cursor_backend(&self) -> Option<&str> {
        self.backends.get(self.backend_cursor).map(|b| b.value.as_str())
    }

    /// The worker count under the cursor.
    pub fn cursor_workers(&self) -> Option<usize> {
        self.workers.get(self.workers_cursor).map(|w| w.value)
    }

    /// Moves the selected row by `delta`.
    pub fn move_row(&mut self, delta: isize) {
        let index = LabRow::ALL.iter().position(|&r| r == self.row).unwrap_or(0) as isize;
        let next = (index + delta).clamp(0, LabRow::ALL.len() as isize - 1) as usize;
        self.row = LabRow::ALL[next];
    }

    /// Left/right on the selected row: moves a cursor or changes a value.
    pub fn adjust(&mut self, delta: isize) {
        let step = |cursor: usize, len: usize| (cursor as isize + delta).clamp(0, len.max(1) as isize - 1) as usize;
        match self.row {
            LabRow::Kernel => {
                let ids = kernels::ids();
                let index = ids.iter().position(|&k| k == self.kernel).unwrap_or(0) as isize;
                let next = (index + delta).rem_euclid(ids.len() as isize) as usize;
                self.set_kernel(ids[next]);
            }
            LabRow::Backends => self.backend_cursor = step(self.backend_cursor, self.backends.len()),
            LabRow::Workers => self.workers_cursor = step(self.workers_cursor, self.workers.len()),
            LabRow::Size => {
                let smallest = kernels::find(&self.kernel).map_or(1, |k| k.small_size());
                self.size =
                    if delta > 0 { self.size.saturating_mul(2) } else { (self.size / 2).max(smallest.min(self.size)) };
            }
            LabRow::Reps => self.reps = (self.reps as isize + delta).clamp(1, 20) as u32,
        }
    }

    /// Enter/space on the selected row: switches the option under the cursor.
    pub fn toggle(&mut self) {
        match self.row {
            LabRow::Backends => {
                if let Some(b) = self.backends.get_mut(self.backend_cursor) {
                    b.on = !b.on;
                }
            }
            LabRow::Workers => {
                if let Some(w) = self.workers.get_mut(self.workers_cursor) {
                    w.on = !w.on;
                }
            }
            LabRow::Size => self.size = self.default_size(),
            LabRow::Kernel => {
                let kernel = self.lesson_kernel.clone();
                self.set_kernel(&kernel);
            }
            LabRow::Reps => {}
        }
    }

    /// The size Enter on the size row goes back to: the lesson's for its kernel, the
    /// kernel's default for others (a size from the command line wins).
    pub fn default_size(&self) -> u64 {
        if self.kernel == self.lesson_kernel {
            self.lesson_size
        } else {
            self.size_override.or_else(|| kernels::find(&self.kernel).map(|k| k.default_size())).unwrap_or(self.size)
        }
    }

    fn set_kernel(&mut self, kernel: &str) {
        self.kernel = kernel.to_string();
        self.size = self.default_size();
    }

    /// The spec for a plan over `backends`: the lesson's parameters while its kernel is
    /// chosen, those the kernel or one of `backends` understands.
    fn spec(&self, backends: &[String]) -> KernelSpec {
        let mut params = BTreeMap::new();
        if let Some(kernel) = kernels::find(&self.kernel).filter(|_| self.kernel == self.lesson_kernel) {
            let known = |key: &str| {
                kernel.params().iter().any(|p| p.key == key)
                    || backends
                        .iter()
                        .filter_map(|b| crate::backends::find(b))
                        .any(|b| b.params().iter().any(|p| p.key == key))
            };
            params = self.lesson_params.iter().filter(|(k, _)| known(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        KernelSpec { kernel: self.kernel.clone(), size: self.size, seed: 42, params }
    }

    /// The plan for every switched-on backend and worker count.
    pub fn sweep_plan(&self) -> Result<Plan, String> {
        let backends: Vec<String> = self.backends.iter().filter(|b| b.on).map(|b| b.value.clone()).collect();
        let workers: Vec<usize> = self.workers.iter().filter(|w| w.on).map(|w| w.value).collect();
        if backends.is_empty() {
            return Err("switch on at least one backend (Backends row, Enter)".into());
        }
        if workers.is_empty() {
            return Err("switch on at least one worker count (Workers row, Enter)".into());
        }
        Ok(Plan {
            spec: self.spec(&backends),
            backends,
            workers,
            warmup: self.warmup,
            repetitions: self.reps,
            scale: Default::default(),
            // Point after point: each point shows as soon as it is measured.
            order: Order::Sequential,
        })
    }

    /// The plan for the one point under the cursors.
    pub fn point_plan(&self) -> Result<Plan, String> {
        let backend = self.cursor_backend().ok_or("this lesson offers no backend")?;
        let workers = self.cursor_workers().ok_or("this lesson offers no worker count")?;
        let backends = vec![backend.to_string()];
        Ok(Plan {
            spec: self.spec(&backends),
            backends,
            workers: vec![workers],
            warmup: self.warmup,
            repetitions: self.reps,
            scale: Default::default(),
            order: Order::Sequential,
        })
    }
}

/// Which pane of the Lab has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabPane {
    /// The setup controls.
    Setup,
    /// The results table.
    Results,
}

/// What a key does in the Lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabAction {
    /// Measure the point under the cursors.
    RunPoint,
    /// Measure every switched-on point.
    Sweep,
    /// Stop the run after the current repetition.
    Cancel,
    /// Forget the results.
    Clear,
    /// Switch between the speedup chart and the heat map.
    Map,
    /// Write the results, report and charts to a fresh folder.
    Export,
    /// The list of recent runs, kept in the run log (after a crash too).
    Recent,
    /// Show the lesson's next hint.
    Hint,
    /// The lesson's exercises.
    Exercises,
    /// Move the keys between setup and results.
    Pane,
    /// Back to the lesson.
    Back,
    /// Setup: the row above (-1) or below (1).
    Row(isize),
    /// Setup: along the row, or change its value.
    Adjust(isize),
    /// Setup: switch the option under the cursor; reset the kernel or size.
    Toggle,
    /// Results: scroll by this many rows (negative: up).
    Scroll(i16),
    /// Results: to the top.
    Top,
    /// Type or paste your own command to measure ("your command" on the kernel row).
    Command,
    /// Show the Python twin of the backend under the cursor instead of the chart, or back.
    Python,
    /// Scroll the Python twin by this many lines (negative: up).
    CodeScroll(i16),
}

fn idle(app: &App) -> bool {
    app.run.is_none()
}

fn running(app: &App) -> bool {
    app.run.is_some()
}

fn has_results(app: &App) -> bool {
    app.results.is_some()
}

fn has_map(app: &App) -> bool {
    app.results.as_ref().and_then(crate::plot::Heatmap::from_report).is_some()
}

fn setup(app: &App) -> bool {
    app.lab_pane == LabPane::Setup && app.lab.is_some()
}

fn setup_idle(app: &App) -> bool {
    setup(app) && idle(app)
}

fn setup_pane(app: &App) -> bool {
    app.lab_pane == LabPane::Setup
}

fn results_pane(app: &App) -> bool {
    app.lab_pane == LabPane::Results
}

fn run_label(app: &App) -> String {
    app.lab
        .as_ref()
        .and_then(|l| Some(format!("run {}×{}", l.cursor_backend()?, l.cursor_workers()?)))
        .unwrap_or_else(|| "run".into())
}

fn code_shown(app: &App) -> bool {
    app.code_pane
}

fn python_label(app: &App) -> String {
    if app.code_pane { "chart" } else { "python" }.into()
}

fn map_label(app: &App) -> String {
    if app.lab_map { "speedup chart" } else { "heat map" }.into()
}

use LabAction as A;

/// The Lab's keys.
pub const KEYS: Keys<LabAction> = Keys(&[
    Command {
        keys: "s r",
        bindings: &[(Key::Char('s'), A::Sweep), (Key::Char('r'), A::RunPoint)],
        help: "sweep every switched-on point / run the underlined one",
        when: always,
        hints: &[Hint::new("s", "sweep", 11, idle), Hint::from("r", run_label, 12, idle)],
    },
    Command {
        keys: "!",
        bindings: &[(Key::Char('!'), A::Command)],
        help: "your command: type or paste one with {workers}; s sweeps it",
        when: idle,
        hints: &[],
    },
    Command {
        keys: "c",
        bindings: &[(Key::Char('c'), A::Cancel)],
        help: "cancel the run (after the current repetition)",
        when: always,
        hints: &[Hint::new("c", "cancel", 10, running)],
    },
    Command {
        keys: "x",
        bindings: &[(Key::Char('x'), A::Clear)],
        help: "clear the results (not while a run is going)",
        when: idle,
        hints: &[],
    },
    Command {
        keys: "e",
        bindings: &[(Key::Char('e'), A::Export)],
        help: "export results, report.md and charts to ./parlab-results/",
        when: always,
        hints: &[Hint::new("e", "export", 21, has_results)],
    },
    Command {
        keys: "o",
        bindings: &[(Key::Char('o'), A::Recent)],
        help: "recent runs, kept even after a crash: reopen, export or delete one",
        when: idle,
        hints: &[Hint::new("o", "recent runs", 26, idle)],
    },
    Command {
        keys: "m",
        bindings: &[(Key::Char('m'), A::Map)],
        help: "walk: heat map of where the walkers ended / speedup chart",
        when: always,
        hints: &[Hint::from("m", map_label, 22, has_map)],
    },
    Command {
        keys: "p",
        bindings: &[(Key::Char('p'), A::Python)],
        help: "the Python twin of the backend under the cursor, or the chart",
        when: always,
        hints: &[Hint::from("p", python_label, 26, always)],
    },
    Command {
        keys: "PgUp PgDn",
        bindings: &[(Key::PageUp, A::CodeScroll(-10)), (Key::PageDown, A::CodeScroll(10))],
        help: "scroll the Python twin",
        when: code_shown,
        hints: &[],
    },
    Command {
        keys: "t",
        bindings: &[(Key::Char('t'), A::Exercises)],
        help: "the lesson's exercises",
        when: always,
        hints: &[Hint::new("t", "exercises", 20, always)],
    },
    Command {
        keys: "n",
        bindings: &[(Key::Char('n'), A::Hint)],
        help: "show the lesson's next hint",
        when: always,
        hints: &[Hint::new("n", "hint", 61, always)],
    },
    Command {
        keys: "Tab",
        bindings: &[(Key::Tab, A::Pane), (Key::BackTab, A::Pane)],
        help: "move between setup and results",
        when: always,
        hints: &[Hint::new("Tab", "pane", 60, always)],
    },
    Command {
        keys: "q Esc",
        bindings: &[(Key::Char('q'), A::Back), (Key::Esc, A::Back)],
        help: "back to the lessons",
        when: always,
        hints: &[Hint::new("q", "back", 48, always)],
    },
    Command {
        keys: "↑↓ j k",
        bindings: &[
            (Key::Up, A::Row(-1)),
            (Key::Char('k'), A::Row(-1)),
            (Key::Down, A::Row(1)),
            (Key::Char('j'), A::Row(1)),
        ],
        help: "setup: choose a row",
        when: setup,
        hints: &[Hint::new("↑↓", "row", 23, setup_pane)],
    },
    Command {
        keys: "←→ h l - +",
        bindings: &[
            (Key::Left, A::Adjust(-1)),
            (Key::Char('h'), A::Adjust(-1)),
            (Key::Char('-'), A::Adjust(-1)),
            (Key::Right, A::Adjust(1)),
            (Key::Char('l'), A::Adjust(1)),
            (Key::Char('+'), A::Adjust(1)),
        ],
        help: "setup: move along the row; change kernel, size, reps",
        when: setup,
        hints: &[Hint::new("←→", "pick", 24, setup_pane)],
    },
    Command {
        keys: "Enter Space",
        bindings: &[(Key::Enter, A::Toggle), (Key::Char(' '), A::Toggle)],
        help: "setup: switch a backend or worker count; reset kernel or size",
        when: setup_idle,
        hints: &[Hint::new("Enter", "on/off", 25, setup_pane)],
    },
    Command {
        keys: "↑↓ j k Home",
        bindings: &[
            (Key::Up, A::Scroll(-1)),
            (Key::Char('k'), A::Scroll(-1)),
            (Key::Down, A::Scroll(1)),
            (Key::Char('j'), A::Scroll(1)),
            (Key::Home, A::Top),
        ],
        help: "results: scroll the table",
        when: results_pane,
        hints: &[Hint::new("↑↓", "scroll", 23, results_pane)],
    },
]);

impl App {
    /// Does what `action` says in the Lab.
    pub(super) fn lab_action(&mut self, action: LabAction) -> Option<Effect> {
        match action {
            A::RunPoint if self.command_row.command.is_some() => return self.start_command(false),
            A::Sweep if self.command_row.command.is_some() => return self.start_command(true),
            A::RunPoint => return self.start(false),
            A::Sweep => return self.start(true),
            A::Command => self.open_command_input(),
            A::Cancel => {
                return if self.run.is_some() {
                    self.message = Some("Cancelling after the current repetition...".into());
                    Some(Effect::CancelRun)
                } else {
                    self.message = Some("Nothing is running.".into());
                    None
                };
            }
            A::Clear => {
                self.results = None;
                self.results_scroll = 0;
                self.message = Some("Results cleared.".into());
            }
            A::Map => {
                if has_map(self) {
                    self.lab_map = !self.lab_map;
                } else {
                    self.message =
                        Some("No heat map: only kernels whose outcome is a 2D histogram (walk) have one.".into());
                }
            }
            A::Export => {
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
            A::Recent => return self.open_recent(),
            A::Hint => self.next_hint(self.lab_lesson),
            A::Exercises => {
                self.opened = self.lab_lesson;
                self.selected = self.lab_lesson;
                self.open_exercises();
            }
            A::Pane => {
                self.lab_pane = match self.lab_pane {
                    LabPane::Setup => LabPane::Results,
                    LabPane::Results => LabPane::Setup,
                };
            }
            A::Back => self.screen = Screen::Lessons,
            A::Row(delta) => self.lab.as_mut()?.move_row(delta),
            // ←→ on the kernel row leave "your command" for the kernel shown before.
            A::Adjust(_) if self.command_row.command.is_some() && self.lab.as_ref()?.row == LabRow::Kernel => {
                self.command_row.command = None;
            }
            A::Adjust(delta) => self.lab.as_mut()?.adjust(delta),
            A::Toggle => self.lab.as_mut()?.toggle(),
            A::Scroll(rows) if rows < 0 => {
                self.results_scroll = self.results_scroll.saturating_sub(rows.unsigned_abs())
            }
            A::Scroll(rows) => self.results_scroll = self.results_scroll.saturating_add(rows.unsigned_abs()),
            A::Top => self.results_scroll = 0,
            A::Python => self.toggle_code_pane(),
            A::CodeScroll(lines) => self.scroll_code_pane(lines),
        }
        None
    }

    /// Starts measuring the point under the cursors, or every switched-on point.
    fn start(&mut self, sweep: bool) -> Option<Effect> {
        if self.run.is_some() {
            self.message = Some("A run is in progress: wait for it or press c to cancel.".into());
            return None;
        }
        let lab = self.lab.as_ref()?;
        let plan = if sweep { lab.sweep_plan() } else { lab.point_plan() };
        match plan {
            Ok(mut plan) => {
                self.guard_plan(&mut plan);
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

    /// Sets the Lab up for `lesson` (keeps the controls when it already is) and shows it.
    pub fn open_lab(&mut self, lesson: usize) {
        if self.setup_lab(lesson) {
            self.screen = Screen::Lab;
        }
    }

    /// Sets the Lab up for `lesson` without showing it; false when there is no such lesson.
    pub(super) fn setup_lab(&mut self, lesson: usize) -> bool {
        let Some(l) = self.course.lessons.get(lesson) else { return false };
        if self.lab.is_none() || self.lab_lesson != lesson {
            self.lab = Some(LabSetup::from_lesson(l, self.facts.available_parallelism, self.size_override));
            self.lab_lesson = lesson;
            self.lab_pane = LabPane::Setup;
        }
        // The size is fitted to the budget when the Lab is first opened: probing every
        // kernel before the first screen cost seconds at start-up.
        if self.fit_budget.is_some() && self.size_override.is_none() && self.fit_asked.insert(lesson) {
            self.fit_requests.push(lesson);
        }
        true
    }

    /// A lesson's size was fitted: the lesson keeps it, and the Lab takes it when it shows
    /// that lesson at its preset size and nothing runs.
    pub(super) fn on_lesson_fitted(&mut self, lesson: usize, fitted: Option<crate::lessons::plan::Fitted>) {
        let (Some(fitted), Some(l)) = (fitted, self.course.lessons.get_mut(lesson)) else { return };
        let preset = l.size;
        l.size = fitted.size;
        l.probe = Some(fitted.probe);
        if self.lab_lesson == lesson
            && self.run.is_none()
            && let Some(lab) = self.lab.as_mut()
            && lab.kernel == lab.lesson_kernel
            && lab.lesson_size == preset
        {
            let untouched = lab.size == preset;
            lab.lesson_size = fitted.size;
            if untouched {
                lab.size = fitted.size;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pi_lab(size: Option<u64>) -> LabSetup {
        let course = crate::lessons::embedded().unwrap();
        let lesson = course.lessons.iter().find(|l| l.id == "embarrassingly-parallel").unwrap();
        LabSetup::from_lesson(lesson, 2, size)
    }

    #[test]
    fn presets_come_from_the_lesson() {
        let lab = pi_lab(None);
        let plan = lab.sweep_plan().unwrap();
        assert_eq!(plan.spec.kernel, "pi");
        assert_eq!(plan.backends, ["threads", "rayon"]);
        assert_eq!(plan.workers, [1, 2, 4]);
        assert_eq!(plan.repetitions, 3);
        let point = lab.point_plan().unwrap();
        assert_eq!((point.backends.as_slice(), point.workers.as_slice()), (&["threads".to_string()][..], &[2][..]));
    }

    #[test]
    fn the_lessons_parameters_apply_to_its_kernel_only() {
        let course = crate::lessons::embedded().unwrap();
        let lesson = course.lessons.iter().find(|l| l.id == "parallel-libraries").unwrap();
        let mut lab = LabSetup::from_lesson(lesson, 2, None);
        let plan = lab.sweep_plan().unwrap();
        assert_eq!(plan.spec.params.get("algo").map(String::as_str), Some("blocked"));
        assert_eq!(plan.spec.params.get("inner").map(String::as_str), Some("1"));
        lab.row = LabRow::Kernel;
        lab.adjust(1);
        assert!(lab.sweep_plan().unwrap().spec.params.is_empty(), "another kernel runs with its own defaults");
    }

    #[test]
    fn rows_toggle_and_adjust() {
        let mut lab = pi_lab(Some(1_000_000));
        lab.move_row(1); // workers
        lab.adjust(-5); // cursor on 1
        lab.toggle();
        assert_eq!(lab.sweep_plan().unwrap().workers, [2, 4]);
        lab.move_row(1); // size
        lab.adjust(1);
        assert_eq!(lab.size, 2_000_000);
        lab.toggle();
        assert_eq!(lab.size, 1_000_000, "Enter goes back to the lesson's size");
        lab.move_row(-9);
        assert_eq!(lab.row, LabRow::Kernel);
        lab.adjust(1);
        assert_eq!(lab.kernel, "integral");
        assert_eq!(lab.size, 1_000_000, "a size from the command line applies to every kernel");
        lab.toggle();
        assert_eq!(lab.kernel, "pi");
    }

    #[test]
    fn an_empty_selection_explains_itself() {
        let mut lab = pi_lab(None);
        for b in &mut lab.backends {
            b.on = false;
        }
        assert!(lab.sweep_plan().unwrap_err().contains("backend"));
    }
}
