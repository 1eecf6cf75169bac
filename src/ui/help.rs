//! The help overlay (`?`): every key, grouped by screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use crate::app::App;

const KEYS: &[(&str, &str)] = &[
    ("", "Everywhere"),
    ("1 2 3", "Lessons, Lab, Machine screens (or click the tabs)"),
    ("?", "this help; any key closes it"),
    ("q Esc", "back; on the lesson list: quit"),
    ("Ctrl-C", "quit at once"),
    ("", "Lessons"),
    ("↑↓ j k", "choose a lesson / scroll the text"),
    ("Enter", "read the lesson; in the text: open its Lab"),
    ("n", "show the next hint"),
    ("", "Lab"),
    ("↑↓ j k", "choose a setup row"),
    ("←→ h l", "move along the row / change kernel, size and reps"),
    ("Enter", "switch a backend or worker count; reset the kernel or size"),
    ("s", "sweep: every switched-on backend x worker count"),
    ("r", "run the one underlined backend x worker count"),
    ("c", "cancel the run (after the current repetition)"),
    ("x", "clear the results"),
    ("e", "export results, report.md and charts to ./parlab-results/"),
    ("Tab", "move between setup and results"),
];

pub fn draw(frame: &mut Frame, area: Rect, _app: &App, theme: &Theme) {
    let width = area.width.min(72);
    let height = (KEYS.len() as u16 + 4).min(area.height);
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|&(key, what)| {
            if key.is_empty() {
                Line::styled(what, theme.heading(2))
            } else {
                Line::from(vec![Span::styled(format!("  {key:<8}"), theme.key()), Span::raw(what)])
            }
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(theme.block(" Help: any key closes ", true)), rect);
}
