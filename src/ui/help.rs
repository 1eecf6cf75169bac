//! The help overlay (`?`): every key, grouped by screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use crate::app::App;

const KEYS: &[(&str, &str)] = &[
    ("", "Everywhere"),
    ("1-5", "Lessons, Lab, Exercises, Progress, Machine (or click the tabs)"),
    ("?", "this help; any key closes it"),
    ("q Esc", "back; on the lesson list: quit"),
    ("Ctrl-C", "quit at once"),
    ("", "Lessons"),
    ("↑↓ j k", "choose a lesson / scroll the text"),
    ("Enter", "read the lesson; in the text: open its Lab"),
    ("t", "the lesson's exercises (also from the Lab)"),
    ("n", "show the next hint (kept in your progress)"),
    ("J", "jump to this lesson: earlier unopened ones are marked skipped"),
    ("", "Exercises"),
    ("↑↓ Enter", "choose an exercise and answer it; Esc back to the list"),
    ("0-9 . Enter", "predict: type a number, Enter measures it"),
    ("↑↓ 1-9 Enter", "question: choose an option, Enter answers"),
    ("Enter", "run step: set the Lab up for it (it completes when run)"),
    ("", "Lab"),
    ("↑↓ ←→", "choose a setup row / move along it, change kernel, size, reps"),
    ("Enter", "switch a backend or worker count; reset the kernel or size"),
    ("s r", "sweep every switched-on point / run the underlined one"),
    ("c x", "cancel the run (after the current repetition) / clear results"),
    ("e", "export results, report.md and charts to ./parlab-results/"),
    ("m", "walk: heat map of where the walkers ended / speedup chart"),
    ("Tab", "move between setup and results"),
    ("", "Progress"),
    ("e", "write ./parlab-progress.md (never overwrites: -2, -3...)"),
    ("R R", "reset the selected lesson; J jump to it; Enter open it"),
];

/// The help lines that fit in `rows`: every group when they fit, else "Everywhere"
/// and the group of the screen shown.
fn shown(app: &App, rows: usize) -> Vec<(&'static str, &'static str)> {
    if KEYS.len() <= rows {
        return KEYS.to_vec();
    }
    let current = app.screen.title();
    let mut group = "";
    let mut lines: Vec<(&str, &str)> = KEYS
        .iter()
        .filter(|&&(key, what)| {
            if key.is_empty() {
                group = what;
            }
            group == "Everywhere" || group == current
        })
        .copied()
        .collect();
    lines.push(("", "A taller terminal shows the keys of every screen."));
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = area.width.min(84);
    let keys = shown(app, area.height.saturating_sub(4) as usize);
    let height = (keys.len() as u16 + 4).min(area.height);
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    let lines: Vec<Line> = keys
        .iter()
        .map(|&(key, what)| {
            if key.is_empty() {
                Line::styled(what, theme.heading(2))
            } else {
                Line::from(vec![Span::styled(format!("  {key:<13}"), theme.key()), Span::raw(what)])
            }
        })
        .collect();
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(theme.block(" Help: any key closes ", true)), rect);
}
