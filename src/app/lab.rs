//! The Lab's controls: kernel, backends, worker counts, size and repetitions, preset
//! from a lesson, and the plans they describe.

use std::collections::BTreeMap;

use crate::kernels::{self, KernelSpec};
use crate::lessons::Lesson;
use crate::measure::{Plan, default_workers};

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
        let backends: Vec<Toggle<String>> =
            lesson.backends.iter().map(|b| Toggle { value: b.clone(), on: lesson.selected.contains(b) }).collect();
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
        Ok(Plan { spec: self.spec(&backends), backends, workers, warmup: self.warmup, repetitions: self.reps })
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
        })
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
