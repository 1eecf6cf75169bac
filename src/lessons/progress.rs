//! The learner's progress file: per lesson how far they got, the hints they opened,
//! their exercise answers (predictions, measured values, choices) and best speedups,
//! plus where to resume. Kept between sessions as `progress.toml` in parlab's data
//! folder (or the file named by `PARLAB_PROGRESS`), written atomically; a file that
//! cannot be read is set aside, never fatal. No terminal code here.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use serde::{Deserialize, Serialize};

use super::manifest::Metric;
use crate::files;

/// Environment variable naming the progress file (tests and shared accounts).
pub const PROGRESS_VARIABLE: &str = "PARLAB_PROGRESS";

/// The format version this build writes.
pub const VERSION: u32 = 2;

/// How far a learner got with a lesson.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Not opened yet.
    #[default]
    New,
    /// Passed over when the learner jumped ahead.
    Skipped,
    /// Read.
    Read,
    /// Measured in the Lab.
    Ran,
}

/// The progress file's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressFile {
    /// Format version (2; files without it are the first format, marks only).
    #[serde(default)]
    pub version: u32,
    /// Where the learner was when they left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// Lesson id -> what the learner did in it.
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonRecord>,
}

/// Where to pick up again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// Id of the lesson that was open.
    pub lesson: String,
    /// The screen shown: `lessons`, `lab`, `exercises`, `progress` or `machine`.
    pub screen: String,
}

/// What the learner did in one lesson.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonRecord {
    /// How far they got.
    #[serde(default)]
    pub mark: Mark,
    /// Hints revealed (the first `hints` of the lesson's list).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints: usize,
    /// One record per exercise touched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<ExerciseRecord>,
    /// The best speedup measured for this lesson's kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<BestRun>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl LessonRecord {
    /// Whether nothing was recorded (a new lesson).
    pub fn is_empty(&self) -> bool {
        *self == LessonRecord::default()
    }
}

/// The fastest point measured in a lesson, against the same backend at 1 worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestRun {
    /// Backend.
    pub backend: String,
    /// Worker count.
    pub workers: usize,
    /// Speedup against the same backend at 1 worker.
    pub speedup: f64,
}

/// Which kind of exercise a record belongs to (a record whose kind no longer matches
/// the lesson's exercise at that position is ignored).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExerciseKind {
    /// Predict-then-measure.
    #[default]
    Predict,
    /// Multiple choice.
    Choice,
    /// Run this and look.
    Run,
    /// Write the code.
    Code,
    /// Predict the partner's figure, graded by their share.
    Pair,
}

/// What the learner did in one exercise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExerciseRecord {
    /// Position in the lesson's exercise list, from 1.
    pub number: usize,
    /// Kind of the exercise at that position.
    pub kind: ExerciseKind,
    /// Done: a prediction measured, a question answered right, a run step measured.
    #[serde(default)]
    pub done: bool,
    /// Tries: predictions measured or answers given.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub attempts: u32,
    /// Predict: the learner's first prediction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_prediction: Option<f64>,
    /// Predict: the learner's latest prediction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<f64>,
    /// Predict: the figure predicted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    /// Predict: the measured value of the figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<f64>,
    /// Predict: whether the latest prediction was within the tolerance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// Choice: the option chosen last, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<usize>,
    /// Run (and predict): the speedup of the measured point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    /// Run (and predict): mean busy cores while the point ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy_cores: Option<f64>,
    /// Predict: why the measurement came out as it did (the explanation of the gap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanation: Vec<String>,
    /// Pair: the partner's machine, as their share describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// Code: hints of the exercise revealed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints: usize,
    /// Code: the reference solution was shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub solution_shown: bool,
    /// When it was done, UTC, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

/// The first format: lesson id -> mark.
#[derive(Deserialize)]
struct FirstFormat {
    #[serde(default)]
    lessons: BTreeMap<String, Mark>,
}

/// Where progress is kept: `$PARLAB_PROGRESS`, else parlab's data folder.
pub fn default_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(PROGRESS_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "parlab").map(|dirs| dirs.data_dir().join("progress.toml"))
}

/// A progress file as read at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The progress (default when there was none or it could not be read).
    pub progress: ProgressFile,
    /// Something the learner should know: the file was set aside, or cannot be read.
    pub warning: Option<String>,
    /// Whether saving over the file is safe (false when it exists but cannot be read).
    pub writable: bool,
}

/// Parses a progress file's text in either format.
pub fn parse(text: &str) -> Result<ProgressFile, String> {
    match toml::from_str::<ProgressFile>(text) {
        Ok(file) => Ok(file),
        Err(current) => match toml::from_str::<FirstFormat>(text) {
            Ok(first) => Ok(ProgressFile {
                version: VERSION,
                resume: None,
                lessons: first
                    .lessons
                    .into_iter()
                    .map(|(id, mark)| (id, LessonRecord { mark, ..LessonRecord::default() }))
                    .collect(),
            }),
            Err(_) => Err(current.message().trim().to_string()),
        },
    }
}

/// Reads the progress file. A missing file is a fresh start; a file that does not parse
/// is renamed to `<name>.corrupt-N` and reported; one that cannot be read at all is
/// reported and left alone (and not saved over).
pub fn load(path: &Path) -> Loaded {
    let fresh =
        |warning: Option<String>, writable: bool| Loaded { progress: ProgressFile::default(), warning, writable };
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return fresh(None, true),
        Err(e) => {
            return fresh(
                Some(format!(
                    "Progress file {} cannot be read ({e}); this session's progress will not be saved.",
                    path.display()
                )),
                false,
            );
        }
    };
    match parse(&text) {
        Ok(progress) => Loaded { progress, warning: None, writable: true },
        Err(why) => match set_aside(path) {
            Ok(aside) => fresh(
                Some(format!(
                    "Progress file {} was damaged ({why}); it was kept as {} and progress starts afresh.",
                    path.display(),
                    aside.display()
                )),
                true,
            ),
            Err(e) => fresh(
                Some(format!(
                    "Progress file {} is damaged ({why}) and could not be set aside ({e}); progress will not be saved.",
                    path.display()
                )),
                false,
            ),
        },
    }
}

/// Renames a damaged file to the first free `<name>.corrupt-N`.
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().map_or_else(|| "progress.toml".into(), |n| n.to_string_lossy().to_string());
    for n in 1.. {
        let aside = path.with_file_name(format!("{name}.corrupt-{n}"));
        if !aside.exists() {
            fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    unreachable!("some corrupt-N name is free")
}

/// Writes the progress file atomically through [`files::replace`]: a temporary file
/// beside it, flushed to disk, then renamed into place, so a crash leaves either the old
/// or the new file.
pub fn save(path: &Path, progress: &ProgressFile) -> io::Result<()> {
    let mut progress = progress.clone();
    progress.version = VERSION;
    let text = toml::to_string(&progress).map_err(io::Error::other)?;
    let mut bytes = b"# parlab progress: written by parlab, safe to delete to start afresh.\n".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    files::replace(path, &bytes)
}

/// Writes `text` to `<stem>.<ext>` in `dir`, or `<stem>-2.<ext>`, `-3`... when taken;
/// never overwrites. Returns the file written.
pub fn write_fresh(dir: &Path, stem: &str, ext: &str, text: &str) -> io::Result<PathBuf> {
    files::create_fresh(dir, stem, Some(ext), text.as_bytes())
}

/// Saves progress on its own thread (a save syncs to disk, which can take longer than a
/// frame); keeps only the newest of several pending saves. Failures come back on `errors`.
pub struct Saver {
    tx: Option<Sender<ProgressFile>>,
    thread: Option<thread::JoinHandle<()>>,
    /// Why a save failed, one message per failure.
    pub errors: Receiver<String>,
}

impl Saver {
    /// Starts the saving thread for `path`.
    pub fn start(path: PathBuf) -> Self {
        let (tx, rx) = unbounded::<ProgressFile>();
        let (errors_tx, errors) = unbounded();
        let thread = thread::Builder::new()
            .name("parlab-progress".into())
            .spawn(move || {
                while let Ok(mut progress) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        progress = newer;
                    }
                    if let Err(e) = save(&path, &progress) {
                        let _ = errors_tx.send(format!("Could not save progress to {}: {e}", path.display()));
                    }
                }
            })
            .ok();
        Self { tx: Some(tx), thread, errors }
    }

    /// Queues `progress` to be saved.
    pub fn save(&self, progress: ProgressFile) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(progress);
        }
    }

    /// Waits (at most `limit`) for the queued saves to reach the disk.
    pub fn finish(mut self, limit: Duration) {
        self.tx = None;
        let deadline = Instant::now() + limit;
        if let Some(thread) = self.thread.take() {
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProgressFile {
        let mut progress = ProgressFile {
            version: VERSION,
            resume: Some(Resume { lesson: "the-gil".into(), screen: "exercises".into() }),
            lessons: BTreeMap::new(),
        };
        progress.lessons.insert(
            "the-gil".into(),
            LessonRecord {
                mark: Mark::Ran,
                hints: 2,
                exercises: vec![
                    ExerciseRecord {
                        number: 1,
                        kind: ExerciseKind::Predict,
                        done: true,
                        attempts: 1,
                        first_prediction: Some(1.5),
                        prediction: Some(1.5),
                        metric: Some(Metric::Speedup),
                        measured: Some(1.04),
                        passed: Some(false),
                        ..ExerciseRecord::default()
                    },
                    ExerciseRecord {
                        number: 2,
                        kind: ExerciseKind::Choice,
                        done: true,
                        attempts: 2,
                        chosen: Some(1),
                        ..ExerciseRecord::default()
                    },
                ],
                best: Some(BestRun { backend: "threads".into(), workers: 2, speedup: 1.93 }),
            },
        );
        progress
            .lessons
            .insert("embarrassingly-parallel".into(), LessonRecord { mark: Mark::Skipped, ..Default::default() });
        progress
    }

    #[test]
    fn progress_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/progress.toml");
        let loaded = load(&path);
        assert_eq!(loaded, Loaded { progress: ProgressFile::default(), warning: None, writable: true });
        let progress = sample();
        save(&path, &progress).unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.progress, progress);
        assert_eq!(loaded.warning, None);
        let names: Vec<String> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        assert_eq!(names, ["progress.toml"], "no temporary file is left behind");
    }

    #[test]
    fn the_first_format_still_loads() {
        let progress = parse("[lessons]\nthe-gil = \"ran\"\nembarrassingly-parallel = \"read\"\n").unwrap();
        assert_eq!(progress.lessons["the-gil"].mark, Mark::Ran);
        assert_eq!(progress.lessons["embarrassingly-parallel"].mark, Mark::Read);
    }

    #[test]
    fn a_damaged_file_is_set_aside_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        fs::write(&path, "not toml [").unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.progress, ProgressFile::default(), "a damaged file is a fresh start");
        assert!(loaded.writable);
        let warning = loaded.warning.expect("the learner is told");
        assert!(warning.contains("progress.toml.corrupt-1"), "{warning}");
        assert!(!path.exists());
        assert_eq!(fs::read_to_string(dir.path().join("progress.toml.corrupt-1")).unwrap(), "not toml [");
        // A second damaged file does not replace the first one set aside.
        fs::write(&path, "lessons = 3").unwrap();
        assert!(load(&path).warning.unwrap().contains("corrupt-2"));
        assert_eq!(fs::read_to_string(dir.path().join("progress.toml.corrupt-1")).unwrap(), "not toml [");
        // And saving afterwards works.
        save(&path, &sample()).unwrap();
        assert_eq!(load(&path).progress, sample());
    }

    #[test]
    fn a_failed_save_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        // The rename into place cannot happen: a folder with a file in it has that name.
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), "x").unwrap();
        assert!(save(&path, &sample()).is_err());
        assert_eq!(fs::read_to_string(path.join("keep")).unwrap(), "x", "what was there is intact");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["progress.toml"], "no temporary file is left behind");
        fs::remove_dir_all(&path).unwrap();
        save(&path, &sample()).unwrap();
        assert_eq!(load(&path).progress, ProgressFile { version: VERSION, ..sample() });
    }

    #[test]
    fn the_saver_thread_writes_the_newest_progress() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.toml");
        let saver = Saver::start(path.clone());
        let mut progress = sample();
        saver.save(progress.clone());
        progress.lessons.get_mut("the-gil").unwrap().hints = 3;
        saver.save(progress.clone());
        saver.finish(Duration::from_secs(10));
        assert_eq!(load(&path).progress, progress);
    }

    #[test]
    fn fresh_files_are_numbered_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_fresh(dir.path(), "parlab-progress", "md", "one").unwrap();
        let second = write_fresh(dir.path(), "parlab-progress", "md", "two").unwrap();
        assert_eq!(first.file_name().unwrap(), "parlab-progress.md");
        assert_eq!(second.file_name().unwrap(), "parlab-progress-2.md");
        assert_eq!(fs::read_to_string(first).unwrap(), "one");
    }
}
