//! Captures the terminal lab mid-sweep as an SVG for the README, from the program itself:
//! the real `App` is driven by a real run on this machine (the runner thread and the sysmon
//! sampler, as `parlab` drives it), drawn by the real `ui` onto ratatui's `TestBackend`,
//! and the buffer is written as SVG, cell by cell, with its colours.
//!
//! Regenerate after a screen changes, on a quiet machine (other work flattens the speedups
//! it measures; on a shared Linux machine, as root, a session of its own with a higher
//! priority helps: `setsid -w sh -c 'echo -15 > /proc/self/autogroup; exec nice -n -15 ...'`):
//!     cargo build --release --example capture
//!     target/release/examples/capture assets/lab-sweep.svg
//! Options: `--size N` (work per run, default 2e8), `--lesson N` (1-based, default 2),
//! `--after N` (points finished before the capture, default all but two),
//! `--width W --height H` (default 120x40).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use crossbeam_channel::{never, select};
use parlab::app::{App, Effect, Event, Key};
use parlab::lessons;
use parlab::measure::{RunEvent, Runner};
use parlab::sysmon::{MachineFacts, Sampler};
use parlab::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// Size of one terminal cell in the SVG, in pixels.
const CELL_WIDTH: f64 = 8.4;
const CELL_HEIGHT: f64 = 17.0;
const FONT_SIZE: f64 = 14.0;
const PADDING: f64 = 12.0;
const TITLE_BAR: f64 = 26.0;
/// The terminal's own colours (a dark theme).
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d8d8d8";

struct Options {
    out: PathBuf,
    size: u64,
    lesson: usize,
    after: Option<usize>,
    width: u16,
    height: u16,
}

fn options() -> Result<Options> {
    let mut options = Options {
        out: "assets/lab-sweep.svg".into(),
        size: 200_000_000,
        lesson: 2,
        after: None,
        width: 120,
        height: 40,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--size" => options.size = parlab::cli::parse_size(&value("--size")?).map_err(anyhow::Error::msg)?,
            "--lesson" => options.lesson = value("--lesson")?.parse()?,
            "--after" => options.after = Some(value("--after")?.parse()?),
            "--width" => options.width = value("--width")?.parse()?,
            "--height" => options.height = value("--height")?.parse()?,
            flag if flag.starts_with('-') => bail!("unknown option {flag}"),
            path => options.out = path.into(),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    match capture() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capture: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn capture() -> Result<()> {
    let options = options()?;
    let facts = MachineFacts::detect();
    let course = lessons::embedded().map_err(|errors| anyhow::anyhow!("the built-in course: {errors:?}"))?;
    if options.lesson == 0 || options.lesson > course.lessons.len() {
        bail!("--lesson must be 1 to {}", course.lessons.len());
    }
    let mut app = App::new(course, facts.clone(), true);
    app.size_override = Some(options.size);

    // As a learner would: pick the lesson, open it, go to its Lab, start the sweep.
    let mut keys = vec![Key::Down; options.lesson - 1];
    keys.extend([Key::Enter, Key::Enter]);
    for key in keys {
        app.update(Event::Key(key));
    }
    let Some(Effect::StartRun(plan)) = app.update(Event::Key(Key::Char('s'))) else {
        bail!("pressing s in the Lab did not start a run");
    };
    let points = plan.backends.len() * plan.workers.len();
    // By default during the second-to-last point: one backend's curve drawn, the next filling in.
    let after = options.after.unwrap_or(points.saturating_sub(2)).min(points.saturating_sub(1));
    eprintln!(
        "capture: {} on {} x workers {:?}, size {}; capturing during point {} of {points}",
        plan.spec.kernel,
        plan.backends.join(","),
        plan.workers,
        plan.spec.size,
        after + 1
    );

    let sampler = Sampler::start(Duration::from_millis(250)).ok().map(Arc::new);
    let cpu = sampler.as_ref().map_or_else(never, |s| s.events().clone());
    let runner = Runner::new(facts, sampler.clone());
    let handle = runner.start(plan);
    let mut finished = 0;
    // Samples of the cores and timed runs seen since the captured point started.
    let mut in_point: Option<(usize, usize)> = None;
    loop {
        select! {
            recv(cpu) -> snapshot => {
                if let Ok(snapshot) = snapshot {
                    app.update(Event::Cpu(snapshot));
                    if let Some((cpu_samples, _)) = in_point.as_mut() {
                        *cpu_samples += 1;
                    }
                }
            }
            recv(handle.events) -> event => {
                let event = event.context("the run ended without a last word")?;
                match &event {
                    RunEvent::PointFinished { .. } => finished += 1,
                    RunEvent::PointStarted { .. } if finished == after => in_point = Some((0, 0)),
                    RunEvent::Sample { warmup: false, .. } => {
                        if let Some((_, runs)) = in_point.as_mut() {
                            *runs += 1;
                        }
                    }
                    RunEvent::Finished(_) => bail!("the sweep finished before the capture point"),
                    RunEvent::Failed(why) => bail!("the run failed: {why}"),
                    RunEvent::Cancelled(_) => bail!("the run was cancelled"),
                    _ => {}
                }
                app.update(Event::Run(event));
            }
        }
        // Mid-point, with the cores panel showing this point's work and one timed run done.
        if in_point.is_some_and(|(cpu_samples, runs)| cpu_samples >= 2 && runs >= 1) {
            break;
        }
    }
    handle.cancel();

    let mut terminal = Terminal::new(TestBackend::new(options.width, options.height))?;
    terminal.draw(|frame| ui::draw(frame, &app))?;
    let svg = to_svg(terminal.backend().buffer(), &format!("parlab {}", env!("CARGO_PKG_VERSION")));
    if let Some(folder) = options.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&options.out, svg).with_context(|| format!("Failed to write {}", options.out.display()))?;
    eprintln!("capture: wrote {}", options.out.display());
    Ok(())
}

/// The buffer as an SVG image of a terminal window: one text run per stretch of cells
/// with the same style, each stretched to its cells so the grid holds in any font.
fn to_svg(buffer: &Buffer, title: &str) -> String {
    let area = buffer.area;
    let width = f64::from(area.width) * CELL_WIDTH + 2.0 * PADDING;
    let height = f64::from(area.height) * CELL_HEIGHT + 2.0 * PADDING + TITLE_BAR;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" rx="8" fill="{BACKGROUND}"/><circle cx="18" cy="14" r="5" fill="#ff5f57"/><circle cx="36" cy="14" r="5" fill="#febc2e"/><circle cx="54" cy="14" r="5" fill="#28c840"/><text x="{:.1}" y="18" fill="#9a9a9a" font-family="sans-serif" font-size="12" text-anchor="middle">{}</text>"##,
        width / 2.0,
        escape(title)
    );
    let _ = writeln!(
        svg,
        r#"<g font-family="'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace" font-size="{FONT_SIZE}" xml:space="preserve">"#
    );
    for y in 0..area.height {
        let top = PADDING + TITLE_BAR + f64::from(y) * CELL_HEIGHT;
        let mut x = 0;
        while x < area.width {
            let style = cell_style(&buffer[(x, y)]);
            let start = x;
            let mut text = String::new();
            while x < area.width && cell_style(&buffer[(x, y)]) == style {
                text.push_str(buffer[(x, y)].symbol());
                x += 1;
            }
            let left = PADDING + f64::from(start) * CELL_WIDTH;
            let cells = f64::from(x - start) * CELL_WIDTH;
            let (fg, bg, modifier) = style;
            if bg != BACKGROUND {
                let _ = writeln!(
                    svg,
                    r#"<rect x="{left:.1}" y="{top:.1}" width="{cells:.1}" height="{CELL_HEIGHT:.1}" fill="{bg}"/>"#
                );
            }
            let trimmed = text.trim_end();
            if trimmed.is_empty() {
                continue;
            }
            let lead = text.len() - text.trim_start().len();
            let visible = trimmed.trim_start();
            let left = left + lead as f64 * CELL_WIDTH;
            let length = visible.chars().count() as f64 * CELL_WIDTH;
            let mut attributes = format!(r#"fill="{fg}""#);
            if modifier.contains(Modifier::BOLD) {
                attributes.push_str(r#" font-weight="bold""#);
            }
            if modifier.contains(Modifier::DIM) {
                attributes.push_str(r#" opacity="0.6""#);
            }
            if modifier.contains(Modifier::ITALIC) {
                attributes.push_str(r#" font-style="italic""#);
            }
            if modifier.contains(Modifier::UNDERLINED) {
                attributes.push_str(r#" text-decoration="underline""#);
            }
            let _ = writeln!(
                svg,
                r#"<text x="{left:.1}" y="{:.1}" textLength="{length:.1}" lengthAdjust="spacingAndGlyphs" {attributes}>{}</text>"#,
                top + CELL_HEIGHT * 0.78,
                escape(visible)
            );
        }
    }
    svg.push_str("</g>\n</svg>\n");
    svg
}

/// Foreground, background (as SVG colours) and the modifiers that change drawing.
fn cell_style(cell: &ratatui::buffer::Cell) -> (String, String, Modifier) {
    let mut fg = colour(cell.fg).unwrap_or_else(|| FOREGROUND.to_string());
    let mut bg = colour(cell.bg).unwrap_or_else(|| BACKGROUND.to_string());
    if cell.modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    (fg, bg, cell.modifier & (Modifier::BOLD | Modifier::DIM | Modifier::ITALIC | Modifier::UNDERLINED))
}

/// A terminal colour in a common dark palette; `None` for the terminal's default.
fn colour(color: Color) -> Option<String> {
    const ANSI: [&str; 16] = [
        "#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6", "#666666", "#d54e53",
        "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea",
    ];
    let index = match color {
        Color::Reset => return None,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Rgb(r, g, b) => return Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) if i < 16 => usize::from(i),
        Color::Indexed(i) if i >= 232 => {
            let level = 8 + 10 * (i - 232);
            return Some(format!("#{level:02x}{level:02x}{level:02x}"));
        }
        Color::Indexed(i) => {
            let cube = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            return Some(format!("#{:02x}{:02x}{:02x}", level(cube / 36), level(cube / 6 % 6), level(cube % 6)));
        }
    };
    Some(ANSI[index].to_string())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    #[test]
    fn cells_become_positioned_escaped_runs_with_their_colours() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 10, 2));
        buffer.set_string(0, 0, "a<b", Style::new().red().bold());
        buffer.set_string(5, 0, "ok", Style::new().reversed());
        buffer.set_string(2, 1, "x", Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Indexed(232)));
        let svg = to_svg(&buffer, "t & t");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"), "{svg}");
        assert!(svg.contains(">t &amp; t</text>"), "{svg}");
        // Red and bold, escaped, stretched over its three cells.
        assert!(
            svg.contains(
                r##"textLength="25.2" lengthAdjust="spacingAndGlyphs" fill="#cc6666" font-weight="bold">a&lt;b</text>"##
            ),
            "{svg}"
        );
        // Reversed: the default colours swap, and the background is drawn.
        assert!(svg.contains(&format!(r#"width="16.8" height="17.0" fill="{FOREGROUND}"/>"#)), "{svg}");
        assert!(svg.contains(&format!(r#"fill="{BACKGROUND}">ok</text>"#)), "{svg}");
        // Third column of the second row, true colour on the darkest grey of the 256.
        let x = PADDING + 2.0 * CELL_WIDTH;
        assert!(svg.contains(&format!(r##"<rect x="{x:.1}" y="{:.1}""##, PADDING + TITLE_BAR + CELL_HEIGHT)), "{svg}");
        assert!(svg.contains(r##"fill="#080808"/>"##) && svg.contains(r##"fill="#010203">x</text>"##), "{svg}");
        // Blank cells draw nothing.
        assert_eq!(svg.matches("<text").count(), 4);
    }
}
