//! The Lab's "Recent runs" list (`o`), over the results and the chart: every run kept
//! in the run log, newest first, with its kernel, backends, points and whether it
//! stopped early (see `app/runlog.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::app::runlog::LoggedRun;
use crate::present::thousands;

/// One line of the list for `run`.
fn describe(run: &LoggedRun) -> String {
    let report = &run.report;
    let when = report.created.replace('T', " ").trim_end_matches('Z').to_string();
    let points = report.points.len();
    let state = if run.unfinished() {
        format!("{points} of {} points, stopped early", run.planned())
    } else {
        format!("{points} points")
    };
    format!(
        "{when}  {} {}  {}  {state}",
        report.plan.spec.kernel,
        thousands(report.plan.spec.size),
        report.plan.backends.join(", ")
    )
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(view) = app.recent.as_ref() else { return };
    let width = body.width.saturating_sub(4).min(100);
    let content = match &view.loaded {
        None => 1,
        Some(loaded) if loaded.runs.is_empty() => 3,
        Some(loaded) => loaded.runs.len() + 2,
    };
    let height = (content as u16 + 2).clamp(6, body.height.saturating_sub(2).clamp(6, 24));
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + body.height.saturating_sub(height) / 2,
        width,
        height: height.min(body.height),
    };
    frame.render_widget(Clear, area);
    let block = theme.block(" Recent runs ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    match &view.loaded {
        None => lines.push(Line::raw("Reading the run log...")),
        Some(loaded) if loaded.runs.is_empty() => {
            lines.push(Line::raw("No runs kept yet: every point a run finishes is added to the run log at once,"));
            lines.push(Line::raw("so a crash, a kill or a quit loses nothing measured."));
            lines.push(Line::styled(format!("Log: {}", loaded.path), theme.dim()));
        }
        Some(loaded) => {
            lines.push(Line::styled(format!("Kept in {}", loaded.path), theme.dim()));
            let room = (inner.height as usize).saturating_sub(2).max(1);
            let first = view.selected.saturating_sub(room - 1);
            for (index, run) in loaded.runs.iter().enumerate().skip(first).take(room) {
                let selected = index == view.selected;
                let style = if selected {
                    theme.selected()
                } else if run.unfinished() {
                    theme.warn()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(vec![
                    Span::raw(if selected { "▸ " } else { "  " }),
                    Span::styled(describe(run), style),
                ]));
            }
            if loaded.runs.len() > room {
                lines.push(Line::styled(
                    format!("{} runs in all: ↑↓ to see the others", loaded.runs.len()),
                    theme.dim(),
                ));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
