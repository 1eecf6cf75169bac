//! The Lab screen's layout and its setup panel and progress line; the cores panel,
//! results table and chart have their own files.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, chart, code, cores, heatmap, results};
use crate::app::{App, LabPane, LabRow, LabSetup, Target};
use crate::kernels;
use crate::measure::budget;
use crate::plot::Heatmap;
use crate::present::thousands;

/// Width of the setup rows' labels.
const LABEL: u16 = 10;

struct Areas {
    setup: Rect,
    cores: Rect,
    progress: Rect,
    command: Rect,
    results: Rect,
    chart: Rect,
}

fn areas(app: &App, body: Rect) -> Areas {
    if app.present {
        return stacked(app, body);
    }
    let core_rows = app.cores.per_core.len().max(1) as u16;
    let top = if body.height < 30 { 7 } else { (core_rows + 2).clamp(7, body.height / 3) };
    let [top_area, progress, command, bottom] =
        Layout::vertical([Constraint::Length(top), Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)])
            .areas(body);
    let setup_width = body.width.saturating_sub(26).min(62);
    let [setup, cores] = Layout::horizontal([Constraint::Length(setup_width), Constraint::Fill(1)]).areas(top_area);
    let [results, chart] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    Areas { setup, cores, progress, command, results, chart }
}

/// Projector mode: every pane full width, one above the other, for a tall, narrow window.
fn stacked(app: &App, body: Rect) -> Areas {
    let core_rows = (app.cores.per_core.len().max(1) as u16 + 2).min(6);
    let [setup, cores, progress, command, results, chart] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(core_rows),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Fill(3),
    ])
    .areas(body);
    Areas { setup, cores, progress, command, results, chart }
}

/// The option labels of a row, as drawn after the row's label.
fn options(lab: &LabSetup, row: LabRow) -> Vec<String> {
    let mark = |on: bool| if on { "[x]" } else { "[ ]" };
    match row {
        LabRow::Kernel => vec![format!("◂ {} ▸", lab.kernel)],
        LabRow::Backends => lab.backends.iter().map(|b| format!("{} {}", mark(b.on), b.value)).collect(),
        LabRow::Workers => lab.workers.iter().map(|w| format!("{} {}", mark(w.on), w.value)).collect(),
        LabRow::Size => {
            let unit = kernels::find(&lab.kernel).map_or("units", |k| k.size_unit());
            vec![format!("◂ {} {unit} ▸", thousands(lab.size))]
        }
        LabRow::Reps => vec![format!("◂ {} ▸ timed + {} warm-up per point", lab.reps, lab.warmup)],
    }
}

fn row_label(row: LabRow) -> &'static str {
    match row {
        LabRow::Kernel => "kernel",
        LabRow::Backends => "backends",
        LabRow::Workers => "workers",
        LabRow::Size => "size",
        LabRow::Reps => "reps",
    }
}

/// The cursor of a row whose options scroll (backends, workers).
fn row_cursor(lab: &LabSetup, row: LabRow) -> Option<usize> {
    match row {
        LabRow::Backends => Some(lab.backend_cursor),
        LabRow::Workers => Some(lab.workers_cursor),
        LabRow::Kernel | LabRow::Size | LabRow::Reps => None,
    }
}

/// Marks hidden options at the start and the end of a scrolled row.
const MORE_LEFT: &str = "‹ ";
const MORE_RIGHT: &str = "›";

/// The options of a row (each `widths[i]` wide, two spaces apart) that fit `room`
/// columns with the one under `cursor` always among them: as many as fit, growing
/// from the cursor to the right and the left in turn; the marks of hidden ones count.
fn window(widths: &[u16], cursor: usize, room: u16) -> std::ops::Range<usize> {
    let total: u16 = widths.iter().map(|w| w + 2).sum();
    if total <= room || widths.is_empty() {
        return 0..widths.len();
    }
    let cursor = cursor.min(widths.len() - 1);
    let cost = |range: &std::ops::Range<usize>| -> u16 {
        let marks = if range.start > 0 { MORE_LEFT.chars().count() as u16 } else { 0 }
            + if range.end < widths.len() { MORE_RIGHT.chars().count() as u16 } else { 0 };
        widths[range.clone()].iter().map(|w| w + 2).sum::<u16>() + marks
    };
    let mut shown = cursor..cursor + 1;
    loop {
        let mut grew = false;
        if shown.end < widths.len() && cost(&(shown.start..shown.end + 1)) <= room {
            shown.end += 1;
            grew = true;
        }
        if shown.start > 0 && cost(&(shown.start - 1..shown.end)) <= room {
            shown.start -= 1;
            grew = true;
        }
        if !grew {
            return shown;
        }
    }
}

/// The options of a row that are drawn in a setup panel `width` wide: their indices and,
/// for each, the x offset from the text start and the width.
fn option_spans(lab: &LabSetup, row: LabRow, width: u16) -> Vec<(usize, u16, u16)> {
    let widths: Vec<u16> = options(lab, row).iter().map(|text| Span::raw(text.as_str()).width() as u16).collect();
    let shown = match row_cursor(lab, row) {
        Some(cursor) => window(&widths, cursor, width.saturating_sub(LABEL)),
        None => 0..widths.len(),
    };
    let mut x = LABEL + if shown.start > 0 { MORE_LEFT.chars().count() as u16 } else { 0 };
    shown
        .map(|i| {
            let at = x;
            x += widths[i] + 2;
            (i, at, widths[i])
        })
        .collect()
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let a = areas(app, body);
    draw_setup(frame, a.setup, app, theme);
    cores::draw(frame, a.cores, app, theme);
    draw_progress(frame, a.progress, app, theme);
    draw_command(frame, a.command, app, theme);
    results::draw(frame, a.results, app, theme);
    if app.code_pane {
        code::draw_pane(frame, a.chart, app, theme, false);
        return;
    }
    match app.results.as_ref().filter(|_| app.lab_map).and_then(Heatmap::from_report) {
        Some(map) => heatmap::draw(frame, a.chart, &map, theme),
        None => chart::draw(frame, a.chart, app, theme),
    }
}

fn draw_setup(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.lab_pane == LabPane::Setup;
    let block = theme.block(" Setup ", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(lab) = app.lab.as_ref() else {
        frame.render_widget(Paragraph::new("Open a lesson first (1, then Enter)."), inner);
        return;
    };
    let mine = app.command_row.command.as_deref();
    // A long command keeps its end in view (the script and {workers}), "…" for the start.
    let room = (inner.width as usize).saturating_sub(LABEL as usize + 18).max(8);
    let fitted = mine.map(|command| {
        let chars: Vec<char> = command.chars().collect();
        if chars.len() <= room {
            command.to_string()
        } else {
            format!("…{}", chars[chars.len() - (room - 1)..].iter().collect::<String>())
        }
    });
    let about = match &fitted {
        Some(command) => command.as_str(),
        None => kernels::find(&lab.kernel).map_or("", |k| k.about()),
    };
    let mut lines = Vec::new();
    for row in LabRow::ALL {
        let selected_row = lab.row == row;
        let label_style = if selected_row && focused { theme.accent() } else { theme.dim() };
        let arrow = if selected_row { "▸" } else { " " };
        let mut spans =
            vec![Span::styled(format!("{arrow}{:<w$}", row_label(row), w = LABEL as usize - 1), label_style)];
        let cursor = row_cursor(lab, row);
        let texts = match (row, mine) {
            // "your command" takes the kernel's place; its text stands where the kernel's sentence does.
            (LabRow::Kernel, Some(_)) => vec!["◂ your command ▸".to_string()],
            _ => options(lab, row),
        };
        let shown = option_spans(lab, row, inner.width);
        let hidden_left = shown.first().is_some_and(|&(first, _, _)| first > 0);
        let hidden_right = shown.last().is_some_and(|&(last, _, _)| last + 1 < texts.len());
        if hidden_left {
            spans.push(Span::styled(MORE_LEFT, theme.dim()));
        }
        for (i, _, _) in shown {
            let text = texts[i].clone();
            let on = text.starts_with("[x]");
            let mut style = if on { theme.good() } else { Style::new() };
            if cursor == Some(i) {
                style =
                    if selected_row && focused { theme.selected() } else { style.add_modifier(Modifier::UNDERLINED) };
            } else if selected_row && focused && cursor.is_none() {
                style = theme.selected();
            }
            if row == LabRow::Kernel {
                style = style.add_modifier(Modifier::BOLD);
            }
            spans.push(Span::styled(text, style));
            spans.push(Span::raw("  "));
        }
        if hidden_right {
            spans.push(Span::styled(MORE_RIGHT, theme.dim()));
        }
        if row == LabRow::Kernel {
            spans.push(Span::styled(about, theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn bar(fraction: f64, width: usize) -> String {
    let filled = ((fraction.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub(super) fn draw_progress(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(input) = &app.command_row.input {
        let mut spans = vec![
            Span::styled(" your command ▸ ", theme.accent().add_modifier(Modifier::BOLD)),
            Span::raw(input.text.clone()),
            Span::styled("▏", theme.accent()),
        ];
        match &input.error {
            Some(why) => spans.push(Span::styled(format!("  {why}"), theme.bad())),
            None => spans.push(Span::styled("  Enter set · Esc cancel · ↑↓ earlier commands", theme.dim())),
        }
        frame.render_widget(Line::from(spans), area);
        return;
    }
    let line = match &app.run {
        Some(run) => {
            let what = if run.exercise.is_some() {
                "Measuring"
            } else if run.sweep {
                "Sweep"
            } else {
                "Run"
            };
            let current = run.current.as_ref().map_or("sequential reference".to_string(), |(b, w)| format!("{b} ×{w}"));
            let last = run.last.as_ref().map_or(String::new(), |s| {
                format!("  last {} {}", if s.warmup { "warm-up" } else { "timed" }, crate::present::seconds(s.seconds))
            });
            let fraction = if run.total > 0 { run.done as f64 / run.total as f64 } else { 0.0 };
            let cpus = app.facts.available_parallelism;
            let left = run
                .last
                .as_ref()
                .and_then(|s| budget::Eta::new(&run.plan, cpus).remaining_after(run.done, s.seconds, s.workers))
                .filter(|_| run.done < run.total)
                .map_or(String::new(), |left| format!(", {} left", budget::about(left)));
            // A narrow window keeps the time left and the cancel key, not the last sample.
            let last = if !left.is_empty() && area.width < 110 { String::new() } else { last };
            Line::from(vec![
                Span::styled(format!(" ▶ {what} "), theme.warn().add_modifier(Modifier::BOLD)),
                Span::raw(format!("{current}  ")),
                Span::styled(bar(fraction, 16), theme.good()),
                Span::raw(format!(" {}/{} runs{left}{last}  ", run.done, run.total)),
                Span::styled("c", theme.key()),
                Span::raw(" cancel"),
            ])
        }
        None => match &app.message {
            Some(message) => {
                let style = if message.starts_with("Run failed") { theme.bad() } else { Style::new() };
                Line::from(vec![Span::raw(" "), Span::styled(message.clone(), style)])
            }
            None => {
                if let Ok(plan) = app.command_plan(true) {
                    let line = Line::from(vec![
                        Span::raw(" Ready. "),
                        Span::styled("s", theme.key()),
                        Span::raw(format!(
                            " sweeps your command {} × {} workers ({} runs)",
                            plan.commands[0].name,
                            plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                            plan.total_runs()
                        )),
                    ]);
                    frame.render_widget(line, area);
                    return;
                }
                let sweep = app.lab.as_ref().and_then(|l| l.sweep_plan().ok());
                match sweep {
                    Some(plan) => {
                        // Before the sweep: its time from the probe the Lab was fitted with.
                        let about = app
                            .lab_lesson()
                            .filter(|l| l.kernel == plan.spec.kernel && l.params == plan.spec.params)
                            .and_then(|l| l.probe)
                            .map_or(String::new(), |probe| {
                                let cpus = app.facts.available_parallelism;
                                format!(", {}", budget::about(budget::estimate(&plan, &probe, cpus)))
                            });
                        Line::from(vec![
                            Span::raw(" Ready. "),
                            Span::styled("s", theme.key()),
                            Span::raw(format!(
                                " sweeps {} × {} workers ({} runs{about})",
                                plan.backends.join(", "),
                                plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                                plan.total_runs()
                            )),
                        ])
                    }
                    None => Line::raw(" Switch on a backend and a worker count to sweep."),
                }
            }
        },
    };
    frame.render_widget(line, area);
}

/// The one command that reproduces what the Lab shows: the plan running, else the
/// results on screen, else the sweep the setup describes.
pub fn reproduce(app: &App) -> Option<String> {
    let plan = match (&app.run, &app.results) {
        (Some(run), _) => run.plan.clone(),
        (None, Some(results)) if !results.points.is_empty() => crate::present::command::plan_of(results),
        _ => app.lab.as_ref()?.sweep_plan().ok()?,
    };
    Some(crate::present::run_command(&plan))
}

fn draw_command(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(command) = reproduce(app) else { return };
    let line = Line::from(vec![Span::styled(" $ ", theme.dim()), Span::styled(command, theme.key())]);
    frame.render_widget(line, area);
}

pub fn hit_test(app: &App, body: Rect, at: Position) -> Option<Target> {
    let a = areas(app, body);
    if a.setup.contains(at) {
        let lab = app.lab.as_ref()?;
        let index = at.y.checked_sub(a.setup.y + 1)? as usize;
        let row = *LabRow::ALL.get(index)?;
        let x = at.x.checked_sub(a.setup.x + 1)?;
        let option = option_spans(lab, row, a.setup.width.saturating_sub(2))
            .into_iter()
            .find(|&(_, start, width)| x >= start && x < start + width)
            .map(|(i, _, _)| i);
        return Some(Target::LabOption(row, option));
    }
    if a.results.contains(at) {
        return Some(Target::Results);
    }
    None
}
