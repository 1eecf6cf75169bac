//! The run in progress and the session's results (beside `ui/results.rs` and
//! `ui/chart.rs`): what the runner reports, and each measured point merged into the
//! results with a fresh fit.

use super::{App, Progress};
use crate::lessons::progress::BestRun;
use crate::measure::{Plan, Point, Report, RunEvent};

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

impl App {
    pub(super) fn on_run(&mut self, event: RunEvent) {
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
