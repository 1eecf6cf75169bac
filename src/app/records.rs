//! Progress bookkeeping: what the learner did per lesson (marks, hints, exercise
//! answers, best speedups), loaded from and turned back into the progress file, and
//! where to resume. The Progress screen's keys live in `progress.rs`.

use super::{App, ExercisesView, Progress, Screen, exercises};
use crate::lessons::progress::{ExerciseRecord, LessonRecord, ProgressFile, Resume};

impl App {
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

    /// Whether the progress changed since the last call (then it should be saved).
    pub fn take_progress_changed(&mut self) -> bool {
        std::mem::take(&mut self.progress_changed)
    }

    /// Raises the mark of `lesson` to `mark` (marks never go down but by a reset).
    pub(super) fn mark(&mut self, lesson: usize, mark: Progress) {
        if let Some(p) = self.progress.get_mut(lesson)
            && *p < mark
        {
            *p = mark;
            self.progress_changed = true;
        }
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
}
