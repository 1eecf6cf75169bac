//! The form every lesson keeps, checked by `parlab lessons check`: it opens with its
//! objectives and a time estimate, and closes with its key points; and, where the course
//! folder has instructor's notes, each lesson has one with the four parts an instructor
//! looks for, its timing agreeing with the lesson's estimate.
//!
//! The checks only read text; they report `(line, message)` pairs that the caller turns
//! into file:line errors.

/// The parts of an instructor's note, as `##` headings in this order. `Timing` carries
/// the minutes in brackets, e.g. `## Timing (about 25 minutes)`.
pub const NOTE_PARTS: [&str; 4] =
    ["Timing", "Figures on a 2-core laptop", "What differs on other machines", "Discussion questions for pairs"];

/// The folder of instructor's notes inside a course folder.
pub const NOTES_DIR: &str = "instructor";

/// How many lines from the top the objectives may start.
const OBJECTIVES_WITHIN: usize = 12;

/// A problem found, at a 1-based line of the file checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn problem(line: usize, message: impl Into<String>) -> Problem {
    Problem { line, message: message.into() }
}

/// "(about 25 minutes)" anywhere in `line`: the minutes.
fn minutes_in(line: &str) -> Option<u32> {
    let start = line.find("(about ")? + "(about ".len();
    let rest = &line[start..];
    let end = rest.find(" minutes)")?;
    rest[..end].trim().parse().ok().filter(|m| *m > 0)
}

/// The bullet items (lines starting with `- ` or `* `) of the block starting at line
/// index `from`, up to the next heading; continuation lines do not count.
fn bullets_after(lines: &[&str], from: usize) -> usize {
    lines
        .iter()
        .skip(from)
        .take_while(|l| !l.starts_with('#') && !l.starts_with("**"))
        .filter(|l| l.starts_with("- ") || l.starts_with("* "))
        .count()
}

/// The form of a lesson's Markdown: objectives with minutes near the top, key points as
/// the last section. Returns the minutes of the estimate when it was found.
pub fn check_lesson(text: &str) -> (Option<u32>, Vec<Problem>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let objectives = lines.iter().take(OBJECTIVES_WITHIN).position(|l| l.starts_with("**Objectives**"));
    let minutes = match objectives {
        None => {
            problems.push(problem(
                1,
                format!(
                    "the lesson should open with its objectives: a line `**Objectives** (about N minutes)` within its first {OBJECTIVES_WITHIN} lines, then a list"
                ),
            ));
            None
        }
        Some(at) => {
            let minutes = minutes_in(lines[at]);
            if minutes.is_none() {
                problems.push(problem(at + 1, "give the time the lesson takes: `**Objectives** (about N minutes)`"));
            }
            let count = bullets_after(&lines, at + 1);
            if count < 2 {
                problems.push(problem(
                    at + 1,
                    format!("list at least two objectives under **Objectives** (found {count})"),
                ));
            }
            minutes
        }
    };
    let headings: Vec<(usize, &str)> =
        lines.iter().enumerate().filter(|(_, l)| l.starts_with("## ")).map(|(i, l)| (i, l.trim())).collect();
    match headings.iter().find(|(_, h)| *h == "## Key points") {
        None => problems.push(problem(
            lines.len().max(1),
            "the lesson should close with a `## Key points` section listing what to remember",
        )),
        Some(&(at, _)) => {
            if let Some(&(later, heading)) = headings.iter().find(|(i, _)| *i > at) {
                problems.push(problem(
                    later + 1,
                    format!("`{heading}` comes after `## Key points`: the key points close the lesson"),
                ));
            }
            let count = bullets_after(&lines, at + 1);
            if count < 2 {
                problems.push(problem(at + 1, format!("list at least two key points (found {count})")));
            }
        }
    }
    (minutes, problems)
}

/// The form of an instructor's note for a lesson that takes `minutes` (when known): the
/// four parts in order, none empty, and the timing agreeing with the lesson.
pub fn check_note(text: &str, minutes: Option<u32>) -> Vec<Problem> {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let headings: Vec<(usize, &str)> =
        lines.iter().enumerate().filter(|(_, l)| l.starts_with("## ")).map(|(i, l)| (i, &l[3..])).collect();
    let mut last = None;
    for part in NOTE_PARTS {
        let Some(&(at, heading)) = headings.iter().find(|(_, h)| h.starts_with(part)) else {
            problems.push(problem(
                lines.len().max(1),
                format!("the note has no `## {part}` section (a note has: {})", NOTE_PARTS.join(", ")),
            ));
            continue;
        };
        if last.is_some_and(|before| at < before) {
            problems.push(problem(
                at + 1,
                format!("`## {part}` is out of order (the order is: {})", NOTE_PARTS.join(", ")),
            ));
        }
        last = Some(at);
        let body = lines.iter().skip(at + 1).take_while(|l| !l.starts_with("## ")).any(|l| !l.trim().is_empty());
        if !body {
            problems.push(problem(at + 1, format!("`## {part}` is empty")));
        }
        if part == "Timing" {
            match (minutes_in(heading), minutes) {
                (None, _) => {
                    problems.push(problem(at + 1, "give the lesson's time: `## Timing (about N minutes)`"));
                }
                (Some(note), Some(lesson)) if note != lesson => problems.push(problem(
                    at + 1,
                    format!("the note says about {note} minutes, the lesson's objectives say about {lesson}"),
                )),
                _ => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "# T\n\n**Objectives** (about 20 minutes)\n\n- one\n- two\n  continued\n\nText.\n\n## Try it\n\nx\n\n## Key points\n\n- a\n- b\n";

    #[test]
    fn a_lesson_in_form_passes_with_its_minutes() {
        assert_eq!(check_lesson(LESSON), (Some(20), vec![]));
    }

    #[test]
    fn missing_objectives_minutes_and_key_points_are_located() {
        let (minutes, problems) = check_lesson("# T\n\nText.\n\n## Try it\n\nx\n");
        assert_eq!(minutes, None);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].line, 1);
        assert!(problems[1].message.contains("Key points"));

        let (_, problems) = check_lesson(&LESSON.replace(" (about 20 minutes)", "").replace("- two\n", ""));
        let lines: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|(line, _)| *line == 3), "{lines:?}");
    }

    #[test]
    fn key_points_must_close_the_lesson() {
        let (_, problems) = check_lesson(&format!("{LESSON}\n## Later\n\nx\n"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 20);
        assert!(problems[0].message.contains("`## Later` comes after"));
    }

    const NOTE: &str = "# Note\n\n## Timing (about 20 minutes)\n\n- 5 min\n\n## Figures on a 2-core laptop\n\n- 1.9x\n\n## What differs on other machines\n\n- SMT\n\n## Discussion questions for pairs\n\n1. Why?\n";

    #[test]
    fn a_note_in_form_passes() {
        assert_eq!(check_note(NOTE, Some(20)), vec![]);
    }

    #[test]
    fn a_note_with_a_missing_part_an_empty_part_or_other_minutes_is_refused() {
        let problems = check_note(NOTE, Some(25));
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].message.contains("about 25")), (3, true));

        let problems = check_note(&NOTE.replace("- SMT\n", ""), Some(20));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("is empty"), "{problems:?}");

        let problems = check_note(&NOTE.replace("## Discussion questions for pairs", "## Questions"), Some(20));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("Discussion questions"), "{problems:?}");
    }
}
