//! The projector's high-contrast theme: the Lab in present mode after a sweep, drawn at
//! a tall narrow size and at 80x24, snapshotted as text and checked cell by cell for
//! what makes it read on light and dark backgrounds (no colour, no dim text; bold and
//! reverse video instead). `--theme` is validated by the CLI.

use std::collections::BTreeMap;

use assert_cmd::Command;
use parlab::app::{App, Event, Key, Screen};
use parlab::kernels::KernelSpec;
use parlab::lessons;
use parlab::measure::{Plan, Point, Report, RunEvent};
use parlab::sysmon::MachineFacts;
use parlab::ui;
use predicates::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn app(high_contrast: bool) -> App {
    parlab::backends::python::pretend_absent();
    let course = lessons::embedded().expect("the embedded course loads");
    // The made-up 2-CPU machine, with the memory and host these screens show.
    let facts = MachineFacts {
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 12 << 30,
        host: "lab".into(),
        ..MachineFacts::synthetic(2)
    };
    let mut app = App::new(course, facts, true);
    app.present = true;
    app.high_contrast = high_contrast;
    for step in 0..40 {
        app.cores.push_values(&[97.0, ((step * 7 + 13) % 100) as f32]);
    }
    app
}

/// The amdahl lesson's Lab after a sweep of threads and rayon at 1, 2 and 4 workers.
fn swept(high_contrast: bool) -> App {
    let mut app = app(high_contrast);
    let lesson = app.course.lessons.iter().position(|l| l.id == "amdahl").unwrap();
    app.open_lab(lesson);
    assert_eq!(app.screen, Screen::Lab);
    app.update(Event::Key(Key::Char('s')));
    let plan = Plan {
        spec: KernelSpec {
            kernel: "amdahl".into(),
            size: 100_000_000,
            seed: 42,
            params: BTreeMap::from([("serial".into(), "0.1".into())]),
        },
        backends: vec!["threads".into(), "rayon".into()],
        workers: vec![1, 2, 4],
        warmup: 1,
        repetitions: 3,
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
    };
    let mut report = Report::new(app.facts.clone(), plan);
    report.created = "2026-12-06T10:00:00Z".into();
    for (backend, workers, seconds) in [
        ("threads", 1, 1.2),
        ("threads", 2, 0.66),
        ("threads", 4, 0.67),
        ("rayon", 1, 1.2),
        ("rayon", 2, 0.65),
        ("rayon", 4, 0.66),
    ] {
        let mut point = Point::new("amdahl", backend, workers, vec![seconds * 0.99, seconds, seconds * 1.01]);
        point.busy_cores = Some(workers.min(2) as f64);
        point.cpu_time_s = seconds * workers.min(2) as f64;
        point.verified = true;
        report.points.push(point);
        report.derive();
        let last = report.points.last().unwrap().clone();
        app.update(Event::Run(RunEvent::PointFinished { point: Box::new(last), report: Box::new(report.clone()) }));
    }
    app.update(Event::Run(RunEvent::Finished(Box::new(report))));
    assert_eq!(app.screen, Screen::Lab);
    app
}

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let symbols: Vec<&str> = buffer.content().iter().map(|c| c.symbol()).collect();
    symbols.chunks(width).map(|row| format!("{:?}", row.concat())).collect::<Vec<_>>().join("\n")
}

/// What the high-contrast theme promises, cell by cell.
fn assert_high_contrast(buffer: &Buffer) {
    for cell in buffer.content() {
        assert!(cell.fg == Color::Reset && cell.bg == Color::Reset, "a coloured cell {:?}: {cell:?}", cell.symbol());
        assert!(!cell.modifier.contains(Modifier::DIM), "a dim cell {:?}", cell.symbol());
    }
    let with = |m: Modifier| buffer.content().iter().filter(|c| c.modifier.contains(m)).count();
    assert!(with(Modifier::REVERSED) > 0 && with(Modifier::BOLD) > 0, "reverse video and bold carry the emphasis");
}

#[test]
fn present_mode_is_high_contrast_at_a_tall_narrow_size_and_at_80x24() {
    let app = swept(true);
    let tall = draw(&app, 60, 50);
    assert_high_contrast(&tall);
    insta::assert_snapshot!("present_high_contrast_60x50", text(&tall));
    let small = draw(&app, 80, 24);
    assert_high_contrast(&small);
    insta::assert_snapshot!("present_high_contrast_80x24", text(&small));
    // The backends differ by the shape of their points, not only by colour.
    let shown = text(&tall);
    assert!(shown.contains("█ threads") && shown.contains("• rayon"), "{shown}");
}

#[test]
fn the_standard_theme_keeps_its_colours_in_present_mode() {
    let buffer = draw(&swept(false), 80, 24);
    assert!(buffer.content().iter().any(|c| c.fg != Color::Reset), "colours");
    assert!(!text(&buffer).contains("• rayon"), "one block marker for every backend");
}

#[test]
fn a_theme_that_does_not_exist_names_the_flag() {
    Command::cargo_bin("parlab")
        .unwrap()
        .args(["--theme", "neon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--theme").and(predicate::str::contains("high-contrast")));
}
