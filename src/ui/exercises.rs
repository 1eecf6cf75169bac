//! The Exercises screen: the current lesson's exercises in a list with their marks, the
//! selected one beside it (a prediction being typed and its measurement, a question
//! with feedback per option, a run step), the run's progress and cores while a
//! prediction is measured, and the hints revealed so far.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, mark};
use super::{Theme, code, cores, lab, lessons, markdown};
use crate::app::exercises::{metric_words, option_explanation, tolerance};
use crate::app::summary::kind_words;
use crate::app::{App, ExercisesPane, Target};
use crate::lessons::progress::ExerciseRecord;
use crate::lessons::{Choice, Exercise, Pair, Predict, RunStep};

struct Areas {
    list: Rect,
    detail: Rect,
    progress: Option<Rect>,
    cores: Option<Rect>,
    hints: Option<Rect>,
}

fn areas(app: &App, body: Rect) -> Areas {
    let list_width = if body.width >= 110 { 34 } else { 26 };
    let [list, right] = Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(body);
    let measuring = app.run.as_ref().is_some_and(|r| r.exercise.is_some());
    let hints = app.visible_hints(app.opened);
    let hint_height = if hints.is_empty() {
        0
    } else {
        let lines = lessons::hint_lines(hints, right.width.saturating_sub(2)).len() as u16;
        (lines + 2).min(right.height / 4).max(3)
    };
    let core_height = if measuring { (app.cores.per_core.len() as u16 + 2).clamp(3, right.height / 3) } else { 0 };
    let [detail, progress, cores, hints] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::from(measuring)),
        Constraint::Length(core_height),
        Constraint::Length(hint_height),
    ])
    .areas(right);
    Areas {
        list,
        detail,
        progress: measuring.then_some(progress),
        cores: measuring.then_some(cores),
        hints: (hint_height > 0).then_some(hints),
    }
}

fn short(exercise: &Exercise) -> String {
    match exercise {
        Exercise::Predict(p) => format!("{} ×{} {}", p.backend, p.workers, p.metric.label()),
        Exercise::Choice(c) => c.prompt.clone(),
        Exercise::Run(r) => format!("{} ×{}", r.backend, r.workers),
        Exercise::Code(c) => c.file.clone(),
        Exercise::Pair(p) => format!("partner's {} ×{} {}", p.backend, p.workers, p.metric.label()),
    }
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let a = areas(app, body);
    let view = &app.exercises_view;
    let Some(lesson) = app.opened_lesson() else {
        frame.render_widget(theme.block(" No lessons ", false), body);
        return;
    };
    let records = app.exercise_records.get(app.opened);
    let done = records.map_or(0, |r| r.iter().filter(|r| r.done).count());
    let list_focused = view.pane == ExercisesPane::List;
    let block = theme.block(format!(" Exercises {done}/{} ", lesson.exercises.len()), list_focused);
    let inner = block.inner(a.list);
    frame.render_widget(block, a.list);
    let mut lines = Vec::new();
    let width = inner.width.saturating_sub(2) as usize;
    for (i, exercise) in lesson.exercises.iter().enumerate() {
        let record = records.and_then(|r| r.get(i));
        let m = mark(record);
        let mark_style = match m {
            "✓" => theme.good(),
            "✗" => theme.warn(),
            _ => theme.dim(),
        };
        let mut style = Style::new();
        if i == view.selected {
            style = if list_focused { theme.selected() } else { style.add_modifier(Modifier::BOLD) };
        }
        let text = format!("{}. {}: {}", i + 1, kind_words(exercise), short(exercise));
        lines.push(Line::from(vec![Span::styled(format!("{m} "), mark_style), Span::styled(fit(&text, width), style)]));
    }
    if lesson.exercises.is_empty() {
        lines.push(Line::styled("This lesson has no exercises.", theme.dim()));
    }
    let rows = lines.len();
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height as usize > rows + 3 {
        let legend = vec![Line::styled("✓ done  ✗ missed", theme.dim()), Line::styled("· to do", theme.dim())];
        let y = inner.y + inner.height - 2;
        frame.render_widget(Paragraph::new(legend), Rect { y, height: 2, ..inner });
    }

    let detail_focused = view.pane == ExercisesPane::Detail;
    let title = match lesson.exercises.get(view.selected) {
        Some(exercise) => {
            format!(" {} of {} · {} ", view.selected + 1, lesson.exercises.len(), kind_words(exercise))
        }
        None => " Exercise ".to_string(),
    };
    let block = theme.block(title, detail_focused);
    let inner = block.inner(a.detail);
    frame.render_widget(block, a.detail);
    let text_area = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
    let width = text_area.width as usize;
    let record = records.and_then(|r| r.get(view.selected));
    let lines = match lesson.exercises.get(view.selected) {
        Some(Exercise::Predict(p)) => predict_lines(app, p, record, width, detail_focused, theme),
        Some(Exercise::Choice(c)) => choice_lines(app, c, record, width, theme),
        Some(Exercise::Run(r)) => run_lines(app, r, record, width, theme),
        Some(Exercise::Code(c)) => code::exercise_lines(app, c, record, width, theme),
        Some(Exercise::Pair(p)) => pair_lines(app, p, record, width, detail_focused, theme),
        None => vec![Line::raw("Open a lesson with exercises: 1, choose, Enter.")],
    };
    let scroll = if matches!(lesson.exercises.get(view.selected), Some(Exercise::Code(_))) {
        app.code.scroll.min(lines.len().saturating_sub(text_area.height as usize) as u16)
    } else {
        0
    };
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text_area);

    if let Some(area) = a.progress {
        lab::draw_progress(frame, area, app, theme);
    }
    if let Some(area) = a.cores {
        cores::draw(frame, area, app, theme);
    }
    if let Some(area) = a.hints {
        let hints = app.visible_hints(app.opened);
        let block = theme.block(format!(" Hints {} of {} ", hints.len(), lesson.hints.len()), false);
        frame
            .render_widget(Paragraph::new(lessons::hint_lines(hints, area.width.saturating_sub(2))).block(block), area);
    }
}

fn wrap(text: &str, first: &str, rest: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    markdown::wrap(&[(text.to_string(), style)], first, rest, width, style)
}

fn predict_lines(
    app: &App,
    p: &Predict,
    record: Option<&ExerciseRecord>,
    width: usize,
    focused: bool,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let view = &app.exercises_view;
    let mut lines = wrap(&p.prompt, "", "", width, Style::new().add_modifier(Modifier::BOLD));
    lines.push(Line::raw(""));
    let size = app.size_override.or_else(|| app.opened_lesson().map(|l| l.size)).unwrap_or(0);
    let unit = app.opened_lesson().and_then(|l| crate::kernels::find(&l.kernel)).map_or("units", |k| k.size_unit());
    let kernel = app.opened_lesson().map_or("", |l| l.kernel.as_str());
    lines.extend(wrap(
        &format!(
            "parlab measures the {} on {kernel}, {} {unit}. A prediction within ±{:.2} counts.",
            metric_words(p),
            crate::present::thousands(size),
            tolerance(p)
        ),
        "",
        "",
        width,
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    let measuring = app.run.as_ref().is_some_and(|r| r.exercise == Some((app.opened, view.selected)));
    let cursor = if focused && !measuring { "▏" } else { "" };
    let input = if view.input.is_empty() && !focused { "(not given yet)".to_string() } else { view.input.clone() };
    lines.push(Line::from(vec![Span::raw("Your prediction: "), Span::styled(format!("{input}{cursor}"), theme.key())]));
    if let Some(note) = &view.note {
        lines.extend(wrap(note, "", "", width, theme.warn()));
    }
    lines.push(Line::raw(""));
    if measuring {
        lines.push(Line::styled("Measuring... watch the cores below.", theme.warn()));
        return lines;
    }
    if let Some(r) = record
        && let (Some(prediction), Some(measured)) = (r.prediction, r.measured)
    {
        // A prediction graded against a model (Amdahl's law) says so; the first
        // explanation line gives the model's value.
        let of = if p.expect.is_some() { " of Amdahl's law" } else { "" };
        lines.extend(graded_lines(p, r, ("Measured", measured), 11, of, theme));
        lines.push(Line::styled(
            format!(
                "Gap        {:.2} {} the measurement",
                (prediction - measured).abs(),
                if prediction > measured { "above" } else { "below" }
            ),
            theme.dim(),
        ));
        lines.push(Line::raw(""));
        for why in &r.explanation {
            lines.extend(wrap(why, "• ", "  ", width, Style::new()));
        }
        lines.push(Line::raw(""));
        lines.extend(wrap("Another number and Enter measures again.", "", "", width, theme.dim()));
    } else if focused {
        lines.extend(wrap(
            "Type a number (e.g. 1.5) and press Enter: parlab measures it at 1 and the asked workers.",
            "",
            "",
            width,
            theme.dim(),
        ));
    } else {
        lines.extend(wrap("Press Enter to answer.", "", "", width, theme.dim()));
    }
    lines
}

/// The two graded lines of a prediction, labels padded to `pad` columns: what was
/// predicted, and what it was held against (`against`: its label and value) with the
/// verdict, ✓ within or ✗ outside the tolerance (followed by `of`, e.g. the law it was
/// graded on).
fn graded_lines(
    p: &Predict,
    record: &ExerciseRecord,
    against: (&str, f64),
    pad: usize,
    of: &str,
    theme: &Theme,
) -> [Line<'static>; 2] {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let prediction = record.prediction.unwrap_or_default();
    let verdict = if record.passed == Some(true) {
        Span::styled(format!("✓ within ±{:.2}{of}", tolerance(p)), theme.good())
    } else {
        Span::styled(format!("✗ outside ±{:.2}{of}", tolerance(p)), theme.warn())
    };
    [
        Line::from(vec![Span::raw(format!("{:pad$}", "Predicted")), Span::styled(p.metric.format(prediction), bold)]),
        Line::from(vec![
            Span::raw(format!("{:pad$}", against.0)),
            Span::styled(p.metric.format(against.1), bold),
            Span::raw("   "),
            verdict,
        ]),
    ]
}

fn pair_lines(
    app: &App,
    p: &Pair,
    record: Option<&ExerciseRecord>,
    width: usize,
    focused: bool,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let view = &app.exercises_view;
    let predict = p.as_predict();
    let mut lines = wrap(&p.prompt, "", "", width, Style::new().add_modifier(Modifier::BOLD));
    lines.push(Line::raw(""));
    lines.extend(wrap(
        &format!(
            "parlab reads the {} from your partner's share line; within ±{:.2} counts.",
            metric_words(&predict),
            tolerance(&predict)
        ),
        "",
        "",
        width,
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    let sharing = view.share.is_some();
    let cursor = if focused && !sharing { "▏" } else { "" };
    let input = if view.input.is_empty() && !focused { "(not given yet)".to_string() } else { view.input.clone() };
    lines.push(Line::from(vec![
        Span::raw("Your prediction for your partner: "),
        Span::styled(format!("{input}{cursor}"), theme.key()),
    ]));
    if let Some(text) = &view.share {
        // The box shows the end of a long pasted line, where the learner is typing.
        let label = "Partner's share: ";
        let room = width.saturating_sub(label.len() + 2).max(8);
        let count = text.chars().count();
        let shown: String = if count > room {
            format!("…{}", text.chars().skip(count + 1 - room).collect::<String>())
        } else {
            text.clone()
        };
        lines.push(Line::from(vec![Span::raw(label), Span::styled(format!("{shown}▏"), theme.key())]));
        lines.extend(wrap(
            "Paste their share line (or type the name of a file that holds it) and press Enter. Esc closes the box.",
            "",
            "",
            width,
            theme.dim(),
        ));
    }
    if let Some(note) = &view.note {
        lines.extend(wrap(note, "", "", width, theme.warn()));
    }
    lines.push(Line::raw(""));
    match record {
        Some(r) if r.prediction.is_some() && r.measured.is_some() => {
            let measured = r.measured.unwrap_or_default();
            lines.extend(graded_lines(&predict, r, ("Partner's share", measured), 19, "", theme));
            lines.push(Line::raw(""));
            for why in &r.explanation {
                lines.extend(wrap(why, "• ", "  ", width, Style::new()));
            }
        }
        _ if !sharing && focused => lines.extend(wrap(
            "Type a number (e.g. 1.5) and press Enter; then paste your partner's share line.",
            "",
            "",
            width,
            theme.dim(),
        )),
        _ if !sharing => lines.extend(wrap("Press Enter to answer.", "", "", width, theme.dim())),
        _ => {}
    }
    lines
}

fn choice_lines(
    app: &App,
    c: &Choice,
    record: Option<&ExerciseRecord>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let view = &app.exercises_view;
    let focused = view.pane == ExercisesPane::Detail;
    let mut lines = wrap(&c.prompt, "", "", width, Style::new().add_modifier(Modifier::BOLD));
    lines.push(Line::raw(""));
    let done = record.is_some_and(|r| r.done);
    let chosen = record.and_then(|r| r.chosen);
    for (i, option) in c.options.iter().enumerate() {
        let pointer = if i == view.option && focused { "▸ " } else { "  " };
        let first = format!("{pointer}{}) ", i + 1);
        let mut style = Style::new();
        if i == view.option && focused {
            style = theme.selected();
        }
        let mut pieces = vec![(option.clone(), style)];
        if chosen == Some(i) || (done && i == c.answer) {
            pieces.push((" ".to_string(), Style::new()));
            pieces.push(if i == c.answer {
                ("✓ right".to_string(), theme.good())
            } else {
                ("✗ not this one".to_string(), theme.warn())
            });
        }
        lines.extend(markdown::wrap(&pieces, &first, "     ", width, Style::new()));
        let show_why = done || chosen == Some(i);
        if show_why && let Some(why) = option_explanation(c, i) {
            lines.extend(wrap(why, "     ↳ ", "       ", width, theme.dim()));
        }
    }
    lines.push(Line::raw(""));
    match chosen {
        Some(_) if done => {
            // With an explanation per option the right one already says why.
            let mut text = "Right.".to_string();
            if !c.explanation.trim().is_empty() && option_explanation(c, c.answer).is_none() {
                text = format!("Right. {}", c.explanation.trim());
            }
            lines.extend(wrap(&text, "", "", width, theme.good()));
        }
        Some(_) => lines.extend(wrap("Not quite: think again and try another option.", "", "", width, theme.warn())),
        None => lines.extend(wrap(
            &format!("Choose with ↑↓ or 1-{}, then press Enter.", c.options.len()),
            "",
            "",
            width,
            theme.dim(),
        )),
    }
    lines
}

fn run_lines(
    app: &App,
    r: &RunStep,
    record: Option<&ExerciseRecord>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = wrap(&r.prompt, "", "", width, Style::new().add_modifier(Modifier::BOLD));
    lines.push(Line::raw(""));
    let kernel = app.opened_lesson().map_or("", |l| l.kernel.as_str());
    lines.extend(wrap(
        &format!(
            "This step completes by itself once {} ×{} has been measured on {kernel} in the Lab \
             (r runs the underlined point, s a sweep that includes it).",
            r.backend, r.workers
        ),
        "",
        "",
        width,
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    match record.filter(|rec| rec.done) {
        Some(rec) => {
            let mut text = format!("✓ Done: {} ×{} measured", r.backend, r.workers);
            if let Some(s) = rec.speedup {
                text.push_str(&format!(", speedup {s:.2}x"));
            }
            if let Some(b) = rec.busy_cores {
                text.push_str(&format!(", {b:.1} cores busy"));
            }
            text.push('.');
            lines.extend(wrap(&text, "", "", width, theme.good()));
            lines.push(Line::raw(""));
            lines.extend(wrap("Enter sets the Lab up for it again.", "", "", width, theme.dim()));
        }
        None => {
            lines.push(Line::raw("Not measured yet."));
            lines.push(Line::raw(""));
            lines.extend(wrap(
                &format!("Enter sets the Lab up for {} ×{} and goes there.", r.backend, r.workers),
                "",
                "",
                width,
                theme.dim(),
            ));
        }
    }
    lines
}

/// The largest useful scroll of a code exercise's detail.
pub fn code_max_scroll(app: &App, body: Rect, theme: &Theme) -> u16 {
    let a = areas(app, body);
    let Some(lesson) = app.opened_lesson() else { return 0 };
    let Some(Exercise::Code(c)) = lesson.exercises.get(app.exercises_view.selected) else { return 0 };
    let height = a.detail.height.saturating_sub(2) as usize;
    let width = a.detail.width.saturating_sub(4) as usize;
    let record = app.exercise_records.get(app.opened).and_then(|r| r.get(app.exercises_view.selected));
    code::exercise_lines(app, c, record, width, theme).len().saturating_sub(height).min(u16::MAX as usize) as u16
}

pub fn hit_test(app: &App, body: Rect, at: Position) -> Option<Target> {
    let a = areas(app, body);
    if a.list.contains(at) {
        let row = at.y.checked_sub(a.list.y + 1)? as usize;
        return Some(Target::ExerciseRow(row));
    }
    if a.detail.contains(at) {
        return Some(Target::Exercise);
    }
    None
}
