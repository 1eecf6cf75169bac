//! Big nodes: the Lab at 64, 128 and 256 CPUs, at 80x24 and 200x60, drawn from a
//! synthetic machine injected through sysmon (made-up facts and a sampler thread over a
//! synthetic CPU source), with a finished sweep over the default worker counts and the
//! workers row's cursor on its last count. Snapshots, plus the promises behind them: the
//! selected worker count is always drawn, nothing runs off a panel, and the default
//! sweep stays short.

use std::collections::BTreeMap;
use std::time::Duration;

use parlab::app::{App, Event, Key, LabRow, Screen};
use parlab::kernels::KernelSpec;
use parlab::lessons;
use parlab::measure::{MAX_DEFAULT_COUNTS, Plan, Point, Report, RunEvent, default_workers};
use parlab::sysmon::{MachineFacts, Sampler, Synthetic};
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Snapshots the test takes from the synthetic sampler (fewer than its channel holds,
/// so none is dropped however slowly the test reads).
const SAMPLES: usize = 40;

/// An app on a synthetic node of `cores` CPUs, fed by a real sampler thread reading a
/// synthetic source.
fn node(cores: usize) -> App {
    node_on(MachineFacts::synthetic(cores))
}

/// An app on the synthetic node `facts` describes, fed as [`node`]'s.
fn node_on(facts: MachineFacts) -> App {
    let cores = facts.logical_cores;
    // The screens must not depend on whether this machine has python3.
    parlab::backends::python::pretend_absent();
    let course = lessons::embedded().expect("the embedded course loads");
    let mut app = App::new(course, facts, true);
    // One more reading than the snapshots: the sampler drops the first.
    let source = Box::new(Synthetic::new(cores).limited(SAMPLES + 1));
    let sampler = Sampler::start_with(source, Duration::from_millis(2)).expect("the sampler starts");
    for _ in 0..SAMPLES {
        let snapshot = sampler.events().recv_timeout(Duration::from_secs(30)).expect("a synthetic snapshot");
        assert_eq!(snapshot.per_core.len(), cores);
        app.update(Event::Cpu(snapshot));
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

/// The Lab of the pi lesson after a threads sweep over every offered worker count,
/// with the workers row's cursor on the last (oversubscribed) count.
fn lab_after_a_big_sweep(cores: usize) -> App {
    let mut app = node(cores);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Down]);
    assert_eq!(app.screen, Screen::Lab);
    let lab = app.lab.as_ref().unwrap();
    assert_eq!(lab.row, LabRow::Workers);
    let counts: Vec<usize> = lab.workers.iter().map(|w| w.value).collect();
    keys(&mut app, &vec![Key::Right; counts.len()]);
    let plan = Plan {
        spec: KernelSpec { kernel: "pi".into(), size: 300_000_000, seed: 42, params: BTreeMap::new() },
        backends: vec!["threads".into()],
        workers: counts.clone(),
        warmup: 1,
        repetitions: 3,
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
    };
    let mut report = Report::new(app.facts.clone(), plan);
    report.created = "2026-11-30T06:00:00Z".into();
    report.reference_s = Some(1.3);
    for &workers in &counts {
        // A serial fraction of 2 %: the speedup flattens out on a big node.
        let seconds = 1.3 * (0.02 + 0.98 / workers.min(cores) as f64);
        let mut point = Point::new("pi", "threads", workers, vec![seconds * 0.99, seconds, seconds * 1.01]);
        point.busy_cores = Some(workers.min(cores) as f64 * 0.95);
        point.cpu_time_s = seconds * workers.min(cores) as f64;
        point.verified = true;
        report.points.push(point);
        report.derive();
        let last = report.points.last().unwrap().clone();
        app.update(Event::Run(RunEvent::PointFinished { point: Box::new(last), report: Box::new(report.clone()) }));
    }
    app
}

/// The screen line of the Setup panel's workers row.
fn workers_line(screen: &str) -> &str {
    screen.lines().find(|l| l.contains("▸workers")).expect("the workers row is drawn")
}

fn check(cores: usize) {
    let app = lab_after_a_big_sweep(cores);
    let last = *default_workers(cores).last().unwrap();
    assert_eq!(app.lab.as_ref().unwrap().cursor_workers(), Some(last));
    for (width, height) in [(80, 24), (200, 60)] {
        let screen = render(&app, width, height);
        let row = workers_line(&screen);
        assert!(row.contains(&format!("[ ] {last}")), "{width}x{height}: the selected count {last} is drawn: {row}");
        // The row ends inside its panel: scrolled (‹) rather than clipped mid-option.
        assert!(row.contains('‹') || width == 200, "{width}x{height}: {row}");
        let cores_title = screen.lines().find(|l| l.contains("Cores: ")).unwrap();
        assert!(cores_title.contains(&format!("Cores: {cores},")), "{cores_title}");
        // History: a line per core (with its sparkline), or rows per block of cores.
        assert!(screen.lines().any(|l| l.contains("│all ") || l.contains("│0-") || l.contains("│cpu0 ")), "{screen}");
        insta::assert_snapshot!(format!("lab_{cores}_cpus_{width}x{height}"), screen);
    }
}

#[test]
fn lab_on_64_cpus() {
    check(64);
}

#[test]
fn lab_on_128_cpus() {
    check(128);
}

#[test]
fn lab_on_256_cpus() {
    check(256);
}

/// On a node of several sockets the history rows are per socket where there is room
/// (200x60), and one row for all where there is not (80x24).
#[test]
fn history_rows_per_socket_on_a_node_of_four_sockets() {
    let mut app = node_on(MachineFacts::synthetic(256).with_sockets(4));
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter]);
    assert_eq!(app.screen, Screen::Lab);
    let wide = render(&app, 200, 60);
    for socket in 0..4 {
        let first = socket * 64;
        let row = format!("│s{socket} {first}-");
        assert!(wide.contains(&row) || wide.contains(&format!("│s{socket} ")), "socket {socket}:\n{wide}");
    }
    assert!(wide.contains("history by socket"), "{wide}");
    insta::assert_snapshot!("lab_256_cpus_4_sockets_200x60", wide);
    let narrow = render(&app, 80, 24);
    assert!(narrow.contains("│all "), "{narrow}");
    insta::assert_snapshot!("lab_256_cpus_4_sockets_80x24", narrow);
}

#[test]
fn the_selected_worker_count_stays_visible_as_the_cursor_moves() {
    let mut app = node(256);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Down]);
    let counts: Vec<usize> = app.lab.as_ref().unwrap().workers.iter().map(|w| w.value).collect();
    for step in 0..counts.len() * 2 {
        let key = if step < counts.len() { Key::Right } else { Key::Left };
        keys(&mut app, &[key]);
        let selected = app.lab.as_ref().unwrap().cursor_workers().unwrap();
        let screen = render(&app, 80, 24);
        let row = workers_line(&screen);
        assert!(
            row.split("  ").any(|option| option.trim_start_matches(['‹', ' ']).ends_with(&format!("] {selected}"))),
            "{selected} is drawn: {row}"
        );
    }
}

#[test]
fn default_sweeps_stay_short_on_256_cpus() {
    let counts = default_workers(256);
    assert_eq!(counts, [1, 2, 4, 16, 64, 256, 512]);
    let course = lessons::embedded().unwrap();
    for lesson in &course.lessons {
        let mut lab = parlab::app::LabSetup::from_lesson(lesson, 256, None);
        assert!(lab.workers.len() <= MAX_DEFAULT_COUNTS + 1, "{}: {:?}", lesson.id, lab.workers);
        for toggle in &mut lab.workers {
            toggle.on = true;
        }
        for toggle in &mut lab.backends {
            toggle.on = true;
        }
        let preset = parlab::app::LabSetup::from_lesson(lesson, 256, None).sweep_plan();
        if let Ok(preset) = preset {
            assert!(preset.workers.len() <= MAX_DEFAULT_COUNTS, "{}: {:?}", lesson.id, preset.workers);
        }
        let plan = lab.sweep_plan().unwrap();
        assert!(plan.workers.len() <= MAX_DEFAULT_COUNTS + 1, "{}: {:?}", lesson.id, plan.workers);
    }
}
