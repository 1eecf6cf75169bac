//! Snapshots of every screen at 120x40 and 80x24, drawn from deterministic App states
//! (fixed machine facts, fake core samples, fake measurements) on ratatui's TestBackend.

use std::collections::BTreeMap;
use std::ops::Not;

use parlab::app::{App, Effect, Event, ExercisesPane, Key, LabRow, Screen};
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
        job: None,
        sockets: Vec::new(),
    }
}

fn app(cores: usize) -> App {
    // The Lab offers the py-* backends only where python3 runs: these screens are drawn
    // as on a machine without it, whatever this one has (tests/python.rs covers the rest).
    parlab::backends::python::pretend_absent();
    let course = lessons::embedded().expect("the embedded course loads");
    let mut app = App::new(course, facts(cores), true);
    app.workspace = std::path::PathBuf::from("/home/learner/parlab-work");
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
        scale: Default::default(),
        order: parlab::measure::Order::Sequential,
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
        commands: None,
        incomplete: false,
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
    keys(&mut app, &[Key::Char('5')]);
    assert_eq!(app.screen, Screen::Machine);
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
    app.set_reader_max_scroll(ui::reader_max_scroll(&app, area));
    assert!(app.reader_max_scroll() > 0, "the pi lesson is longer than the reader");
    let reader = ui::hit_test(&app, area, 60, 10).expect("the reader is under the mouse");
    assert_eq!(reader, Target::Reader);
    app.update(Event::Mouse(Mouse::ScrollDown(reader)));
    assert_eq!(app.reader_scroll, 3);
    for _ in 0..100 {
        app.update(Event::Mouse(Mouse::ScrollDown(reader)));
    }
    assert_eq!(app.reader_scroll, app.reader_max_scroll(), "scrolling stops at the end");

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

/// Types `text` as key presses.
fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Event::Key(Key::Char(c)));
    }
}

/// The pi lesson, found by its id so the tests do not depend on the course's order.
const PI: &str = "embarrassingly-parallel";
/// The GIL lesson.
const GIL: &str = "the-gil";
/// The race conditions lesson, with the racy counter to fix.
const RACE: &str = "race-conditions";

/// On the racy counter's code exercise: Enter, and the starter arrives in the workspace
/// as the main loop would report it.
fn watch_counter(app: &mut App) {
    let Some(Effect::PrepareCode { dir, file, fresh, .. }) = app.update(Event::Key(Key::Enter)) else {
        panic!("Enter puts the starter in the workspace")
    };
    assert_eq!((dir.to_str(), file.as_str(), fresh), (Some("/home/learner/parlab-work"), "07-counter.py", false));
    let path = dir.join(file);
    app.update(Event::CodePrepared(Ok(parlab::lessons::code::Prepared::Copied(path))));
    assert!(app.shown_code_is_watched());
}

#[test]
fn code_exercise_from_starter_to_passed() {
    use parlab::lessons::code::{Tone, Verdict};
    let mut app = app(2);
    open(&mut app, RACE);
    let race = lesson_index(&app, RACE);
    let index = exercise_of(&app, "Code");
    go_to_exercise(&mut app, index);
    both_sizes("code_exercise_start", &app);
    watch_counter(&mut app);
    let Some(Effect::CheckCode(check)) = app.update(Event::CodeSaved) else { panic!("a save is checked") };
    assert_eq!(check.path.to_str(), Some("/home/learner/parlab-work/07-counter.py"));
    assert!(app.update(Event::CodeSaved).is_none(), "a save during a check waits for it");
    let failed = Verdict {
        passed: false,
        speedup: Some(1.9),
        lines: vec![
            (Tone::Info, "Ran: python3 /home/learner/parlab-work/07-counter.py --workers 1".into()),
            (Tone::Good, "At 1 worker: result 5000 is right (420.0 ms).".into()),
            (Tone::Bad, "At 2 workers: counted 2500, not 5000: 2500 updates lost.".into()),
        ],
    };
    let again = app.update(Event::CodeChecked(failed));
    assert!(matches!(again, Some(Effect::CheckCode(_))), "the save made during the check is checked next");
    keys(&mut app, &[Key::Char('n')]);
    let passed = Verdict {
        passed: true,
        speedup: Some(0.9),
        lines: vec![
            (Tone::Info, "Ran: python3 /home/learner/parlab-work/07-counter.py --workers 1".into()),
            (Tone::Good, "At 1 worker: result 5000 is right (460.1 ms).".into()),
            (Tone::Good, "At 2 workers: result 5000 is right (577.4 ms).".into()),
            (Tone::Good, "No update was lost.".into()),
        ],
    };
    assert!(app.update(Event::CodeChecked(passed)).is_none());
    let record = app.exercise_record(race, index).unwrap();
    assert_eq!((record.done, record.attempts, record.hints, record.passed), (true, 2, 1, Some(true)));
    both_sizes("code_exercise_passed", &app);
    keys(&mut app, &[Key::Char('v')]);
    assert!(app.exercise_record(race, index).unwrap().solution_shown);
    insta::assert_snapshot!("code_exercise_solution_120x40", render(&app, 120, 40));
}

#[test]
fn the_python_twin_beside_the_lesson_and_in_the_lab() {
    let mut app = app(2);
    open(&mut app, PI);
    keys(&mut app, &[Key::Char('p')]);
    // The pi lesson opens on threads, which has no twin in this course yet.
    insta::assert_snapshot!("python_pane_missing_120x40", render(&app, 120, 40));
    keys(&mut app, &[Key::Char('p'), Key::Enter, Key::Left, Key::Char('p')]);
    assert_eq!(app.screen, Screen::Lab);
    both_sizes("python_pane_lab_seq", &app);
}

fn lesson_index(app: &App, id: &str) -> usize {
    app.course.lessons.iter().position(|l| l.id == id).expect("the lesson is in the course")
}

/// From the lesson list: highlight lesson `id` and read it.
fn open(app: &mut App, id: &str) {
    let index = lesson_index(app, id);
    to_list(app);
    keys(app, &[Key::Home]);
    for _ in 0..index {
        keys(app, &[Key::Down]);
    }
    keys(app, &[Key::Enter]);
    assert_eq!(app.opened, index);
}

/// The Lessons screen with the list taking the keys.
fn to_list(app: &mut App) {
    keys(app, &[Key::Char('1')]);
    if app.lessons_pane == parlab::app::LessonsPane::Reader {
        keys(app, &[Key::Esc]);
    }
    assert!(!app.quitting() && app.lessons_pane == parlab::app::LessonsPane::List);
}

/// Position of the first exercise of `kind` in the opened lesson.
fn exercise_of(app: &App, kind: &str) -> usize {
    app.opened_lesson()
        .unwrap()
        .exercises
        .iter()
        .position(|e| parlab::app::summary::kind_words(e) == kind)
        .expect("the lesson has such an exercise")
}

/// On the Exercises screen of the opened lesson: answer exercise `index`.
fn go_to_exercise(app: &mut App, index: usize) {
    keys(app, &[Key::Char('t'), Key::Esc, Key::Home]);
    for _ in 0..index {
        keys(app, &[Key::Down]);
    }
    keys(app, &[Key::Enter]);
    assert_eq!((app.screen, app.exercises_view.pane), (Screen::Exercises, ExercisesPane::Detail));
    assert_eq!(app.exercises_view.selected, index);
}

fn predict_of(app: &App, index: usize) -> parlab::lessons::Predict {
    match &app.opened_lesson().unwrap().exercises[index] {
        parlab::lessons::Exercise::Predict(p) => p.clone(),
        _ => panic!("exercise {index} predicts"),
    }
}

fn choice_of(app: &App, index: usize) -> parlab::lessons::Choice {
    match &app.opened_lesson().unwrap().exercises[index] {
        parlab::lessons::Exercise::Choice(c) => c.clone(),
        _ => panic!("exercise {index} is a question"),
    }
}

/// The option key for option `index` (from 0).
fn option_key(index: usize) -> Key {
    Key::Char(char::from(b'1' + index as u8))
}

/// The pi lesson's prediction typed as 1.8 and measured as the runner would: its
/// backend at 1 worker in 1.30 s and at the asked workers in 0.70 s.
fn predicted_and_measured(app: &mut App, busy: f64) -> (usize, Plan) {
    open(app, PI);
    let index = exercise_of(app, "Predict");
    go_to_exercise(app, index);
    let predict = predict_of(app, index);
    type_text(app, "1.8");
    let Some(Effect::StartRun(plan)) = app.update(Event::Key(Key::Enter)) else { panic!("Enter measures") };
    let points = vec![point(&predict.backend, 1, 1.30, 1.0), point(&predict.backend, predict.workers, 0.70, busy)];
    feed(app, &plan, points);
    let report = app.results.clone().unwrap();
    app.update(Event::Run(RunEvent::Finished(Box::new(report))));
    (index, plan)
}

#[test]
fn exercises_predict_before_measuring() {
    let mut app = app(2);
    open(&mut app, PI);
    let index = exercise_of(&app, "Predict");
    go_to_exercise(&mut app, index);
    type_text(&mut app, "1.8");
    both_sizes("exercises_predict_typing", &app);
}

#[test]
fn exercises_predict_while_measuring() {
    let mut app = app(2);
    open(&mut app, PI);
    let index = exercise_of(&app, "Predict");
    go_to_exercise(&mut app, index);
    let predict = predict_of(&app, index);
    type_text(&mut app, "1.8");
    let Some(Effect::StartRun(plan)) = app.update(Event::Key(Key::Enter)) else { panic!("Enter measures") };
    assert_eq!(plan.backends, std::slice::from_ref(&predict.backend));
    assert_eq!(plan.workers, [1, predict.workers], "the lesson's backend at 1 and the asked workers");
    assert_eq!(plan.spec.kernel, "pi");
    assert_eq!(app.screen, Screen::Exercises, "the learner watches the measurement where they predicted");
    app.update(Event::Run(RunEvent::Started { plan: plan.clone(), total_runs: 9 }));
    feed(&mut app, &plan, vec![point(&predict.backend, 1, 1.30, 1.0)]);
    app.update(Event::Run(RunEvent::PointStarted { backend: predict.backend.clone(), workers: predict.workers }));
    both_sizes("exercises_predict_measuring", &app);
}

#[test]
fn exercises_predict_measured() {
    let mut app = app(2);
    let (index, _) = predicted_and_measured(&mut app, 1.9);
    let pi = lesson_index(&app, PI);
    let predict = predict_of(&app, index);
    let record = app.exercise_record(pi, index).unwrap();
    assert!(record.done);
    let measured = record.measured.unwrap();
    assert!((measured - 1.30 / 0.70).abs() < 1e-9, "{measured}");
    let tolerance = parlab::app::exercises::tolerance(&predict);
    assert_eq!(record.passed, Some((1.8 - measured).abs() <= tolerance), "judged against the manifest's tolerance");
    assert!(app.running().not());
    both_sizes("exercises_predict_measured", &app);
}

#[test]
fn exercises_choice_answered_wrong_then_right() {
    let mut app = app(2);
    open(&mut app, PI);
    let index = exercise_of(&app, "Question");
    go_to_exercise(&mut app, index);
    let choice = choice_of(&app, index);
    let wrong = (choice.answer + 1) % choice.options.len();
    keys(&mut app, &[option_key(wrong), Key::Enter]);
    assert_eq!(app.screen, Screen::Exercises, "digits choose options here, they do not switch screens");
    let pi = lesson_index(&app, PI);
    let record = app.exercise_record(pi, index).unwrap();
    assert_eq!((record.chosen, record.done), (Some(wrong), false));
    both_sizes("exercises_choice_wrong", &app);
    // The app dates what it records with the time the events bring, never the clock's.
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_341_600);
    app.update(Event::Tick(at));
    keys(&mut app, &[option_key(choice.answer), Key::Enter]);
    let record = app.exercise_record(pi, index).unwrap();
    assert_eq!((record.chosen, record.done, record.attempts), (Some(choice.answer), true, 2));
    assert_eq!(record.when.as_deref(), Some("2026-11-22T10:00:00Z"));
    both_sizes("exercises_choice_right", &app);
}

#[test]
fn a_run_step_sets_up_the_lab_and_completes_when_measured() {
    let mut app = app(2);
    open(&mut app, GIL);
    let gil = lesson_index(&app, GIL);
    let index = exercise_of(&app, "Run");
    go_to_exercise(&mut app, index);
    both_sizes("exercises_run_step", &app);
    let parlab::lessons::Exercise::Run(step) = app.opened_lesson().unwrap().exercises[index].clone() else {
        panic!("a run step")
    };
    assert!(!app.exercise_record(gil, index).unwrap().done);
    app.update(Event::Key(Key::Enter));
    assert_eq!(app.screen, Screen::Lab);
    let lab = app.lab.as_ref().unwrap();
    assert_eq!((lab.cursor_backend(), lab.cursor_workers()), (Some(step.backend.as_str()), Some(step.workers)));
    let Some(Effect::StartRun(plan)) = app.update(Event::Key(Key::Char('r'))) else { panic!("r runs") };
    assert_eq!((plan.backends.as_slice(), plan.workers.as_slice()), (&[step.backend.clone()][..], &[step.workers][..]));
    let mut p = point(&step.backend, step.workers, 1.4, 1.1);
    p.kernel = app.opened_lesson().unwrap().kernel.clone();
    feed(&mut app, &plan, vec![p]);
    let record = app.exercise_record(gil, index).unwrap();
    assert!(record.done, "a finished point of the step's backend and workers on the lesson's kernel completes it");
    assert_eq!(record.busy_cores, Some(1.1));
}

/// Predicts, answers the question wrong then right, and opens two hints.
fn worked_through(app: &mut App) {
    predicted_and_measured(app, 1.9);
    let index = exercise_of(app, "Question");
    go_to_exercise(app, index);
    let choice = choice_of(app, index);
    let wrong = (choice.answer + 1) % choice.options.len();
    keys(app, &[option_key(wrong), Key::Enter, option_key(choice.answer), Key::Enter]);
    keys(app, &[Key::Esc, Key::Char('n'), Key::Char('n')]);
}

#[test]
fn progress_summary() {
    let mut app = app(2);
    worked_through(&mut app);
    app.message = None;
    keys(&mut app, &[Key::Char('4')]);
    assert_eq!(app.screen, Screen::Progress);
    assert_eq!(app.progress_selected, lesson_index(&app, PI), "the summary opens on the current lesson");
    both_sizes("progress_summary", &app);
    let markdown = parlab::app::summary::markdown(&app, "2026-11-22T10:00:00Z");
    insta::assert_snapshot!("progress_markdown", markdown);
}

#[test]
fn a_warning_shows_on_every_screen_until_a_key() {
    let mut app = app(2);
    app.warning = Some(
        "Progress file /home/l/progress.toml was damaged (expected `=`); it was kept as \
         /home/l/progress.toml.corrupt-1 and progress starts afresh."
            .into(),
    );
    let text = render(&app, 80, 24);
    assert!(text.contains("corrupt-1 and progress starts afresh"), "the whole warning is readable:\n{text}");
    insta::assert_snapshot!("warning_80x24", text);
    app.update(Event::Key(Key::Down));
    assert_eq!(app.warning, None);
}

#[test]
fn progress_survives_a_restart_and_resumes() {
    let mut first = app(2);
    worked_through(&mut first);
    keys(&mut first, &[Key::Char('2')]);
    let saved = first.progress_file();
    let text = toml::to_string(&saved).unwrap();
    let reloaded = parlab::lessons::progress::parse(&text).unwrap();
    let mut second = app(2);
    second.load_progress(&reloaded);
    let pi = lesson_index(&second, PI);
    assert_eq!(second.screen, Screen::Lab, "resumes on the screen the learner left");
    assert_eq!(second.opened, pi);
    assert_eq!(second.exercise_records, first.exercise_records);
    assert_eq!(second.lesson_record(pi).hints, 2);
    assert_eq!(second.lesson_record(pi).best, first.lesson_record(pi).best);
    assert_eq!(second.progress_file(), saved);
}

#[test]
fn jump_and_reset() {
    use parlab::app::Progress;
    let mut app = app(2);
    worked_through(&mut app);
    let pi = lesson_index(&app, PI);
    let last = app.course.lessons.len() - 1;
    assert!(last > pi, "the course goes on after the pi lesson");
    to_list(&mut app);
    keys(&mut app, &[Key::End, Key::Char('J')]);
    assert_eq!(app.opened, last);
    let mark = |app: &App, lesson: usize| app.lesson_record(lesson).mark;
    assert_eq!(mark(&app, last), Progress::Read);
    assert_eq!(mark(&app, pi), Progress::Ran, "a lesson worked on is not skipped");
    assert!((0..last).all(|i| i == pi || mark(&app, i) == Progress::Skipped));
    keys(&mut app, &[Key::Char('4'), Key::Home]);
    for _ in 0..pi {
        keys(&mut app, &[Key::Down]);
    }
    let question = app.course.lessons[pi]
        .exercises
        .iter()
        .position(|e| matches!(e, parlab::lessons::Exercise::Choice(_)))
        .unwrap();
    keys(&mut app, &[Key::Char('R')]);
    assert!(app.exercise_record(pi, question).unwrap().done, "one R only asks");
    keys(&mut app, &[Key::Char('R')]);
    assert!(!app.exercise_record(pi, question).unwrap().done, "R twice resets");
    assert_eq!(mark(&app, pi), Progress::New);
    assert_eq!(app.lesson_record(pi).hints, 0);
    assert_eq!(app.lesson_record(pi).best, None);
    // Jumping past it again marks it skipped: never opened now.
    keys(&mut app, &[Key::End, Key::Char('J')]);
    assert_eq!(mark(&app, pi), Progress::Skipped);
}

#[test]
fn exercises_choice_with_an_explanation_per_option() {
    use parlab::lessons::Exercise;
    let mut app = app(2);
    open(&mut app, PI);
    let index = exercise_of(&app, "Question");
    let pi = lesson_index(&app, PI);
    let Exercise::Choice(choice) = &mut app.course.lessons[pi].exercises[index] else { panic!("a choice") };
    choice.explanations = (0..choice.options.len()).map(|i| format!("Why option {} is what it is.", i + 1)).collect();
    let choice = choice.clone();
    let wrong = (choice.answer + 1) % choice.options.len();
    go_to_exercise(&mut app, index);
    keys(&mut app, &[option_key(wrong), Key::Enter]);
    let text = render(&app, 120, 40);
    assert!(text.contains(&format!("Why option {} is", wrong + 1)), "the chosen option's explanation shows:\n{text}");
    assert!(
        !text.contains(&format!("Why option {} is", choice.answer + 1)),
        "the right answer's stays hidden until it is found:\n{text}"
    );
    keys(&mut app, &[option_key(choice.answer), Key::Enter]);
    both_sizes("exercises_choice_explained", &app);
    let text = render(&app, 120, 40);
    for i in 0..choice.options.len() {
        assert!(text.contains(&format!("Why option {} is", i + 1)), "every option is explained once answered:\n{text}");
    }
}

#[test]
fn a_run_step_done_in_a_sweep_is_announced_after_the_sweep() {
    let mut app = app(2);
    open(&mut app, PI);
    let pi = lesson_index(&app, PI);
    let index = exercise_of(&app, "Run");
    keys(&mut app, &[Key::Enter, Key::Char('s')]);
    assert_eq!(app.screen, Screen::Lab);
    let Some(plan) = app.run.as_ref().map(|r| r.plan.clone()) else { panic!("s sweeps") };
    let points = sweep_points();
    feed(&mut app, &plan, points.clone());
    app.update(Event::Run(RunEvent::Finished(Box::new(app.results.clone().unwrap()))));
    let message = app.message.clone().unwrap();
    assert!(
        message.starts_with("Finished: 6 points") && message.contains(&format!("Exercise {} done", index + 1)),
        "{message}"
    );
    assert!(app.exercise_record(pi, index).unwrap().done);
    let fastest = app
        .results
        .as_ref()
        .unwrap()
        .points
        .iter()
        .filter(|p| p.workers > 1)
        .max_by(|a, b| a.speedup.unwrap().total_cmp(&b.speedup.unwrap()));
    let fastest = fastest.map(|p| (p.backend.clone(), p.workers));
    assert_eq!(
        app.lesson_record(pi).best.as_ref().map(|b| (b.backend.clone(), b.workers)),
        fastest,
        "the best speedup is kept"
    );
}

#[test]
fn lab_shows_the_walk_heat_map_on_m() {
    let mut app = app(2);
    walk_results(&mut app);
    assert!(!app.lab_map);
    keys(&mut app, &[Key::Char('m')]);
    assert!(app.lab_map, "m shows the heat map when the results hold one");
    both_sizes("lab_walk_heat_map", &app);
    let text = render(&app, 120, 40);
    assert!(text.contains("Heat map: where the walkers ended"));
    assert!(text.contains("20,000 walkers"));
    keys(&mut app, &[Key::Char('m')]);
    assert!(render(&app, 120, 40).contains("Speedup"), "m again brings the speedup chart back");
}

/// From the lesson list: the pi lesson's Lab after a sweep whose points hold a real walk
/// outcome (seeded, so the same every time), which has a heat map.
fn walk_results(app: &mut App) {
    keys(app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('s')]);
    let mut spec = KernelSpec::new("walk").unwrap();
    spec.size = 20_000;
    let workload = spec.build().unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let job =
        parlab::backends::Job { spec: &spec, workload: workload.as_ref(), workers: 1, cancel: &cancel, watch: None };
    let outcome = parlab::backends::find("seq").unwrap().execute(&job).unwrap().outcome;
    let mut plan = plan(&["threads", "rayon"]);
    plan.spec = spec;
    let points = sweep_points()
        .into_iter()
        .map(|mut p| {
            p.kernel = "walk".into();
            p.outcome = outcome.clone();
            p
        })
        .collect();
    feed(app, &plan, points);
    app.update(Event::Run(RunEvent::Finished(Box::new(app.results.clone().unwrap()))));
}

#[test]
fn m_without_a_heat_map_says_why() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('s')]);
    let plan = plan(&["threads", "rayon"]);
    feed(&mut app, &plan, sweep_points());
    keys(&mut app, &[Key::Char('m')]);
    assert!(!app.lab_map);
    assert!(app.message.as_deref().unwrap_or("").contains("No heat map"));
}

#[test]
fn values_that_vary_between_repetitions_are_listed_under_their_point() {
    let mut app = app(2);
    keys(&mut app, &[Key::Down, Key::Enter, Key::Enter, Key::Char('s')]);
    let plan = plan(&["threads", "rayon"]);
    let mut points = sweep_points();
    points[1].varying.insert("lost_updates".into(), vec![1_093_000.0, 987_500.0, 1_120_000.0]);
    feed(&mut app, &plan, points);
    let text = render(&app, 120, 40);
    assert!(text.contains("lost_updates: 1.09M 987.5k 1.12M"), "{text}");
}

/// States that between them put every key table's every command to work: each screen,
/// each pane and kind of exercise, idle and running, with cursors away from the ends.
fn key_states() -> Vec<(String, App)> {
    let mut states = Vec::new();
    let mut add = |name: &str, app: &App| states.push((name.to_string(), app.clone()));

    let mut a = app(2);
    keys(&mut a, &[Key::Down, Key::Down]);
    add("lesson list", &a);
    keys(&mut a, &[Key::Enter, Key::Down, Key::Down, Key::Down]);
    add("lesson text", &a);

    let mut a = app(2);
    open(&mut a, PI);
    keys(&mut a, &[Key::Enter]);
    assert_eq!(a.screen, Screen::Lab);
    add("lab setup", &a);
    keys(&mut a, &[Key::Char('s')]);
    add("lab running", &a);
    let plan = a.run.as_ref().unwrap().plan.clone();
    feed(&mut a, &plan, sweep_points());
    a.update(Event::Run(RunEvent::Finished(Box::new(a.results.clone().unwrap()))));
    keys(&mut a, &[Key::Tab, Key::Down]);
    a.message = None;
    add("lab results", &a);
    let mut a = app(2);
    walk_results(&mut a);
    a.message = None;
    add("lab with a heat map", &a);

    let mut a = app(2);
    open(&mut a, PI);
    keys(&mut a, &[Key::Char('t'), Key::Esc, Key::Home, Key::Down]);
    add("exercise list", &a);
    let mut a = app(2);
    open(&mut a, PI);
    let predict = exercise_of(&a, "Predict");
    go_to_exercise(&mut a, predict);
    type_text(&mut a, "1.5");
    add("predict", &a);
    keys(&mut a, &[Key::Enter]);
    assert!(a.running());
    add("predict measuring", &a);

    let mut a = app(2);
    open(&mut a, PI);
    let question = exercise_of(&a, "Question");
    let pi = lesson_index(&a, PI);
    let parlab::lessons::Exercise::Choice(choice) = &mut a.course.lessons[pi].exercises[question] else {
        panic!("a question")
    };
    // Nine options, so every option key has one to choose.
    choice.options = (1..=9).map(|i| format!("option {i}")).collect();
    go_to_exercise(&mut a, question);
    keys(&mut a, &[Key::Home]);
    add("question, first option", &a);
    keys(&mut a, &[Key::Char('5')]);
    add("question, fifth option", &a);

    let mut a = app(2);
    open(&mut a, GIL);
    let step = exercise_of(&a, "Run");
    go_to_exercise(&mut a, step);
    add("run step", &a);

    let mut a = app(2);
    open(&mut a, PI);
    keys(&mut a, &[Key::Enter, Key::Left, Key::Char('p')]);
    assert!(a.code_pane);
    add("lab with the python pane", &a);
    keys(&mut a, &[Key::PageDown]);
    assert!(a.code_scroll > 0);
    add("lab with the python pane scrolled", &a);

    let mut a = app(2);
    open(&mut a, RACE);
    let code = exercise_of(&a, "Code");
    go_to_exercise(&mut a, code);
    add("code exercise", &a);
    keys(&mut a, &[Key::PageDown]);
    add("code exercise scrolled", &a);
    watch_counter(&mut a);
    add("code exercise watched", &a);
    assert!(matches!(a.update(Event::Key(Key::Char('r'))), Some(Effect::CheckCode(_))));
    add("code exercise checking", &a);

    let mut a = app(2);
    keys(&mut a, &[Key::Char('4'), Key::Down, Key::Down]);
    add("progress", &a);

    let mut a = app(2);
    keys(&mut a, &[Key::Char('5'), Key::Down, Key::Down]);
    add("machine", &a);
    states
}

/// The footer and help lines of every command of `screen`'s table and of the keys that
/// work everywhere, with their keys.
fn registered(screen: Screen) -> Vec<(&'static str, parlab::app::HelpLine, Vec<Key>)> {
    use parlab::app::keys::{GLOBAL, Table, table};
    let global = GLOBAL.commands().into_iter().map(|(line, keys)| ("Everywhere", line, keys));
    global.chain(table(screen).commands().into_iter().map(move |(line, keys)| (screen.title(), line, keys))).collect()
}

#[test]
fn every_key_handled_is_listed_and_every_key_listed_is_handled() {
    use std::collections::BTreeSet;
    let mut worked = BTreeSet::new();
    for (name, state) in key_states() {
        for key in Key::all() {
            let mut after = state.clone();
            let effect = after.update(Event::Key(key));
            let did_something = effect.is_some() || after != state;
            match state.command_taking(key) {
                Some(line) if did_something => {
                    worked.insert((state.screen.title(), line.keys, line.help, format!("{key:?}")));
                }
                Some(_) => {}
                None => assert!(!did_something, "{name}: {key:?} does something, but no command lists it"),
            }
        }
    }
    for screen in Screen::ALL {
        for (group, line, keys) in registered(screen) {
            for key in keys {
                let somewhere = |title: &str| worked.contains(&(title, line.keys, line.help, format!("{key:?}")));
                let ok = if group == "Everywhere" {
                    Screen::ALL.iter().any(|s| somewhere(s.title()))
                } else {
                    somewhere(screen.title())
                };
                assert!(
                    ok,
                    "{group}: {key:?} of \"{} {}\" is listed but did nothing in any state",
                    line.keys, line.help
                );
            }
        }
    }
}

#[test]
fn every_key_is_visible_in_the_footer_or_the_help_at_120x40() {
    for (name, state) in key_states() {
        let text = render(&state, 120, 40);
        let footer = text.lines().nth(39).unwrap();
        let more = footer.contains("more: ?");
        for key in state.footer_keys() {
            let shown = footer.contains(&format!("{} {}", key.keys, key.label));
            assert!(
                shown || more,
                "{name}: footer key {} {} is dropped without a sign:\n{footer}",
                key.keys,
                key.label
            );
        }
        let mut help = state.clone();
        help.update(Event::Key(Key::Char('?')));
        assert!(help.help, "{name}: ? opens the help");
        let text = render(&help, 120, 40);
        for (group, line, _) in registered(state.screen) {
            let shown = format!("{:<12} {}", line.keys, line.help);
            assert!(
                text.lines().any(|l| l.contains(&shown)),
                "{name}: the help does not show \"{shown}\" ({group}):\n{text}"
            );
        }
    }
}
