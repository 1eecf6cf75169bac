//! The Machine screen: the facts `parlab info` prints, and the backends on offer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, markdown};
use crate::app::App;
use crate::backends;
use ratatui::style::Style;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = theme.block(" This machine (parlab info) ", true);
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for text in crate::present::describe(&app.facts).lines() {
        // Keep the hanging indent of `parlab info` when a line wraps.
        let (first, rest, body) = match text.strip_prefix("  - ") {
            Some(body) => ("  - ", "    ", body),
            None if text.len() > 24 && text.is_char_boundary(24) => {
                (&text[..24], "                        ", &text[24..])
            }
            None => ("", "", text),
        };
        if body.is_empty() {
            lines.push(Line::raw(first.to_string()));
        } else {
            lines.extend(markdown::wrap(&[(body.to_string(), Style::new())], first, rest, width, Style::new()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Backends", theme.heading(2)));
    for backend in backends::registry() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<9} ", backend.id()), theme.accent()),
            Span::raw(format!("{} Like: {}.", backend.about(), backend.mirrors())),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((app.machine_scroll, 0)),
        area,
    );
}
