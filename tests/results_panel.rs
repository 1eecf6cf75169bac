//! The TUI results panel renders the shared table model and drops nothing silently:
//! every column registered for the panel is drawn at 120x40, and a narrower panel says
//! which columns it left out.

use std::collections::BTreeMap;

use parlab::app::{App, Event, Key};
use parlab::kernels::KernelSpec;
use parlab::lessons;
use parlab::measure::{Plan, Point, Report, RunEvent};
use parlab::present::table::{COLUMNS, Style};
use parlab::sysmon::MachineFacts;
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn facts() -> MachineFacts {
    MachineFacts {
        cpu_model: "Example CPU @ 3.0GHz".into(),
        logical_cores: 2,
        physical_cores: Some(2),
        available_parallelism: 2,
        affinity: Some(vec![0, 1]),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 12 << 30,
        os: "Linux (Example 1)".into(),
        host: "lab".into(),
        job: None,
        sockets: Vec::new(),
    }
}

/// The Lab after a sweep of seq, threads and gil at 1, 2 and 4 workers.
fn lab_with_results() -> (App, Report) {
    let course = lessons::embedded().expect("the embedded course loads");
    let mut app = App::new(course, facts(), true);
    for key in [Key::Down, Key::Enter, Key::Enter] {
        app.update(Event::Key(key));
    }
    let plan = Plan {
        spec: KernelSpec { kernel: "pi".into(), size: 200_000_000, seed: 42, params: BTreeMap::new() },
        backends: vec!["seq".into(), "threads".into(), "gil".into()],
        workers: vec![1, 2, 4],
        warmup: 1,
        repetitions: 3,
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
    };
    let mut report = Report {
        parlab_version: "0.1.0".into(),
        created: "2026-11-22T10:00:00Z".into(),
        machine: facts(),
        plan,
        reference_s: Some(1.3),
        points: Vec::new(),
        fits: Vec::new(),
        commands: None,
        incomplete: false,
    };
    let measured = [("seq", 1, 1.3), ("threads", 1, 1.31), ("threads", 2, 0.68), ("gil", 1, 1.32), ("gil", 4, 1.4)];
    for (backend, workers, seconds) in measured {
        // The gil rows vary by 20 %: noisy.
        let wobble = if backend == "gil" { 0.1 } else { 0.01 };
        let mut p =
            Point::new("pi", backend, workers, vec![seconds * (1.0 - wobble), seconds, seconds * (1.0 + wobble)]);
        p.busy_cores = Some(workers.min(2) as f64);
        p.cpu_time_s = seconds * workers.min(2) as f64;
        p.verified = true;
        report.points.push(p);
        report.derive();
        let last = report.points.last().unwrap().clone();
        app.update(Event::Run(RunEvent::PointFinished { point: Box::new(last), report: Box::new(report.clone()) }));
    }
    (app, report)
}

fn render(app: &App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height).map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>()).collect()
}

/// The results panel's lines: the left half of the rows below its title.
fn panel(screen: &[String]) -> Vec<String> {
    let top = screen.iter().position(|l| l.contains("Results: pi")).expect("the results panel");
    screen[top + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.split("││").next().unwrap_or("").trim_start_matches('│').trim_end_matches('│').to_string())
        .collect()
}

#[test]
fn every_panel_column_is_drawn_at_120x40() {
    let (app, report) = lab_with_results();
    let lines = panel(&render(&app, 120, 40));
    let header = &lines[0];
    let registered: Vec<_> = COLUMNS.iter().filter(|c| c.shown(Style::Panel, &report)).collect();
    assert!(registered.len() >= 8, "the panel shows at least the eight columns it always had");
    for column in &registered {
        assert!(header.contains(column.short), "column {} missing from {header:?}", column.short);
    }
    assert!(!header.contains('…'), "{header:?}");
    // Every point's cells are drawn, marks included.
    let threads_2 = report.points.iter().find(|p| p.backend == "threads" && p.workers == 2).unwrap();
    let row: Vec<String> = registered.iter().map(|c| c.cell(threads_2, Style::Panel)).collect();
    assert!(lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == row.join(" ")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.trim_start().starts_with("4*")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("%!")), "{lines:#?}");
}

#[test]
fn a_narrow_panel_marks_and_names_the_columns_it_left_out() {
    let (app, report) = lab_with_results();
    let lines = panel(&render(&app, 80, 24));
    let header = &lines[0];
    assert!(header.trim_end().ends_with('…'), "{header:?}");
    let left_out: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.shown(Style::Panel, &report) && !header.contains(c.short))
        .map(|c| c.short)
        .collect();
    assert!(!left_out.is_empty());
    let note = lines.iter().find(|l| l.contains("not shown")).unwrap_or_else(|| panic!("no note in {lines:#?}"));
    // The note may be cut at the panel's edge; it names the left-out columns in order.
    let expected = format!("… {} not shown: widen the window", left_out.join(", "));
    let shown = note.trim_end();
    assert!(expected.starts_with(shown) && shown.len() > 10, "{shown:?} vs {expected:?}");
}
