//! The login-node guard in the terminal lab, driven through the app with the guard's
//! detection injected (`App::login_node`, which `parlab` fills at start-up unless
//! `--force`): the Lab's default sweep, a prediction's measurement and the learner's own
//! command are capped as `parlab run` caps them, with the note on the warning line.

use std::collections::BTreeMap;

use parlab::app::{App, Effect, Event, Key, Screen};
use parlab::lessons;
use parlab::sysmon::MachineFacts;
use parlab::sysmon::login::{LOGIN_SIZE_DIVISOR, LoginNode};

/// A 64-CPU login node's app, with the guard's verdict `login_node`.
fn app(login_node: Option<LoginNode>) -> App {
    parlab::backends::python::pretend_absent();
    let course = lessons::embedded().expect("the embedded course loads");
    let facts = MachineFacts {
        cpu_model: "Example CPU @ 3.0GHz".into(),
        logical_cores: 64,
        physical_cores: Some(32),
        available_parallelism: 64,
        affinity: Some((0..64).collect()),
        cgroup_cpu_quota: None,
        env: BTreeMap::new(),
        memory_total_bytes: 256 << 30,
        memory_available_bytes: 200 << 30,
        os: "Linux (Example 1)".into(),
        host: "login1".into(),
        job: None,
        sockets: Vec::new(),
    };
    let mut app = App::new(course, facts, true);
    app.login_node = login_node;
    app
}

fn crowded() -> Option<LoginNode> {
    Some(LoginNode { users: 30, cpu_limit: None })
}

fn lab_sweep(app: &mut App) -> parlab::measure::Plan {
    let lesson = app.course.lessons.iter().position(|l| l.id == "amdahl").unwrap();
    app.open_lab(lesson);
    assert_eq!(app.screen, Screen::Lab);
    match app.update(Event::Key(Key::Char('s'))) {
        Some(Effect::StartRun(plan)) => plan,
        other => panic!("s sweeps: {other:?}"),
    }
}

#[test]
fn the_labs_default_sweep_is_capped_on_a_login_node_with_one_note() {
    let mut free = app(None);
    let full = lab_sweep(&mut free);
    assert!(full.workers.iter().any(|&w| w > 2), "64 CPUs: a wide default sweep {:?}", full.workers);
    assert!(free.warning.is_none());

    let mut app = app(crowded());
    let plan = lab_sweep(&mut app);
    assert_eq!(plan.workers, [1, 2]);
    let default = parlab::kernels::find("amdahl").unwrap().default_size();
    assert!(plan.spec.size <= default / LOGIN_SIZE_DIVISOR, "{} of {default}", plan.spec.size);
    assert_eq!(
        app.run.as_ref().map(|r| r.plan.workers.clone()),
        Some(vec![1, 2]),
        "the progress shows the capped plan"
    );
    let note = app.warning.clone().unwrap_or_default();
    for words in ["login node", "30 people logged in", "srun", "--pty parlab", "--force"] {
        assert!(note.contains(words), "{words}: {note}");
    }
}

#[test]
fn a_prediction_and_the_learners_command_are_capped_too() {
    let mut app = app(Some(LoginNode { users: 1, cpu_limit: Some(1.0) }));
    let lesson = app.course.lessons.iter().position(|l| l.id == "amdahl").unwrap();
    app.open_lab(lesson);
    // The learner's own command, typed on the Lab's command line.
    app.update(Event::Key(Key::Char('!')));
    app.update(Event::Key(Key::Delete));
    for c in "python3 -c pass {workers}".chars() {
        app.update(Event::Key(Key::Char(c)));
    }
    app.update(Event::Key(Key::Enter));
    match app.update(Event::Key(Key::Char('s'))) {
        Some(Effect::StartCommands(plan)) => assert_eq!(plan.workers, [1]),
        other => panic!("s sweeps the command: {other:?}"),
    }
    assert!(app.warning.as_deref().is_some_and(|n| n.contains("a limit of 1 CPUs per user")));

    // The lesson's prediction (threads at 2 workers) keeps its points at a tenth of the size.
    let mut app = app_at_prediction(crowded(), lesson);
    match app.update(Event::Key(Key::Enter)) {
        Some(Effect::StartRun(plan)) => {
            assert_eq!(plan.workers, [1, 2]);
            let default = parlab::kernels::find("amdahl").unwrap().default_size();
            assert!(plan.spec.size <= default / LOGIN_SIZE_DIVISOR);
        }
        other => panic!("Enter measures the prediction: {other:?}"),
    }
    assert!(app.warning.as_deref().is_some_and(|n| n.contains("login node")));
}

fn app_at_prediction(login_node: Option<LoginNode>, lesson: usize) -> App {
    let mut app = app(login_node);
    app.opened = lesson;
    app.show(Screen::Exercises);
    assert!(matches!(
        app.opened_lesson().unwrap().exercises[app.exercises_view.selected],
        lessons::Exercise::Predict(_)
    ));
    for c in "1.8".chars() {
        app.update(Event::Key(Key::Char(c)));
    }
    app
}
