//! `parlab plot`: redraws the charts and the report from a saved results.json without
//! rerunning; also the `--plot FILE` and `--out DIR` writers `parlab run` shares.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::{PlotArgs, usage_error};
use crate::export::{self, bundle, json};
use crate::measure::Report;
use crate::plot::{Chart, Format};

/// Runs `parlab plot`.
pub fn plot(args: &PlotArgs) -> Result<ExitCode> {
    if let Some(path) = &args.plot
        && let Some(code) = check_plot_target(path, args.force)
    {
        return Ok(code);
    }
    let first = args.results[0].clone();
    let out = args.out.clone().unwrap_or_else(|| default_out(&first));
    if (args.plot.is_none() || args.out.is_some())
        && let Err(why) = check_out_dir(&out)
    {
        return Ok(usage_error(format!("--out {}: {why}", out.display())));
    }
    let mut reports = Vec::new();
    for path in &args.results {
        match read_report(path) {
            Ok(report) => reports.push(report),
            Err(message) => return Ok(usage_error(message)),
        }
    }
    let report = if reports.len() == 1 {
        reports.remove(0)
    } else if let Some(joined) = super::batch::join_array(&reports) {
        eprintln!("{} results of one sweep (a `parlab batch --per-count` array): merged into one", reports.len());
        joined
    } else {
        Report::compare(labels(&args.results).into_iter().zip(reports).collect())
    };
    if let Some(path) = &args.plot {
        write_plot(&report, path, args.force)?;
        if args.out.is_none() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    write_out(&crate::export::without_host(&report, args.with_host), &out, args.force)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads and checks a results file; the message names the file and, where the bytes
/// are at fault, the line and column, or else the field.
pub(super) fn read_report(path: &Path) -> Result<Report, String> {
    let shown = path.display();
    let bytes = read_capped(path, json::MAX_BYTES).map_err(|why| format!("cannot read {shown}: {why}"))?;
    json::load(&bytes).map_err(|e| match e {
        json::LoadError::Invalid(_) => {
            format!("{shown}: {e} (expected a results.json written by `parlab run --json FILE` or `--out DIR`)")
        }
        _ => format!("{shown}:{e} (expected a results.json written by `parlab run --json FILE` or `--out DIR`)"),
    })
}

/// A regular file's bytes, refusing devices, folders and files above `cap` bytes.
fn read_capped(path: &Path, cap: u64) -> std::result::Result<Vec<u8>, String> {
    let file = fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!("larger than {} MiB; a results.json is far smaller", cap >> 20));
    }
    Ok(bytes)
}

/// Whether `dir` can become the results folder: a folder, or a path that does not exist
/// yet under a folder parlab can write in. Checked before any work, so a long run never
/// ends in "cannot write".
pub(super) fn check_out_dir(dir: &Path) -> std::result::Result<(), String> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => probe_writable(dir),
        Ok(_) => Err("is not a folder; give a folder (new or existing) for the results".into()),
        Err(_) => writable_ancestor(dir),
    }
}

/// Whether a file can be written at `path`: an existing regular file (replaced only
/// with --force, checked elsewhere), or a new name in a folder parlab can write in.
pub(super) fn check_out_file(path: &Path) -> std::result::Result<(), String> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => writable_ancestor(path),
        Ok(meta) if meta.is_dir() => Err("is a folder; give a file name".into()),
        Ok(_) => Err("is not a regular file".into()),
        Err(_) => writable_ancestor(path),
    }
}

/// The nearest existing folder above `path` must be a folder parlab can create files in.
fn writable_ancestor(path: &Path) -> std::result::Result<(), String> {
    let mut parent = path.parent();
    while let Some(dir) = parent {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => return probe_writable(dir),
            Ok(_) => return Err(format!("{} is not a folder", dir.display())),
            Err(_) => parent = dir.parent(),
        }
    }
    Ok(())
}

/// Creates and removes an empty file in `dir`: the only honest test of "can write here"
/// (permission bits say nothing about read-only mounts, and root passes them all).
fn probe_writable(dir: &Path) -> std::result::Result<(), String> {
    let probe = dir.join(format!(".parlab-probe-{}", std::process::id()));
    match fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!("cannot write in {}: {e}", dir.display())),
    }
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
        return Some(usage_error(format!("--plot {} already exists; pass --force to replace it", path.display())));
    }
    if let Err(why) = check_out_file(path) {
        return Some(usage_error(format!("--plot {}: {why}", path.display())));
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
    fn default_folder_is_named_after_the_file() {
        assert_eq!(default_out(Path::new("results/results.json")), PathBuf::from("results/results-plots"));
        assert_eq!(default_out(Path::new("pi.json")), PathBuf::from("pi-plots"));
    }
}
