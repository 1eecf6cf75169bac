//! The course: an ordered manifest (`course.toml`) plus one Markdown file per lesson,
//! embedded in the binary or loaded from an instructor's folder, and the checks that
//! turn every mistake in them into a `file:line: message`. The figures that predictions
//! and claims are about (plan, read, grade) are modelled once, in [`figure`]. No terminal
//! code here.

mod check;
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
use check::check_lesson;
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
