//! Python in the terminal lab, driven through a pseudo-terminal as a learner would: a
//! write-the-code exercise copies its starter into a temporary workspace and names it on
//! screen; saving the reference solution over it passes; saving a syntax error shows the
//! traceback's end. And the reader's code pane (p) shows a Python twin, highlighted.
//! Skipped with the reason when python3 is missing. Nothing here depends on speed: every
//! wait polls the screen with a generous limit.

mod pty_common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use pty_common::{COLS, Pty, ROWS};

const LIMIT: Duration = Duration::from_secs(30);

/// parlab in a pty with `env` (paths) set.
fn start(args: &[&str], env: &[(&str, &Path)]) -> Pty {
    let env: Vec<(&str, &OsStr)> = env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    Pty::start(args, &env)
}

/// Ctrl-C, and wait for the exit.
fn quit(s: &mut Pty) {
    s.send(b"\x03");
    s.wait_exit(LIMIT);
}

fn python3() -> bool {
    std::process::Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

/// Writes `text` to `path` so that its modification time surely moves on.
fn save(path: &Path, text: &str) {
    thread::sleep(Duration::from_millis(20));
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_code_exercise_copies_its_starter_passes_with_the_solution_and_shows_a_traceback() {
    if !python3() {
        eprintln!("skipped: python3 is not on PATH, and code exercises run the learner's file with it");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let workspace = home.path().join("work");
    let progress = home.path().join("progress.toml");
    let mut s =
        start(&[], &[("PARLAB_WORKSPACE", &workspace), ("PARLAB_PROGRESS", &progress), ("NO_COLOR", Path::new("1"))]);
    s.wait_for("Race conditions", LIMIT);
    for _ in 0..6 {
        s.send(b"j");
    }
    s.send(b"\r"); // read the race-conditions lesson
    s.send(b"t"); // its exercises
    s.send(b"\x1b"); // to the list
    s.send(b"\x1b[F"); // End: the last exercise, the code one
    let text = s.wait_for("07-counter.py", LIMIT);
    assert!(text.contains("Code: 07-counter.py"), "the list names the code exercise:\n{text}");
    s.send(b"\r"); // open it
    let file = workspace.join("07-counter.py");
    let text = s.wait_for("copies the starter", LIMIT);
    assert!(text.contains(&workspace.display().to_string()), "the workspace is named before the copy:\n{text}");
    assert!(!file.exists(), "nothing is copied before the learner asks");
    s.send(b"\r"); // start: the starter is copied
    let text = s.wait_for("Your file:", LIMIT);
    assert!(text.contains(&file.display().to_string()), "the file's path is on screen:\n{text}");
    let starter = std::fs::read_to_string(lessons_dir().join("code/07-counter.py")).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), starter, "the starter was copied as it is");
    println!("{text}");

    // The learner saves the reference solution: parlab notices and checks it.
    let solution = std::fs::read_to_string(lessons_dir().join("code/07-counter.solution.py")).unwrap();
    save(&file, &solution);
    let text = s.wait_for("✓ Passed", Duration::from_secs(120));
    assert!(text.contains("No update was lost."), "the criterion is shown:\n{text}");
    assert!(text.contains("✓ 4. Code: 07-counter.py"), "the list marks it done:\n{text}");
    println!("{text}");

    // A syntax error: the traceback's end is shown.
    save(&file, "counter = 0\ndef add(times:\n    pass\n");
    let text = s.wait_for("SyntaxError", Duration::from_secs(120));
    assert!(text.contains("✗ Not yet") && text.contains("exited with status 1"), "{text}");
    println!("{text}");

    // A fresh starter needs a second press: one F only asks.
    s.send(b"F");
    s.wait_for("Press F again", LIMIT);
    assert!(std::fs::read_to_string(&file).unwrap().contains("def add(times:"), "the learner's file is kept");
    quit(&mut s);
    let saved = std::fs::read_to_string(&progress).unwrap();
    assert!(saved.contains("kind = \"code\"") && saved.contains("done = true"), "progress records it:\n{saved}");
}

#[test]
fn the_reader_shows_the_python_twin_of_the_selected_backend_highlighted() {
    // A course folder of its own, with a twin for threads on pi (the backend the pi
    // lesson's Lab starts on).
    let course = tempfile::tempdir().unwrap();
    copy_dir(&lessons_dir(), course.path());
    let twin = "\"\"\"pi with threads.\"\"\"\nimport json  # the result line\n\n\ndef count(darts):\n    return 42\n";
    std::fs::create_dir_all(course.path().join("python/pi")).unwrap();
    std::fs::write(course.path().join("python/pi/threads.py"), twin).unwrap();
    let progress = course.path().join("progress.toml");
    let mut s = start(&["--lessons", &course.path().display().to_string()], &[("PARLAB_PROGRESS", &progress)]);
    s.wait_for("Embarrassingly parallel", LIMIT);
    s.send(b"j");
    s.send(b"\r"); // read the pi lesson
    s.send(b"p"); // its Python
    let text = s.wait_for("Python for threads: python/pi/threads.py", LIMIT);
    assert!(text.contains("def count(darts):") && text.contains("import json  # the result line"), "{text}");
    println!("{text}");
    let screen = s.screen();
    let find = |what: &str| {
        (0..ROWS).find_map(|row| {
            let line: String = (0..COLS)
                .map(|col| screen.cell(row, col).map(|c| c.contents()).filter(|c| !c.is_empty()).unwrap_or(" "))
                .collect();
            line.find(what).map(|at| (row, line[..at].chars().count() as u16))
        })
    };
    let (row, col) = find("def count").expect("the def line is drawn");
    let keyword = screen.cell(row, col).unwrap();
    let name = screen.cell(row, col + 4).unwrap();
    assert!(
        keyword.bold() && keyword.fgcolor() != vt100::Color::Default,
        "def is a keyword: {:?} bold {} at {row},{col}: {:?}",
        keyword.fgcolor(),
        keyword.bold(),
        keyword.contents()
    );
    assert_ne!(keyword.fgcolor(), name.fgcolor(), "a keyword and a name look different");
    let (row, col) = find("# the result line").expect("the comment is drawn");
    let comment = screen.cell(row, col).unwrap();
    let (row, col) = find("\"\"\"pi with threads").expect("the docstring is drawn");
    let string = screen.cell(row, col).unwrap();
    let styles = [keyword.fgcolor(), comment.fgcolor(), string.fgcolor()];
    assert!(styles[0] != styles[1] && styles[1] != styles[2] && styles[0] != styles[2], "{styles:?}");

    // p again: the text; in the Lab the same key shows the twin instead of the chart.
    s.send(b"p");
    s.wait_for("Split, apply, combine", LIMIT);
    s.send(b"\r"); // the Lab
    s.send(b"p");
    s.wait_for("Python for threads: python/pi/threads.py", LIMIT);
    s.send(b"\x1b[D"); // the backend cursor moves to seq: its twin is the built-in one
    s.wait_for("Python for seq: python/pi/seq.py", LIMIT);
    quit(&mut s);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
