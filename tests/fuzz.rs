//! Property-based tests (proptest): generated and mutated inputs for everything parlab
//! reads from a file or a pipe. No input may panic or hang; every rejection is a message
//! naming the file, and the line where the bytes are at fault.
//!
//! CI runs proptest's default number of cases; the long version is
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz` (see BENCHMARKS.md).

mod plot_common;

use std::io::Cursor;
use std::path::Path;

use parlab::backends::wire::{self, Reader, Writer};
use parlab::export::json;
use parlab::kernels::{KernelSpec, Partial};
use parlab::lessons::{self, LessonError, progress};
use parlab::measure::Report;
use parlab::plot::{Chart, TimeScale};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::{Value, json as j};

/// The default config (PROPTEST_CASES sets the count); failures are printed, not
/// written into the source tree.
fn config() -> Config {
    Config { failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() }
}

// ---------------------------------------------------------------------------------
// Byte-level mutations shared by every target.

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    /// Delete `len` bytes at `at` (positions are fractions of the length).
    Delete { at: f64, len: usize },
    /// Insert bytes at `at`.
    Insert { at: f64, bytes: Vec<u8> },
    /// Replace a byte at `at`.
    Flip { at: f64, byte: u8 },
    /// Repeat the line at `at`.
    DuplicateLine { at: f64 },
    /// Replace the line at `at` with `line`.
    ReplaceLine { at: f64, line: String },
    /// Cut the text at `at`.
    Truncate { at: f64 },
}

fn position(len: usize, at: f64) -> usize {
    ((len as f64 * at) as usize).min(len)
}

/// Start and end (after its newline) of the line at fraction `at` of the lines.
fn line_bounds(bytes: &[u8], at: f64) -> (usize, usize) {
    let starts: Vec<usize> =
        std::iter::once(0).chain(bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)).collect();
    let start = starts[position(starts.len() - 1, at)];
    let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| start + p + 1);
    (start, end)
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        match edit {
            Edit::Delete { at, len: n } => {
                let start = position(len, *at);
                let end = (start + n).min(len);
                bytes.drain(start..end);
            }
            Edit::Insert { at, bytes: new } => {
                let at = position(len, *at);
                bytes.splice(at..at, new.iter().copied());
            }
            Edit::Flip { at, byte } => {
                if len > 0 {
                    let at = position(len - 1, *at);
                    bytes[at] = *byte;
                }
            }
            Edit::DuplicateLine { at } => {
                let (start, end) = line_bounds(&bytes, *at);
                let line = bytes[start..end].to_vec();
                bytes.splice(end..end, line);
            }
            Edit::ReplaceLine { at, line } => {
                let (start, end) = line_bounds(&bytes, *at);
                bytes.splice(start..end, format!("{line}\n").into_bytes());
            }
            Edit::Truncate { at } => bytes.truncate(position(len, *at)),
        }
    }
    bytes
}

/// Values that have broken parsers before: empty, negative, huge, NaN, paths out of a
/// folder, control characters.
const TRICKY: &[&str] = &[
    "",
    "0",
    "-1",
    "1e999",
    "-0.0",
    "nan",
    "inf",
    "18446744073709551616",
    "9223372036854775807",
    "\"\"",
    "\"../../x.md\"",
    "\"/etc/passwd\"",
    "\"/dev/zero\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "[[]]",
    "\"seq\"",
    "\"bogus\"",
    "true",
    "1.5",
    "\"é\"",
];

fn tricky_line(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    (prop::sample::select(keys), prop::sample::select(TRICKY)).prop_map(|(k, v)| format!("{k} = {v}"))
}

fn edits(keys: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (0.0..1.0, 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (0.0..1.0, prop::collection::vec(any::<u8>(), 1..12)).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        (0.0..1.0, prop::sample::select(b"[]{}=\"'\n#,.-0123456789\xff\xc3".to_vec()))
            .prop_map(|(at, byte)| Edit::Flip { at, byte }),
        (0.0..1.0).prop_map(|at| Edit::DuplicateLine { at }),
        (0.0..1.0, tricky_line(keys)).prop_map(|(at, line)| Edit::ReplaceLine { at, line }),
        (0.0..1.0).prop_map(|at| Edit::Truncate { at }),
    ];
    prop::collection::vec(edit, 1..5)
}

// ---------------------------------------------------------------------------------
// course.toml and lesson Markdown, loaded from a folder as `--lessons DIR` does.

/// A small course using most of the manifest: exercises of every kind, claims with
/// parameters and a versus measurement.
const COURSE: &str = r#"title = "Fuzzed course"

[[lesson]]
id = "pi"
title = "Pi"
file = "a.md"
kernel = "pi"
size = 4_000_000
backends = ["seq", "threads", "processes"]
selected = ["threads"]
workers = [1, 2, 4]
reps = 3
warmup = 1
hints = ["one", "two"]
params = { chunksize = "4" }

[[lesson.exercises]]
kind = "predict"
prompt = "Speedup at 2?"
backend = "threads"
workers = 2
metric = "speedup"
tolerance = 0.3

[[lesson.exercises]]
kind = "choice"
prompt = "Why?"
options = ["a", "b", "c"]
answer = 1
explanation = "because"
explanations = ["x", "y", "z"]

[[lesson.exercises]]
kind = "run"
prompt = "Run it"
backend = "seq"
workers = 1

[[lesson.claims]]
text = "threads scale"
backend = "threads"
workers = 2
metric = "speedup"
op = ">="
value = 1.2
min_cpus = 2

[[lesson.claims]]
text = "chunks help"
backend = "processes"
workers = 2
params = { chunksize = "1" }
metric = "time"
versus = { params = { chunksize = "1000" } }
op = ">="
value = 1.0

[[lesson]]
id = "stream"
title = "Streaming"
file = "b.md"
kernel = "colmeans"
backends = ["seq", "rayon"]
params = { budget_mb = "4", file = "matrix.bin" }
"#;

const COURSE_KEYS: &[&str] = &[
    "title",
    "id",
    "file",
    "kernel",
    "size",
    "backends",
    "selected",
    "workers",
    "reps",
    "warmup",
    "hints",
    "params",
    "kind",
    "prompt",
    "backend",
    "metric",
    "tolerance",
    "options",
    "answer",
    "op",
    "value",
    "versus",
    "min_cpus",
    "max_cpus",
    "taskset",
    "explanations",
];

const LESSON: &str = "# A lesson\n\nSome *text* with `code`, a [link](http://x) and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode block\n```\n\n> quote\n";

const MARKDOWN_KEYS: &[&str] = &["#", "##", "-", "*", ">", "|", "```", "1.", "[x]", "![i]"];

/// Loads the course in `dir` and checks every error names a file and a line inside it.
fn load_checked(dir: &Path) {
    match lessons::load_dir(dir) {
        Ok(course) => {
            assert!(!course.lessons.is_empty());
            // The matrix file a lesson names is never written by loading.
            assert!(!dir.join("matrix.bin").exists(), "loading wrote a file");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error list is never empty");
            for LessonError { file, line, message } in &errors {
                assert!(!message.trim().is_empty(), "{file}:{line}: empty message");
                assert!(!file.is_empty(), "no file: {message}");
                let text = std::fs::read(file).unwrap_or_default();
                let lines = text.iter().filter(|&&b| b == b'\n').count() + 1;
                assert!(*line <= lines, "{file}:{line}: beyond its {lines} lines: {message}");
            }
        }
    }
}

fn course_dir(manifest: &[u8], lesson_a: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("course.toml"), manifest).unwrap();
    std::fs::write(dir.path().join("a.md"), lesson_a).unwrap();
    std::fs::write(dir.path().join("b.md"), LESSON).unwrap();
    dir
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_course_manifests_load_or_say_where(edits in edits(COURSE_KEYS)) {
        let dir = course_dir(&apply(COURSE.as_bytes().to_vec(), &edits), LESSON.as_bytes());
        load_checked(dir.path());
    }

    #[test]
    fn arbitrary_course_manifests_load_or_say_where(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let dir = course_dir(&bytes, LESSON.as_bytes());
        load_checked(dir.path());
    }

    #[test]
    fn mutated_lesson_markdown_loads_and_renders(edits in edits(MARKDOWN_KEYS), width in 0u16..200) {
        let text = apply(LESSON.as_bytes().to_vec(), &edits);
        let dir = course_dir(COURSE.as_bytes(), &text);
        load_checked(dir.path());
        let shown = String::from_utf8_lossy(&text);
        for color in [false, true] {
            let _ = parlab::ui::markdown::render(&shown, width, &parlab::ui::Theme::standard(color));
        }
    }

    #[test]
    fn arbitrary_markdown_renders(text in ".{0,400}", width in 0u16..120) {
        let _ = parlab::ui::markdown::render(&text, width, &parlab::ui::Theme::standard(true));
    }
}

// ---------------------------------------------------------------------------------
// The progress file.

const PROGRESS: &str = r#"version = 2

[resume]
lesson = "gil"
screen = "lab"

[lessons.gil]
mark = "done"
hints = 2

[[lessons.gil.exercises]]
answered = true
correct = true

[lessons.gil.best]
backend = "threads"
workers = 2
speedup = 1.9

[lessons.amdahl]
mark = "started"
"#;

const PROGRESS_KEYS: &[&str] =
    &["version", "mark", "hints", "lesson", "screen", "answered", "correct", "backend", "workers", "speedup"];

fn check_progress(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        match progress::parse(text) {
            Ok(parsed) => {
                // What parses saves and reads back the same.
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("progress.toml");
                progress::save(&path, &parsed).unwrap();
                // Saving stamps the current version; the rest must come back as it was
                // (compared as Debug text, so that a NaN equals itself).
                let back = progress::load(&path).progress;
                assert_eq!(
                    format!("{:?} {:?}", back.resume, back.lessons),
                    format!("{:?} {:?}", parsed.resume, parsed.lessons)
                );
            }
            Err(why) => assert!(!why.trim().is_empty()),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.toml");
    std::fs::write(&path, bytes).unwrap();
    let loaded = progress::load(&path);
    if let Some(warning) = &loaded.warning {
        assert!(warning.contains("progress.toml"), "the file is named: {warning}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_progress_files_load_or_are_set_aside(edits in edits(PROGRESS_KEYS)) {
        check_progress(&apply(PROGRESS.as_bytes().to_vec(), &edits));
    }

    #[test]
    fn arbitrary_progress_files_load_or_are_set_aside(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_progress(&bytes);
    }
}

// ---------------------------------------------------------------------------------
// results.json for `parlab plot`: loaded, validated, and drawn in memory.

fn sound_report() -> Report {
    plot_common::report(&[("seq", 0.0), ("threads", 0.05), ("gil", 0.9)], &[1, 2, 4], 2)
}

/// Draws every chart and writes every text export of a report; drawing may fail with
/// an error but never panic.
fn draw_all(report: &Report) {
    for chart in [
        Chart::Speedup(report),
        Chart::Efficiency(report),
        Chart::Time(report, TimeScale::Linear),
        Chart::Time(report, TimeScale::LogLog),
    ] {
        let _ = chart.to_svg((400, 250));
    }
    let _ = parlab::export::csv::to_csv(report);
    let _ = parlab::export::markdown::to_markdown(report, &[]);
}

fn load_and_draw(bytes: &[u8]) {
    match json::load(bytes) {
        Ok(report) => {
            assert!(report.validate().is_ok());
            draw_all(&report);
        }
        Err(error) => {
            let message = error.to_string();
            assert!(!message.trim().is_empty());
            match error {
                json::LoadError::Utf8 { line, .. } => assert!(line >= 1, "{message}"),
                json::LoadError::Syntax(e) => assert!(e.line() <= bytes.len() + 1, "{message}"),
                json::LoadError::Invalid(e) => assert!(!e.field.is_empty(), "{message}"),
            }
        }
    }
}

/// A JSON value from a small set that breaks arithmetic: zero, negatives, huge and tiny
/// numbers, wrong types.
fn tricky_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(j!(0)),
        Just(j!(-1)),
        Just(j!(0.0)),
        Just(j!(-1.5)),
        Just(j!(1e308)),
        Just(j!(5e-324)),
        Just(j!(u64::MAX)),
        Just(j!(null)),
        Just(j!([])),
        Just(j!("warp")),
        Just(j!("seq")),
        Just(j!(true)),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| j!(x)),
        (0u64..3000).prop_map(|x| j!(x)),
    ]
}

const POINT_FIELDS: &[&str] = &[
    "kernel",
    "backend",
    "workers",
    "times_s",
    "median_s",
    "min_s",
    "max_s",
    "spread",
    "speedup",
    "speedup_vs_seq",
    "efficiency",
    "karp_flatt",
    "busy_cores",
    "cpu_time_s",
    "cpu_cores",
    "oversubscribed",
];

/// Sets `field` of point `index` (modulo the count), or a top-level field, to `value`.
fn set_field(report: &mut Value, index: usize, field: &str, value: Value) {
    if let Some(points) = report["points"].as_array_mut()
        && !points.is_empty()
    {
        let len = points.len();
        points[index % len][field] = value;
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_report_fields_load_validated_or_name_the_field(
        changes in prop::collection::vec((0usize..16, prop::sample::select(POINT_FIELDS), tricky_json()), 1..4),
        drop_points in 0usize..3,
    ) {
        let mut value = serde_json::to_value(sound_report()).unwrap();
        for (index, field, new) in changes {
            set_field(&mut value, index, field, new);
        }
        if let Some(points) = value["points"].as_array_mut() {
            let keep = points.len().saturating_sub(drop_points * 3);
            points.truncate(keep);
        }
        load_and_draw(serde_json::to_string_pretty(&value).unwrap().as_bytes());
    }

    #[test]
    fn mutated_report_bytes_load_validated_or_say_where(edits in edits(POINT_FIELDS)) {
        let text = json::to_json(&sound_report());
        load_and_draw(&apply(text.into_bytes(), &edits));
    }

    /// The charts themselves survive reports that were never validated: zero workers,
    /// zero or negative times, huge numbers.
    #[test]
    fn charts_survive_unvalidated_reports(
        raw in prop::collection::vec((0usize..5, any::<bool>(), prop::collection::vec(-1e3f64..1e3, 0..3)), 0..6),
        extremes in prop::collection::vec((0usize..8, prop::sample::select(&[0.0, -1.0, 1e-300, 1e300, f64::NAN, f64::INFINITY][..])), 0..3),
        cpus in 0usize..5,
    ) {
        let mut report = sound_report();
        report.machine.available_parallelism = cpus;
        report.points.clear();
        for (i, (workers, threads, times)) in raw.into_iter().enumerate() {
            let backend = if threads { "threads" } else { "seq" };
            let mut point = parlab::measure::Point::new("pi", backend, workers, times);
            if let Some(&(at, x)) = extremes.get(i) {
                match at {
                    0 => point.median_s = x,
                    1 => point.min_s = x,
                    2 => point.max_s = x,
                    3 => point.speedup = Some(x),
                    4 => point.workers = x.abs().min(1e6) as usize,
                    _ => point.busy_cores = Some(x),
                }
            }
            report.points.push(point);
        }
        report.derive();
        draw_all(&report);
        let _ = report.validate();
    }
}

// ---------------------------------------------------------------------------------
// The wire decoder of the processes backend, fed arbitrary bytes.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn wire_decoder_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = wire::get_spec(&mut Reader::new(&bytes));
        let _ = wire::get_partial(&mut Reader::new(&bytes));
        let mut r = Reader::new(&bytes);
        let _ = r.str();
        let _ = r.u64s();
        let _ = r.f64s();
        let _ = r.end();
        let mut stream = Cursor::new(&bytes);
        for _ in 0..bytes.len() + 1 {
            match wire::read_frame(&mut stream) {
                Ok(Some(frame)) => assert!(frame.payload.len() <= bytes.len()),
                Ok(None) | Err(_) => break,
            }
        }
    }

    #[test]
    fn wire_frames_announcing_huge_payloads_are_refused_cheaply(
        kind in any::<u8>(), length in prop_oneof![0u64..128, 0u64..(1 << 42), any::<u64>()], tail in prop::collection::vec(any::<u8>(), 0..64)
    ) {
        let mut bytes = vec![kind];
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes.extend_from_slice(&tail);
        match wire::read_frame(&mut Cursor::new(&bytes)) {
            Ok(Some(frame)) => prop_assert_eq!(frame.payload.len() as u64, length),
            Ok(None) => prop_assert!(false, "a full header is not the end of the stream"),
            Err(_) => prop_assert!(length > tail.len() as u64),
        }
    }

    #[test]
    fn wire_round_trips_what_it_writes(
        kernel in "[a-z]{0,12}", size in any::<u64>(), seed in any::<u64>(),
        params in prop::collection::btree_map(".{0,8}", ".{0,8}", 0..4),
        first in any::<u64>(), count in any::<u64>(),
        ints in prop::collection::vec(any::<u64>(), 0..8), floats in prop::collection::vec(any::<f64>(), 0..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let spec = KernelSpec { kernel, size, seed, params };
        let part = Partial { first_item: first, item_count: count, ints, floats };
        let mut w = Writer::new();
        wire::put_spec(&mut w, &spec);
        wire::put_partial(&mut w, &part);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes);
        prop_assert_eq!(wire::get_spec(&mut r).unwrap(), spec);
        let back = wire::get_partial(&mut r).unwrap();
        prop_assert!(r.end().is_ok());
        prop_assert_eq!(back.ints, part.ints);
        prop_assert_eq!(back.floats.iter().map(|f| f.to_bits()).collect::<Vec<_>>(),
            part.floats.iter().map(|f| f.to_bits()).collect::<Vec<_>>());
        // Any strict prefix is an error, never a panic or a wrong value.
        let short = &bytes[..cut.index(bytes.len().max(1)).min(bytes.len().saturating_sub(1))];
        let mut r = Reader::new(short);
        let whole = wire::get_spec(&mut r).and_then(|_| wire::get_partial(&mut r)).and_then(|_| r.end());
        prop_assert!(whole.is_err());
    }
}
