//! The Machine screen: the facts `parlab info` prints, and the backends on offer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::backends;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = theme.block(" This machine (parlab info) ", true);
    let mut lines: Vec<Line> = crate::cli::info::describe(&app.facts).lines().map(|l| Line::raw(l.to_string())).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled("Backends", theme.heading(2)));
    for backend in backends::registry() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<9}", backend.id()), theme.accent()),
            Span::raw(format!("{} Like: {}.", backend.about(), backend.mirrors())),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((app.machine_scroll, 0)),
        area,
    );
}
