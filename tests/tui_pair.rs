//! Pair exercises driven through the app as a learner would: a prediction for the
//! partner, their share line pasted into the box (or a file named there), the verdict
//! recorded in the progress file and drawn on the Exercises screen.

use std::collections::BTreeMap;

use parlab::app::{App, Event, ExercisesPane, Key, Screen};
use parlab::export::share::{MachineClass, Share, SharePoint, VERIFIED};
use parlab::lessons::{self, Exercise};
use parlab::sysmon::MachineFacts;
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    parlab::backends::python::pretend_absent();
    let course = lessons::embedded().expect("the embedded course loads");
    // The made-up 2-CPU machine, with the memory and host these screens show.
    let facts = MachineFacts {
        memory_total_bytes: 16 << 30,
        memory_available_bytes: 12 << 30,
        host: "lab".into(),
        ..MachineFacts::synthetic(2)
    };
    App::new(course, facts, true)
}

fn keys(app: &mut App, keys: &[Key]) {
    for &key in keys {
        app.update(Event::Key(key));
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Event::Key(Key::Char(c)));
    }
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, app)).unwrap();
    format!("{}", terminal.backend())
}

/// The partner's results: `backend` at 1 and 2 workers in 2.0 s and 1.25 s (1.6x) on a
/// 4-CPU laptop with SMT.
fn partner(kernel: &str, backend: &str) -> Share {
    Share {
        parlab_version: "0.1.0".into(),
        date: "2026-12-06".into(),
        machine: MachineClass {
            cpu_model: "Intel Core i5-8250U".into(),
            logical_cores: 4,
            physical_cores: Some(2),
            available: 4,
            smt: Some(true),
            os: "Linux".into(),
        },
        kernel: kernel.into(),
        size: 100_000_000,
        params: BTreeMap::new(),
        repetitions: 3,
        backends: vec![backend.into()],
        workers: vec![1, 2],
        points: vec![SharePoint(0, 1, 2.0, 0.01, VERIFIED), SharePoint(0, 2, 1.25, 0.02, VERIFIED)],
        fits: Vec::new(),
        predictions: Vec::new(),
    }
}

/// Opens lesson `id`'s Exercises screen at its pair exercise; returns the lesson's and
/// the exercise's positions.
fn at_pair(app: &mut App, id: &str) -> (usize, usize) {
    let lesson = app.course.lessons.iter().position(|l| l.id == id).expect("the lesson");
    keys(app, &[Key::Char('1')]);
    if app.lessons_pane == parlab::app::LessonsPane::Reader {
        keys(app, &[Key::Esc]);
    }
    keys(app, &[Key::Home]);
    for _ in 0..lesson {
        keys(app, &[Key::Down]);
    }
    keys(app, &[Key::Enter, Key::Char('t'), Key::Esc, Key::Home]);
    let index = app.course.lessons[lesson]
        .exercises
        .iter()
        .position(|e| matches!(e, Exercise::Pair(_)))
        .expect("the lesson has a pair exercise");
    for _ in 0..index {
        keys(app, &[Key::Down]);
    }
    keys(app, &[Key::Enter]);
    assert_eq!(
        (app.screen, app.exercises_view.pane, app.exercises_view.selected),
        (Screen::Exercises, ExercisesPane::Detail, index)
    );
    (lesson, index)
}

#[test]
fn a_prediction_for_the_partner_is_graded_when_their_share_is_pasted() {
    let mut app = app();
    let (lesson, index) = at_pair(&mut app, "embarrassingly-parallel");
    let Exercise::Pair(pair) = app.course.lessons[lesson].exercises[index].clone() else { unreachable!() };
    assert!(app.course.lessons[lesson].optional_exercises[index], "pairing is not always possible");
    keys(&mut app, &[Key::Enter]);
    assert!(app.exercises_view.note.as_deref().is_some_and(|n| n.contains("Type your prediction")));
    type_text(&mut app, "1.5");
    keys(&mut app, &[Key::Enter]);
    assert!(app.share_input_open(), "Enter takes the prediction and opens the share line box");
    // Letters that are keys elsewhere (q, t, n, 1-5) are text in the box.
    let line = partner("pi", &pair.backend).encode();
    type_text(&mut app, "oops ");
    keys(&mut app, &[Key::Delete]);
    type_text(&mut app, &line[..line.len() - 9]);
    keys(&mut app, &[Key::Enter]);
    let note = app.exercises_view.note.clone().unwrap_or_default();
    assert!(note.contains("truncated"), "a cut line is refused with the reason: {note}");
    assert!(!app.exercise_record(lesson, index).unwrap().done);
    insta::assert_snapshot!("pair_share_box_80x24", render(&app, 80, 24));
    type_text(&mut app, &line[line.len() - 9..]);
    keys(&mut app, &[Key::Enter]);
    assert!(!app.share_input_open() && app.screen == Screen::Exercises);
    let record = app.exercise_record(lesson, index).unwrap();
    assert!(record.done);
    assert_eq!((record.prediction, record.passed), (Some(1.5), Some(true)));
    approx::assert_relative_eq!(record.measured.unwrap(), 1.6);
    assert_eq!(record.partner.as_deref(), Some("Intel Core i5-8250U, 4 of 4 CPUs (2 cores, SMT), Linux"));
    insta::assert_snapshot!("pair_graded_120x40", render(&app, 120, 40));
    // The verdict is kept in the progress file.
    let file = app.progress_file();
    let text = toml::to_string(&file).unwrap();
    let back = parlab::lessons::progress::parse(&text).unwrap();
    let id = &app.course.lessons[lesson].id;
    let saved = back.lessons[id].exercises.iter().find(|r| r.number == index + 1).expect("the pair record is kept");
    assert_eq!((saved.kind, saved.measured), (parlab::lessons::progress::ExerciseKind::Pair, record.measured));
}

#[test]
fn a_share_of_the_wrong_lesson_or_from_a_file() {
    let mut app = app();
    let (_, index) = at_pair(&mut app, "amdahl");
    type_text(&mut app, "0.1");
    keys(&mut app, &[Key::Enter]);
    type_text(&mut app, &partner("pi", "threads").encode());
    keys(&mut app, &[Key::Enter]);
    let note = app.exercises_view.note.clone().unwrap_or_default();
    assert!(note.contains("this share measured pi, not amdahl"), "{note}");
    // Esc closes the box; Enter with the prediction opens it again.
    keys(&mut app, &[Key::Esc]);
    assert!(!app.share_input_open());
    keys(&mut app, &[Key::Enter]);
    assert!(app.share_input_open());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partner.txt");
    // The amdahl kernel 10 % serial: 2.0 s and 1.1 s at 2 workers fit s = 0.1.
    let mut share = partner("amdahl", "threads");
    share.points[1].2 = 1.1;
    std::fs::write(&path, format!("# from the pad\n- bob: {}\n", share.encode())).unwrap();
    type_text(&mut app, path.to_str().unwrap());
    keys(&mut app, &[Key::Enter]);
    let lesson = app.opened;
    let record = app.exercise_record(lesson, index).unwrap();
    assert!(record.done, "{:?}", app.exercises_view.note);
    approx::assert_relative_eq!(record.measured.unwrap(), 0.1, epsilon = 1e-9);
    assert_eq!(record.passed, Some(true));
}
