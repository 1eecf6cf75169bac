//! `parlab plot`: redraws the charts and the report from a saved results.json without
//! rerunning; also the `--plot FILE` and `--out DIR` writers `parlab run` shares.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::{PlotArgs, usage_error};
use crate::export::{self, bundle};
use crate::measure::Report;
use crate::plot::{Chart, Format};

/// Runs `parlab plot`.
pub fn plot(args: &PlotArgs) -> Result<ExitCode> {
    if let Some(path) = &args.plot
        && let Some(code) = check_plot_target(path, args.force)
    {
        return Ok(code);
    }
    let mut reports = Vec::new();
    for path in &args.results {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => return Ok(usage_error(format!("cannot read {}: {e}", path.display()))),
        };
        match export::json::from_json(&text) {
            Ok(report) => reports.push((path.clone(), report)),
            Err(e) => return Ok(usage_error(json_error(path, &e))),
        }
    }
    let first = args.results[0].clone();
    let report = if reports.len() == 1 {
        reports.remove(0).1
    } else {
        let labels = labels(&args.results);
        Report::compare(reports.into_iter().zip(labels).map(|((_, report), label)| (label, report)).collect())
    };
    if let Some(path) = &args.plot {
        write_plot(&report, path, args.force)?;
        if args.out.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let out = args.out.clone().unwrap_or_else(|| default_out(&first));
    write_out(&report, &out, args.force)?;
    Ok(ExitCode::SUCCESS)
}

/// "results.json:3:15: expected `,` or `}` (...)": where the file stops being a report.
fn json_error(path: &Path, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    format!(
        "{}:{}:{}: {message} (expected a results.json written by `parlab run --json FILE` or `--out DIR`)",
        path.display(),
        error.line(),
        error.column()
    )
}

/// A short label per file for compared series: the file's name, or its folder's when
/// the files are all called results.json; numbered when two are still alike.
fn labels(paths: &[PathBuf]) -> Vec<String> {
    let name = |p: &PathBuf| {
        let stem = p.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        match p.parent().and_then(Path::file_name) {
            Some(dir) if stem == "results" => dir.to_string_lossy().into_owned(),
            _ => stem,
        }
    };
    let names: Vec<String> = paths.iter().map(name).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| if names.iter().filter(|m| *m == n).count() > 1 { format!("{n}#{}", i + 1) } else { n.clone() })
        .collect()
}

/// results/results.json -> results/results-plots.
fn default_out(results: &Path) -> PathBuf {
    let stem = results.file_stem().map_or_else(|| "results".into(), |s| s.to_string_lossy().into_owned());
    results.with_file_name(format!("{stem}-plots"))
}

/// Refuses, before any work, a `--plot` file that is not .png/.svg or already exists.
pub(super) fn check_plot_target(path: &Path, force: bool) -> Option<ExitCode> {
    if let Err(e) = Format::from_path(path) {
        return Some(usage_error(format!("--plot {e}")));
    }
    if path.exists() && !force {
        return Some(usage_error(format!("{} already exists; pass --force to replace it", path.display())));
    }
    None
}

/// Draws the speedup chart into `path` (PNG or SVG by its extension).
pub(super) fn write_plot(report: &Report, path: &Path, force: bool) -> Result<()> {
    let format = Format::from_path(path)?;
    let size = match format {
        Format::Png => bundle::PNG_SIZE,
        Format::Svg => bundle::SVG_SIZE,
    };
    let bytes = Chart::Speedup(report).render(format, size)?;
    export::write_new(path, &bytes, force)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Writes the whole bundle into `dir`, or into a fresh numbered folder when `dir`
/// already holds files and `force` is not given (and says so).
pub(super) fn write_out(report: &Report, dir: &Path, force: bool) -> Result<PathBuf> {
    let target = if force { dir.to_path_buf() } else { bundle::fresh_dir(dir) };
    if target != dir {
        eprintln!(
            "{} already holds files; writing to {} instead (pass --force to write into {} and replace files)",
            dir.display(),
            target.display(),
            dir.display()
        );
    }
    let written = bundle::write_bundle(report, &target, force)?;
    let names: Vec<String> =
        written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    eprintln!("wrote {} files to {}: {}", written.len(), target.display(), names.join(", "));
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_name_line_and_column() {
        let error = export::json::from_json("{\n  \"parlab_version\": 3,\n}").unwrap_err();
        let message = json_error(Path::new("r.json"), &error);
        assert!(message.starts_with("r.json:2:"), "{message}");
        assert!(!message.contains(" at line "), "{message}");
    }

    #[test]
    fn default_folder_is_named_after_the_file() {
        assert_eq!(default_out(Path::new("results/results.json")), PathBuf::from("results/results-plots"));
        assert_eq!(default_out(Path::new("pi.json")), PathBuf::from("pi-plots"));
    }
}
