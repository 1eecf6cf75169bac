//! `parlab share`: prints the one line that carries the learner's last results (or a
//! results.json) to the workshop pad, with their predictions and an anonymous machine
//! class. `parlab room` reads these lines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::ShareArgs;
use super::plot::read_report;
use super::usage_error;
use crate::export::share::{self, Prediction, Share};
use crate::lessons::progress::{self, ExerciseKind, ProgressFile};

/// Prints the share line of the results asked for.
pub fn share(args: &ShareArgs) -> Result<ExitCode> {
    let path: PathBuf = match &args.results {
        Some(path) => path.clone(),
        None => match share::last_path() {
            Some(path) if path.exists() => path,
            Some(path) => {
                return Ok(usage_error(format!(
                    "no results yet ({} does not exist): run a sweep first (`parlab run pi` or `r` in the lab), or give a results.json: `parlab share results.json`",
                    path.display()
                )));
            }
            None => {
                return Ok(usage_error(
                    "no data folder on this system: give a results.json, `parlab share results.json`",
                ));
            }
        },
    };
    let report = match read_report(&path) {
        Ok(report) => report,
        Err(message) => return Ok(usage_error(message)),
    };
    let predictions =
        if args.no_predictions { Vec::new() } else { predictions_from(progress::default_path().as_deref()) };
    let line = Share::of(&report, predictions).encode();
    println!("{line}");
    if !args.quiet {
        eprintln!(
            "Paste this line into the workshop pad ({} characters; no host or user name; `parlab room` reads it). Results from {}.",
            line.len(),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The predictions the learner measured, from their progress file (none when it is
/// missing or unreadable: a share never fails for want of them).
pub fn predictions_from(path: Option<&Path>) -> Vec<Prediction> {
    let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) else { return Vec::new() };
    progress::parse(&text).map(|file| predictions(&file)).unwrap_or_default()
}

/// Every measured prediction of a progress file, `lesson#number`.
pub fn predictions(file: &ProgressFile) -> Vec<Prediction> {
    let mut out = Vec::new();
    for (lesson, record) in &file.lessons {
        for exercise in &record.exercises {
            if !matches!(exercise.kind, ExerciseKind::Predict | ExerciseKind::Pair) {
                continue;
            }
            if let (Some(guess), Some(measured)) = (exercise.prediction, exercise.measured)
                && guess.is_finite()
                && measured.is_finite()
                && measured != 0.0
            {
                out.push(Prediction { exercise: format!("{lesson}#{}", exercise.number), guess, measured });
            }
        }
    }
    out
}
