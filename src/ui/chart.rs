//! The speedup chart: measured speedup per backend against the worker count, the
//! ideal line S = p and each backend's fitted Amdahl curve, filling in as points arrive.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::Theme;
use crate::app::App;
use crate::measure::speedup::amdahl_speedup;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = if area.width >= 64 {
        " Speedup vs workers: █ measured, ⠤⠤ Amdahl fit, ideal S = p "
    } else {
        " Speedup: █ measured, ⠤⠤ Amdahl "
    };
    let block = theme.block(title, false);
    let Some(report) = app.results.as_ref().filter(|r| r.points.iter().any(|p| p.speedup.is_some())) else {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = vec![
            Line::raw("Measured speedups appear here point by point,"),
            Line::raw("beside the ideal line (S = p) and the Amdahl"),
            Line::raw("curve fitted to them."),
        ];
        frame.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    };
    let backends: Vec<&str> = report.backends().into_iter().filter(|&b| b != crate::backends::reference_id()).collect();
    let setup_max =
        app.lab.as_ref().map_or(1, |l| l.workers.iter().filter(|w| w.on).map(|w| w.value).max().unwrap_or(1));
    let max_workers = report.points.iter().map(|p| p.workers).max().unwrap_or(1).max(setup_max).max(2) as f64;
    let max_speedup = report.points.iter().filter_map(|p| p.speedup).fold(1.0f64, f64::max);
    // On a big node the ideal line would squash the measured points into the bottom
    // rows: the y axis then ends a little above the best speedup, and so does the line.
    let y_max = if max_workers > 16.0 {
        max_workers.min((max_speedup * 1.25).max(8.0)).ceil()
    } else {
        max_workers.max(max_speedup * 1.1).ceil()
    };
    let ideal = vec![(1.0, 1.0), (max_workers.min(y_max), max_workers.min(y_max))];
    let mut measured: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut curves: Vec<Vec<(f64, f64)>> = Vec::new();
    for backend in &backends {
        measured.push(report.points_of(backend).iter().filter_map(|p| Some((p.workers as f64, p.speedup?))).collect());
        let fit = report.fit_of(backend);
        curves.push(fit.map_or_else(Vec::new, |f| {
            let steps = 60;
            (0..=steps)
                .map(|i| {
                    let p = 1.0 + (max_workers - 1.0) * f64::from(i) / f64::from(steps);
                    (p, amdahl_speedup(f.serial_fraction, p))
                })
                .collect()
        }));
    }
    let mut datasets =
        vec![Dataset::default().marker(line_marker(app)).graph_type(GraphType::Line).style(theme.dim()).data(&ideal)];
    for (i, backend) in backends.iter().enumerate() {
        let index = report.backends().iter().position(|b| b == backend).unwrap_or(i);
        let style = theme.series(index);
        datasets.push(
            Dataset::default().marker(line_marker(app)).graph_type(GraphType::Line).style(style).data(&curves[i]),
        );
        datasets.push(
            Dataset::default()
                .marker(theme.series_glyph(index).0)
                .graph_type(GraphType::Scatter)
                .style(style)
                .data(&measured[i]),
        );
    }
    // Worker counts to label: every count up to 8, else powers of two.
    let ticks: Vec<usize> = if max_workers <= 8.0 {
        (1..=max_workers as usize).collect()
    } else {
        std::iter::successors(Some(1usize), |p| Some(p * 2)).take_while(|&p| p as f64 <= max_workers).collect()
    };
    let mut legend = vec![Span::raw(" ")];
    for (i, backend) in backends.iter().enumerate() {
        let index = report.backends().iter().position(|b| b == backend).unwrap_or(i);
        let fit = report.fit_of(backend).map_or("s=?".to_string(), |f| format!("s={:.2}", f.serial_fraction));
        legend.push(Span::styled(format!("{} {backend} {fit}", theme.series_glyph(index).1), theme.series(index)));
        legend.push(Span::raw("  "));
    }
    let block = block.title_bottom(Line::from(legend));
    let y_labels: Vec<String> = vec!["0".into(), format!("{}", y_max / 2.0), format!("{y_max}")];
    let y_label_width = y_labels.iter().map(String::len).max().unwrap_or(1) as u16;
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [graph, labels] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().title("workers").style(theme.dim()).bounds([1.0, max_workers]))
        .y_axis(
            Axis::default()
                .title("speedup")
                .style(theme.dim())
                .bounds([0.0, y_max])
                .labels(y_labels.into_iter().map(Line::raw).collect::<Vec<_>>()),
        )
        .legend_position(None);
    frame.render_widget(chart, graph);
    // ratatui spaces x labels evenly whatever their values; put each under its count,
    // leaving out those that would run into the one before (the largest always shows).
    let left = labels.x + y_label_width + 1;
    let span = labels.right().saturating_sub(left + 1).max(1);
    let mut placed: Vec<(u16, String)> = Vec::new();
    for p in ticks {
        let text = p.to_string();
        let at = left + ((p as f64 - 1.0) / (max_workers - 1.0) * f64::from(span)).round() as u16;
        let x = at.saturating_sub(text.len() as u16 / 2).min(labels.right().saturating_sub(text.len() as u16));
        let clear = |placed: &Vec<(u16, String)>| placed.last().is_none_or(|(px, pt)| px + (pt.len() as u16) < x);
        if p as f64 == max_workers {
            while placed.len() > 1 && !clear(&placed) {
                placed.pop();
            }
        }
        if clear(&placed) {
            placed.push((x, text));
        }
    }
    for (x, text) in placed {
        frame.render_widget(Span::styled(text.clone(), theme.dim()), Rect { x, width: text.len() as u16, ..labels });
    }
}

/// Thin braille lines on a personal screen; solid half blocks on a projector, where
/// braille dots vanish.
fn line_marker(app: &App) -> Marker {
    if app.present { Marker::HalfBlock } else { Marker::Braille }
}
