//! The per-core panel: a bar and a short history per core, in columns when there are
//! many cores; on big nodes, where even columns do not fit, the heat view of `heat.rs`
//! (a cell per core now, history rows per socket or per block of cores).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::heat::{self, level, usage_style};
use crate::app::App;

/// Narrowest useful cell in line mode: label, 6-wide bar, percent, 3 history glyphs.
const MIN_CELL: usize = 20;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let count = app.cores.per_core.len();
    let mut title = format!(" Cores: {count}, {:.1} busy ", app.cores.busy_cores());
    let inner = theme.block("", false).inner(area);
    let rows = (inner.height as usize).max(1);
    let width = inner.width as usize;
    let columns = count.div_ceil(rows);
    let cell = width.checked_div(columns).unwrap_or(width);
    if cell < MIN_CELL && count > 0 {
        let note = heat::note(&app.cores, &app.facts.sockets, width, rows);
        if title.chars().count() + note.chars().count() + 3 <= width {
            title = format!("{title}· {note} ");
        }
    }
    let block = theme.block(title, false);
    frame.render_widget(block, area);
    if count == 0 || inner.height == 0 {
        frame.render_widget(Paragraph::new("waiting for the first sample..."), inner);
        return;
    }
    let latest = app.cores.latest();
    let label_width = (count - 1).to_string().len() + 4;
    let mut lines: Vec<Vec<Span>> = vec![Vec::new(); rows];
    if cell >= MIN_CELL {
        // One line per core, column-major.
        let rest = cell - label_width - 1 - 5 - 1;
        let bar_width = (rest / 2).clamp(6, 20);
        let history_width = rest.saturating_sub(bar_width + 1);
        for (core, &usage) in latest.iter().enumerate() {
            let line = &mut lines[core % rows];
            let style = usage_style(theme, usage);
            let filled = ((usage / 100.0 * bar_width as f32).round() as usize).min(bar_width);
            line.push(Span::styled(format!("{:<label_width$}", format!("cpu{core}")), theme.dim()));
            line.push(Span::styled("█".repeat(filled), style));
            line.push(Span::styled("░".repeat(bar_width - filled), theme.dim()));
            line.push(Span::raw(format!(" {:>3.0}% ", usage)));
            let history = &app.cores.per_core[core];
            let glyphs: String =
                history.iter().skip(history.len().saturating_sub(history_width)).map(|&u| level(u)).collect();
            let pad = history_width.saturating_sub(glyphs.chars().count());
            line.push(Span::styled(format!("{}{glyphs} ", " ".repeat(pad)), style));
        }
    } else {
        frame.render_widget(Paragraph::new(heat::lines(&app.cores, &app.facts.sockets, width, rows, theme)), inner);
        return;
    }
    frame.render_widget(Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>()), inner);
}
