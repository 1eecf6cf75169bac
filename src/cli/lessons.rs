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
            // Every prediction and claim was checked by loading, through the figure model
            // the Exercises screen and the claims test measure them with.
            let claims: usize = course.lessons.iter().map(|l| l.claims.len()).sum();
            let predictions = course
                .lessons
                .iter()
                .flat_map(|l| &l.exercises)
                .filter(|e| matches!(e, lessons::Exercise::Predict(_)))
                .count();
            println!(
                "{name}: {} lessons, {predictions} predictions and {claims} claims, no problems found",
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

/// Opens the terminal lab (parlab with no command), at `lesson`'s Lab when given.
pub fn open_lab(dir: Option<&Path>, size: Option<u64>, lesson: Option<&str>, present: bool) -> Result<ExitCode> {
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
    crate::tui::run(course, size, start, present)?;
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
