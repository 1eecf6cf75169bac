//! `parlab room`: the workshop's results in one report. Reads share lines (a pad saved
//! as text: other lines are counted and ignored) and results.json files, and writes
//! room.md with the room's speedup curves, the fitted serial fractions against the
//! configured one, the prediction errors per exercise and the outliers. Offline: files
//! in, files out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::RoomArgs;
use super::usage_error;
use crate::export::share::{MachineClass, Share};
use crate::export::{json, write_new};
use crate::plot::{Chart, Distribution, Format, RoomChart, RoomCurve};

/// Largest input file read (a pad of a thousand lines is well under a megabyte).
const MAX_INPUT: u64 = 64 << 20;
/// Speedup this far from the room's median (as a ratio either way) makes an outlier.
const FAR_RATIO: f64 = 1.35;
/// Pixel sizes of the charts (as the results bundle).
const PNG_SIZE: (u32, u32) = (1600, 1000);
const SVG_SIZE: (u32, u32) = (800, 500);

/// One result and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// `pad.txt:7` or `alice.json`.
    pub source: String,
    /// The result.
    pub share: Share,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Results read.
    pub entries: Vec<Entry>,
    /// Share lines read, and results files read.
    pub from_lines: usize,
    pub from_files: usize,
    /// Lines with no share on them (blank lines not counted).
    pub ignored_lines: usize,
    /// The same share pasted again.
    pub duplicates: usize,
    /// Lines that hold a share parlab cannot read: `file:line: why`.
    pub rejected: Vec<String>,
}

/// Reads every input: a file starting with `{` is a results.json, anything else is
/// text with share lines. An unreadable file is an error naming it; a bad line is
/// only listed.
pub fn gather(inputs: &[PathBuf]) -> Result<Gathered, String> {
    let mut gathered = Gathered::default();
    for path in inputs {
        let shown = path.display().to_string();
        let bytes = read_capped(path).map_err(|why| format!("cannot read {shown}: {why}"))?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            let report =
                json::load(&bytes).map_err(|e| format!("{shown}:{e} (expected a results.json or share lines)"))?;
            gathered.entries.push(Entry { source: shown, share: Share::of(&report, Vec::new()) });
            gathered.from_files += 1;
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (number, line) in text.lines().enumerate() {
            let Some(token) = share_token(line) else {
                if !line.trim().is_empty() {
                    gathered.ignored_lines += 1;
                }
                continue;
            };
            match Share::decode(token) {
                Ok(share) => {
                    if gathered.entries.iter().any(|e| e.share == share) {
                        gathered.duplicates += 1;
                    } else {
                        gathered.entries.push(Entry { source: format!("{shown}:{}", number + 1), share });
                        gathered.from_lines += 1;
                    }
                }
                Err(why) => gathered.rejected.push(format!("{shown}:{}: {why}", number + 1)),
            }
        }
    }
    Ok(gathered)
}

/// The share on a line of a pad (see [`crate::export::share::token`]).
pub use crate::export::share::token as share_token;

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_INPUT {
        return Err(format!("larger than {} MiB", MAX_INPUT >> 20));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// Why a result is listed as an outlier.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    /// Where it came from.
    pub source: String,
    /// Its machine.
    pub machine: String,
    /// One sentence per reason.
    pub reasons: Vec<String>,
}

/// The room, analysed.
#[derive(Debug)]
pub struct Room {
    /// The kernel charted.
    pub kernel: String,
    /// The backend charted.
    pub backend: String,
    /// Results of that kernel with a curve of that backend.
    pub curves: Vec<(Entry, Vec<(usize, f64)>)>,
    /// Results left out, with why.
    pub left_out: Vec<String>,
    /// (workers, learners, median, lowest, highest), over points within each learner's CPUs.
    pub median: Vec<(usize, usize, f64, f64, f64)>,
    /// The configured serial fraction, when the kernel has one.
    pub configured_serial: Option<f64>,
    /// Fitted serial fractions of the charted backend.
    pub serial_fractions: Vec<f64>,
    /// Exercise -> prediction errors, in % of the measured value (every result, every kernel).
    pub prediction_errors: BTreeMap<String, Vec<f64>>,
    /// Outliers.
    pub outliers: Vec<Outlier>,
}

fn most_common<'a>(items: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for item in items {
        match counts.iter_mut().find(|(i, _)| *i == item) {
            Some((_, n)) => *n += 1,
            None => counts.push((item, 1)),
        }
    }
    // The first seen wins a tie (stable order).
    counts
        .iter()
        .fold(None::<(&str, usize)>, |best, &(i, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((i, n)),
        })
        .map(|(i, _)| i.to_string())
}

/// Median of `values` (NaN-free), `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}

/// Analyses the room: chooses kernel and backend (most common, unless given), builds
/// the curves and the median, and finds the outliers.
pub fn analyse(entries: &[Entry], kernel: Option<&str>, backend: Option<&str>) -> Result<Room, String> {
    if entries.is_empty() {
        return Err("no results to show: no share line or results file was read".into());
    }
    let kernel = match kernel {
        Some(k) => k.to_string(),
        None => most_common(entries.iter().map(|e| e.share.kernel.as_str())).unwrap_or_default(),
    };
    let of_kernel: Vec<&Entry> = entries.iter().filter(|e| e.share.kernel == kernel).collect();
    if of_kernel.is_empty() {
        let kernels: Vec<String> = entries.iter().map(|e| e.share.kernel.clone()).collect();
        return Err(format!(
            "--kernel {kernel}: no result measured it (the results measured: {})",
            dedup(kernels).join(", ")
        ));
    }
    fn curve_of(e: &Entry, b: &str) -> Vec<(usize, f64)> {
        e.share
            .backend_index(b)
            .map(|i| e.share.speedups(i).iter().map(|(w, s, _)| (*w, *s)).collect())
            .unwrap_or_default()
    }
    let backend = match backend {
        Some(b) => b.to_string(),
        None => {
            let scaling = of_kernel.iter().flat_map(|e| {
                e.share
                    .backends
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| e.share.speedups(*i).len() >= 2)
                    .map(|(_, b)| b.as_str())
            });
            most_common(scaling).ok_or_else(|| {
                format!("no result of {kernel} has a backend measured at 1 worker and more: nothing to draw")
            })?
        }
    };
    let mut left_out: Vec<String> = entries
        .iter()
        .filter(|e| e.share.kernel != kernel)
        .map(|e| format!("{}: measured {}, not {kernel} (choose with --kernel)", e.source, e.share.kernel))
        .collect();
    let mut curves = Vec::new();
    for e in &of_kernel {
        let curve = curve_of(e, &backend);
        if curve.len() >= 2 {
            curves.push(((*e).clone(), curve));
        } else {
            left_out.push(format!("{}: no {backend} curve (measured {})", e.source, e.share.backends.join(", ")));
        }
    }
    if curves.is_empty() {
        return Err(format!("--backend {backend}: no result of {kernel} measured it at 1 worker and more"));
    }

    // The room's median at each worker count, over points within each learner's CPUs.
    let mut by_count: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for (e, curve) in &curves {
        for &(w, s) in curve {
            if w <= e.share.machine.available {
                by_count.entry(w).or_default().push(s);
            }
        }
    }
    let median_rows: Vec<(usize, usize, f64, f64, f64)> = by_count
        .iter()
        .filter_map(|(&w, values)| {
            let m = median(values)?;
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some((w, values.len(), m, lo, hi))
        })
        .collect();

    let configured_serial = configured_serial(&kernel, &of_kernel);
    let serial_fractions: Vec<f64> = curves
        .iter()
        .filter_map(|(e, _)| e.share.backend_index(&backend).and_then(|i| e.share.serial_fraction(i)))
        .collect();
    let mut prediction_errors: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for e in entries {
        for p in &e.share.predictions {
            prediction_errors.entry(p.exercise.clone()).or_default().push(p.error() * 100.0);
        }
    }

    let fit_median = median(&serial_fractions);
    let fit_mad = fit_median.map(|m| {
        let deviations: Vec<f64> = serial_fractions.iter().map(|s| (s - m).abs()).collect();
        median(&deviations).unwrap_or(0.0)
    });
    let mut outliers = Vec::new();
    for (e, curve) in &curves {
        let share = &e.share;
        let index = share.backend_index(&backend).unwrap_or(0);
        let mut reasons = Vec::new();
        let points = share.points_of(index);
        let noisy: Vec<String> = points.iter().filter(|p| p.noisy()).map(|p| p.workers().to_string()).collect();
        if !noisy.is_empty() {
            let worst = points.iter().map(|p| p.spread()).fold(0.0, f64::max);
            reasons.push(format!(
                "noisy: repetitions spread above 5 % at {} worker{} (up to {:.0} %): the machine was busy",
                noisy.join(", "),
                if noisy == ["1"] { "" } else { "s" },
                worst * 100.0
            ));
        }
        let cpus = share.machine.available;
        let over: Vec<usize> = points.iter().filter(|p| p.workers() > cpus).map(|p| p.workers()).collect();
        let widest = over.iter().copied().max().unwrap_or(0);
        if over.len() > 1 || widest > 2 * cpus {
            reasons.push(format!(
                "oversubscribed: up to {widest} workers on {cpus} CPU{} ({} worker counts beyond the CPUs)",
                if cpus == 1 { "" } else { "s" },
                over.len()
            ));
        }
        for &(w, s) in curve {
            let Some(&(_, n, m, _, _)) = median_rows.iter().find(|r| r.0 == w) else { continue };
            if w > cpus || n < 3 || w == 1 {
                continue;
            }
            if s > m * FAR_RATIO || s < m / FAR_RATIO {
                reasons.push(format!("far from the room: {s:.2}x at {w} workers where the room's median is {m:.2}x"));
                break;
            }
        }
        if let (Some(m), Some(mad), Some(s)) = (fit_median, fit_mad, share.serial_fraction(index))
            && serial_fractions.len() >= 3
            && (s - m).abs() > (3.0 * 1.4826 * mad).max(0.1)
        {
            reasons.push(format!("fitted serial fraction {s:.3} where the room's median is {m:.3}"));
        }
        if !reasons.is_empty() {
            outliers.push(Outlier { source: e.source.clone(), machine: share.machine.describe(), reasons });
        }
    }
    Ok(Room {
        kernel,
        backend,
        curves,
        left_out,
        median: median_rows,
        configured_serial,
        serial_fractions,
        prediction_errors,
        outliers,
    })
}

/// The serial fraction the kernel was configured with: its `serial` parameter, or the
/// parameter's default when the kernel has one and the most common results did not set it.
fn configured_serial(kernel: &str, entries: &[&Entry]) -> Option<f64> {
    let default = crate::kernels::find(kernel)
        .and_then(|k| k.params().iter().find(|p| p.key == "serial").map(|p| p.default.to_string()));
    let given = most_common(entries.iter().filter_map(|e| e.share.params.get("serial").map(String::as_str)));
    given.or(default).and_then(|v| v.parse().ok())
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    items.retain(|i| {
        let new = !seen.contains(i);
        seen.push(i.clone());
        new
    });
    items
}

/// The file name of an exercise's error histogram, e.g. `errors-amdahl-2`.
pub fn errors_stem(exercise: &str) -> String {
    let cleaned: String =
        exercise.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    format!("errors-{cleaned}")
}

/// The charts of a room, by file stem.
pub fn charts(room: &Room, gathered: &Gathered) -> (RoomChart, Option<Distribution>, Vec<(String, Distribution)>) {
    let footer = format!(
        "parlab {} room report | {} results | {}",
        env!("CARGO_PKG_VERSION"),
        room.curves.len(),
        machines(room)
    );
    let outliers: Vec<&str> = room.outliers.iter().map(|o| o.source.as_str()).collect();
    let chart = RoomChart {
        title: format!("The room's speedup: {}, {}", room.kernel, room.backend),
        subtitle: format!(
            "{} learners' results, one line each, coloured by CPUs; black: the room's median (learners' points within their CPUs)",
            room.curves.len()
        ),
        footer: footer.clone(),
        curves: room
            .curves
            .iter()
            .map(|(e, points)| RoomCurve {
                cpus: e.share.machine.available,
                points: points.clone(),
                outlier: outliers.contains(&e.source.as_str()),
            })
            .collect(),
        // A median of one result is that result: the line joins counts two or more measured.
        median: room.median.iter().filter(|r| r.1 >= 2).map(|r| (r.0, r.2)).collect(),
    };
    let serial = (!room.serial_fractions.is_empty()).then(|| Distribution {
        title: format!("Fitted serial fractions: {}, {}", room.kernel, room.backend),
        subtitle: "one Amdahl fit per result, from the worker counts within its CPUs".into(),
        footer: footer.clone(),
        x_desc: "fitted serial fraction s".into(),
        values: room.serial_fractions.clone(),
        marker: room.configured_serial.map(|s| (s, format!("configured s = {s}"))),
    });
    let errors = room
        .prediction_errors
        .iter()
        .map(|(exercise, values)| {
            (
                errors_stem(exercise),
                Distribution {
                    title: format!("Prediction errors: {exercise}"),
                    subtitle: "(prediction - measured) / measured; left of 0: predicted too little".into(),
                    footer: footer.clone(),
                    x_desc: "prediction error, % of the measured value".into(),
                    values: values.clone(),
                    marker: Some((0.0, "exact".into())),
                },
            )
        })
        .collect();
    let _ = gathered;
    (chart, serial, errors)
}

/// Distinct machine classes among the curves: CPUs available -> CPU models and counts.
/// "machines with 2, 8 or 16 CPUs available".
fn machines(room: &Room) -> String {
    let counts: Vec<String> = machine_classes(room).keys().map(usize::to_string).collect();
    match counts.as_slice() {
        [one] => format!("machines with {one} CPUs available"),
        [rest @ .., last] => format!("machines with {} or {last} CPUs available", rest.join(", ")),
        [] => "no machine".to_string(),
    }
}

fn machine_classes(room: &Room) -> BTreeMap<usize, Vec<(String, usize)>> {
    let mut classes: BTreeMap<usize, Vec<(String, usize)>> = BTreeMap::new();
    for (e, _) in &room.curves {
        let MachineClass { cpu_model, available, .. } = &e.share.machine;
        let models = classes.entry(*available).or_default();
        match models.iter_mut().find(|(m, _)| m == cpu_model) {
            Some((_, n)) => *n += 1,
            None => models.push((cpu_model.clone(), 1)),
        }
    }
    classes
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// room.md: what an instructor projects.
pub fn markdown(room: &Room, gathered: &Gathered, images: &[(String, String)]) -> String {
    let mut out = String::new();
    let n = room.curves.len();
    let mut sizes: Vec<u64> = room.curves.iter().map(|(e, _)| e.share.size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let sizes: Vec<String> = sizes.into_iter().map(crate::present::units::thousands).collect();
    let _ = writeln!(out, "# The room: {}, {}\n", room.kernel, room.backend);
    let mut read = format!("**{n} result{}**", if n == 1 { "" } else { "s" });
    let _ = write!(
        read,
        " on {} (read: {} share line{}, {} results file{}",
        machines(room),
        gathered.from_lines,
        if gathered.from_lines == 1 { "" } else { "s" },
        gathered.from_files,
        if gathered.from_files == 1 { "" } else { "s" }
    );
    if gathered.ignored_lines > 0 {
        let _ = write!(read, "; {} other lines ignored", gathered.ignored_lines);
    }
    if gathered.duplicates > 0 {
        let _ = write!(read, "; {} pasted twice, counted once", gathered.duplicates);
    }
    if !gathered.rejected.is_empty() {
        let _ = write!(read, "; {} unreadable, listed below", gathered.rejected.len());
    }
    let _ = writeln!(out, "{read}). Size{}: {}.\n", if sizes.len() == 1 { "" } else { "s" }, sizes.join(", "));
    for (path, caption) in images.iter().filter(|(p, _)| p.starts_with("speedup")) {
        let _ = writeln!(out, "![{caption}]({path})\n");
    }
    let _ = writeln!(out, "| workers | results | room median | lowest | highest |\n|---:|---:|---:|---:|---:|");
    for (w, count, m, lo, hi) in &room.median {
        let _ = writeln!(out, "| {w} | {count} | {m:.2}x | {lo:.2}x | {hi:.2}x |");
    }
    let _ = writeln!(
        out,
        "\nThe median counts each learner's points up to their own CPUs; beyond them workers take turns.\n"
    );

    let _ = writeln!(out, "## Machines\n\n| CPUs available | results | CPU models |\n|---:|---:|---|");
    for (cpus, models) in machine_classes(room) {
        let total: usize = models.iter().map(|(_, k)| k).sum();
        let names: Vec<String> = models.iter().map(|(m, k)| format!("{} ({k})", cell(m))).collect();
        let _ = writeln!(out, "| {cpus} | {total} | {} |", names.join(", "));
    }

    let _ = writeln!(out, "\n## Serial fraction\n");
    match median(&room.serial_fractions) {
        Some(m) => {
            let lo = room.serial_fractions.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = room.serial_fractions.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let configured = room.configured_serial.map_or(String::new(), |s| format!("Configured: s = {s}. "));
            let _ = writeln!(
                out,
                "{configured}Fitted (Amdahl, per result): median {m:.3}, from {lo:.3} to {hi:.3} ({} fits).\n",
                room.serial_fractions.len()
            );
            for (path, caption) in images.iter().filter(|(p, _)| p.starts_with("serial")) {
                let _ = writeln!(out, "![{caption}]({path})\n");
            }
        }
        None => {
            let _ = writeln!(
                out,
                "No result has an Amdahl fit for {} (it needs two worker counts within the CPUs).\n",
                room.backend
            );
        }
    }

    let _ = writeln!(out, "## Predictions\n");
    if room.prediction_errors.is_empty() {
        let _ = writeln!(out, "No share carried a prediction (predictions come from the lab's exercises).\n");
    } else {
        let _ = writeln!(out, "| exercise | predictions | median error | median size of error |\n|---|---:|---:|---:|");
        for (exercise, errors) in &room.prediction_errors {
            let signed = median(errors).unwrap_or(0.0);
            let size = median(&errors.iter().map(|e| e.abs()).collect::<Vec<_>>()).unwrap_or(0.0);
            let _ = writeln!(out, "| {} | {} | {signed:+.0} % | {size:.0} % |", cell(exercise), errors.len());
        }
        let _ = writeln!(out, "\nA negative median error: the room predicted less than it measured.\n");
        for (path, caption) in images.iter().filter(|(p, _)| p.starts_with("errors-")) {
            let _ = writeln!(out, "![{caption}]({path})\n");
        }
    }

    let _ = writeln!(out, "## Outliers\n");
    if room.outliers.is_empty() {
        let _ = writeln!(out, "None: every result is quiet, within its CPUs and near the room.\n");
    }
    for o in &room.outliers {
        let _ = writeln!(out, "- **{}** ({}): {}", cell(&o.source), cell(&o.machine), o.reasons.join("; "));
    }
    if !room.left_out.is_empty() || !gathered.rejected.is_empty() {
        let _ = writeln!(out, "\n## Not charted\n");
        for why in room.left_out.iter().chain(&gathered.rejected) {
            let _ = writeln!(out, "- {}", cell(why));
        }
    }
    out
}

/// Runs `parlab room`.
pub fn room(args: &RoomArgs) -> Result<ExitCode> {
    let gathered = match gather(&args.inputs) {
        Ok(g) => g,
        Err(message) => return Ok(usage_error(message)),
    };
    for why in &gathered.rejected {
        eprintln!("skipped {why}");
    }
    let room = match analyse(&gathered.entries, args.kernel.as_deref(), args.backend.as_deref()) {
        Ok(room) => room,
        Err(message) => return Ok(usage_error(message)),
    };
    let files = files(&room, &gathered)?;
    let dir = &args.out;
    if !args.force {
        let existing: Vec<String> =
            files.iter().map(|(n, _)| dir.join(n)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
        if !existing.is_empty() {
            return Ok(usage_error(format!(
                "--out {}: {} already exist; pass --force to replace them or choose another folder",
                dir.display(),
                existing.join(", ")
            )));
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    for (name, bytes) in &files {
        write_new(&dir.join(name), bytes, args.force)?;
    }
    eprintln!(
        "{} results ({} outliers); wrote {} files to {}: open {}",
        room.curves.len(),
        room.outliers.len(),
        files.len(),
        dir.display(),
        dir.join("room.md").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Every file of the room report, in memory.
pub fn files(room: &Room, gathered: &Gathered) -> Result<Vec<(String, Vec<u8>)>> {
    let (speedup, serial, errors) = charts(room, gathered);
    let mut charts: Vec<(String, String, Chart<'_>)> =
        vec![("speedup".into(), "Every learner's speedup and the room's median".into(), Chart::Room(&speedup))];
    if let Some(serial) = &serial {
        charts.push(("serial-fraction".into(), "Fitted serial fractions".into(), Chart::Histogram(serial)));
    }
    for (stem, distribution) in &errors {
        charts.push((stem.clone(), distribution.title.clone(), Chart::Histogram(distribution)));
    }
    let mut files = Vec::new();
    let mut images = Vec::new();
    for (stem, caption, chart) in &charts {
        for (format, size) in [(Format::Png, PNG_SIZE), (Format::Svg, SVG_SIZE)] {
            let bytes = chart.render(format, size).with_context(|| format!("Failed to draw {stem}"))?;
            files.push((format!("{stem}.{}", format.extension()), bytes));
        }
        images.push((format!("{stem}.png"), caption.clone()));
    }
    if files.is_empty() {
        bail!("nothing to draw");
    }
    files.insert(0, ("room.md".into(), markdown(room, gathered, &images).into_bytes()));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(most_common(["a", "b", "b", "a"].into_iter()), Some("a".into()));
        assert_eq!(errors_stem("amdahl#2"), "errors-amdahl-2");
    }
}
