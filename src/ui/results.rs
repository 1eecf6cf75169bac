//! The results table: one row per measured (backend, workers), with the columns that
//! fit the panel's width, and the fitted serial fraction under each backend.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{App, LabPane};
use crate::cli::table::seconds;
use crate::measure::Point;

type Cell = fn(&Point) -> String;

/// (header, width, cell), most important first.
fn columns() -> Vec<(&'static str, usize, Cell)> {
    vec![
        ("workers", 7, |p| format!("{}{}", p.workers, if p.oversubscribed { "*" } else { "" })),
        ("median", 8, |p| seconds(p.median_s)),
        ("speedup", 7, |p| p.speedup.map_or("-".into(), |s| format!("{s:.2}x"))),
        ("cpu cores", 9, |p| format!("{:.1}", p.cpu_cores)),
        ("spread", 6, |p| format!("{:.0}%{}", p.spread * 100.0, if p.noisy { "!" } else { "" })),
        ("eff.", 5, |p| p.efficiency.map_or("-".into(), |e| format!("{:.0}%", e * 100.0))),
        ("vs seq", 7, |p| p.speedup_vs_seq.map_or("-".into(), |s| format!("{s:.2}x"))),
        ("busy", 5, |p| p.busy_cores.map_or("-".into(), |b| format!("{b:.1}"))),
    ]
}

/// A number in at most about six characters: 1234567 -> 1.23M, 0.5 -> 0.5.
fn compact(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 {
        format!("{:.2}G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.2}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
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
    let backend_width = report.backends().iter().map(|b| b.len()).max().unwrap_or(7).max(7);
    let mut used = backend_width;
    let chosen: Vec<(&str, usize, Cell)> = columns()
        .into_iter()
        .take_while(|(_, w, _)| {
            used += w + 1;
            used <= width
        })
        .collect();
    let mut header = format!("{:<backend_width$}", "backend");
    for (name, w, _) in &chosen {
        header.push_str(&format!(" {name:>w$}"));
    }
    let mut out = vec![Line::styled(header, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))];
    for (index, backend) in report.backends().into_iter().enumerate() {
        for (row, point) in report.points_of(backend).into_iter().enumerate() {
            let name = if row == 0 { backend.to_string() } else { String::new() };
            let mut spans = vec![Span::styled(format!("{name:<backend_width$}"), theme.series(index))];
            let mut text = String::new();
            for (_, w, cell) in &chosen {
                text.push_str(&format!(" {:>w$}", cell(point)));
            }
            spans.push(Span::raw(text));
            out.push(Line::from(spans));
            // Outcome values that changed between repetitions (a race's lost updates,
            // peak memory): one line each, so a learner sees the run-to-run spread.
            for (name, values) in &point.varying {
                let listed: Vec<String> = values.iter().map(|&v| compact(v)).collect();
                let line = format!("{:<backend_width$}   {name}: {}", "", listed.join(" "));
                out.push(Line::styled(line.chars().take(width).collect::<String>(), theme.dim()));
            }
        }
        if let Some(fit) = report.fit_of(backend) {
            let limit = fit.speedup_limit.map_or("no limit".into(), |l| format!("at most {l:.1}x"));
            out.push(Line::styled(
                format!("{:<backend_width$} Amdahl s={:.2}, {limit}", "", fit.serial_fraction),
                theme.dim(),
            ));
        }
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
