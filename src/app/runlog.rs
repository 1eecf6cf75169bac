//! The run log and the Lab's "Recent runs" list (beside `ui/recent.rs`). Every point a
//! Lab run finishes is appended at once, as one JSON line, to `runs.jsonl` in parlab's
//! data folder (like hyperfine exporting after each benchmark), and reaches the disk
//! before the next point starts: a crash, a kill or an accidental quit loses at most the
//! point in flight. A line cut short by a crash damages nothing before it; a log with
//! lines that cannot be read is set aside (`runs.jsonl.corrupt-N`) with a warning and
//! its readable lines are kept. The log cannot grow without bound: when it is read it
//! keeps only the newest runs within [`KEEP`] (a number of runs and of bytes), rewritten
//! atomically, so a learner who runs all week never fills the disk. The list reopens a run (table and chart come back),
//! exports it or deletes it. The file work is done by the main loop (`tui.rs`) through
//! the functions here; the list's state and keys are the app's.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use serde::{Deserialize, Serialize};

use super::keys::{Command, Hint, Keys, always};
use super::{App, Effect, Key};
use crate::files;
use crate::measure::{Plan, Point, Report};
use crate::sysmon::MachineFacts;

/// Environment variable naming the run log (tests and shared accounts).
pub const RUNS_VARIABLE: &str = "PARLAB_RUNS";
/// The run log's file name in the data folder.
pub const FILE_NAME: &str = "runs.jsonl";

/// Where the run log is kept: `$PARLAB_RUNS`; else beside `$PARLAB_PROGRESS`; else
/// parlab's data folder.
pub fn default_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(RUNS_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    if let Some(progress) = std::env::var_os(crate::lessons::progress::PROGRESS_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(Path::new(&progress).with_file_name(FILE_NAME));
    }
    directories::ProjectDirs::from("", "", "parlab").map(|dirs| dirs.data_dir().join(FILE_NAME))
}

/// One line of the log: one finished point with what is needed to rebuild its run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// Which run the point belongs to (unique in the log).
    pub run: String,
    /// When the run started, UTC, ISO 8601.
    pub created: String,
    /// Version of parlab that measured it.
    pub parlab_version: String,
    /// The machine it ran on.
    pub machine: MachineFacts,
    /// What the run was asked to measure.
    pub plan: Plan,
    /// Seconds the sequential reference run took, when it had run.
    pub reference_s: Option<f64>,
    /// The finished point.
    pub point: Point,
}

/// A run rebuilt from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRun {
    /// The run's id in the log.
    pub id: String,
    /// Its points, with speedups and fits derived afresh.
    pub report: Report,
}

impl LoggedRun {
    /// Points the plan asked for.
    pub fn planned(&self) -> usize {
        self.report.plan.points().len().max(self.report.points.len())
    }

    /// Whether the run stopped before its last point (a crash, a kill, a cancel).
    pub fn unfinished(&self) -> bool {
        self.report.points.len() < self.planned()
    }
}

/// A new run's id: the process and a counter, so two runs never share one.
pub fn new_id(counter: usize) -> String {
    format!("{}-{}-{counter}", crate::measure::report::utc_now(), std::process::id())
}

/// Appends one finished point of run `id` to the log at `path` and waits until it is on
/// disk. A line left without its end by a crash is ended first, so it damages only itself.
pub fn append(path: &Path, id: &str, report: &Report, point: &Point) -> io::Result<()> {
    let line = LogLine {
        run: id.to_string(),
        created: report.created.clone(),
        parlab_version: report.parlab_version.clone(),
        machine: report.machine.clone(),
        plan: report.plan.clone(),
        reference_s: report.reference_s,
        point: point.clone(),
    };
    let mut text = serde_json::to_string(&line).map_err(io::Error::other)?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().read(true).append(true).create(true).open(path)?;
    let length = file.metadata()?.len();
    if length > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(length - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.insert(0, '\n');
        }
    }
    // One write of the whole line: appends from two parlabs do not interleave.
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

/// The log as read: its runs, newest first, and what the learner should know.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    /// The log's path, as shown.
    pub path: String,
    /// Runs, newest first.
    pub runs: Vec<LoggedRun>,
    /// The log was damaged and set aside, or cannot be read.
    pub warning: Option<String>,
}

/// How much of the log is kept when it is read: the newest runs, as many as both limits
/// allow (the newest run is always kept whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// Runs kept at most.
    pub runs: usize,
    /// Bytes of log kept at most.
    pub bytes: usize,
}

/// What the run log keeps: 200 runs, 16 MiB (a point's line is a few KiB).
pub const KEEP: Keep = Keep { runs: 200, bytes: 16 << 20 };

/// Reads the log at `path`, pruned to [`KEEP`]. A missing log has no runs; lines that
/// cannot be read are reported and set aside with the whole file (`<name>.corrupt-N`),
/// and the readable lines are written back, so nothing readable is lost and the warning
/// comes once.
pub fn load(path: &Path) -> Loaded {
    load_keeping(path, KEEP)
}

/// [`load`], keeping what `keep` allows: older runs are dropped from the file, which is
/// rewritten atomically (a parlab appending at that instant may lose its point).
pub fn load_keeping(path: &Path, keep: Keep) -> Loaded {
    let shown = path.display().to_string();
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Loaded { path: shown, ..Loaded::default() },
        Err(e) => {
            return Loaded {
                path: shown.clone(),
                runs: Vec::new(),
                warning: Some(format!("Run log {shown} cannot be read ({e}); new runs may not be kept.")),
            };
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = Vec::new();
    let mut raws = Vec::new();
    let mut bad = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<LogLine>(raw) {
            Ok(line) => {
                raws.push(raw);
                lines.push(line);
            }
            Err(_) => bad.push(number + 1),
        }
    }
    let kept = kept_runs(&lines, &raws, keep);
    let pruned = kept.len() < distinct_runs(&lines);
    let mut good = String::new();
    let (lines, raws): (Vec<LogLine>, Vec<&str>) =
        lines.into_iter().zip(raws).filter(|(line, _)| kept.contains(&line.run)).unzip();
    for raw in raws {
        good.push_str(raw);
        good.push('\n');
    }
    let mut warning = None;
    if pruned && bad.is_empty() {
        // Old runs go quietly, as a shell's history does; only a failure is worth a word.
        if let Err(e) = files::replace(path, good.as_bytes()) {
            warning = Some(format!("Run log {shown} could not be trimmed to its newest runs ({e})."));
        }
    }
    if !bad.is_empty() {
        let which = bad.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let more = if bad.len() > 5 { ", ..." } else { "" };
        let kept = format!("{} readable point{}", lines.len(), if lines.len() == 1 { "" } else { "s" });
        warning = Some(match set_aside(path).and_then(|aside| files::replace(path, good.as_bytes()).map(|()| aside)) {
            Ok(aside) => format!(
                "Run log {shown} was damaged (line {which}{more} unreadable); it was kept as {} and its {kept} were kept.",
                aside.display()
            ),
            Err(e) => {
                format!("Run log {shown} is damaged (line {which}{more} unreadable) and could not be set aside ({e}).")
            }
        });
    }
    Loaded { path: shown, runs: runs_of(lines), warning }
}

/// How many runs `lines` hold.
fn distinct_runs(lines: &[LogLine]) -> usize {
    let mut ids: Vec<&str> = lines.iter().map(|l| l.run.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The ids of the newest runs that `keep` allows; a run is as new as its first line is
/// late in the log, and weighs the bytes of all its lines.
fn kept_runs(lines: &[LogLine], raws: &[&str], keep: Keep) -> Vec<String> {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for (line, raw) in lines.iter().zip(raws) {
        match runs.iter_mut().find(|(id, _)| *id == line.run) {
            Some((_, bytes)) => *bytes += raw.len() + 1,
            None => runs.push((&line.run, raw.len() + 1)),
        }
    }
    let mut kept = Vec::new();
    let mut bytes = 0;
    for (id, size) in runs.into_iter().rev() {
        if kept.len() >= keep.runs || (!kept.is_empty() && bytes + size > keep.bytes) {
            break;
        }
        bytes += size;
        kept.push(id.to_string());
    }
    kept
}

/// Groups lines into runs, newest first; a point measured again replaces the earlier one.
fn runs_of(lines: Vec<LogLine>) -> Vec<LoggedRun> {
    let mut runs: Vec<LoggedRun> = Vec::new();
    for line in lines {
        let index = match runs.iter().position(|r| r.id == line.run) {
            Some(index) => index,
            None => {
                runs.push(LoggedRun {
                    id: line.run.clone(),
                    report: Report {
                        parlab_version: line.parlab_version.clone(),
                        created: line.created.clone(),
                        machine: line.machine.clone(),
                        plan: line.plan.clone(),
                        reference_s: None,
                        points: Vec::new(),
                        fits: Vec::new(),
                        commands: None,
                        incomplete: false,
                    },
                });
                runs.len() - 1
            }
        };
        let report = &mut runs[index].report;
        report.reference_s = line.reference_s.or(report.reference_s);
        report.points.retain(|p| !(p.backend == line.point.backend && p.workers == line.point.workers));
        report.points.push(line.point);
    }
    for run in &mut runs {
        run.report.derive();
        run.report.incomplete = run.unfinished();
    }
    runs.reverse();
    runs
}

/// Removes every line of run `id` from the log (written atomically).
pub fn delete(path: &Path, id: &str) -> io::Result<()> {
    let text = fs::read_to_string(path)?;
    let kept: String = text
        .lines()
        .filter(|raw| serde_json::from_str::<LogLine>(raw).map_or(true, |line| line.run != id))
        .flat_map(|raw| [raw, "\n"])
        .collect();
    files::replace(path, kept.as_bytes())
}

fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy().to_string());
    for n in 1..files::MAX_NUMBERED {
        let aside = path.with_file_name(format!("{name}.corrupt-{n}"));
        if !aside.exists() {
            fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    Err(io::Error::other("every .corrupt-N name is taken"))
}

/// A point waiting to be appended: its run's id, the report so far and the point.
type Queued = (String, Box<Report>, Box<Point>);

/// Appends points on its own thread, so the screen never waits for the disk.
pub struct Writer {
    lines: Option<Sender<Queued>>,
    thread: Option<thread::JoinHandle<()>>,
    /// Why an append failed, one message per failure.
    pub errors: Receiver<String>,
}

impl Writer {
    /// A writer appending to `path`.
    pub fn start(path: PathBuf) -> Self {
        let (tx, rx) = unbounded::<Queued>();
        let (error_tx, errors) = unbounded();
        let thread = thread::Builder::new()
            .name("parlab-runlog".into())
            .spawn(move || {
                for (id, report, point) in rx {
                    if let Err(e) = append(&path, &id, &report, &point) {
                        let _ = error_tx.send(format!(
                            "Could not add the point to the run log {} ({e}); export the results (e) to keep them.",
                            path.display()
                        ));
                    }
                }
            })
            .ok();
        Self { lines: Some(tx), thread, errors }
    }

    /// Queues one finished point of run `id`.
    pub fn append(&self, id: &str, report: &Report, point: &Point) {
        if let Some(tx) = &self.lines {
            let _ = tx.send((id.to_string(), Box::new(report.clone()), Box::new(point.clone())));
        }
    }

    /// Writes what is queued, waiting at most `limit`.
    pub fn finish(mut self, limit: Duration) {
        self.lines = None;
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + limit;
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(10));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// The "Recent runs" list over the Lab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecentView {
    /// The log as last read (`None` while it is being read).
    pub loaded: Option<Loaded>,
    /// The run under the cursor.
    pub selected: usize,
    /// The run whose deletion waits for a second press.
    pub confirm_delete: Option<String>,
}

impl RecentView {
    /// The run under the cursor.
    pub fn selected_run(&self) -> Option<&LoggedRun> {
        self.loaded.as_ref()?.runs.get(self.selected)
    }
}

/// What a key does in the Recent runs list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentAction {
    /// The run above (-1) or below (1).
    Move(isize),
    /// Put the run's table and chart back in the Lab.
    Reopen,
    /// Write the run's results, report and charts to a fresh folder.
    Export,
    /// Delete the run from the log (the second press in a row does it).
    Delete,
    /// Close the list.
    Close,
}

fn has_run(app: &App) -> bool {
    app.recent.as_ref().and_then(RecentView::selected_run).is_some()
}

use RecentAction as R;

/// The Recent runs list's keys.
pub const KEYS: Keys<RecentAction> = Keys(&[
    Command {
        keys: "↑↓ j k",
        bindings: &[
            (Key::Up, R::Move(-1)),
            (Key::Char('k'), R::Move(-1)),
            (Key::Down, R::Move(1)),
            (Key::Char('j'), R::Move(1)),
        ],
        help: "recent runs: choose a run",
        when: always,
        hints: &[Hint::new("↑↓", "choose", 10, has_run)],
    },
    Command {
        keys: "Enter",
        bindings: &[(Key::Enter, R::Reopen)],
        help: "recent runs: reopen the run (its table and chart)",
        when: always,
        hints: &[Hint::new("Enter", "reopen", 11, has_run)],
    },
    Command {
        keys: "e",
        bindings: &[(Key::Char('e'), R::Export)],
        help: "recent runs: export the run to ./parlab-results/",
        when: always,
        hints: &[Hint::new("e", "export", 12, has_run)],
    },
    Command {
        keys: "d d",
        bindings: &[(Key::Char('d'), R::Delete)],
        help: "recent runs: delete the run from the log",
        when: always,
        hints: &[Hint::new("d d", "delete", 13, has_run)],
    },
    Command {
        keys: "o q Esc",
        bindings: &[(Key::Char('o'), R::Close), (Key::Char('q'), R::Close), (Key::Esc, R::Close)],
        help: "recent runs: close the list",
        when: always,
        hints: &[Hint::new("q", "close", 14, always)],
    },
]);

impl App {
    /// Opens the Recent runs list: the main loop reads the log and sends it back.
    pub(super) fn open_recent(&mut self) -> Option<Effect> {
        self.recent = Some(RecentView::default());
        Some(Effect::LoadRuns)
    }

    /// The log as read by the main loop.
    pub(super) fn runs_loaded(&mut self, loaded: Loaded) {
        if let Some(warning) = &loaded.warning {
            self.warning = Some(warning.clone());
        }
        if let Some(view) = self.recent.as_mut() {
            view.selected = view.selected.min(loaded.runs.len().saturating_sub(1));
            view.loaded = Some(loaded);
        }
    }

    /// Does what `action` says in the Recent runs list.
    pub(super) fn recent_action(&mut self, action: RecentAction) -> Option<Effect> {
        let view = self.recent.as_mut()?;
        let armed = view.confirm_delete.take();
        let count = view.loaded.as_ref().map_or(0, |l| l.runs.len());
        match action {
            R::Move(delta) => {
                view.selected = (view.selected as isize + delta).clamp(0, count.saturating_sub(1) as isize) as usize;
            }
            R::Close => self.recent = None,
            R::Reopen => {
                let run = view.selected_run()?.clone();
                let points = run.report.points.len();
                self.message = Some(format!(
                    "Reopened the run of {}: {points} point{} of {}{}.",
                    run.report.created,
                    if points == 1 { "" } else { "s" },
                    run.report.plan.spec.kernel,
                    if run.unfinished() {
                        format!(" (of {} planned; it stopped early)", run.planned())
                    } else {
                        String::new()
                    }
                ));
                self.results = Some(run.report);
                self.results_scroll = 0;
                self.lab_map = false;
                self.recent = None;
            }
            R::Export => {
                let report = view.selected_run()?.report.clone();
                self.message = Some("Exporting the run...".into());
                return Some(Effect::Export(Box::new(report)));
            }
            R::Delete => {
                let run = view.selected_run()?;
                if armed.as_deref() == Some(run.id.as_str()) {
                    self.message = Some(format!("Deleted the run of {}.", run.report.created));
                    return Some(Effect::DeleteRun(run.id.clone()));
                }
                let created = run.report.created.clone();
                view.confirm_delete = Some(run.id.clone());
                self.message = Some(format!("Press d again to delete the run of {created} from the log."));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kernels::KernelSpec;

    fn report(workers: &[usize]) -> Report {
        let plan = Plan {
            spec: KernelSpec { kernel: "pi".into(), size: 1000, seed: 42, params: BTreeMap::new() },
            backends: vec!["threads".into()],
            workers: workers.to_vec(),
            warmup: 0,
            repetitions: 1,
            scale: Default::default(),
            order: crate::measure::Order::Sequential,
        };
        let mut report = Report::new(MachineFacts::synthetic(2), plan);
        report.reference_s = Some(1.0);
        report
    }

    fn point(workers: usize) -> Point {
        let mut point = Point::new("pi", "threads", workers, vec![1.0 / workers as f64]);
        point.verified = true;
        point
    }

    #[test]
    fn points_come_back_as_runs_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/runs.jsonl");
        let first = report(&[1, 2]);
        append(&path, "a", &first, &point(1)).unwrap();
        append(&path, "a", &first, &point(2)).unwrap();
        append(&path, "b", &report(&[1, 2, 4]), &point(1)).unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.warning, None);
        let ids: Vec<&str> = loaded.runs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b", "a"]);
        let a = &loaded.runs[1];
        assert_eq!(a.report.points.len(), 2);
        assert!(!a.unfinished());
        assert_eq!(a.report.points[1].speedup, Some(2.0), "speedups are derived afresh");
        assert!(loaded.runs[0].unfinished() && loaded.runs[0].report.incomplete);
    }

    #[test]
    fn a_line_cut_short_by_a_crash_loses_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        let r = report(&[1, 2]);
        append(&path, "a", &r, &point(1)).unwrap();
        // A crash in the middle of the second append: half a line, no end.
        let whole = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{whole}{}", &whole[..whole.len() / 2])).unwrap();
        // The next session appends after it: its line is not glued to the broken one.
        append(&path, "b", &r, &point(2)).unwrap();
        let loaded = load(&path);
        let warning = loaded.warning.expect("the damage is reported");
        assert!(warning.contains("line 2 unreadable") && warning.contains("corrupt-1"), "{warning}");
        assert_eq!(loaded.runs.len(), 2, "both whole points are kept");
        assert!(path.with_file_name("runs.jsonl.corrupt-1").exists(), "the damaged log is set aside");
        // The log was rewritten with its readable lines: the next load is clean.
        let again = load(&path);
        assert_eq!(again.warning, None);
        assert_eq!(again.runs, loaded.runs);
    }

    #[test]
    fn garbage_and_a_missing_log_are_never_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        assert_eq!(load(&path).runs, []);
        fs::write(&path, b"\xff\xfe not json\n{\"run\": 1}\n\n").unwrap();
        let loaded = load(&path);
        assert!(loaded.runs.is_empty());
        assert!(loaded.warning.unwrap().contains("line 1, 2 unreadable"));
        let folder = dir.path().join("a-folder");
        fs::create_dir(&folder).unwrap();
        assert!(load(&folder).warning.unwrap().contains("cannot be read"));
    }

    #[test]
    fn delete_removes_one_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        append(&path, "a", &report(&[1]), &point(1)).unwrap();
        append(&path, "b", &report(&[1]), &point(1)).unwrap();
        delete(&path, "a").unwrap();
        let ids: Vec<String> = load(&path).runs.into_iter().map(|r| r.id).collect();
        assert_eq!(ids, ["b"]);
    }

    /// The ids of the runs in the log at `path`, newest first, as read without pruning.
    fn ids_in(path: &Path) -> Vec<String> {
        load_keeping(path, Keep { runs: usize::MAX, bytes: usize::MAX }).runs.into_iter().map(|r| r.id).collect()
    }

    #[test]
    fn the_log_keeps_only_its_newest_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        for id in ["a", "b", "c", "d", "e"] {
            append(&path, id, &report(&[1, 2]), &point(1)).unwrap();
        }
        // Run "a" gains a point after the others began: it is still the oldest run.
        append(&path, "a", &report(&[1, 2]), &point(2)).unwrap();
        let loaded = load_keeping(&path, Keep { runs: 3, bytes: usize::MAX });
        assert_eq!(loaded.warning, None);
        let ids: Vec<&str> = loaded.runs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["e", "d", "c"]);
        assert_eq!(ids_in(&path), ["e", "d", "c"], "the file itself was trimmed");

        // By size: each run here is one line; room for two lines keeps two runs.
        let line = fs::read_to_string(&path).unwrap().lines().next().unwrap().len() + 1;
        let loaded = load_keeping(&path, Keep { runs: 100, bytes: 2 * line + line / 2 });
        assert_eq!(loaded.runs.len(), 2);
        assert_eq!(ids_in(&path), ["e", "d"]);
        // The newest run is kept whole, however small the limit.
        assert_eq!(load_keeping(&path, Keep { runs: 100, bytes: 1 }).runs.len(), 1);
        assert_eq!(ids_in(&path), ["e"]);
    }

    #[test]
    fn a_log_of_more_runs_than_kept_is_trimmed_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        append(&path, "template", &report(&[1]), &point(1)).unwrap();
        let line = fs::read_to_string(&path).unwrap();
        let lines: String = (0..KEEP.runs + 5).map(|n| line.replace("\"template\"", &format!("\"run-{n}\""))).collect();
        fs::write(&path, lines).unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.runs.len(), KEEP.runs);
        assert_eq!(loaded.runs[0].id, format!("run-{}", KEEP.runs + 4), "the newest run first");
        assert_eq!(ids_in(&path).len(), KEEP.runs);
        assert!(fs::metadata(&path).unwrap().len() as usize <= KEEP.bytes);
    }

    #[test]
    fn the_writer_appends_on_its_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.jsonl");
        let writer = Writer::start(path.clone());
        writer.append("a", &report(&[1]), &point(1));
        writer.finish(Duration::from_secs(10));
        assert_eq!(load(&path).runs.len(), 1);
    }
}
