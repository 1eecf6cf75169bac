//! The help overlay (`?`): every key of the app's key tables, grouped as "Everywhere"
//! and then by screen (see `app/keys.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use crate::app::{App, HelpGroup, help_groups};

/// One line of the overlay: a group's title, a command, or a note.
enum Row {
    Title(&'static str),
    Keys(&'static str, &'static str),
    Note(String),
}

fn rows(groups: &[HelpGroup]) -> Vec<Row> {
    groups
        .iter()
        .flat_map(|g| std::iter::once(Row::Title(g.title)).chain(g.lines.iter().map(|l| Row::Keys(l.keys, l.help))))
        .collect()
}

/// The help lines that fit in `rows`: every group when they fit, else "Everywhere"
/// and the group of the screen shown; what is still cut is said, never hidden.
fn shown(app: &App, room: usize) -> Vec<Row> {
    let groups = help_groups();
    let all = rows(&groups);
    if all.len() <= room {
        return all;
    }
    let current = app.screen.title();
    let mine: Vec<HelpGroup> = groups.into_iter().filter(|g| g.title == "Everywhere" || g.title == current).collect();
    let mut lines = rows(&mine);
    if lines.len() < room {
        lines.push(Row::Note("A taller terminal shows the keys of every screen.".into()));
    } else {
        let cut = lines.len() + 1 - room.max(1);
        lines.truncate(room.saturating_sub(1));
        lines.push(Row::Note(format!("… {cut} more: a taller terminal shows them.")));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = area.width.min(84);
    let rows = shown(app, area.height.saturating_sub(4) as usize);
    let height = (rows.len() as u16 + 4).min(area.height);
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|row| match row {
            Row::Title(title) => Line::styled(title, theme.heading(2)),
            Row::Note(text) => Line::styled(text, theme.heading(2)),
            Row::Keys(keys, what) => {
                Line::from(vec![Span::styled(format!("  {keys:<12} "), theme.key()), Span::raw(what)])
            }
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(theme.block(" Help: any key closes ", true)), rect);
}
