//! `parlab lessons list|check|export|plan` and opening the terminal lab on a course.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::{EXIT_USAGE, usage_error};
use crate::lessons::{self, LessonError};

fn print_errors(errors: &[LessonError]) {
    for error in errors {
        eprintln!("{error}");
    }
}

/// Lists the lessons of the course.
pub fn list(dir: Option<&Path>) -> Result<ExitCode> {
    let course = match lessons::load_course(dir) {
        Ok(course) => course,
        Err(errors) => {
            print_errors(&errors);
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    println!("{} ({})", course.title, course.origin);
    for (i, lesson) in course.lessons.iter().enumerate() {
        let minutes = lesson.minutes.map_or(String::new(), |m| format!("{m:>3} min "));
        let optional = if lesson.optional { " (optional)" } else { "" };
        println!(
            "{:>3}. {:<40} {minutes}{} on {}{optional}",
            i + 1,
            lesson.title,
            lesson.kernel,
            lesson.backends.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a course folder, or the built-in course when `dir` is `None`.
pub fn check(dir: Option<&Path>) -> Result<ExitCode> {
    match lessons::load_course(dir) {
        Ok(course) => {
            let name = dir.map_or_else(|| "the built-in course".to_string(), |d| d.display().to_string());
            let python_problems = check_python(&course, dir);
            if !python_problems.is_empty() {
                for problem in &python_problems {
                    eprintln!("{problem}");
                }
                let count = python_problems.len();
                eprintln!("{count} problem{} found", if count == 1 { "" } else { "s" });
                return Ok(ExitCode::from(EXIT_USAGE));
            }
            // Every prediction and claim was checked by loading, through the figure model
            // the Exercises screen and the claims test measure them with.
            let claims: usize = course.lessons.iter().map(|l| l.claims.len()).sum();
            let predictions = course
                .lessons
                .iter()
                .flat_map(|l| &l.exercises)
                .filter(|e| matches!(e, lessons::Exercise::Predict(_)))
                .count();
            let code = course
                .lessons
                .iter()
                .flat_map(|l| &l.exercises)
                .filter(|e| matches!(e, lessons::Exercise::Code(_)))
                .count();
            let code = if code > 0 { format!(", {code} code exercises") } else { String::new() };
            let pairs = course
                .lessons
                .iter()
                .flat_map(|l| &l.exercises)
                .filter(|e| matches!(e, lessons::Exercise::Pair(_)))
                .count();
            let code = if pairs > 0 { format!("{code}, {pairs} pair exercises") } else { code };
            let form = lessons::check_form(dir, &course);
            if !form.problems.is_empty() {
                print_errors(&form.problems);
                let n = form.problems.len();
                eprintln!("{n} problem{} found", if n == 1 { "" } else { "s" });
                return Ok(ExitCode::from(EXIT_USAGE));
            }
            let notes = match (dir, form.notes) {
                (None, _) => "instructor's notes are not built in (check the course folder for them)".to_string(),
                (Some(_), 0) => format!("no {}/ folder, so no instructor's notes to check", lessons::form::NOTES_DIR),
                (Some(_), n) => format!("{n} instructor's notes"),
            };
            println!(
                "{name}: {} lessons (objectives, minutes and key points in each), {predictions} predictions{code} and {claims} claims, {notes}; no problems found",
                course.lessons.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            print_errors(&errors);
            eprintln!("{} problem{} found", errors.len(), if errors.len() == 1 { "" } else { "s" });
            Ok(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// Parses every code exercise's starter and solution with python3 (`ast.parse`), so a
/// course never hands a learner a file that cannot run. Without python3 it says so on
/// stderr and checks nothing more.
fn check_python(course: &lessons::Course, dir: Option<&Path>) -> Vec<String> {
    let python = lessons::code::python();
    let mut problems = Vec::new();
    let mut python_missing = false;
    for lesson in &course.lessons {
        for exercise in &lesson.exercises {
            let lessons::Exercise::Code(code) = exercise else { continue };
            for name in [&code.starter, &code.solution] {
                let Some(text) = lesson.file_text(name) else { continue };
                match lessons::code::python_parses(&python, text) {
                    None => python_missing = true,
                    Some(Ok(())) => {}
                    Some(Err(why)) => {
                        let shown =
                            dir.map_or_else(|| format!("lessons/{name}"), |d| d.join(name).display().to_string());
                        problems.push(format!("{shown}: is not valid Python: {why}"));
                    }
                }
            }
        }
    }
    if python_missing {
        eprintln!("note: {python} cannot be started, so the code exercises' files were not parsed");
    }
    problems
}

/// Writes the built-in course into `dir`: a new or empty folder, or any with `force`.
pub fn export(dir: &Path, force: bool) -> Result<ExitCode> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) if !force => {
            return Ok(usage_error(format!(
                "{} already holds files; give a new or empty folder, or pass --force to replace files of the same name",
                dir.display()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                return Ok(usage_error(format!("{}: cannot create the folder: {e}", dir.display())));
            }
        }
        Err(e) => return Ok(usage_error(format!("{}: {e}", dir.display()))),
    }
    for (name, text) in lessons::embedded_files() {
        crate::export::write_new(&dir.join(name), text.as_bytes(), force)?;
    }
    println!(
        "wrote the built-in course ({} files) to {}; edit course.toml, then: parlab lessons check {0} && parlab --lessons {0}",
        lessons::embedded_files().len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints a schedule for `minutes` from the course's minutes and this machine's sweeps.
pub fn plan(dir: Option<&Path>, minutes: u32, budget: Option<f64>) -> Result<ExitCode> {
    use crate::lessons::plan::{self, DEFAULT_MINUTES, OPTIONAL_EXERCISE_MINUTES, SWEEPS_PER_LESSON};
    let course = match lessons::load_course(dir) {
        Ok(course) => course,
        Err(errors) => {
            print_errors(&errors);
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let budget_s = budget.unwrap_or(crate::measure::budget::DEFAULT_BUDGET_S);
    let facts = crate::sysmon::MachineFacts::detect();
    eprintln!("parlab: timing a short probe of each lesson's kernel on this machine...");
    let fitted = plan::fit_course(&course, budget_s, &facts);
    let sweeps: Vec<Option<f64>> = fitted.iter().map(|f| f.as_ref().map(|f| f.sweep_s)).collect();
    let schedule = plan::schedule(plan::slots(&course, &sweeps), minutes);
    let shown = |s: f64| if s >= 10.0 { format!("{s:.0} s") } else { format!("{s:.1} s") };
    println!(
        "{}: a plan for {minutes} min on this machine ({} CPUs; each Lab's sweep fitted to about {})",
        course.title,
        facts.available_parallelism,
        shown(budget_s)
    );
    println!(
        "
  start   min  lesson                                            sweep"
    );
    let mut clock = 0.0_f64;
    for slot in &schedule.kept {
        let lesson = &course.lessons[slot.index];
        let mut notes = Vec::new();
        if !slot.given {
            notes.push(format!("no minutes in the course: {DEFAULT_MINUTES} assumed"));
        }
        if slot.optional_exercises > 0 {
            notes.push(format!("{} optional exercise(s)", slot.optional_exercises));
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join("; ")) };
        let start = clock.round() as u64;
        println!(
            "  {:>2}:{:02}  {:>4.0}  {:<48}  {:>7}{notes}",
            start / 60,
            start % 60,
            slot.planned,
            format!("{}. {}", slot.index + 1, lesson.title),
            slot.sweep_s.map_or("?".into(), |s| format!("~{}", shown(s))),
        );
        clock += slot.planned;
    }
    let spare = f64::from(minutes) - schedule.total;
    println!(
        "
  total {:.0} of {minutes} min; {:.0} min to spare",
        schedule.total,
        spare.max(0.0)
    );
    if schedule.cut.is_empty() {
        println!("  nothing to cut.");
    } else {
        println!(
            "
Cut (optional lessons first, then from the end):"
        );
        for (slot, why) in &schedule.cut {
            let lesson = &course.lessons[slot.index];
            println!("  {}. {} ({:.0} min, {why})", slot.index + 1, lesson.title, slot.planned);
        }
    }
    let optional: usize = schedule.kept.iter().map(|s| s.optional_exercises).sum();
    if optional > 0 {
        println!(
            "
The {optional} optional exercise(s) above are extensions for fast finishers: skipping them saves about {} min.",
            optional as u32 * OPTIONAL_EXERCISE_MINUTES
        );
    }
    println!(
        "
Minutes are the course's (reading, exercises and {SWEEPS_PER_LESSON} sweeps); a sweep this machine takes longer than {} adds the difference.",
        shown(budget_s)
    );
    if schedule.kept.iter().any(|s| s.sweep_s.is_some_and(|t| t > budget_s * 1.5)) {
        println!(
            "Sweeps well above the budget: the lesson's size could not shrink further (at most 10x below its own)."
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the terminal lab (parlab with no command), at `lesson`'s Lab when given, with
/// each Lab's sweep fitted to `budget` seconds (the built-in course: the default budget).
pub fn open_lab(
    dir: Option<&Path>,
    size: Option<u64>,
    lesson: Option<&str>,
    budget: Option<f64>,
    present: bool,
    high_contrast: bool,
    force: bool,
) -> Result<ExitCode> {
    let course = match lessons::load_course(dir) {
        Ok(course) => course,
        Err(errors) => {
            print_errors(&errors);
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let start = match lesson.map(|l| find_lesson(&course, l)).transpose() {
        Ok(start) => start,
        Err(message) => return Ok(usage_error(message)),
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Ok(usage_error(
            "the terminal lab needs an interactive terminal; see `parlab --help` for the commands that do not",
        ));
    }
    // The built-in course is fitted to the default budget; an own course only when asked.
    // Each Lab is fitted when first opened (a short probe of its kernel), not at start-up.
    let budget = budget.or_else(|| dir.is_none().then_some(crate::measure::budget::DEFAULT_BUDGET_S));
    let login_node = if force { None } else { crate::sysmon::login::detect(&crate::sysmon::MachineFacts::detect()) };
    crate::tui::run(course, size, start, present, high_contrast, login_node, budget)?;
    Ok(ExitCode::SUCCESS)
}

/// The lesson `--lesson` names: its number (from 1) or its id.
pub fn find_lesson(course: &lessons::Course, text: &str) -> std::result::Result<usize, String> {
    let text = text.trim();
    let count = course.lessons.len();
    if let Ok(number) = text.parse::<usize>() {
        return if (1..=count).contains(&number) {
            Ok(number - 1)
        } else {
            Err(format!("--lesson {text}: the course has lessons 1 to {count} (see `parlab lessons list`)"))
        };
    }
    course.lessons.iter().position(|l| l.id == text).ok_or_else(|| {
        let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
        format!("--lesson {text}: no lesson has that number or id; ids: {}", ids.join(", "))
    })
}
