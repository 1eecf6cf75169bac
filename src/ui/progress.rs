//! The Progress screen: lessons done over the course, each lesson's status, exercises,
//! best speedup and hints, the selected lesson's answers and measured figures, and
//! where the progress file lives.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, mark};
use crate::app::summary::{self, LessonStatus, best_words, exercise_outcome, kind_words};
use crate::app::{App, Target};

struct Areas {
    table: Rect,
    detail: Rect,
}

fn areas(app: &App, body: Rect) -> Areas {
    let rows = app.course.lessons.len() as u16 + 4;
    // The selected lesson's exercises, a blank line, where progress is saved, the keys.
    let selected = app.progress_selected.min(app.course.lessons.len().saturating_sub(1));
    let exercises = app.course.lessons.get(selected).map_or(1, |l| l.exercises.len().max(1)) as u16;
    let [table, detail] = Layout::vertical([Constraint::Max(rows.max(6)), Constraint::Min(exercises + 5)]).areas(body);
    Areas { table, detail }
}

/// One row of the table: mark, number, title, status, exercises, best, hints.
fn row_text(
    mark: &str,
    number: &str,
    title: &str,
    status: &str,
    exercises: &str,
    best: &str,
    hints: Option<&str>,
) -> String {
    if status.is_empty() && exercises.is_empty() && best.is_empty() {
        return format!("{mark}{number} {title}  ");
    }
    format!("{mark:<2}{number} {title}  {status:<10}{exercises:<10}{}{}", fit(best, 19), hints.unwrap_or(""))
}

fn status_style(theme: &Theme, status: LessonStatus) -> Style {
    match status {
        LessonStatus::Done => theme.good(),
        LessonStatus::Measured | LessonStatus::Read => Style::new(),
        LessonStatus::New | LessonStatus::Skipped => theme.dim(),
    }
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let a = areas(app, body);
    let s = summary::summary(app);
    let title = format!(" Progress: {} of {} lessons done ", s.lessons_done, s.lessons.len());
    let block = theme.block(title, true);
    let inner = block.inner(a.table);
    frame.render_widget(block, a.table);
    let wide = inner.width >= 100;
    let title_width = if wide { 40 } else { (inner.width as usize).saturating_sub(46).max(12) };
    let mut lines = vec![Line::from(vec![Span::raw(format!(
        "{} of {} exercises done · {} of {} predictions within tolerance",
        s.exercises_done, s.exercises_total, s.predictions_passed, s.predictions_measured
    ))])];
    let header = Line::styled(
        row_text(
            "",
            "  #",
            &fit("lesson", title_width),
            "status",
            "exercises",
            "best speedup",
            wide.then_some("hints"),
        ),
        theme.dim(),
    );
    lines.push(header);
    let room = (inner.height as usize).saturating_sub(2);
    let selected = app.progress_selected.min(s.lessons.len().saturating_sub(1));
    let offset = selected.saturating_sub(room.saturating_sub(1));
    for l in s.lessons.iter().skip(offset).take(room) {
        let row_style = if l.index == selected { theme.selected() } else { Style::new() };
        let best = l.best.as_ref().map_or_else(|| "-".to_string(), best_words);
        let hints = format!("{}/{}", l.hints.0, l.hints.1);
        let spans = vec![
            Span::styled(format!("{} ", l.status.mark()), status_style(theme, l.status)),
            Span::styled(
                row_text("", &format!("{:>3}", l.index + 1), &fit(&l.title, title_width), "", "", "", None),
                row_style,
            ),
            Span::styled(format!("{:<10}", l.status.words()), status_style(theme, l.status)),
            Span::raw(format!(
                "{:<10}{}{}",
                format!("{}/{}", l.exercises_done, l.exercises_total),
                fit(&best, 19),
                if wide { hints.as_str() } else { "" }
            )),
        ];
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner });

    let Some(lesson) = app.course.lessons.get(selected) else { return };
    let block = theme.block(format!(" {}. {} ", selected + 1, lesson.title), false);
    let inner = block.inner(a.detail);
    frame.render_widget(block, a.detail);
    let width = inner.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    // The explanations of the predictions' gaps, when there is room for them.
    let explanations: usize =
        (0..lesson.exercises.len()).filter_map(|i| app.exercise_record(selected, i)).map(|r| r.explanation.len()).sum();
    let explain = lesson.exercises.len() + explanations + 4 <= inner.height as usize;
    for (i, exercise) in lesson.exercises.iter().enumerate() {
        let record = app.exercise_record(selected, i);
        let outcome = record.and_then(|r| exercise_outcome(exercise, r)).unwrap_or_else(|| "not done yet".to_string());
        let m = mark(record);
        let text = format!("{}. {}: {outcome}", i + 1, kind_words(exercise));
        lines.push(Line::from(vec![
            Span::styled(format!("{m} "), if m == "✓" { theme.good() } else { theme.dim() }),
            Span::raw(fit(&text, width.saturating_sub(2))),
        ]));
        for why in record.filter(|_| explain).map_or(&[][..], |r| r.explanation.as_slice()) {
            lines.push(Line::styled(fit(&format!("     {why}"), width), theme.dim()));
        }
    }
    if lesson.exercises.is_empty() {
        lines.push(Line::styled("This lesson has no exercises.", theme.dim()));
    }
    lines.push(Line::raw(""));
    let saved = match &app.progress_path {
        Some(path) => format!("Saved in {path}"),
        None => "Progress is not being saved this session.".to_string(),
    };
    lines.push(Line::styled(fit(&saved, width), theme.dim()));
    lines.push(Line::from(vec![
        Span::styled("e", theme.key()),
        Span::raw(" writes parlab-progress.md here (proof of completion)  "),
        Span::styled("R", theme.key()),
        Span::raw(" twice resets"),
    ]));
    let rows = inner.height as usize;
    let skip = lines.len().saturating_sub(rows);
    let lines: Vec<Line> = lines.into_iter().skip(skip).collect();
    frame.render_widget(
        Paragraph::new(lines).style(Style::new().remove_modifier(Modifier::BOLD)),
        Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner },
    );
}

pub fn hit_test(app: &App, body: Rect, at: Position) -> Option<Target> {
    let a = areas(app, body);
    if !a.table.contains(at) {
        return None;
    }
    let room = a.table.height.saturating_sub(4) as usize;
    let selected = app.progress_selected.min(app.course.lessons.len().saturating_sub(1));
    let offset = selected.saturating_sub(room.saturating_sub(1));
    let row = at.y.checked_sub(a.table.y + 3)? as usize + offset;
    (row < app.course.lessons.len()).then_some(Target::ProgressRow(row))
}
