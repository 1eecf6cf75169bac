//! A results folder: results.json, results.csv, report.md and every chart the results
//! allow, as PNG and SVG. `parlab run --out`, `parlab plot` and the lab's `e` key all
//! write it through [`write_bundle`]. This is the one place export draws charts, so it
//! uses [`crate::plot`] (plot never uses export).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::markdown::{Image, to_markdown};
use super::{csv, json, write_new};
use crate::files;
use crate::measure::Report;
use crate::plot::{self, Chart, Format, Heatmap, TimeScale};

/// Pixel size of the PNG charts: twice 800 x 500, sharp in documents and on slides.
pub const PNG_SIZE: (u32, u32) = (1600, 1000);
/// Nominal size of the SVG charts (they scale without loss).
pub const SVG_SIZE: (u32, u32) = (800, 500);

/// One file of a bundle, before it is written.
pub struct BundleFile {
    /// File name inside the bundle folder.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Every file of the bundle for `report`, in memory: pure function of the results.
pub fn bundle_files(report: &Report) -> Result<Vec<BundleFile>> {
    let heatmap = Heatmap::from_report(report);
    let mut charts: Vec<(String, String, Chart<'_>)> = Vec::new();
    let title = plot::kernel_title(report);
    if plot::has_scaling(report) {
        charts.push(("speedup".into(), format!("Speedup vs workers, {title}"), Chart::Speedup(report)));
        charts.push(("efficiency".into(), format!("Efficiency vs workers, {title}"), Chart::Efficiency(report)));
    }
    if !report.points.is_empty() {
        charts.push(("time".into(), format!("Time vs workers, {title}"), Chart::Time(report, TimeScale::auto(report))));
    }
    if let Some(map) = &heatmap {
        charts.push((format!("{}-heatmap", report.plan.spec.kernel), map.title.clone(), Chart::Heatmap(map)));
    }

    let mut files = vec![
        BundleFile { name: "results.json".into(), bytes: json::to_json(report).into_bytes() },
        BundleFile { name: "results.csv".into(), bytes: csv::to_csv(report).into_bytes() },
    ];
    let images: Vec<Image> = charts
        .iter()
        .map(|(stem, caption, _)| Image { path: format!("{stem}.png"), caption: caption.clone() })
        .collect();
    files.push(BundleFile { name: "report.md".into(), bytes: to_markdown(report, &images).into_bytes() });
    for (stem, _, chart) in &charts {
        for (format, size) in [(Format::Png, PNG_SIZE), (Format::Svg, SVG_SIZE)] {
            let bytes = chart.render(format, size).with_context(|| format!("Failed to draw {stem}"))?;
            files.push(BundleFile { name: format!("{stem}.{}", format.extension()), bytes });
        }
    }
    Ok(files)
}

/// Writes the bundle into `dir` (created if needed) and returns the paths written.
/// Without `force`, nothing is written if any of the files already exists.
pub fn write_bundle(report: &Report, dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let files = bundle_files(report)?;
    if !force {
        let existing: Vec<String> =
            files.iter().map(|f| dir.join(&f.name)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
        if !existing.is_empty() {
            bail!("{} already exist; pass --force to replace them or choose another folder", existing.join(", "));
        }
    }
    fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(&file.name);
        write_new(&path, &file.bytes, force)?;
        written.push(path);
    }
    Ok(written)
}

/// What the lab's `e` key does: writes the bundle into `dir`, or into `dir-2`, `dir-3`,
/// ... when `dir` already holds files. Returns the folder used and the files written.
/// The host name is left out (the lab has no `--with-host`).
pub fn write_bundle_fresh(report: &Report, dir: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    let target = fresh_dir(dir);
    let written = write_bundle(&super::without_host(report, false), &target, false)?;
    Ok((target, written))
}

/// `dir` if it does not exist or is empty, else the first of `dir-2`, `dir-3`, ... that
/// does not exist or is empty (the numbering of [`files::numbered`]). Never returns a
/// folder that already holds files.
pub fn fresh_dir(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let parent = dir.parent().unwrap_or_else(|| Path::new(""));
    files::numbered(parent, &name, None).find(|candidate| is_free(candidate)).unwrap_or_else(|| dir.to_path_buf())
}

fn is_free(dir: &Path) -> bool {
    match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => !dir.exists(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_dir_numbers_busy_folders() {
        let root = tempfile::tempdir().unwrap();
        let results = root.path().join("results");
        assert_eq!(fresh_dir(&results), results);
        fs::create_dir(&results).unwrap();
        assert_eq!(fresh_dir(&results), results, "an empty folder is free");
        fs::write(results.join("a"), "x").unwrap();
        assert_eq!(fresh_dir(&results), root.path().join("results-2"));
        fs::create_dir(root.path().join("results-2")).unwrap();
        fs::write(root.path().join("results-2/a"), "x").unwrap();
        assert_eq!(fresh_dir(&results), root.path().join("results-3"));
        // A trailing slash names the same folder.
        let slashed = PathBuf::from(format!("{}/", results.display()));
        assert_eq!(fresh_dir(&slashed), root.path().join("results-3"));
    }
}
