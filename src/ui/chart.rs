//! The speedup chart: measured speedup per backend against the worker count, the
//! ideal line S = p and each backend's fitted Amdahl curve, filling in as points arrive.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Paragraph};

use super::Theme;
use crate::app::App;
use crate::measure::speedup::amdahl_speedup;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = theme.block(" Speedup vs workers ", false);
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
    let backends: Vec<&str> = report.backends().into_iter().filter(|&b| b != "seq").collect();
    let setup_max = app.lab.as_ref().map_or(1, |l| l.workers.iter().filter(|w| w.on).map(|w| w.value).max().unwrap_or(1));
    let max_workers = report.points.iter().map(|p| p.workers).max().unwrap_or(1).max(setup_max).max(2) as f64;
    let max_speedup = report.points.iter().filter_map(|p| p.speedup).fold(1.0f64, f64::max);
    let y_max = max_workers.max(max_speedup * 1.1).ceil();

    let ideal = vec![(1.0, 1.0), (max_workers, max_workers)];
    let mut measured: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut curves: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for backend in &backends {
        measured.push(
            report.points_of(backend).iter().filter_map(|p| Some((p.workers as f64, p.speedup?))).collect(),
        );
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
        names.push((
            format!("{backend} measured"),
            fit.map_or(format!("{backend} Amdahl: needs 2 counts"), |f| {
                format!("{backend} Amdahl s={:.2}", f.serial_fraction)
            }),
        ));
    }
    let mut datasets = vec![
        Dataset::default()
            .name("ideal S = p")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(&ideal),
    ];
    for (i, backend) in backends.iter().enumerate() {
        let style = theme.series(report.backends().iter().position(|b| b == backend).unwrap_or(i));
        datasets.push(
            Dataset::default()
                .name(names[i].1.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(style)
                .data(&curves[i]),
        );
        datasets.push(
            Dataset::default()
                .name(names[i].0.clone())
                .marker(Marker::Block)
                .graph_type(GraphType::Scatter)
                .style(style)
                .data(&measured[i]),
        );
    }
    let x_labels = vec![
        Line::raw("1"),
        Line::raw(format!("{}", ((1.0 + max_workers) / 2.0).round())),
        Line::raw(format!("{max_workers}")),
    ];
    let y_labels = vec![Line::raw("0"), Line::raw(format!("{}", y_max / 2.0)), Line::raw(format!("{y_max}"))];
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().title("workers").style(theme.dim()).bounds([1.0, max_workers]).labels(x_labels))
        .y_axis(Axis::default().title("speedup").style(theme.dim()).bounds([0.0, y_max]).labels(y_labels))
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Percentage(70), Constraint::Percentage(70)));
    frame.render_widget(chart, area);
}
