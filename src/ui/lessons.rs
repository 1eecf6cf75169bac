//! The Lessons screen: the lesson list with progress marks, and the reader with the
//! lesson's Markdown, its exercises and the hints revealed so far.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::mark;
use super::{Theme, code, markdown};
use crate::app::summary::{self, LessonStatus};
use crate::app::{App, LessonsPane, Target};
use crate::lessons::{Exercise, Lesson};

struct Areas {
    list: Rect,
    reader: Rect,
    hints: Option<Rect>,
}

fn areas(app: &App, body: Rect) -> Areas {
    let list_width = if body.width >= 110 { 34 } else { 26 };
    let [list, right] = Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(body);
    let hints = app.visible_hints(app.opened);
    if hints.is_empty() {
        return Areas { list, reader: right, hints: None };
    }
    let lines: usize = hint_lines(hints, right.width.saturating_sub(2)).len();
    let height = (lines as u16 + 2).min(right.height / 2).max(3);
    let [reader, hint_area] = Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(right);
    Areas { list, reader, hints: Some(hint_area) }
}

/// The revealed hints, newest first, wrapped to `width`.
pub(super) fn hint_lines(hints: &[String], width: u16) -> Vec<Line<'static>> {
    hints
        .iter()
        .enumerate()
        .rev()
        .flat_map(|(i, hint)| {
            let number = format!("{}. ", i + 1);
            markdown::wrap(&[(hint.clone(), Style::new())], &number, "   ", width as usize, Style::new())
        })
        .collect()
}

/// The reader's lines: the lesson text, then its exercises with their marks.
fn reader_lines(app: &App, lesson: &Lesson, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    // The clock: the lesson's share of a workshop, and whether it is an extension.
    let clock = match (lesson.minutes, lesson.optional) {
        (Some(m), true) => Some(format!("About {m} min. Optional: an extension for fast finishers.")),
        (Some(m), false) => Some(format!("About {m} min.")),
        (None, true) => Some("Optional: an extension for fast finishers.".to_string()),
        (None, false) => None,
    };
    if let Some(clock) = clock {
        lines.push(Line::styled(clock, theme.dim()));
    }
    lines.extend(markdown::render(&lesson.text, width, theme));
    if !lesson.exercises.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Try it", theme.heading(2)));
        lines.push(Line::from(vec![
            Span::raw("Press "),
            Span::styled("t", theme.key()),
            Span::raw(" to answer these on the Exercises screen."),
        ]));
        let plain = |text: &str, first: &str, rest: &str| {
            markdown::wrap(&[(text.to_string(), Style::new())], first, rest, width as usize, Style::new())
        };
        for (i, exercise) in lesson.exercises.iter().enumerate() {
            lines.push(Line::raw(""));
            let record = app.exercise_record(app.opened, i);
            let optional = if lesson.optional_exercises.get(i).copied().unwrap_or(false) { "(optional) " } else { "" };
            let number = format!("{} {}. {optional}", mark(record), i + 1);
            match exercise {
                Exercise::Predict(p) => lines.extend(plain(&format!("Predict: {}", p.prompt), &number, "     ")),
                Exercise::Choice(c) => {
                    lines.extend(plain(&c.prompt, &number, "     "));
                    for (j, option) in c.options.iter().enumerate() {
                        let label = format!("     {}) ", j + 1);
                        lines.extend(plain(option, &label, "        "));
                    }
                }
                Exercise::Run(r) => lines.extend(plain(&format!("Run: {}", r.prompt), &number, "     ")),
                Exercise::Code(c) => lines.extend(plain(&format!("Code: {}", c.prompt), &number, "     ")),
                Exercise::Pair(p) => lines.extend(plain(&format!("Pair: {}", p.prompt), &number, "     ")),
            }
        }
    }
    lines
}

fn reader_width(area: Rect) -> u16 {
    area.width.saturating_sub(4)
}

/// The largest useful scroll of the reader.
pub fn max_scroll(app: &App, body: Rect, theme: &Theme) -> u16 {
    let Some(lesson) = app.opened_lesson() else { return 0 };
    let a = areas(app, body);
    let lines = reader_lines(app, lesson, reader_width(a.reader), theme).len();
    lines.saturating_sub(a.reader.height.saturating_sub(2) as usize) as u16
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let a = areas(app, body);
    let list_focused = app.lessons_pane == LessonsPane::List;
    let block = theme.block(" Lessons ", list_focused);
    let inner = block.inner(a.list);
    frame.render_widget(block, a.list);
    let offset = app.selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    let mut lines = Vec::new();
    for (i, lesson) in app.course.lessons.iter().enumerate().skip(offset).take(inner.height as usize) {
        let status = summary::status(app, i);
        let mark_style = match status {
            LessonStatus::Done => theme.good(),
            LessonStatus::Measured | LessonStatus::Read => Style::new(),
            LessonStatus::New | LessonStatus::Skipped => theme.dim(),
        };
        let text = format!("{}. {}", i + 1, lesson.title);
        let mut style = Style::new();
        if i == app.selected {
            style = if list_focused { theme.selected() } else { style.add_modifier(Modifier::BOLD) };
        }
        let width = inner.width.saturating_sub(2) as usize;
        let mut shown: String = if text.chars().count() > width {
            text.chars().take(width.saturating_sub(1)).chain(['…']).collect()
        } else {
            text
        };
        let pad = width.saturating_sub(Span::raw(shown.as_str()).width());
        shown.push_str(&" ".repeat(pad));
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", status.mark()), mark_style),
            Span::styled(shown, style),
        ]));
    }
    let legend_row = inner.height.saturating_sub(1);
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height as usize > app.course.lessons.len() + 3 {
        let legend = vec![
            Line::styled("· new  » skipped  ○ read", theme.dim()),
            Line::styled("◑ measured  ✓ done", theme.dim()),
        ];
        let y = inner.y + legend_row.saturating_sub(1);
        frame.render_widget(Paragraph::new(legend), Rect { y, height: 2, ..inner });
    }

    let reader_focused = app.lessons_pane == LessonsPane::Reader;
    let Some(lesson) = app.opened_lesson() else {
        frame.render_widget(theme.block(" No lessons ", false), a.reader);
        return;
    };
    if app.code_pane && reader_focused {
        code::draw_pane(frame, a.reader, app, theme, true);
        draw_hints(frame, &a, app, lesson, theme);
        return;
    }
    let position = if app.opened == app.selected || reader_focused {
        String::new()
    } else {
        "  (Enter opens the highlighted lesson)".to_string()
    };
    let block = theme.block(format!(" {}. {}{position} ", app.opened + 1, lesson.title), reader_focused);
    let inner = block.inner(a.reader);
    frame.render_widget(block, a.reader);
    let text_area = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let lines = reader_lines(app, lesson, reader_width(a.reader), theme);
    let total = lines.len();
    let scroll = app.reader_scroll.min(total.saturating_sub(text_area.height as usize) as u16);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text_area);
    if total > text_area.height as usize {
        let shown_to = (scroll as usize + text_area.height as usize).min(total);
        let label = format!(" {}-{} of {} ", scroll + 1, shown_to, total);
        let x = a.reader.x + a.reader.width.saturating_sub(label.len() as u16 + 2);
        frame.render_widget(
            Span::styled(label, theme.dim()),
            Rect { x, y: a.reader.y + a.reader.height - 1, width: a.reader.width.min(20), height: 1 },
        );
    }

    draw_hints(frame, &a, app, lesson, theme);
}

fn draw_hints(frame: &mut Frame, a: &Areas, app: &App, lesson: &Lesson, theme: &Theme) {
    if let Some(area) = a.hints {
        let hints = app.visible_hints(app.opened);
        let block = theme.block(format!(" Hints {} of {} ", hints.len(), lesson.hints.len()), false);
        frame.render_widget(Paragraph::new(hint_lines(hints, area.width.saturating_sub(2))).block(block), area);
    }
}

pub fn hit_test(app: &App, body: Rect, at: Position) -> Option<Target> {
    let a = areas(app, body);
    if a.list.contains(at) {
        let inner_y = a.list.y + 1;
        let height = a.list.height.saturating_sub(2);
        let offset = app.selected.saturating_sub(height.saturating_sub(1) as usize);
        let row = at.y.checked_sub(inner_y)? as usize + offset;
        return Some(Target::LessonRow(row.min(app.course.lessons.len().saturating_sub(1))));
    }
    if a.reader.contains(at) || a.hints.is_some_and(|h| h.contains(at)) {
        return Some(Target::Reader);
    }
    None
}
