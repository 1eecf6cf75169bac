//! The clock in the Lab: before a sweep, the ready line says how long it will take (from
//! the probe the Lab was fitted with); during it, the progress line says how long is left.

use std::collections::BTreeMap;

use parlab::app::{App, Event, Key, Screen};
use parlab::lessons;
use parlab::measure::RunEvent;
use parlab::measure::budget::Probe;
use parlab::sysmon::MachineFacts;
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn facts() -> MachineFacts {
    MachineFacts {
        cpu_model: "Example CPU".into(),
        logical_cores: 2,
        physical_cores: Some(2),
        available_parallelism: 2,
        affinity: Some(vec![0, 1]),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 12 << 30,
        os: "Linux".into(),
        host: "lab".into(),
        job: None,
        sockets: Vec::new(),
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|frame| ui::draw(frame, app)).unwrap();
    format!("{}", terminal.backend())
}

/// The first lesson's Lab, fitted to a probe where one reference run of `size` darts
/// takes `seconds`.
fn lab(size: u64, seconds: f64) -> App {
    let mut course = lessons::embedded().unwrap();
    course.lessons[0].size = size;
    course.lessons[0].probe = Some(Probe { small: (size / 2, seconds / 2.0), large: (size, seconds) });
    let mut app = App::new(course, facts(), false);
    for key in [Key::Enter, Key::Enter] {
        app.update(Event::Key(key));
    }
    assert_eq!(app.screen, Screen::Lab);
    app
}

#[test]
fn the_ready_line_says_how_long_the_sweep_will_take() {
    // Lesson 1 sweeps seq once: 1 reference run + 3 timed + 1 warm-up, 2 s each.
    let text = screen(&lab(1_000_000, 2.0));
    let ready = text.lines().find(|l| l.contains("Ready.")).expect("the ready line");
    assert!(ready.contains("(5 runs, about 10 s)"), "{ready}");
    // Without a probe (an own course, or --size), no guess.
    let mut app = lab(1_000_000, 2.0);
    app.course.lessons[0].probe = None;
    let text = screen(&app);
    let ready = text.lines().find(|l| l.contains("Ready.")).expect("the ready line");
    assert!(ready.contains("(5 runs)"), "{ready}");
}

#[test]
fn the_progress_line_says_how_long_is_left() {
    let mut app = lab(1_000_000, 2.0);
    app.update(Event::Key(Key::Char('s')));
    let plan = app.run.as_ref().expect("a sweep runs").plan.clone();
    app.update(Event::Run(RunEvent::Started { plan, total_runs: 5 }));
    app.update(Event::Run(RunEvent::PointStarted { backend: "seq".into(), workers: 1 }));
    app.update(Event::Run(RunEvent::Sample {
        backend: "seq".into(),
        workers: 1,
        warmup: true,
        seconds: 3.0,
        done: 2,
        total: 5,
    }));
    let text = screen(&app);
    let progress = text.lines().find(|l| l.contains("▶ Sweep")).expect("the progress line");
    // Three runs left at 3 s each.
    assert!(progress.contains("2/5 runs, about 9 s left"), "{progress}");
}

/// Lab sizes are fitted when a Lab is first opened, not at start-up: the app asks the main
/// loop (`fit_requests`) once per lesson, and takes the answer into the lesson, and into
/// the Lab when it still shows that lesson at its preset size.
#[test]
fn each_lab_is_fitted_when_first_opened() {
    let course = lessons::embedded().unwrap();
    let mut app = App::new(course, facts(), false);
    app.open_lab(0);
    assert!(app.fit_requests.is_empty(), "no budget (an own course, or --size): nothing to fit");
    app.fit_budget = Some(10.0);
    app.open_lab(1);
    app.open_lab(0);
    app.open_lab(1);
    assert_eq!(std::mem::take(&mut app.fit_requests), [1, 0], "each lesson once, as opened");
    let probe = Probe { small: (1000, 0.01), large: (2000, 0.02) };
    let fitted = |size| Some(parlab::lessons::plan::Fitted { size, sweep_s: 10.0, probe });
    // Lesson 0 is answered while lesson 1's Lab is shown: only the lesson takes it.
    let preset = app.lab.as_ref().unwrap().size;
    app.update(Event::LessonFitted(0, fitted(12_345)));
    assert_eq!((app.course.lessons[0].size, app.course.lessons[0].probe), (12_345, Some(probe)));
    assert_eq!(app.lab.as_ref().unwrap().size, preset);
    app.update(Event::LessonFitted(1, fitted(54_321)));
    assert_eq!(app.lab.as_ref().map(|l| (l.size, l.lesson_size)), Some((54_321, 54_321)));
    let ready = screen(&app);
    assert!(ready.lines().any(|l| l.contains("Ready.") && l.contains("about")), "the ETA from the probe:\n{ready}");
    // A kernel that could not be probed keeps its size.
    app.update(Event::LessonFitted(2, None));
    assert_eq!(app.course.lessons[2].size, lessons::embedded().unwrap().lessons[2].size);
}
