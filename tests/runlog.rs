//! Nothing measured is lost: the real binary in a pseudo-terminal starts a sweep, is
//! killed with SIGKILL once the first point has finished, and after a restart the Lab's
//! Recent runs list (o) offers the run again; Enter puts its point back in the table.
//! Nothing here depends on speed: every wait polls the screen with a generous limit.

mod pty_common;

use std::ffi::OsStr;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use pty_common::{Launch, Pty};

const LIMIT: Duration = Duration::from_secs(60);

/// parlab in a pty, its progress file (and the run log beside it) at `progress`.
fn start(args: &[&str], progress: &Path) -> Pty {
    // The run log goes beside the progress file: both in this test's own folder.
    let env = [("NO_COLOR", OsStr::new("1")), ("PARLAB_PROGRESS", progress.as_os_str())];
    Pty::launch(&Launch { remove: &["PARLAB_RUNS"], ..Launch::new(args, &env) })
}

/// The rows of the results table that show a point of `backend`.
fn point_rows(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.contains("1.00x")).map(str::to_string).collect()
}

#[test]
fn a_sweep_killed_mid_way_is_offered_again_after_a_restart() {
    let folder = tempfile::tempdir().unwrap();
    let progress = folder.path().join("progress.toml");
    let log = folder.path().join("runs.jsonl");

    // A size whose later points take seconds after the first one finished, so the kill
    // lands mid-sweep in a debug build (cargo test) and in a release one alike.
    let (size, shown) = if cfg!(debug_assertions) { ("4000000", "4,000,000") } else { ("200000000", "200,000,000") };
    let mut s = start(&["--size", size], &progress);
    s.wait_for("Embarrassingly parallel", LIMIT);
    s.send(b"j"); // the pi lesson is the second
    s.send(b"\r"); // read it
    s.wait_for("Split, apply, combine", LIMIT);
    s.send(b"\r"); // open its Lab
    s.wait_for("Setup", LIMIT);
    s.send(b"s"); // sweep threads and rayon at 1, 2 and 4 workers
    s.wait_for("Sweep", LIMIT);
    // The first point (threads at 1 worker) is in the table: its speedup is 1.00x.
    let text = s.wait_for("1.00x", Duration::from_secs(300));
    assert!(!text.contains("Finished:"), "the sweep is still going when parlab is killed:\n{text}");
    // The point reaches the disk on the run log's own thread, a moment after the screen
    // shows it: wait for its line, then kill.
    let started = Instant::now();
    while !std::fs::read_to_string(&log).is_ok_and(|text| text.ends_with('\n')) {
        assert!(started.elapsed() < LIMIT, "the finished point never reached the run log");
        thread::sleep(Duration::from_millis(20));
    }
    s.kill_hard(LIMIT);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(!logged.is_empty() && logged.lines().count() < 6, "some but not all points are logged:\n{logged}");

    let mut s = start(&["--size", size], &progress);
    s.wait_for("parlab", LIMIT);
    s.send(b"2"); // the Lab
    s.wait_for("Setup", LIMIT);
    assert!(point_rows(&s.text()).is_empty(), "a fresh session starts with an empty table:\n{}", s.text());
    s.send(b"o");
    let list = s.wait_for("stopped early", LIMIT);
    assert!(list.contains("Recent runs") && list.contains(&format!("pi {shown}")), "{list}");
    assert!(list.contains("threads, rayon"), "{list}");
    s.send(b"\r");
    let text = s.wait_for("Reopened the run", LIMIT);
    assert!(!text.contains("Recent runs"), "the list closes:\n{text}");
    let rows = point_rows(&text);
    assert!(!rows.is_empty(), "the finished point is back in the table:\n{text}");
    assert!(text.contains("threads"), "{text}");
    s.send(b"q");
    s.send(b"\x03");
}

/// The Recent runs list in the app, drawn: two runs in a log, the older unfinished.
#[test]
fn the_recent_runs_list_reopens_exports_and_deletes() {
    use parlab::app::{App, Effect, Event, Key, runlog};
    use parlab::kernels::KernelSpec;
    use parlab::measure::{Plan, Point, Report};
    use parlab::sysmon::MachineFacts;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("runs.jsonl");
    let report = |workers: Vec<usize>, created: &str| {
        let plan = Plan {
            spec: KernelSpec { kernel: "pi".into(), size: 4_000_000, seed: 42, params: Default::default() },
            backends: vec!["threads".into()],
            workers,
            warmup: 1,
            repetitions: 3,
            scale: Default::default(),
            order: parlab::measure::Order::Sequential,
        };
        let mut report = Report::new(MachineFacts::synthetic(2), plan);
        report.created = created.into();
        report.reference_s = Some(1.0);
        report
    };
    let point = |workers: usize| {
        let mut p = Point::new("pi", "threads", workers, vec![1.0 / workers as f64; 3]);
        p.verified = true;
        p
    };
    let older = report(vec![1, 2, 4], "2026-11-30T06:00:00Z");
    runlog::append(&log, "older", &older, &point(1)).unwrap();
    let newer = report(vec![1, 2], "2026-11-30T06:05:00Z");
    runlog::append(&log, "newer", &newer, &point(1)).unwrap();
    runlog::append(&log, "newer", &newer, &point(2)).unwrap();
    let mut loaded = runlog::load(&log);
    loaded.path = "/data/parlab/runs.jsonl".into();

    // The screen must not depend on whether this machine has python3.
    parlab::backends::python::pretend_absent();
    let course = parlab::lessons::embedded().unwrap();
    let mut app = App::new(course, MachineFacts::synthetic(2), false);
    app.open_lab(1);
    assert_eq!(app.update(Event::Key(Key::Char('o'))), Some(Effect::LoadRuns));
    app.update(Event::RunsLoaded(loaded));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| parlab::ui::draw(frame, &app)).unwrap();
    insta::assert_snapshot!("recent_runs_80x24", format!("{}", terminal.backend()));

    app.update(Event::Key(Key::Char('j'))); // the older run
    assert_eq!(app.update(Event::Key(Key::Char('d'))), None, "one press only asks");
    assert_eq!(app.update(Event::Key(Key::Char('d'))), Some(Effect::DeleteRun("older".into())));
    match app.update(Event::Key(Key::Char('e'))) {
        Some(Effect::Export(report)) => assert_eq!(report.points.len(), 1),
        other => panic!("e exports the run: {other:?}"),
    }
    app.update(Event::Key(Key::Char('k'))); // the newer run
    app.update(Event::Key(Key::Enter));
    assert!(app.recent.is_none(), "the list closes");
    let results = app.results.as_ref().expect("the run is back in the Lab");
    assert_eq!(results.points.len(), 2);
    assert_eq!(results.points[1].speedup, Some(2.0));
}
