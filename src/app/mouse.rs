//! The mouse: a click or a wheel turn over what the drawing code's hit test found
//! (a tab, a lesson row, a Lab option, the reader...).

use super::{App, Effect, ExercisesPane, LabPane, LabRow, LessonsPane, Mouse, Target};

impl App {
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

    pub(super) fn on_mouse(&mut self, mouse: Mouse) -> Option<Effect> {
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
                    Target::Reader if self.code_pane && self.lessons_pane == LessonsPane::Reader => {
                        self.scroll_code_pane(if down { 3 } else { -3 })
                    }
                    Target::Reader => self.reader_scroll = step(self.reader_scroll).min(self.reader_max_scroll),
                    Target::Results => self.results_scroll = step(self.results_scroll),
                    Target::Machine => self.scroll_machine(if down { 3 } else { -3 }),
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
}
