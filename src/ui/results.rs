//! The results panel: the columns of [`present::table`](crate::present::table) that fit
//! the panel's width (most important first, with `…` and a note naming the rest when
//! some do not fit), one block per backend, the fitted serial fraction under each.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{App, LabPane};
use crate::present::compact;
use crate::present::table::{self, Column};

/// `cells` right-aligned in their columns' widths, one space apart.
fn row(columns: &[&Column], cells: impl Iterator<Item = String>) -> String {
    let padded: Vec<String> = cells.zip(columns).map(|(cell, c)| format!("{cell:>w$}", w = c.narrow)).collect();
    padded.join(" ")
}

/// Lines of the table for a panel `width` columns wide.
pub fn lines(app: &App, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Some(report) = app.results.as_ref() else {
        return vec![
            Line::raw("No measurements yet."),
            Line::raw(""),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled("s", theme.key()),
                Span::raw(" to sweep every switched-on point,"),
            ]),
            Line::from(vec![
                Span::raw("or "),
                Span::styled("r", theme.key()),
                Span::raw(" to run the underlined one."),
            ]),
        ];
    };
    let cut = |text: String| text.chars().take(width).collect::<String>();
    let (columns, left_out) = table::panel_columns(width);
    let mut header = row(&columns, columns.iter().map(|c| c.short.to_string()));
    if !left_out.is_empty() {
        header.push_str(" …");
    }
    let mut out = vec![Line::styled(cut(header), Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))];
    for (index, backend) in report.backends().into_iter().enumerate() {
        out.push(Line::styled(cut(backend.to_string()), theme.series(index)));
        for point in report.points_of(backend) {
            out.push(Line::raw(row(&columns, columns.iter().map(|c| c.cell(point, table::Style::Panel)))));
            // Outcome values that changed between repetitions (a race's lost updates,
            // peak memory): one line each, so a learner sees the run-to-run spread.
            for (name, values) in &point.varying {
                let listed: Vec<String> = values.iter().map(|&v| compact(v)).collect();
                out.push(Line::styled(cut(format!("  {name}: {}", listed.join(" "))), theme.dim()));
            }
        }
        if let Some(fit) = report.fit_of(backend) {
            let limit = fit.speedup_limit.map_or("no limit".into(), |l| format!("at most {l:.1}x"));
            out.push(Line::styled(cut(format!("  Amdahl s={:.2}, {limit}", fit.serial_fraction)), theme.dim()));
        }
    }
    if !left_out.is_empty() {
        let names: Vec<&str> = left_out.iter().map(|c| c.short).collect();
        out.push(Line::styled(cut(format!("… {} not shown: widen the window", names.join(", "))), theme.dim()));
    }
    if report.points.iter().any(|p| p.oversubscribed) {
        out.push(Line::styled(
            format!("* more workers than the {} available CPUs", report.machine.available_parallelism),
            theme.dim(),
        ));
    }
    if report.points.iter().any(|p| p.noisy) {
        out.push(Line::styled("! noisy: repetitions differ by more than 5 %", theme.dim()));
    }
    if report.points.iter().any(|p| p.median_s < crate::measure::budget::TOO_SHORT_S) {
        out.push(Line::styled("? under 100 ms: too short to measure well; raise Size", theme.dim()));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = match app.results.as_ref() {
        Some(r) => format!(" Results: {} ", r.plan.spec.kernel),
        None => " Results ".to_string(),
    };
    let block = theme.block(title, app.lab_pane == LabPane::Results);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(app, inner.width as usize, theme);
    let scroll = app.results_scroll.min(lines.len().saturating_sub(inner.height as usize) as u16);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}
