//! Snapshots of every screen at 120x40 and 80x24, drawn from deterministic App states
//! (fixed machine facts, fake core samples, fake measurements) on ratatui's TestBackend.

use std::collections::BTreeMap;

use parlab::app::{App, Event, Key, LabRow, Screen};
use parlab::kernels::KernelSpec;
use parlab::lessons;
use parlab::measure::{Plan, Point, Report, RunEvent};
use parlab::sysmon::MachineFacts;
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn facts(cores: usize) -> MachineFacts {
    MachineFacts {
        cpu_model: "Example CPU @ 3.0GHz".into(),
        logical_cores: cores,
        physical_cores: Some(cores),
        available_parallelism: cores,
        affinity: Some((0..cores).collect()),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 12 << 30,
        os: "Linux (Example 1)".into(),
        host: "lab".into(),
    }
}

fn app(cores: usize) -> App {
    let course = lessons::embedded().expect("the embedded course loads");
    let mut app = App::new(course, facts(cores), true);
    // Half a minute of fake samples: core 0 busy, the others ramping.
    for step in 0..40 {
        let values: Vec<f32> =
            (0..cores).map(|c| if c == 0 { 97.0 } else { ((step * 7 + c * 13) % 100) as f32 }).collect();
        app.cores.push_values(&values);
    }
    app
}

fn keys(app: &mut App, keys: &[Key]) {
    for &key in keys {
        app.update(Event::Key(key));
    }
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, app)).unwrap();
    format!("{}", terminal.backend())
}

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_120x40"), render(app, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24));
}

fn plan(backends: &[&str]) -> Plan {
    Plan {
        spec: KernelSpec { kernel: "pi".into(), size: 200_000_000, seed: 42, params: BTreeMap::new() },
        backends: backends.iter().map(|b| b.to_string()).collect(),
        workers: vec![1, 2, 4],
        warmup: 1,
        repetitions: 3,
    }
}

fn point(backend: &str, workers: usize, seconds: f64, busy: f64) -> Point {
    let mut p = Point::new("pi", backend, workers, vec![seconds * 0.99, seconds, seconds * 1.01]);
    p.busy_cores = Some(busy);
    p.cpu_time_s = seconds * busy;
    p.verified = true;
    p
}

/// Feeds the points to the app as the runner would: one PointFinished each.
fn feed(app: &mut App, plan: &Plan, points: Vec<Point>) {
    let mut report = Report {
        parlab_version: "0.1.0".into(),
        created: "2026-11-22T10:00:00Z".into(),
        machine: app.facts.clone(),
        plan: plan.clone(),
        reference_s: Some(1.3),
        points: Vec::new(),
        fits: Vec::new(),
    };
    for p in points {
        report.points.push(p);
        report.derive();
        let last = report.points.last().unwrap().clone();
        app.update(Event::Run(RunEvent::PointFinished { point: Box::new(last), report: Box::new(report.clone()) }));
    }
}

fn sweep_points() -> Vec<Point> {
    vec![
        point("threads", 1, 1.31, 1.0),
        point("threads", 2, 0.68, 2.0),
        point("threads", 4, 0.67, 2.0),
        point("rayon", 1, 1.30, 1.0),
        point("rayon", 2, 0.67, 2.0),
        point("rayon", 4, 0.66, 2.0),
    ]
}

#[test]
fn lessons_list() {
    both_sizes("lessons_list", &app(2));
}

#[test]
fn lesson_reader_with_a_hint() {
    let mut app = app(2);
    keys(&mut app, &[Key::Enter, Key::Down, Key::Down, Key::Char('n')]);
    both_sizes("lesson_reader", &app);
}

#[test]
fn lab_before_any_run() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Lab);
    both_sizes("lab_empty", &app);
}

#[test]
fn lab_while_a_sweep_runs() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('s')]);
    assert!(app.running());
    let plan = plan(&["threads", "rayon"]);
    app.update(Event::Run(RunEvent::Started { plan: plan.clone(), total_runs: 25 }));
    let points = sweep_points();
    feed(&mut app, &plan, points[..4].to_vec());
    app.update(Event::Run(RunEvent::PointStarted { backend: "rayon".into(), workers: 2 }));
    app.update(Event::Run(RunEvent::Sample {
        backend: "rayon".into(),
        workers: 2,
        warmup: false,
        seconds: 0.67,
        done: 19,
        total: 25,
    }));
    both_sizes("lab_running", &app);
}

#[test]
fn lab_after_a_sweep() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('s')]);
    let plan = plan(&["threads", "rayon"]);
    feed(&mut app, &plan, sweep_points());
    app.update(Event::Run(RunEvent::Finished(Box::new(app.results.clone().unwrap()))));
    assert!(!app.running());
    both_sizes("lab_finished", &app);
}

#[test]
fn lab_on_a_64_core_machine() {
    let mut app = app(64);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Down]);
    assert_eq!(app.lab.as_ref().unwrap().row, LabRow::Workers);
    both_sizes("lab_64_cores", &app);
}

#[test]
fn machine_screen() {
    let mut app = app(2);
    keys(&mut app, &[Key::Char('3')]);
    both_sizes("machine", &app);
}

#[test]
fn help_overlay() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('?')]);
    both_sizes("help", &app);
}

#[test]
fn terminal_too_small() {
    insta::assert_snapshot!("too_small_60x15", render(&app(2), 60, 15));
}

#[test]
fn gil_lesson_lab_uses_its_backends() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Enter, Key::Enter]);
    let lab = app.lab.as_ref().unwrap();
    assert_eq!(lab.kernel, "integral");
    let on: Vec<&str> = lab.backends.iter().filter(|b| b.on).map(|b| b.value.as_str()).collect();
    assert_eq!(on, ["gil", "threads", "processes"]);
}

#[test]
fn clicks_and_the_wheel_land_on_what_is_drawn() {
    use parlab::app::{Mouse, Target};
    use ratatui::layout::Rect;
    let mut app = app(2);
    let area = Rect::new(0, 0, 120, 40);
    // Row 3 is the second lesson (tabs line, border, first lesson).
    assert_eq!(ui::hit_test(&app, area, 5, 3), Some(Target::LessonRow(1)));
    app.update(Event::Mouse(Mouse::Click(Target::LessonRow(1))));
    assert_eq!(app.selected, 1);
    app.update(Event::Mouse(Mouse::Click(Target::LessonRow(1))));
    assert_eq!(app.opened, 1, "a second click opens the lesson");
    app.reader_max_scroll = ui::reader_max_scroll(&app, area);
    assert!(app.reader_max_scroll > 0, "the pi lesson is longer than the reader");
    let reader = ui::hit_test(&app, area, 60, 10).expect("the reader is under the mouse");
    assert_eq!(reader, Target::Reader);
    app.update(Event::Mouse(Mouse::ScrollDown(reader)));
    assert_eq!(app.reader_scroll, 3);
    for _ in 0..100 {
        app.update(Event::Mouse(Mouse::ScrollDown(reader)));
    }
    assert_eq!(app.reader_scroll, app.reader_max_scroll, "scrolling stops at the end");

    // The "2 Lab" tab, then the "[ ] seq" option of the backends row.
    let tab = ui::hit_test(&app, area, 23, 0).expect("a tab");
    assert_eq!(tab, Target::Tab(Screen::Lab));
    app.update(Event::Mouse(Mouse::Click(tab)));
    assert_eq!(app.screen, Screen::Lab);
    let option = ui::hit_test(&app, area, 12, 3).expect("an option");
    assert_eq!(option, Target::LabOption(LabRow::Backends, Some(0)));
    let before = app.lab.as_ref().unwrap().backends[0].on;
    app.update(Event::Mouse(Mouse::Click(option)));
    assert_ne!(app.lab.as_ref().unwrap().backends[0].on, before, "a click switches the backend");
}

#[test]
fn no_color_draws_without_colours() {
    use ratatui::style::Color;
    let mut app = app(2);
    app.color = false;
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter]);
    feed(&mut app, &plan(&["threads", "rayon"]), sweep_points());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &app)).unwrap();
    let coloured = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|cell| cell.fg != Color::Reset || cell.bg != Color::Reset)
        .count();
    assert_eq!(coloured, 0, "NO_COLOR: no cell has a colour");
    app.color = true;
    terminal.draw(|frame| ui::draw(frame, &app)).unwrap();
    assert!(terminal.backend().buffer().content().iter().any(|cell| cell.fg != Color::Reset));
}
