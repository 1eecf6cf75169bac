//! The clock of a workshop: each lesson's Lab sweep fitted to a time budget on this
//! machine ([`fit_course`]), and `parlab lessons plan`'s schedule from the course's
//! `minutes` and this machine's sweep times ([`schedule`]), saying what to cut, the
//! optional lessons first.
//!
//! A lesson's `minutes` are taken to include [`SWEEPS_PER_LESSON`] sweeps of the default
//! budget; a machine whose sweeps take longer adds the difference.

use std::collections::BTreeMap;

use super::{Course, Lesson};
use crate::kernels::KernelSpec;
use crate::measure::budget::{self, DEFAULT_BUDGET_S, Probe};
use crate::measure::{Plan, default_workers};
use crate::sysmon::MachineFacts;

/// Sweeps a learner runs in one lesson, as the minutes assume.
pub const SWEEPS_PER_LESSON: f64 = 3.0;

/// Minutes assumed for a lesson whose course gives none.
pub const DEFAULT_MINUTES: u32 = 20;

/// Minutes an optional exercise takes, to say what skipping them saves.
pub const OPTIONAL_EXERCISE_MINUTES: u32 = 3;

/// A fitted size stays within this factor of the lesson's own size, so that the lesson's
/// text (what the learner should see) still holds.
pub const FIT_RANGE: u64 = 10;

/// The sweep the Lab runs when it opens on `lesson` at `size`: its switched-on
/// backends and worker counts.
pub fn lab_plan(lesson: &Lesson, cpus: usize, size: u64) -> Plan {
    Plan {
        spec: KernelSpec { kernel: lesson.kernel.clone(), size, seed: 42, params: lesson.params.clone() },
        backends: lesson.selected.clone(),
        workers: lesson.workers.clone().unwrap_or_else(|| default_workers(cpus)),
        warmup: lesson.warmup,
        repetitions: lesson.reps,
        scale: Default::default(),
        // The Lab's order: each point shows as soon as it is measured.
        order: crate::measure::Order::Sequential,
    }
}

/// One lesson's sweep on this machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The size its Lab opens with.
    pub size: u64,
    /// The estimated time of the Lab's sweep at that size, seconds.
    pub sweep_s: f64,
    /// The probe it was fitted from.
    pub probe: Probe,
}

/// Probes each distinct kernel (with its parameters) of `course` once and fits every
/// lesson's size to `budget_s`, within [`FIT_RANGE`] of its own; `None` for a lesson
/// whose kernel could not be probed (it keeps its size).
pub fn fit_course(course: &Course, budget_s: f64, facts: &MachineFacts) -> Vec<Option<Fitted>> {
    // One probe per kernel and parameters: (kernel, params) -> probe.
    let mut probes: BTreeMap<(String, BTreeMap<String, String>), Option<Probe>> = BTreeMap::new();
    course
        .lessons
        .iter()
        .map(|lesson| {
            let key = (lesson.kernel.clone(), lesson.params.clone());
            let probe = probes
                .entry(key)
                .or_insert_with(|| Probe::run(&lab_plan(lesson, facts.available_parallelism, lesson.size).spec).ok())
                .as_ref()?;
            Some(fit(lesson, probe, budget_s, facts))
        })
        .collect()
}

/// Probes `lesson`'s kernel and fits its size to `budget_s` (the terminal lab does this
/// when a Lab is first opened); `None` when the kernel could not be probed.
pub fn fit_lesson(lesson: &Lesson, budget_s: f64, facts: &MachineFacts) -> Option<Fitted> {
    let probe = Probe::run(&lab_plan(lesson, facts.available_parallelism, lesson.size).spec).ok()?;
    Some(fit(lesson, &probe, budget_s, facts))
}

/// `lesson`'s size for `budget_s` from `probe`, and its sweep time.
pub fn fit(lesson: &Lesson, probe: &Probe, budget_s: f64, facts: &MachineFacts) -> Fitted {
    let cpus = facts.available_parallelism;
    let plan = lab_plan(lesson, cpus, lesson.size);
    let low = (lesson.size / FIT_RANGE).max(1);
    let high = lesson.size.saturating_mul(FIT_RANGE);
    let size = budget::calibrate(&plan, probe, budget_s, facts).clamp(low, high);
    let sweep_s = budget::estimate(&lab_plan(lesson, cpus, size), probe, cpus);
    Fitted { size, sweep_s, probe: *probe }
}

/// One lesson in a schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Index in the course, from 0.
    pub index: usize,
    /// Minutes the course gives (or [`DEFAULT_MINUTES`]).
    pub minutes: u32,
    /// Whether the course gave them.
    pub given: bool,
    /// An optional lesson.
    pub optional: bool,
    /// Optional exercises in it.
    pub optional_exercises: usize,
    /// The Lab's sweep on this machine, seconds, when measured.
    pub sweep_s: Option<f64>,
    /// Minutes with this machine's sweeps: `minutes` plus the sweeps' time beyond the budget.
    pub planned: f64,
}

/// A proposed schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Minutes available.
    pub available: u32,
    /// The lessons kept, in order.
    pub kept: Vec<Slot>,
    /// The lessons cut, in the order they were cut, each with why.
    pub cut: Vec<(Slot, &'static str)>,
    /// Minutes the kept lessons take.
    pub total: f64,
}

/// The slot of each lesson of `course`, with its Lab's sweep time when known.
pub fn slots(course: &Course, sweeps: &[Option<f64>]) -> Vec<Slot> {
    course
        .lessons
        .iter()
        .enumerate()
        .map(|(index, lesson)| {
            let sweep_s = sweeps.get(index).copied().flatten();
            let minutes = lesson.minutes.unwrap_or(DEFAULT_MINUTES);
            let extra = sweep_s.map_or(0.0, |s| SWEEPS_PER_LESSON * (s - DEFAULT_BUDGET_S).max(0.0) / 60.0);
            Slot {
                index,
                minutes,
                given: lesson.minutes.is_some(),
                optional: lesson.optional,
                optional_exercises: lesson.optional_exercises.iter().filter(|&&o| o).count(),
                sweep_s,
                planned: f64::from(minutes) + extra,
            }
        })
        .collect()
}

/// Fits `slots` into `available` minutes: cuts optional lessons first (the last first),
/// then, if still over, required lessons from the end (never the first).
pub fn schedule(slots: Vec<Slot>, available: u32) -> Schedule {
    let mut kept = slots;
    let mut cut = Vec::new();
    let total = |kept: &[Slot]| kept.iter().map(|s| s.planned).sum::<f64>();
    while total(&kept) > f64::from(available) {
        let victim = match kept.iter().rposition(|s| s.optional) {
            Some(i) => (i, "optional"),
            None if kept.len() > 1 => (kept.len() - 1, "over time"),
            None => break,
        };
        cut.push((kept.remove(victim.0), victim.1));
    }
    let total = total(&kept);
    Schedule { available, kept, cut, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(index: usize, minutes: u32, optional: bool) -> Slot {
        Slot {
            index,
            minutes,
            given: true,
            optional,
            optional_exercises: 0,
            sweep_s: None,
            planned: f64::from(minutes),
        }
    }

    #[test]
    fn the_built_in_courses_minutes_agree_with_each_lessons_objectives() {
        let course = crate::lessons::embedded().unwrap();
        for lesson in &course.lessons {
            let minutes = lesson.minutes.unwrap_or_else(|| panic!("{}: no minutes", lesson.id));
            assert!(lesson.text.contains(&format!("about {minutes} minutes")), "{}: {minutes}", lesson.id);
        }
        assert!(course.lessons.iter().any(|l| l.optional), "an optional lesson");
        assert!(course.lessons.iter().any(|l| l.optional_exercises.contains(&true)), "an optional exercise");
    }

    #[test]
    fn optional_lessons_go_first_then_the_last_required_ones() {
        let slots = vec![slot(0, 30, false), slot(1, 30, true), slot(2, 30, false), slot(3, 30, true)];
        let all = schedule(slots.clone(), 120);
        assert!(all.cut.is_empty() && all.total == 120.0);
        let short = schedule(slots.clone(), 70);
        let cut: Vec<(usize, &str)> = short.cut.iter().map(|(s, why)| (s.index, *why)).collect();
        assert_eq!(cut, [(3, "optional"), (1, "optional")]);
        let shorter = schedule(slots, 40);
        let cut: Vec<usize> = shorter.cut.iter().map(|(s, _)| s.index).collect();
        assert_eq!(cut, [3, 1, 2]);
        assert_eq!(shorter.kept.len(), 1, "the first lesson stays, even when it alone is over");
    }
}
