//! `parlab lessons list|check` and opening the terminal lab on a course.

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
        println!("{:>3}. {:<40} {} on {}", i + 1, lesson.title, lesson.kernel, lesson.backends.join(", "));
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

/// Opens the terminal lab (parlab with no command), at `lesson`'s Lab when given.
pub fn open_lab(dir: Option<&Path>, size: Option<u64>, lesson: Option<&str>) -> Result<ExitCode> {
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
    crate::tui::run(course, size, start)?;
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
