//! The course: an ordered manifest (`course.toml`) plus one Markdown file per lesson,
//! embedded in the binary or loaded from an instructor's folder, and the checks that
//! turn every mistake in them into a `file:line: message`. The figures that predictions
//! and claims are about (plan, read, grade) are modelled once, in [`figure`]. No terminal
//! code here.

pub mod code;
mod embedded;
pub mod figure;
pub mod form;
pub mod manifest;
pub mod plan;
pub mod progress;

/// The Python twin of a kernel in a variant (`python_twin("pi", "threads")`), and all of them.
pub use embedded::{PYTHON_TWINS, python_twin};

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use figure::{Figure, FigureError, Metric, Op};
pub use manifest::{Choice, Claim, CodeCriterion, CodeExercise, Exercise, Measurement, Pair, Predict, RunStep, Versus};

use crate::backends;
use crate::kernels;
use crate::measure::MAX_WORKERS;
use manifest::{Manifest, ManifestLesson};

/// The manifest's file name inside a course folder.
pub const MANIFEST: &str = "course.toml";

/// A loaded, checked course.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Title shown above the lesson list.
    pub title: String,
    /// Where it came from: "embedded" or the folder.
    pub origin: String,
    /// Lessons in teaching order.
    pub lessons: Vec<Lesson>,
}

/// One lesson, ready to show and run.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The Markdown file's name, for messages.
    pub file: String,
    /// The lesson text, Markdown.
    pub text: String,
    /// Kernel id.
    pub kernel: String,
    /// Size in the kernel's unit.
    pub size: u64,
    /// Kernel and backend parameters the Lab runs with.
    pub params: BTreeMap<String, String>,
    /// Backends offered.
    pub backends: Vec<String>,
    /// Backends switched on when the Lab opens.
    pub selected: Vec<String>,
    /// Worker counts switched on when the Lab opens; `None`: the machine's defaults.
    pub workers: Option<Vec<usize>>,
    /// Timed repetitions per point.
    pub reps: u32,
    /// Warm-up runs per point.
    pub warmup: u32,
    /// Hints, in order.
    pub hints: Vec<String>,
    /// Exercises.
    pub exercises: Vec<Exercise>,
    /// Which exercises are extensions for fast finishers, one flag per exercise.
    pub optional_exercises: Vec<bool>,
    /// Minutes the lesson takes in a workshop, when the course says.
    pub minutes: Option<u32>,
    /// An extension lesson, cut first from a short schedule.
    pub optional: bool,
    /// This machine's probe of the lesson's kernel, when the Lab was fitted to a time
    /// budget (the Lab estimates its sweeps from it).
    pub probe: Option<crate::measure::budget::Probe>,
    /// Claims about the measurements.
    pub claims: Vec<Claim>,
    /// The course files this lesson shows or copies, by path inside the course folder:
    /// its kernel's Python twins (`python/{kernel}/{variant}.py`, those that exist) and
    /// its code exercises' starters and solutions.
    pub files: BTreeMap<String, String>,
}

impl Lesson {
    /// The text of course file `name` that this lesson holds (a twin, a starter, a solution).
    pub fn file_text(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// The Python twin that `backend` stands for: (its path, its text), when the course has it.
    pub fn twin(&self, backend: &str) -> Option<(String, &str)> {
        let path = code::twin_path(&self.kernel, code::twin_variant(backend)?);
        let text = self.file_text(&path)?;
        Some((path, text))
    }
}

/// One problem in a course folder, located as `file:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// File at fault.
    pub file: String,
    /// Line, from 1 (0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Why a course file could not be read: the message, and the line of the file at
/// fault when its bytes are (0 when the whole file is).
struct ReadError {
    line: usize,
    why: String,
}

impl ReadError {
    fn whole(why: impl Into<String>) -> Self {
        Self { line: 0, why: why.into() }
    }
}

/// The largest course file parlab reads (a lesson is a few kilobytes of Markdown).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Where course files are read from.
trait Files {
    /// A file's text, by name relative to the course folder.
    fn read(&self, name: &str) -> Result<String, ReadError>;
    /// How to show a file's name in messages.
    fn display(&self, name: &str) -> String;
    /// Where the course came from.
    fn origin(&self) -> String;
}

struct Embedded;

impl Files for Embedded {
    fn read(&self, name: &str) -> Result<String, ReadError> {
        embedded::FILES.iter().find(|(file, _)| *file == name).map(|(_, text)| (*text).to_string()).ok_or_else(|| {
            ReadError::whole("is not embedded in this build (add it to src/lessons/embedded.rs)".to_string())
        })
    }
    fn display(&self, name: &str) -> String {
        format!("lessons/{name}")
    }
    fn origin(&self) -> String {
        "built in".into()
    }
}

struct Folder(PathBuf);

impl Files for Folder {
    fn read(&self, name: &str) -> Result<String, ReadError> {
        use std::io::Read;
        inside_course(name).map_err(|why| {
            ReadError::whole(format!("{why}: a course may only read files inside its folder (give a relative path)"))
        })?;
        let path = self.0.join(name);
        // A symbolic link inside the folder must not lead out of it either.
        let (root, real) = match (self.0.canonicalize(), path.canonicalize()) {
            (Ok(root), Ok(real)) => (root, real),
            (_, Err(e)) | (Err(e), _) => return Err(ReadError::whole(format!("cannot be read: {e}"))),
        };
        if !real.starts_with(&root) {
            return Err(ReadError::whole(format!("leads outside the course folder (to {})", real.display())));
        }
        let file = std::fs::File::open(&real).map_err(|e| ReadError::whole(format!("cannot be read: {e}")))?;
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Err(ReadError::whole("is not a regular file"));
        }
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::whole(format!("cannot be read: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::whole(format!("is larger than {} KiB", MAX_FILE_BYTES >> 10)));
        }
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            ReadError { line, why: format!("is not UTF-8 text (byte {}); save it as UTF-8", at + 1) }
        })
    }
    fn display(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
    fn origin(&self) -> String {
        self.0.display().to_string()
    }
}

/// Refuses a path a course names unless it stays inside the folder it is relative to:
/// no absolute paths, no `..`, not empty.
fn inside_course(name: &str) -> Result<(), String> {
    use std::path::Component;
    let path = Path::new(name);
    if name.is_empty() {
        return Err("is an empty path".into());
    }
    if path.has_root() || path.components().any(|c| matches!(c, Component::Prefix(_))) {
        Err("is an absolute path".into())
    } else if path.components().any(|c| c == Component::ParentDir) {
        Err("climbs out with ..".into())
    } else {
        Ok(())
    }
}

/// Parameters whose value is a path, by their key.
fn names_a_path(key: &str) -> bool {
    key == "file" || key == "dir" || key.ends_with("_file") || key.ends_with("_dir") || key.ends_with("path")
}

/// The built-in course's files: (name relative to the course folder, contents), the
/// manifest first (`parlab lessons export` writes them).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::FILES
}

/// The course built into the binary.
pub fn embedded() -> Result<Course, Vec<LessonError>> {
    load(&Embedded)
}

/// An instructor's course from `dir` (which holds `course.toml`).
pub fn load_dir(dir: &Path) -> Result<Course, Vec<LessonError>> {
    load(&Folder(dir.to_path_buf()))
}

/// The course from `dir` when given, else the embedded one.
pub fn load_course(dir: Option<&Path>) -> Result<Course, Vec<LessonError>> {
    match dir {
        Some(dir) => load_dir(dir),
        None => embedded(),
    }
}

/// What checking the form of a course found: the problems, and whether instructor's
/// notes were there to check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormReport {
    /// Problems in lesson files and notes, as `file:line: message`.
    pub problems: Vec<LessonError>,
    /// How many instructor's notes were checked (0 when the course has none).
    pub notes: usize,
}

/// Checks the form of every lesson of `course` (objectives with minutes, key points
/// last) and, when the course folder `dir` has an `instructor/` folder, that every
/// lesson has a note there with the parts [`form::NOTE_PARTS`] and the same minutes.
/// The built-in course embeds no notes, so none are checked for it.
pub fn check_form(dir: Option<&Path>, course: &Course) -> FormReport {
    let mut report = FormReport::default();
    let notes = dir.filter(|d| d.join(form::NOTES_DIR).is_dir()).map(|d| Folder(d.to_path_buf()));
    let shown = |name: &str| match dir {
        Some(dir) => Folder(dir.to_path_buf()).display(name),
        None => Embedded.display(name),
    };
    for lesson in &course.lessons {
        let (minutes, problems) = form::check_lesson(&lesson.text);
        let file = shown(&lesson.file);
        report.problems.extend(problems.into_iter().map(|p| LessonError {
            file: file.clone(),
            line: p.line,
            message: p.message,
        }));
        let Some(folder) = &notes else { continue };
        let name = format!("{}/{}", form::NOTES_DIR, lesson.file);
        match folder.read(&name) {
            Ok(text) => {
                report.notes += 1;
                let file = folder.display(&name);
                report.problems.extend(
                    form::check_note(&text, minutes)
                        .into_iter()
                        .map(|p| LessonError { file: file.clone(), line: p.line, message: p.message }),
                );
            }
            Err(e) => report.problems.push(LessonError {
                file: folder.display(&name),
                line: e.line,
                message: format!(
                    "lesson '{}' has no instructor's note: {} (the course has an {}/ folder, so every lesson needs one)",
                    lesson.id,
                    e.why,
                    form::NOTES_DIR
                ),
            }),
        }
    }
    report
}

/// 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len())).map_or(1, |head| head.matches('\n').count() + 1)
}

fn load(files: &dyn Files) -> Result<Course, Vec<LessonError>> {
    let manifest_name = files.display(MANIFEST);
    let source = files
        .read(MANIFEST)
        .map_err(|e| vec![LessonError { file: manifest_name.clone(), line: e.line, message: e.why }])?;
    let at = |span: Range<usize>, message: String| LessonError {
        file: manifest_name.clone(),
        line: line_of(&source, span.start),
        message,
    };
    let manifest: Manifest = toml::from_str(&source).map_err(|e| {
        let message = e.message().trim().to_string();
        vec![at(e.span().unwrap_or(0..0), message)]
    })?;
    let mut errors = Vec::new();
    let mut lessons = Vec::new();
    if manifest.lessons.is_empty() {
        errors.push(at(0..0, "the course has no [[lesson]] tables".into()));
    }
    for (index, raw) in manifest.lessons.iter().enumerate() {
        if manifest.lessons[..index].iter().any(|other| other.id.get_ref() == raw.id.get_ref()) {
            errors.push(at(raw.id.span(), format!("lesson id '{}' is used twice", raw.id.get_ref())));
        }
        if let Some(lesson) = check_lesson(raw, files, &mut |span, message| errors.push(at(span, message))) {
            lessons.push(lesson);
        }
    }
    if errors.is_empty() { Ok(Course { title: manifest.title, origin: files.origin(), lessons }) } else { Err(errors) }
}

fn check_lesson(
    raw: &ManifestLesson,
    files: &dyn Files,
    report: &mut dyn FnMut(Range<usize>, String),
) -> Option<Lesson> {
    let before = std::cell::Cell::new(0usize);
    let mut fail = |span: Range<usize>, message: String| {
        before.set(before.get() + 1);
        report(span, message);
    };
    let id = raw.id.get_ref();
    if id.trim().is_empty() {
        fail(raw.id.span(), "lesson id is empty".into());
    }
    let text = match files.read(raw.file.get_ref()) {
        Ok(text) => text,
        Err(ReadError { line, why }) => {
            let at = if line > 0 { format!(":{line}:") } else { String::new() };
            fail(raw.file.span(), format!("lesson file {}{at} {why}", files.display(raw.file.get_ref())));
            String::new()
        }
    };
    let kernel = kernels::find(raw.kernel.get_ref());
    if kernel.is_none() {
        fail(
            raw.kernel.span(),
            format!("unknown kernel '{}'; valid kernels: {}", raw.kernel.get_ref(), kernels::ids().join(", ")),
        );
    }
    let backends_list = raw.backends.get_ref();
    if backends_list.is_empty() {
        fail(raw.backends.span(), "give at least one backend".into());
    }
    for name in backends_list {
        if backends::find(name).is_none() {
            fail(
                raw.backends.span(),
                format!("unknown backend '{name}'; valid backends: {}", backends::ids().join(", ")),
            );
        }
    }
    let selected = match &raw.selected {
        Some(selected) => {
            for name in selected.get_ref() {
                if !backends_list.contains(name) {
                    fail(selected.span(), format!("selected backend '{name}' is not one of this lesson's backends"));
                }
            }
            selected.get_ref().clone()
        }
        None => backends_list.clone(),
    };
    if let Some(workers) = &raw.workers {
        if workers.get_ref().is_empty() {
            fail(workers.span(), "give at least one worker count, or leave `workers` out".into());
        }
        if let Some(bad) = workers.get_ref().iter().find(|&&w| w == 0 || w > MAX_WORKERS) {
            fail(workers.span(), format!("{bad} is not a valid worker count (1 to {MAX_WORKERS})"));
        }
    }
    if let Some(size) = &raw.size
        && *size.get_ref() == 0
    {
        fail(size.span(), "size must be at least 1".into());
    }
    if let Some(minutes) = &raw.minutes
        && (*minutes.get_ref() == 0 || *minutes.get_ref() > 600)
    {
        fail(minutes.span(), format!("minutes = {}: give 1 to 600", minutes.get_ref()));
    }
    if raw.reps == Some(0) {
        fail(raw.id.span(), format!("lesson '{id}': reps must be at least 1"));
    }
    let params = raw.params.as_ref().map(|p| p.get_ref().clone()).unwrap_or_default();
    if let (Some(kernel), Some(spanned)) = (kernel, &raw.params) {
        let size = raw.size.as_ref().map_or_else(|| kernel.small_size(), |s| *s.get_ref());
        if let Err(why) = check_params(kernel, backends_list, &params, size.min(kernel.small_size().max(1))) {
            fail(spanned.span(), why);
        }
    }
    let offered = |name: &str| backends_list.iter().any(|b| b == name);
    let mut course_files = BTreeMap::new();
    for variant in code::VARIANTS {
        let path = code::twin_path(raw.kernel.get_ref(), variant);
        // A twin is optional: the code pane says when a backend has none.
        if let Ok(text) = files.read(&path) {
            course_files.insert(path, text);
        }
    }
    for exercise in &raw.exercises {
        let span = exercise.span();
        match &exercise.get_ref().exercise {
            Exercise::Choice(choice) => {
                if choice.options.len() < 2 {
                    fail(span.clone(), "a choice exercise needs at least two options".into());
                }
                if choice.answer >= choice.options.len() {
                    fail(
                        span.clone(),
                        format!(
                            "answer {} is not an option index (0 to {})",
                            choice.answer,
                            choice.options.len().saturating_sub(1)
                        ),
                    );
                }
                if !choice.explanations.is_empty() && choice.explanations.len() != choice.options.len() {
                    fail(
                        span,
                        format!(
                            "{} explanations for {} options: give one per option, in the same order, or none",
                            choice.explanations.len(),
                            choice.options.len()
                        ),
                    );
                }
            }
            Exercise::Run(RunStep { backend, workers, .. }) => {
                if !offered(backend) {
                    fail(span.clone(), format!("backend '{backend}' is not one of this lesson's backends"));
                }
                if *workers == 0 || *workers > MAX_WORKERS {
                    fail(span.clone(), format!("{workers} is not a valid worker count (1 to {MAX_WORKERS})"));
                }
            }
            Exercise::Predict(predict) => {
                for why in check_prediction(predict, &offered) {
                    fail(span.clone(), why);
                }
                let mut merged = params.clone();
                merged.extend(predict.params.clone());
                if let (Some(kernel), false) = (kernel, predict.params.is_empty()) {
                    let size = raw.size.as_ref().map_or_else(|| kernel.small_size(), |s| *s.get_ref());
                    if let Err(why) = check_params(kernel, backends_list, &merged, size.min(kernel.small_size().max(1)))
                    {
                        fail(span.clone(), why);
                    }
                }
                if let Some(manifest::Expect::Amdahl) = predict.expect {
                    if predict.metric != Metric::Speedup {
                        fail(span.clone(), "expect = \"amdahl\" grades a speedup: give metric = \"speedup\"".into());
                    }
                    if merged.get("serial").and_then(|s| s.parse::<f64>().ok()).is_none_or(|s| !(0.0..1.0).contains(&s))
                    {
                        fail(
                            span.clone(),
                            "expect = \"amdahl\" needs the serial fraction: a `serial` parameter from 0 to 1 (the amdahl kernel's)".into(),
                        );
                    }
                }
            }
            Exercise::Pair(pair) => {
                for why in check_prediction(&pair.as_predict(), &offered) {
                    fail(span.clone(), why);
                }
                if pair.metric.is_measured() && !pair.metric.about().shared {
                    let shared: Vec<&str> =
                        Metric::PLAIN.iter().filter(|m| m.about().shared).map(|m| m.about().name).collect();
                    fail(
                        span.clone(),
                        format!(
                            "a share line does not carry metric {}: a pair exercise asks for one of {}",
                            pair.metric,
                            shared.join(", ")
                        ),
                    );
                }
            }
            Exercise::Code(code) => {
                for why in check_code(code) {
                    fail(span.clone(), why);
                }
                for name in [&code.starter, &code.solution] {
                    match files.read(name) {
                        Ok(text) => {
                            course_files.insert(name.clone(), text);
                        }
                        Err(ReadError { line, why }) => {
                            let at = if line > 0 { format!(":{line}:") } else { String::new() };
                            fail(span.clone(), format!("code file {}{at} {why}", files.display(name)));
                        }
                    }
                }
            }
        }
    }
    for claim in &raw.claims {
        for why in check_claim(claim.get_ref(), raw.kernel.get_ref()) {
            fail(claim.span(), why);
        }
    }
    if before.get() > 0 {
        return None;
    }
    let kernel = kernel?;
    Some(Lesson {
        id: id.clone(),
        title: raw.title.clone(),
        file: raw.file.get_ref().clone(),
        text,
        kernel: kernel.id().to_string(),
        size: raw.size.as_ref().map_or_else(|| kernel.default_size(), |s| *s.get_ref()),
        params,
        backends: backends_list.clone(),
        selected,
        workers: raw.workers.as_ref().map(|w| w.get_ref().clone()),
        reps: raw.reps.unwrap_or(3),
        warmup: raw.warmup.unwrap_or(1),
        hints: raw.hints.clone(),
        exercises: raw.exercises.iter().map(|e| e.get_ref().exercise.clone()).collect(),
        optional_exercises: raw.exercises.iter().map(|e| e.get_ref().optional).collect(),
        minutes: raw.minutes.as_ref().map(|m| *m.get_ref()),
        optional: raw.optional,
        probe: None,
        claims: raw.claims.iter().map(|c| c.get_ref().clone()).collect(),
        files: course_files,
    })
}

/// Everything wrong with a code exercise's fields (its files are read by the loader).
fn check_code(code: &CodeExercise) -> Vec<String> {
    let mut problems = Vec::new();
    if !code::valid_file_name(&code.file) {
        problems.push(format!(
            "file '{}' must be a plain file name ending in .py (letters, digits, - _ .), the name it gets in the workspace",
            code.file
        ));
    }
    if !code.expect.is_finite() {
        problems.push("expect must be a finite number".into());
    }
    if !code.tolerance.is_finite() || code.tolerance < 0.0 {
        problems.push(format!("tolerance {} must be 0 or more", code.tolerance));
    }
    match code.criterion {
        CodeCriterion::Speedup if code.min_speedup.is_some_and(|s| !(s > 0.0 && s.is_finite())) => {
            problems.push("min_speedup must be a positive number".into())
        }
        CodeCriterion::MaxTime if !code.max_time.is_some_and(|t| t > 0.0 && t.is_finite()) => {
            problems.push("criterion max_time needs max_time, a positive number of seconds".into())
        }
        _ => {}
    }
    if code.min_speedup.is_some() && code.criterion != CodeCriterion::Speedup {
        problems.push("min_speedup only applies to criterion speedup".into());
    }
    if code.max_time.is_some() && code.criterion != CodeCriterion::MaxTime {
        problems.push("max_time only applies to criterion max_time".into());
    }
    if let Some(module) = &code.needs
        && (module.is_empty() || !module.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    {
        problems.push(format!("needs '{module}' is not a Python module name"));
    }
    problems
}

/// Checks that `params` are parameters of `kernel` or of one of `backends`, with values
/// they accept (by building the workload at `size` and asking each backend).
fn check_params(
    kernel: &dyn kernels::Kernel,
    backends: &[String],
    params: &BTreeMap<String, String>,
    size: u64,
) -> Result<(), String> {
    for (key, value) in params.iter().filter(|(key, _)| names_a_path(key)) {
        inside_course(value).map_err(|why| {
            format!(
                "parameter {key} = \"{value}\" {why}: a course may only name paths inside the folder parlab runs in (give a relative path)"
            )
        })?;
    }
    let chosen: Vec<&dyn backends::Backend> = backends.iter().filter_map(|b| backends::find(b)).collect();
    let known: Vec<&str> =
        kernel.params().iter().chain(chosen.iter().flat_map(|b| b.params())).map(|p| p.key).collect();
    for key in params.keys() {
        if !known.contains(&key.as_str()) {
            return Err(format!(
                "parameter '{key}' is not one of kernel '{}' or of backends {}; valid parameters: {}",
                kernel.id(),
                backends.join(", "),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ));
        }
    }
    let spec =
        kernels::KernelSpec { kernel: kernel.id().to_string(), size: size.max(1), seed: 42, params: params.clone() };
    for backend in &chosen {
        backend.validate(&spec).map_err(|e| e.to_string())?;
    }
    // Only the kernel's own parameters decide whether it builds; building checks their values.
    let own: BTreeMap<String, String> = params
        .iter()
        .filter(|(k, _)| kernel.params().iter().any(|p| p.key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !own.is_empty() {
        kernel.check(&kernels::KernelSpec { params: own, ..spec }).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Everything wrong with a predict exercise, judged by the figure model the Exercises
/// screen measures it with.
fn check_prediction(predict: &Predict, offered: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    let figure = predict.figure();
    if !offered(&predict.backend) {
        problems.push(format!("backend '{}' is not one of this lesson's backends", predict.backend));
    }
    problems.extend(figure.problems().into_iter().filter(|why| !why.starts_with("unknown backend")));
    if !figure.metric.is_measured() {
        return problems;
    }
    match predict.tolerance {
        Some(t) if t.is_nan() || t < 0.0 => problems.push(format!("tolerance {t} must be 0 or more")),
        None if figure.metric.about().default_tolerance.is_none() => problems
            .push(format!("metric {} has no default tolerance for a prediction: give `tolerance`", figure.metric)),
        _ => {}
    }
    problems
}

/// Everything wrong with one claim of a lesson whose kernel is `lesson_kernel`.
fn check_claim(claim: &Claim, lesson_kernel: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let what = if claim.text.is_empty() { "claim".to_string() } else { format!("claim '{}'", claim.text) };
    match (claim.op, claim.tolerance) {
        (Op::Near, None) => problems.push(format!("{what}: op '~=' needs a tolerance")),
        (Op::Near, Some(t)) if t.is_nan() || t < 0.0 => {
            problems.push(format!("{what}: tolerance {t} must be 0 or more"))
        }
        (op, Some(_)) if op != Op::Near => {
            problems.push(format!("{what}: tolerance only applies to op '~=', not '{}'", op.symbol()))
        }
        _ => {}
    }
    if !claim.value.is_finite() {
        problems.push(format!("{what}: value must be a finite number"));
    }
    if claim.min_cpus == Some(0) {
        problems.push(format!("{what}: min_cpus must be at least 1"));
    }
    if let (Some(min), Some(max)) = (claim.min_cpus, claim.max_cpus)
        && min > max
    {
        problems.push(format!("{what}: min_cpus {min} is above max_cpus {max}, so it would never be checked"));
    }
    if !claim.metric.is_measured() {
        if claim.versus.is_some() {
            problems.push(format!("{what}: metric {} cannot have a versus measurement", claim.metric));
        }
        if let Some(list) = &claim.taskset
            && (list.is_empty() || !list.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '-'))
        {
            problems.push(format!("{what}: taskset '{list}' is not a CPU list such as 0 or 0,2-3"));
        }
        return problems;
    }
    if claim.taskset.is_some() {
        problems.push(format!("{what}: taskset only applies to metric pool_cpus"));
    }
    if claim.backend.is_none() {
        problems.push(format!("{what}: give the backend measured"));
    }
    if claim.workers.is_none() {
        problems.push(format!("{what}: give the worker count measured"));
    }
    for (index, (m, figure)) in claim.figures(lesson_kernel).into_iter().enumerate() {
        let prefix = if index == 0 { "" } else { "versus: " };
        if index > 0 && !figure.metric.is_measured() {
            problems.push(format!("{what}: versus: metric {} cannot be compared", figure.metric));
            continue;
        }
        let Some(kernel) = kernels::find(&m.kernel) else {
            problems.push(format!(
                "{what}: {prefix}unknown kernel '{}'; valid kernels: {}",
                m.kernel,
                kernels::ids().join(", ")
            ));
            continue;
        };
        if m.backend.is_empty() {
            continue;
        }
        let figure_problems = figure.problems();
        let unknown_backend = backends::find(&m.backend).is_none();
        for why in figure_problems {
            problems.push(format!("{what}: {prefix}{why}"));
        }
        if unknown_backend {
            continue;
        }
        if m.size == Some(0) {
            problems.push(format!("{what}: {prefix}size must be at least 1"));
        }
        let size = m.size.unwrap_or_else(|| kernel.small_size()).min(kernel.small_size().max(1));
        if let Err(why) = check_params(kernel, std::slice::from_ref(&m.backend), &m.params, size) {
            problems.push(format!("{what}: {prefix}{why}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_course_loads() {
        let course = embedded().unwrap_or_else(|errors| {
            panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        });
        assert!(course.lessons.len() >= 2);
        assert_eq!(course.lessons[0].kernel, "pi");
        assert!(course.lessons.iter().any(|l| l.kernel == "integral" && l.backends.iter().any(|b| b == "gil")));
        for lesson in &course.lessons {
            assert!(lesson.text.starts_with('#'), "{} should start with a heading", lesson.file);
        }
    }

    #[test]
    fn every_lesson_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            // lessons/instructor/ holds the instructor's notes: for whoever teaches, not embedded.
            if entry.file_type().unwrap().is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(embedded::FILES.iter().any(|(f, _)| *f == name), "lessons/{name} is not in embedded::FILES");
        }
        // The code exercises' starters and solutions are copied out of the binary.
        for entry in std::fs::read_dir(dir.join("code")).unwrap() {
            let name = format!("code/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(embedded::FILES.iter().any(|(f, _)| *f == name), "lessons/{name} is not in embedded::FILES");
        }
    }

    fn folder(manifest: &str, files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), manifest).unwrap();
        for file in files {
            std::fs::write(dir.path().join(file), "# A lesson\n").unwrap();
        }
        dir
    }

    fn messages(dir: &tempfile::TempDir) -> Vec<String> {
        let errors = load_dir(dir.path()).expect_err("the course is broken");
        let prefix = format!("{}/", dir.path().display());
        errors.iter().map(|e| e.to_string().replace(&prefix, "")).collect()
    }

    #[test]
    fn a_toml_syntax_error_names_its_line() {
        let dir = folder("title = \"t\"\n\n[[lesson]]\nid = \"a\"\ntitle = oops\n", &[]);
        let errors = messages(&dir);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("course.toml:5: "), "{errors:?}");
    }

    #[test]
    fn a_missing_field_and_an_unknown_field_are_reported() {
        let dir = folder(
            "title = \"t\"\n[[lesson]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.md\"\nkernel = \"pi\"\nbackends = [\"seq\"]\ncolour = 3\n",
            &["a.md"],
        );
        let errors = messages(&dir);
        assert!(errors[0].starts_with("course.toml:") && errors[0].contains("colour"), "{errors:?}");
    }

    #[test]
    fn unknown_kernels_backends_and_missing_files_are_located() {
        let manifest = r#"title = "t"

[[lesson]]
id = "a"
title = "A"
file = "missing.md"
kernel = "pie"
backends = ["seq", "gpu"]

[[lesson.exercises]]
kind = "choice"
prompt = "?"
options = ["x", "y"]
answer = 5

[[lesson]]
id = "a"
title = "B"
file = "b.md"
kernel = "pi"
backends = ["seq"]
"#;
        let dir = folder(manifest, &["b.md"]);
        let errors = messages(&dir);
        assert_eq!(
            errors,
            vec![
                "course.toml:6: lesson file missing.md cannot be read: No such file or directory (os error 2)"
                    .to_string(),
                format!("course.toml:7: unknown kernel 'pie'; valid kernels: {}", crate::kernels::ids().join(", ")),
                format!("course.toml:8: unknown backend 'gpu'; valid backends: {}", crate::backends::ids().join(", ")),
                "course.toml:10: answer 5 is not an option index (0 to 1)".to_string(),
                "course.toml:17: lesson id 'a' is used twice".to_string(),
            ]
        );
    }

    #[test]
    fn every_built_in_lesson_has_the_exercises_and_hints_the_course_promises() {
        let course = embedded().unwrap_or_else(|errors| panic!("{errors:?}"));
        let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "before-you-parallelise",
                "embarrassingly-parallel",
                "amdahl",
                "the-gil",
                "when-threads-help",
                "processes-and-data",
                "race-conditions",
                "parallel-libraries",
                "load-balance",
                "message-passing",
                "larger-than-memory",
                "cluster",
                "which-tool-when",
            ],
            "the lessons follow COURSE.md"
        );
        for lesson in &course.lessons {
            let count = |kind: fn(&Exercise) -> bool| lesson.exercises.iter().filter(|e| kind(e)).count();
            assert!(count(|e| matches!(e, Exercise::Predict(_))) >= 1, "{}: no predict exercise", lesson.id);
            assert!(count(|e| matches!(e, Exercise::Run(_))) >= 1, "{}: no run exercise", lesson.id);
            assert!(count(|e| matches!(e, Exercise::Choice(_))) >= 1, "{}: no choice exercise", lesson.id);
            for exercise in &lesson.exercises {
                if let Exercise::Choice(choice) = exercise {
                    assert_eq!(choice.explanations.len(), choice.options.len(), "{}: explain every option", lesson.id);
                }
            }
            assert!((2..=3).contains(&lesson.hints.len()), "{}: 2-3 hints", lesson.id);
            assert!(!lesson.claims.is_empty(), "{}: no claims", lesson.id);
            let words = lesson.text.split_whitespace().count();
            // Objectives, the text, the Python and key points: a 3-8 minute read before the Lab.
            assert!((450..=1600).contains(&words), "{}: {words} words is not a 3-8 minute read", lesson.id);
        }
    }

    const GOOD_LESSON: &str = "title = \"t\"\n\n[[lesson]]\nid = \"a\"\ntitle = \"A\"\nfile = \"a.md\"\nkernel = \"pi\"\nbackends = [\"seq\", \"processes\"]\n";

    #[test]
    fn parameters_exercises_and_claims_must_name_what_exists() {
        let manifest = format!(
            r#"{GOOD_LESSON}params = {{ colour = "red" }}

[[lesson.exercises]]
kind = "choice"
prompt = "?"
options = ["x", "y"]
answer = 1
explanations = ["only one"]

[[lesson.exercises]]
kind = "run"
prompt = "go"
backend = "seq"
workers = 0

[[lesson.claims]]
text = "k"
kernel = "pie"
backend = "seq"
workers = 1
metric = "time"
op = "<"
value = 1.0

[[lesson.claims]]
text = "p"
kernel = "counter"
backend = "processes"
workers = 2
params = {{ sync = "sometimes" }}
metric = "speedup"
op = "~="
value = 2.0

[[lesson.claims]]
text = "v"
backend = "threads"
workers = 2
metric = "time"
versus = {{ backend = "gpu" }}
op = ">"
value = 1.0
tolerance = 0.1

[[lesson.claims]]
text = "c"
metric = "pool_cpus"
taskset = "zero"
op = "=="
value = 1.0

[[lesson.claims]]
text = "w"
backend = "threads"
metric = "stats:messages"
op = ">"
value = 0.0
"#
        );
        let dir = folder(&manifest, &["a.md"]);
        let errors = messages(&dir);
        let expected = [
            "course.toml:9: parameter 'colour' is not one of kernel 'pi' or of backends seq, processes; valid parameters: impl, chunksize",
            "course.toml:11: 1 explanations for 2 options: give one per option, in the same order, or none",
            "course.toml:18: 0 is not a valid worker count (1 to 1024)",
            "course.toml:24: claim 'k': unknown kernel 'pie'",
            "course.toml:33: claim 'p': op '~=' needs a tolerance",
            "course.toml:33: claim 'p': --param sync=sometimes: use none, atomic, mutex or partials",
            "course.toml:43: claim 'v': tolerance only applies to op '~=', not '>'",
            "course.toml:43: claim 'v': versus: unknown backend 'gpu'",
            "course.toml:53: claim 'c': taskset 'zero' is not a CPU list",
            "course.toml:60: claim 'w': give the worker count measured",
        ];
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (error, start) in errors.iter().zip(expected) {
            assert!(error.starts_with(start), "{error}\n  should start with\n{start}");
        }
    }

    #[test]
    fn code_exercises_name_their_files_and_criteria() {
        let manifest = format!(
            r#"{GOOD_LESSON}
[[lesson.exercises]]
kind = "code"
prompt = "write it"
file = "../escape.py"
starter = "code/missing.py"
solution = "code/s.py"
expect = 1.0
criterion = "max_time"
"#
        );
        let dir = folder(&manifest, &["a.md"]);
        std::fs::create_dir(dir.path().join("code")).unwrap();
        std::fs::write(dir.path().join("code/s.py"), "print(1)\n").unwrap();
        let errors = messages(&dir);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors[0].starts_with("course.toml:10: file '../escape.py' must be a plain file name"), "{errors:?}");
        assert!(errors[1].starts_with("course.toml:10: criterion max_time needs max_time"), "{errors:?}");
        assert!(
            errors[2].starts_with("course.toml:10: code file ") && errors[2].contains("code/missing.py cannot be read")
        );
        let fixed = manifest
            .replace("../escape.py", "mine.py")
            .replace("code/missing.py", "code/s.py")
            .replace("criterion = \"max_time\"", "criterion = \"max_time\"\nmax_time = 0.5");
        std::fs::write(dir.path().join(MANIFEST), fixed).unwrap();
        let course = load_dir(dir.path()).unwrap();
        assert_eq!(course.lessons[0].file_text("code/s.py"), Some("print(1)\n"));
    }

    #[test]
    fn a_lesson_holds_the_python_twins_of_its_kernel() {
        let dir = folder(GOOD_LESSON, &["a.md"]);
        std::fs::create_dir_all(dir.path().join("python/pi")).unwrap();
        std::fs::write(dir.path().join("python/pi/processes.py"), "import multiprocessing\n").unwrap();
        let course = load_dir(dir.path()).unwrap();
        let lesson = &course.lessons[0];
        assert_eq!(lesson.twin("processes"), Some(("python/pi/processes.py".to_string(), "import multiprocessing\n")));
        assert_eq!(lesson.twin("py-processes").map(|t| t.0), Some("python/pi/processes.py".to_string()));
        assert_eq!(lesson.twin("seq"), None, "a missing twin is no error");
    }

    #[test]
    fn a_pair_exercise_asks_for_a_figure_a_share_carries() {
        let pair = |metric: &str, backend: &str| {
            format!(
                "{GOOD_LESSON}\n[[lesson.exercises]]\nkind = \"pair\"\noptional = true\nprompt = \"?\"\nbackend = \"{backend}\"\nworkers = 2\nmetric = \"{metric}\"\n"
            )
        };
        let dir = folder(&pair("busy_cores", "gpu"), &["a.md"]);
        let errors = messages(&dir);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("course.toml:10: backend 'gpu' is not one of this lesson's backends"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("course.toml:10: a share line does not carry metric busy_cores: a pair exercise asks for one of time, speedup"),
            "{errors:?}"
        );
        let dir = folder(&pair("speedup", "processes"), &["a.md"]);
        let course = load_dir(dir.path()).unwrap();
        assert!(matches!(course.lessons[0].exercises[0], Exercise::Pair(_)));
        assert_eq!(course.lessons[0].optional_exercises, [true]);
    }

    #[test]
    fn an_unknown_metric_is_located() {
        let manifest = format!(
            "{GOOD_LESSON}\n[[lesson.claims]]\nbackend = \"seq\"\nworkers = 1\nmetric = \"stats:flops\"\nop = \">\"\nvalue = 1.0\n"
        );
        let dir = folder(&manifest, &["a.md"]);
        let errors = messages(&dir);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("course.toml:13: unknown stats field 'flops'"), "{errors:?}");
    }

    #[test]
    fn lines_are_counted_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
