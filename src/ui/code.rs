//! Python on screen: a small hand-written highlighter (keywords, strings, comments,
//! numbers and decorators in their own styles), the code pane that shows a lesson's
//! Python twin for the selected backend (in the reader and in the Lab), and the detail
//! of a write-the-code exercise (the file, the verdict, the hints, the solution).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, markdown};
use crate::app::App;
use crate::lessons::CodeExercise;
use crate::lessons::code::{self, Tone};
use crate::lessons::progress::ExerciseRecord;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const BUILTINS: &[&str] = &[
    "print",
    "range",
    "len",
    "sum",
    "min",
    "max",
    "int",
    "float",
    "str",
    "list",
    "dict",
    "set",
    "tuple",
    "map",
    "zip",
    "enumerate",
    "abs",
    "round",
    "open",
    "isinstance",
    "sorted",
    "any",
    "all",
    "super",
    "self",
];

/// What a piece of Python is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Plain code.
    Plain,
    /// A keyword (`def`, `for`, `with`...).
    Keyword,
    /// A built-in name (`print`, `range`...).
    Builtin,
    /// A string literal, triple-quoted ones across lines.
    Str,
    /// A comment.
    Comment,
    /// A number.
    Number,
    /// A decorator (`@njit`).
    Decorator,
}

/// The style of a token: colours when the theme has them, else bold / italic / dim.
fn style(token: Token, theme: &Theme) -> Style {
    let (color, plain) = match token {
        Token::Plain => return Style::new(),
        Token::Keyword => (Color::Magenta, Modifier::BOLD),
        Token::Builtin => (Color::Cyan, Modifier::empty()),
        Token::Str => (Color::Green, Modifier::ITALIC),
        Token::Comment => (Color::DarkGray, Modifier::DIM | Modifier::ITALIC),
        Token::Number => (Color::Yellow, Modifier::empty()),
        Token::Decorator => (Color::Blue, Modifier::BOLD),
    };
    let base = Style::new().add_modifier(match token {
        Token::Keyword | Token::Decorator => Modifier::BOLD,
        _ => Modifier::empty(),
    });
    if theme.colors() { base.fg(color) } else { base.add_modifier(plain) }
}

/// Splits Python source into lines of (token, text) pieces. A string that opens with
/// three quotes runs on over the following lines until it closes.
pub fn highlight(source: &str) -> Vec<Vec<(Token, String)>> {
    let mut open_triple: Option<&'static str> = None;
    source
        .lines()
        .map(|line| {
            let mut pieces: Vec<(Token, String)> = Vec::new();
            let push = |pieces: &mut Vec<(Token, String)>, token: Token, text: &str| {
                if text.is_empty() {
                    return;
                }
                match pieces.last_mut() {
                    Some((last, existing)) if *last == token => existing.push_str(text),
                    _ => pieces.push((token, text.to_string())),
                }
            };
            let mut rest = line;
            if let Some(quote) = open_triple {
                match rest.find(quote) {
                    Some(end) => {
                        push(&mut pieces, Token::Str, &rest[..end + 3]);
                        rest = &rest[end + 3..];
                        open_triple = None;
                    }
                    None => {
                        push(&mut pieces, Token::Str, rest);
                        return pieces;
                    }
                }
            }
            while let Some(c) = rest.chars().next() {
                if c == '#' {
                    push(&mut pieces, Token::Comment, rest);
                    break;
                }
                let prefix_len = string_prefix(rest);
                let after_prefix = &rest[prefix_len..];
                if after_prefix.starts_with(['"', '\'']) {
                    let quote = if after_prefix.starts_with("\"\"\"") {
                        "\"\"\""
                    } else if after_prefix.starts_with("'''") {
                        "'''"
                    } else if after_prefix.starts_with('"') {
                        "\""
                    } else {
                        "'"
                    };
                    let body_start = prefix_len + quote.len();
                    let end = find_close(&rest[body_start..], quote).map(|e| body_start + e + quote.len());
                    match end {
                        Some(end) => {
                            push(&mut pieces, Token::Str, &rest[..end]);
                            rest = &rest[end..];
                        }
                        None => {
                            push(&mut pieces, Token::Str, rest);
                            if quote.len() == 3 {
                                open_triple = Some(quote);
                            }
                            break;
                        }
                    }
                    continue;
                }
                if c == '@' {
                    let end = rest[1..]
                        .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
                        .map_or(rest.len(), |e| e + 1);
                    push(&mut pieces, Token::Decorator, &rest[..end]);
                    rest = &rest[end..];
                    continue;
                }
                if c.is_alphabetic() || c == '_' {
                    let end = rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_')).unwrap_or(rest.len());
                    let word = &rest[..end];
                    let token = if KEYWORDS.contains(&word) {
                        Token::Keyword
                    } else if BUILTINS.contains(&word) {
                        Token::Builtin
                    } else {
                        Token::Plain
                    };
                    push(&mut pieces, token, word);
                    rest = &rest[end..];
                    continue;
                }
                if c.is_ascii_digit() {
                    let end = rest
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                        .unwrap_or(rest.len());
                    push(&mut pieces, Token::Number, &rest[..end]);
                    rest = &rest[end..];
                    continue;
                }
                let width = c.len_utf8();
                push(&mut pieces, Token::Plain, &rest[..width]);
                rest = &rest[width..];
            }
            pieces
        })
        .collect()
}

/// The length of a string prefix (`r`, `b`, `f`, `rb`...) that starts `text` right before
/// a quote, else 0.
fn string_prefix(text: &str) -> usize {
    let letters = text.chars().take_while(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'f' | 'u')).count();
    if letters <= 2 && text[letters..].starts_with(['"', '\'']) { letters } else { 0 }
}

/// Where `quote` closes in `body` (skipping backslash escapes).
fn find_close(body: &str, quote: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if body[i..].starts_with(quote) {
            return Some(i);
        }
    }
    None
}

/// Python source as styled lines, each led by its line number.
pub fn code_lines(source: &str, theme: &Theme) -> Vec<Line<'static>> {
    let total = source.lines().count().max(1);
    let digits = total.to_string().len();
    highlight(source)
        .into_iter()
        .enumerate()
        .map(|(i, pieces)| {
            let mut spans = vec![Span::styled(format!("{:>digits$} ", i + 1), theme.dim())];
            spans.extend(pieces.into_iter().map(|(token, text)| Span::styled(text, style(token, theme))));
            Line::from(spans)
        })
        .collect()
}

/// The code pane: the Python twin of the backend selected for the lesson of the screen.
pub fn draw_pane(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let lesson_index = app.code_pane_lesson();
    let Some(lesson) = app.course.lessons.get(lesson_index) else {
        frame.render_widget(theme.block(" Python ", focused), area);
        return;
    };
    let backend = app.twin_backend(lesson_index).unwrap_or_default();
    let twin = lesson.twin(&backend);
    let title = match &twin {
        Some((path, _)) => format!(" Python for {backend}: {path} "),
        None => format!(" Python for {backend} "),
    };
    let block = theme.block(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_area = Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner };
    let available: Vec<&str> = code::VARIANTS
        .iter()
        .copied()
        .filter(|v| lesson.files.contains_key(&code::twin_path(&lesson.kernel, v)))
        .collect();
    let Some((_, text)) = twin else {
        let expected = code::twin_variant(&backend)
            .map_or_else(|| "no Python stands for it".to_string(), |v| code::twin_path(&lesson.kernel, v));
        let mut lines = markdown::wrap(
            &[(
                format!("The course has no Python twin for {backend} on {} ({expected}).", lesson.kernel),
                Style::new(),
            )],
            "",
            "",
            text_area.width as usize,
            Style::new(),
        );
        lines.push(Line::raw(""));
        let have = if available.is_empty() { "none yet".to_string() } else { available.join(", ") };
        lines.push(Line::styled(format!("Twins of {} in this course: {have}.", lesson.kernel), theme.dim()));
        lines.push(Line::styled("Choose another backend in the Lab (←→ on the backends row).", theme.dim()));
        frame.render_widget(Paragraph::new(lines), text_area);
        return;
    };
    let lines = code_lines(text, theme);
    let total = lines.len();
    let scroll = app.code_scroll.min(total.saturating_sub(text_area.height as usize) as u16);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text_area);
    if total > text_area.height as usize {
        let shown_to = (scroll as usize + text_area.height as usize).min(total);
        let label = format!(" {}-{} of {} ", scroll + 1, shown_to, total);
        let x = area.x + area.width.saturating_sub(label.len() as u16 + 2);
        frame.render_widget(
            Span::styled(label, theme.dim()),
            Rect { x, y: area.y + area.height - 1, width: area.width.min(20), height: 1 },
        );
    }
}

fn wrap(text: &str, first: &str, rest: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    markdown::wrap(&[(text.to_string(), style)], first, rest, width, style)
}

/// The detail of a write-the-code exercise: what to do, the learner's file, the last
/// check's verdict (with the traceback's end), the hints revealed and the solution.
pub fn exercise_lines(
    app: &App,
    exercise: &CodeExercise,
    record: Option<&ExerciseRecord>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = wrap(&exercise.prompt, "", "", width, bold);
    lines.push(Line::raw(""));
    let watched = app.shown_code_is_watched();
    let path = app.workspace.join(&exercise.file);
    if watched && let Some(file) = &app.code.path {
        lines.extend(wrap(&format!("Your file: {}", file.display()), "", "          ", width, theme.key()));
        lines.extend(wrap(
            "Edit it in any editor and save: parlab runs it with python3 at 1 and 2 workers and checks what it prints.",
            "",
            "",
            width,
            theme.dim(),
        ));
    } else {
        lines.extend(wrap(
            &format!("Enter copies the starter (with a TODO) to {} and watches it.", path.display()),
            "",
            "",
            width,
            theme.dim(),
        ));
    }
    // Once a check has spoken, the note about copying the starter is old news.
    if watched
        && app.code.verdict.is_none()
        && let Some(note) = &app.code.note
    {
        lines.extend(wrap(note, "", "", width, Style::new()));
    }
    lines.push(Line::raw(""));
    if watched && app.code.checking {
        lines.push(Line::styled("Checking: running your file at 1 and 2 workers... (c stops)", theme.warn()));
    } else if watched && let Some(verdict) = &app.code.verdict {
        lines.push(if verdict.passed {
            Line::styled("✓ Passed", theme.good().add_modifier(Modifier::BOLD))
        } else {
            Line::styled("✗ Not yet", theme.bad())
        });
        for (tone, text) in &verdict.lines {
            let (mark, style) = match tone {
                Tone::Good => ("✓ ", theme.good()),
                Tone::Bad => ("✗ ", theme.warn()),
                Tone::Skipped => ("‒ ", theme.warn()),
                Tone::Info | Tone::Output => ("  ", theme.dim()),
            };
            let mut text_lines = text.lines();
            if let Some(first) = text_lines.next() {
                lines.extend(wrap(first, mark, "  ", width, style));
            }
            // The traceback's lines, as Python wrote them.
            for output in text_lines {
                let shown: String = output.chars().take(width.saturating_sub(4)).collect();
                lines.push(Line::styled(format!("    {shown}"), theme.dim()));
            }
        }
    } else if let Some(r) = record.filter(|r| r.attempts > 0) {
        let state = if r.done { "✓ Passed before" } else { "✗ Not passed yet" };
        lines.push(Line::styled(
            format!("{state} ({} check{}).", r.attempts, if r.attempts == 1 { "" } else { "s" }),
            if r.done { theme.good() } else { theme.warn() },
        ));
    }
    let shown_hints = record.map_or(0, |r| r.hints).min(exercise.hints.len());
    if shown_hints > 0 {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("Hints {shown_hints} of {}", exercise.hints.len()), theme.heading(3)));
        for (i, hint) in exercise.hints.iter().take(shown_hints).enumerate() {
            lines.extend(wrap(hint, &format!("{}. ", i + 1), "   ", width, Style::new()));
        }
    }
    if app.code.solution {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("Reference solution ({}):", exercise.solution), theme.heading(3)));
        let text = app.opened_lesson().and_then(|l| l.file_text(&exercise.solution)).unwrap_or("");
        lines.extend(code_lines(text, theme));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(source: &str) -> Vec<Vec<(Token, String)>> {
        highlight(source)
    }

    #[test]
    fn keywords_strings_comments_numbers_and_decorators_are_told_apart() {
        let lines = tokens("@njit(parallel=True)\ndef f(x):  # square it\n    return x * 2 + len('a#b')\n");
        assert_eq!(lines[0][0], (Token::Decorator, "@njit".to_string()));
        assert!(lines[0].contains(&(Token::Keyword, "True".to_string())));
        assert_eq!(lines[1][0], (Token::Keyword, "def".to_string()));
        assert_eq!(lines[1].last().unwrap(), &(Token::Comment, "# square it".to_string()));
        assert!(lines[2].contains(&(Token::Number, "2".to_string())));
        assert!(lines[2].contains(&(Token::Builtin, "len".to_string())));
        assert!(lines[2].contains(&(Token::Str, "'a#b'".to_string())), "a # inside a string is no comment");
    }

    #[test]
    fn a_triple_quoted_string_runs_over_lines() {
        let lines = tokens("x = \"\"\"one\ntwo # not a comment\nthree\"\"\" + f'{y}'\nz = 1\n");
        assert_eq!(lines[1], vec![(Token::Str, "two # not a comment".to_string())]);
        assert_eq!(lines[2][0], (Token::Str, "three\"\"\"".to_string()));
        assert!(lines[2].contains(&(Token::Str, "f'{y}'".to_string())), "{:?}", lines[2]);
        assert_eq!(lines[3][0], (Token::Plain, "z = ".to_string()));
    }

    #[test]
    fn styles_differ_with_and_without_colour() {
        for color in [true, false] {
            let theme = Theme::standard(color);
            let styles: Vec<Style> =
                [Token::Keyword, Token::Str, Token::Comment].iter().map(|t| style(*t, &theme)).collect();
            assert!(styles[0] != styles[1] && styles[1] != styles[2] && styles[0] != styles[2], "{color}");
        }
    }
}
