//! The terminal: raw mode, alternate screen and mouse capture on the way in, always
//! undone on the way out (normal quit, Ctrl-C, SIGTERM/SIGHUP, panic); and the main
//! loop that selects on input, sysmon, run and signal events, feeds them to
//! [`App::update`], carries out its effects and redraws at most ~10 times a second
//! (4 while a run is being timed).

use std::io::{self, Stdout};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, never, select, unbounded};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
    MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::layout::Rect;

use crate::app::{App, Effect, Event, Key, Mouse, runlog};
use crate::lessons::{Course, progress};
use crate::measure::{RunError, RunEvent, RunHandle, Runner};
use crate::sysmon::{MachineFacts, Sampler};
use crate::ui;

/// Time between redraws when idle (at most ~10 frames a second).
const FRAME: Duration = Duration::from_millis(100);
/// Time between redraws while a sample is being timed: fewer frames, less noise.
const FRAME_WHILE_RUNNING: Duration = Duration::from_millis(250);
/// How often sysmon samples every core.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// Whether the environment asks for no colour (https://no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
}

/// Restores the terminal when dropped, whatever the way out.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Only the main thread's panic ends the lab; a runner thread that dies is
        // reported as a failed run by the main loop, which keeps the terminal.
        if thread::current().name() == Some("main") {
            restore();
        }
        previous(info);
    }));
}

fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode().context("Failed to switch the terminal to raw mode")?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, ratatui::crossterm::cursor::Hide)
        .context("Failed to enter the alternate screen")?;
    Terminal::new(CrosstermBackend::new(io::stdout())).context("Failed to start drawing")
}

/// Signals that must end the lab with the terminal restored.
fn signals() -> Receiver<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let (tx, rx) = unbounded();
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) {
        let _ = thread::Builder::new().name("parlab-signals".into()).spawn(move || {
            for _ in signals.forever() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
    }
    rx
}

/// Reads terminal events on their own thread (crossterm's read blocks).
fn input() -> Receiver<TermEvent> {
    let (tx, rx) = unbounded();
    let _ = thread::Builder::new().name("parlab-input".into()).spawn(move || {
        while let Ok(event) = event::read() {
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    rx
}

fn key(event: KeyEvent) -> Option<Key> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    if event.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(event.code, KeyCode::Char('c')).then_some(Key::CtrlC);
    }
    Some(match event.code {
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Char(c) => Key::Char(c),
        _ => return None,
    })
}

/// Feeds `event` to the app, dated: the app never reads the clock itself.
fn update(app: &mut App, event: Event) -> Option<Effect> {
    app.update(Event::Tick(SystemTime::now()));
    app.update(event)
}

/// How often the watched code exercise file is looked at for a save.
const WATCH_EVERY: Duration = Duration::from_millis(400);

/// Checks a learner's file on its own thread; returns the flag that cancels it.
fn start_check(
    check: crate::app::CodeCheck,
    cpus: usize,
    done: crossbeam_channel::Sender<crate::lessons::code::Verdict>,
) -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    thread::spawn(move || {
        let verdict = match std::env::current_exe() {
            Ok(program) => crate::lessons::code::check(
                &program,
                &crate::lessons::code::python(),
                &check.path,
                &check.exercise,
                cpus,
                &flag,
            ),
            Err(e) => crate::lessons::code::Verdict {
                passed: false,
                speedup: None,
                lines: vec![(crate::lessons::code::Tone::Bad, format!("cannot find parlab's own program: {e}"))],
            },
        };
        let _ = done.send(verdict);
    });
    cancel
}

/// Folder (in the current directory) that `e` exports into; taken names get -2, -3, ...
const EXPORT_DIR: &str = "parlab-results";
/// File name (in the current directory, without `.md`) of the progress summary `e` writes.
const PROGRESS_EXPORT: &str = "parlab-progress";

/// Opens the terminal lab on `course`; `size` overrides every lesson's size; `start`
/// opens that lesson's Lab at once (`parlab --lesson N`); `present` is projector mode;
/// `high_contrast` the high-contrast theme; `login_node` caps every sweep (a shared login
/// node outside a job, unless `--force`); `budget_s` fits each Lab's size to about that
/// many seconds of sweep when it is first opened.
pub fn run(
    course: Course,
    size: Option<u64>,
    start: Option<usize>,
    present: bool,
    high_contrast: bool,
    login_node: Option<crate::sysmon::login::LoginNode>,
    budget_s: Option<f64>,
) -> Result<()> {
    let facts = MachineFacts::detect();
    let mut app = App::new(course, facts.clone(), !no_color());
    app.present = present;
    app.high_contrast = high_contrast;
    app.login_node = login_node;
    app.fit_budget = budget_s;
    app.size_override = size;
    // Progress is a convenience: a damaged or unreadable file is reported, never fatal.
    let mut saver = None;
    if let Some(path) = progress::default_path() {
        let loaded = progress::load(&path);
        app.load_progress(&loaded.progress);
        app.warning = loaded.warning;
        if loaded.writable {
            app.progress_path = Some(path.display().to_string());
            saver = Some(progress::Saver::start(path));
        }
    }
    if let Some(path) = progress::default_path() {
        // The Lab's remembered commands live beside the progress file.
        let (row, warning) = crate::app::command_row::CommandRow::beside(&path);
        app.command_row = row;
        app.warning = app.warning.take().or(warning);
    }
    if let Some(lesson) = start {
        app.open_lesson(lesson);
        app.open_lab(lesson);
    }
    let save_errors = saver.as_ref().map_or_else(never, |s: &progress::Saver| s.errors.clone());
    // The run log: every finished point is appended at once; a damaged log is set aside
    // now, with a warning, so the learner hears of it before a run.
    let runlog_path = runlog::default_path();
    if let Some(path) = &runlog_path
        && let Some(warning) = runlog::load(path).warning
    {
        app.warning = Some(match app.warning.take() {
            Some(first) => format!("{first} {warning}"),
            None => warning,
        });
    }
    let mut run_log = runlog_path.clone().map(runlog::Writer::start);
    let run_log_errors = run_log.as_ref().map_or_else(never, |w: &runlog::Writer| w.errors.clone());
    let (runs_loaded_tx, runs_loaded) = unbounded::<runlog::Loaded>();
    let mut runs_started = 0usize;
    let mut run_id = String::new();
    install_panic_hook();
    let mut terminal = enter()?;
    let _restore = Restore;
    terminal.draw(|frame| ui::draw(frame, &app))?;
    // The pseudo-terminal tests check that a panic still restores the terminal.
    if std::env::var_os("PARLAB_TEST_PANIC").is_some() {
        panic!("PARLAB_TEST_PANIC is set: panicking after the first frame");
    }

    let input = input();
    let signals = signals();
    let sampler = Sampler::start(SAMPLE_EVERY).ok().map(Arc::new);
    let runner = Runner::new(facts, sampler.clone());
    let cpu = sampler.as_ref().map_or_else(never, |s| s.events().clone());
    let mut handle: Option<RunHandle> = None;
    // Exports draw charts and write files: done on their own thread, reported back here.
    let (exported_tx, exported) = unbounded::<Result<String, String>>();
    let (progress_exported_tx, progress_exported) = unbounded::<Result<String, String>>();
    // Code exercises: checks run on their own thread; the watched file is polled.
    let (code_checked_tx, code_checked) = unbounded::<crate::lessons::code::Verdict>();
    // Lab sizes: each fitted on its own thread when its Lab is first opened.
    let (fitted_tx, fitted) = unbounded::<(usize, Option<crate::lessons::plan::Fitted>)>();
    let mut code_cancel: Option<Arc<AtomicBool>> = None;
    let watch_ticks = crossbeam_channel::tick(WATCH_EVERY);
    let mut watched: Option<(std::path::PathBuf, Option<SystemTime>)> = None;
    let mut dirty = false;
    let mut last_draw = Instant::now();

    while !app.quitting() {
        for lesson in std::mem::take(&mut app.fit_requests) {
            let (Some(l), Some(budget_s)) = (app.course.lessons.get(lesson).cloned(), app.fit_budget) else { continue };
            let (tx, facts) = (fitted_tx.clone(), app.facts.clone());
            std::thread::spawn(move || {
                let _ = tx.send((lesson, crate::lessons::plan::fit_lesson(&l, budget_s, &facts)));
            });
        }
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        let runs = handle.as_ref().map_or_else(never, |h| h.events.clone());
        let watching = if app.code_watch().is_some() { watch_ticks.clone() } else { never() };
        let interval = if app.running() { FRAME_WHILE_RUNNING } else { FRAME };
        let wait = if dirty { (last_draw + interval).saturating_duration_since(Instant::now()) } else { Duration::MAX };
        let mut effect = None;
        select! {
            recv(input) -> event => {
                let Ok(event) = event else { break };
                app.set_reader_max_scroll(ui::reader_max_scroll(&app, area));
                app.set_code_max_scroll(ui::code_max_scroll(&app, area));
                let event = match event {
                    TermEvent::Key(k) => key(k).map(Event::Key),
                    TermEvent::Mouse(m) => {
                        let target = ui::hit_test(&app, area, m.column, m.row);
                        match m.kind {
                            MouseEventKind::Down(MouseButton::Left) => target.map(|t| Event::Mouse(Mouse::Click(t))),
                            MouseEventKind::ScrollUp => target.map(|t| Event::Mouse(Mouse::ScrollUp(t))),
                            MouseEventKind::ScrollDown => target.map(|t| Event::Mouse(Mouse::ScrollDown(t))),
                            _ => None,
                        }
                    }
                    TermEvent::Resize(..) => Some(Event::Resize),
                    _ => None,
                };
                // When the terminal is too small only the way out works.
                let event = match event {
                    Some(Event::Key(Key::Char('q') | Key::Esc)) if ui::too_small(&app, area) => Some(Event::Terminate),
                    other => other,
                };
                if let Some(event) = event {
                    effect = update(&mut app, event);
                    dirty = true;
                }
            }
            recv(cpu) -> snapshot => {
                if let Ok(snapshot) = snapshot {
                    update(&mut app, Event::Cpu(snapshot));
                    dirty = true;
                }
            }
            recv(runs) -> event => {
                match event {
                    Ok(event) => {
                        if let RunEvent::Finished(report) = &event {
                            // The learner's last results, for `parlab share` (never fatal).
                            crate::export::share::save_last(report);
                        }
                        if let (RunEvent::PointFinished { point, report }, Some(writer)) = (&event, &run_log) {
                            writer.append(&run_id, report, point);
                        }
                        update(&mut app, Event::Run(event));
                    }
                    Err(_) => {
                        handle = None;
                        if app.running() {
                            // The runner ended without a last word: it panicked.
                            update(&mut app, Event::Run(RunEvent::Failed(RunError::Panicked)));
                            terminal.clear()?;
                        }
                    }
                }
                dirty = true;
            }
            recv(fitted) -> result => {
                if let Ok((lesson, fitted)) = result {
                    update(&mut app, Event::LessonFitted(lesson, fitted));
                    dirty = true;
                }
            }
            recv(exported) -> result => {
                if let Ok(result) = result {
                    update(&mut app, Event::Exported(result));
                    dirty = true;
                }
            }
            recv(progress_exported) -> result => {
                if let Ok(result) = result {
                    update(&mut app, Event::ProgressExported(result));
                    dirty = true;
                }
            }
            recv(save_errors) -> why => {
                if let Ok(why) = why {
                    update(&mut app, Event::ProgressSaveFailed(why));
                    dirty = true;
                }
            }
            recv(runs_loaded) -> loaded => {
                if let Ok(loaded) = loaded {
                    update(&mut app, Event::RunsLoaded(loaded));
                    dirty = true;
                }
            }
            recv(run_log_errors) -> why => {
                if let Ok(why) = why {
                    update(&mut app, Event::RunLogFailed(why));
                    dirty = true;
                }
            }
            recv(code_checked) -> verdict => {
                if let Ok(verdict) = verdict {
                    code_cancel = None;
                    effect = update(&mut app, Event::CodeChecked(verdict));
                    dirty = true;
                }
            }
            recv(watching) -> _ => {
                // A save shows as a new modification time of the watched file.
                if let Some(path) = app.code_watch().map(Path::to_path_buf) {
                    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                    let changed = match &watched {
                        Some((seen, before)) if *seen == path => *before != modified && modified.is_some(),
                        _ => false,
                    };
                    watched = Some((path, modified));
                    if changed {
                        effect = update(&mut app, Event::CodeSaved);
                        dirty = true;
                    }
                }
            }
            recv(signals) -> _ => {
                effect = update(&mut app, Event::Terminate);
            }
            default(wait.min(Duration::from_secs(3600))) => {}
        }
        match effect {
            Some(Effect::StartRun(plan)) => {
                runs_started += 1;
                run_id = runlog::new_id(runs_started);
                handle = Some(runner.start(plan));
            }
            Some(Effect::StartCommands(plan)) => {
                runs_started += 1;
                run_id = runlog::new_id(runs_started);
                handle = Some(runner.start_commands(*plan));
            }
            Some(Effect::LoadRuns) | Some(Effect::DeleteRun(_)) => {
                let tx = runs_loaded_tx.clone();
                let path = runlog_path.clone();
                let delete = match &effect {
                    Some(Effect::DeleteRun(id)) => Some(id.clone()),
                    _ => None,
                };
                thread::spawn(move || {
                    let Some(path) = path else {
                        let warning = Some("There is no data folder to keep a run log in.".to_string());
                        let _ = tx.send(runlog::Loaded { warning, ..runlog::Loaded::default() });
                        return;
                    };
                    let deleted = delete.map(|id| runlog::delete(&path, &id));
                    let mut loaded = runlog::load(&path);
                    if let Some(Err(e)) = deleted {
                        loaded.warning = Some(format!("Could not delete the run from {} ({e}).", path.display()));
                    }
                    let _ = tx.send(loaded);
                });
            }
            Some(Effect::CancelRun) => {
                if let Some(h) = &handle {
                    h.cancel();
                }
            }
            Some(Effect::Export(report)) => {
                let tx = exported_tx.clone();
                thread::spawn(move || {
                    let result = crate::export::bundle::write_bundle_fresh(&report, Path::new(EXPORT_DIR))
                        .map(|(folder, _)| std::path::absolute(&folder).unwrap_or(folder).display().to_string())
                        .map_err(|e| format!("{e:#}"));
                    let _ = tx.send(result);
                });
            }
            Some(Effect::ExportProgress(text)) => {
                let tx = progress_exported_tx.clone();
                thread::spawn(move || {
                    let result = progress::write_fresh(Path::new("."), PROGRESS_EXPORT, "md", &text)
                        .map(|file| std::path::absolute(&file).unwrap_or(file).display().to_string())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(result);
                });
            }
            Some(Effect::PrepareCode { dir, file, starter, fresh }) => {
                // A small file write: done here, and the file's time is taken afresh so
                // that putting the starter in place does not count as a save.
                let prepared = crate::lessons::code::prepare(&dir, &file, &starter, fresh);
                watched = prepared.as_ref().ok().map(|p| {
                    let modified = std::fs::metadata(p.path()).and_then(|m| m.modified()).ok();
                    (p.path().to_path_buf(), modified)
                });
                if let Some(Effect::CheckCode(check)) = update(&mut app, Event::CodePrepared(prepared)) {
                    code_cancel = Some(start_check(*check, app.facts.available_parallelism, code_checked_tx.clone()));
                }
                dirty = true;
            }
            Some(Effect::CheckCode(check)) => {
                code_cancel = Some(start_check(*check, app.facts.available_parallelism, code_checked_tx.clone()));
            }
            Some(Effect::CancelCode) => {
                if let Some(cancel) = &code_cancel {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
            Some(Effect::Quit) | None => {}
        }
        // Taken whether or not there is a saver, so it does not pile up.
        if app.take_progress_changed()
            && let Some(saver) = &saver
        {
            saver.save(app.progress_file());
        }
        if app.quitting() {
            break;
        }
        if dirty && last_draw.elapsed() >= interval {
            terminal.draw(|frame| ui::draw(frame, &app))?;
            last_draw = Instant::now();
            dirty = false;
        }
    }
    restore();
    if let Some(writer) = run_log.take() {
        writer.finish(Duration::from_secs(2));
    }
    if let Some(cancel) = &code_cancel {
        // The check's thread kills its python's process group when it sees this.
        cancel.store(true, Ordering::Relaxed);
    }
    if let Some(saver) = saver.take() {
        saver.save(app.progress_file());
        saver.finish(Duration::from_secs(2));
    }
    if let Some(handle) = handle.take() {
        handle.cancel();
        // A backend in the middle of a long execution may take a moment to notice;
        // the shell is already restored, so wait briefly and then leave without it.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !handle.is_finished() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        if !handle.is_finished() {
            std::mem::forget(handle);
        }
    }
    Ok(())
}
