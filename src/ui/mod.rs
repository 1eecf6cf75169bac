//! Drawing only: every screen and panel is drawn from a read-only `&App`. The layout
//! functions here are shared by drawing and by the mouse hit test, so a click lands
//! on what the learner sees.

mod chart;
pub mod code;
mod cores;
mod exercises;
mod heat;
mod heatmap;
mod help;
mod lab;
mod lessons;
mod machine;
pub mod markdown;
mod progress;
mod recent;
mod results;
mod text;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::app::{App, FooterKey, Screen, Target};

/// The smallest terminal parlab draws its screens in.
pub const MIN_WIDTH: u16 = 70;
/// The narrowest terminal projector mode draws in: its panes are stacked, so a tall,
/// narrow shared window is enough.
pub const PRESENT_MIN_WIDTH: u16 = 60;
/// The smallest terminal height parlab draws its screens in.
pub const MIN_HEIGHT: u16 = 20;

/// How the screens are styled: built by [`Theme::standard`] (with or without colour, as
/// NO_COLOR asks), [`Theme::plain`] or [`Theme::high_contrast`] (the projector's), never
/// field by field, so every style decision stays in this one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Use colours.
    color: bool,
    /// High contrast: bold, underline and reverse video only; no colour, no dim or grey
    /// text, so it reads on light and dark backgrounds alike.
    contrast: bool,
}

impl Theme {
    /// The everyday theme: colours unless `color` is false (NO_COLOR).
    pub fn standard(color: bool) -> Self {
        Self { color, contrast: false }
    }

    /// The everyday theme without colour.
    pub fn plain() -> Self {
        Self::standard(false)
    }

    /// The projector's theme: every distinction is bold, underline, reverse video or a
    /// glyph, never a colour or a dim shade that a washed-out projector (or a light
    /// background) loses.
    pub fn high_contrast() -> Self {
        Self { color: false, contrast: true }
    }

    /// Whether this theme draws in colour (else shades and glyphs stand in).
    pub fn colors(&self) -> bool {
        self.color
    }

    /// Whether this is the high-contrast theme.
    pub fn is_high_contrast(&self) -> bool {
        self.contrast
    }

    /// `modifiers` as this theme draws them: without DIM in high contrast.
    pub fn modifiers(&self, modifiers: Modifier) -> Modifier {
        if self.contrast { modifiers - Modifier::DIM } else { modifiers }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }
    /// Panel titles and headings.
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// A heading of `level` (1 = top).
    pub fn heading(&self, level: usize) -> Style {
        match level {
            1 => self.fg(Color::Cyan).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            2 => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            _ => Style::new().add_modifier(Modifier::BOLD),
        }
    }
    /// Less important text (plain text in high contrast: grey fades on a projector).
    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }
    /// Inline and block code.
    pub fn code(&self) -> Style {
        if self.contrast { Style::new().add_modifier(Modifier::BOLD) } else { self.fg(Color::Yellow) }
    }
    /// Links.
    pub fn link(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }
    /// The focused selection.
    pub fn selected(&self) -> Style {
        let style = Style::new().add_modifier(Modifier::REVERSED);
        if self.contrast { style.add_modifier(Modifier::BOLD) } else { style }
    }
    /// Keys in the footer and help (reverse video in high contrast, like keycaps).
    pub fn key(&self) -> Style {
        if self.contrast {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
        }
    }
    /// Good news (always beside a ✓ or words that say so).
    pub fn good(&self) -> Style {
        if self.contrast { Style::new().add_modifier(Modifier::BOLD) } else { self.fg(Color::Green) }
    }
    /// A warning (always beside a ✗, ⚠ or words that say so).
    pub fn warn(&self) -> Style {
        if self.contrast {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            self.fg(Color::Yellow)
        }
    }
    /// An error.
    pub fn bad(&self) -> Style {
        if self.contrast {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            self.fg(Color::Red).add_modifier(Modifier::BOLD)
        }
    }
    /// The colour of the `index`th backend in the chart and table (bold in high
    /// contrast, where [`Theme::series_glyph`] tells the backends apart).
    pub fn series(&self, index: usize) -> Style {
        const COLORS: [Color; 6] = [Color::Green, Color::Magenta, Color::Blue, Color::Yellow, Color::Red, Color::Cyan];
        if self.contrast { Style::new().add_modifier(Modifier::BOLD) } else { self.fg(COLORS[index % COLORS.len()]) }
    }
    /// The marker of the `index`th backend's measured points, and its glyph for the
    /// legend: one block for all in colour, a different shape per backend in high contrast.
    pub fn series_glyph(&self, index: usize) -> (ratatui::symbols::Marker, &'static str) {
        use ratatui::symbols::Marker;
        const SHAPES: [(Marker, &str); 3] = [(Marker::Block, "█"), (Marker::Dot, "•"), (Marker::Bar, "▄")];
        if self.contrast { SHAPES[index % SHAPES.len()] } else { SHAPES[0] }
    }
    /// A block with a title, highlighted when it has the keys (a thick border in high
    /// contrast, where a colour would not show).
    pub fn block<'a>(&self, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
        let title: Line = title.into();
        if self.contrast {
            let border = if focused { BorderType::Thick } else { BorderType::Plain };
            let style = if focused { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
            return Block::bordered().border_type(border).border_style(style).title(title.style(self.accent()));
        }
        let border = if focused { self.fg(Color::Cyan) } else { self.dim() };
        Block::bordered().border_style(border).title(title.style(self.accent()))
    }
}

/// The theme the app asks for: high contrast when chosen (`--theme high-contrast`, and
/// `--present` unless `--theme standard`), else colour unless NO_COLOR.
pub fn theme(app: &App) -> Theme {
    if app.high_contrast { Theme::high_contrast() } else { Theme::standard(app.color) }
}

/// The narrowest terminal the app's screens are drawn in.
pub fn min_width(app: &App) -> u16 {
    if app.present { PRESENT_MIN_WIDTH } else { MIN_WIDTH }
}

/// Whether `area` is too small to draw the app's screens in.
pub fn too_small(app: &App, area: Rect) -> bool {
    area.width < min_width(app) || area.height < MIN_HEIGHT
}

/// The one-line notice above the footer: a warning on every screen, the last
/// message on screens other than the Lab (which has its own line for it).
fn notice(app: &App) -> Option<(&str, bool)> {
    if let Some(warning) = &app.warning {
        return Some((warning, true));
    }
    app.message.as_deref().filter(|_| app.screen != Screen::Lab).map(|m| (m, false))
}

/// The horizontal bands of every screen: tabs, body, footer, and the notice line
/// between body and footer when there is one.
fn frame_areas(app: &App, area: Rect) -> [Rect; 4] {
    // A warning wraps onto up to three lines: the learner must be able to read all of it.
    let rows = notice(app).map_or(0, |(text, warning)| {
        if warning { (text.chars().count() as u16 + 13).div_ceil(area.width.max(1)).clamp(1, 3) } else { 1 }
    });
    // Projector mode adds the key echo above the footer.
    let echo = u16::from(app.present);
    let [tabs, body, notice, echo, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(rows),
        Constraint::Length(echo),
        Constraint::Length(1),
    ])
    .areas(area);
    // The echo is drawn from `draw`; the four bands keep their places for hit tests.
    let _ = echo;
    [tabs, body, notice, footer]
}

/// Draws the whole UI.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = theme(app);
    if too_small(app, area) {
        let text = vec![
            Line::styled("The terminal is too small for parlab.", theme.bad()),
            Line::raw(""),
            Line::raw(format!(
                "It is {}x{}; parlab needs at least {}x{MIN_HEIGHT}.",
                area.width,
                area.height,
                min_width(app)
            )),
            Line::raw("Make the window larger, or press q to quit."),
        ];
        let top = area.height.saturating_sub(4) / 2;
        let rect = Rect { y: area.y + top, height: area.height - top, ..area };
        frame.render_widget(Paragraph::new(text).alignment(Alignment::Center).wrap(Wrap { trim: true }), rect);
        return;
    }
    let [tabs, body, notice_area, footer] = frame_areas(app, area);
    draw_tabs(frame, tabs, app, &theme);
    match app.screen {
        Screen::Lessons => lessons::draw(frame, body, app, &theme),
        Screen::Lab => lab::draw(frame, body, app, &theme),
        Screen::Exercises => exercises::draw(frame, body, app, &theme),
        Screen::Progress => progress::draw(frame, body, app, &theme),
        Screen::Machine => machine::draw(frame, body, app, &theme),
    }
    if app.recent_open() {
        recent::draw(frame, body, app, &theme);
    }
    if let Some((text, warning)) = notice(app) {
        let style = if warning { theme.bad() } else { Style::new() };
        let text = if warning { format!(" ⚠ {text}") } else { format!(" {text}") };
        frame.render_widget(Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: false }), notice_area);
    }
    draw_footer(frame, footer, app, &theme);
    if app.present && footer.y > 0 {
        let strip = Rect { y: footer.y - 1, height: 1, ..footer };
        let text = app.echo.as_deref().unwrap_or("keys you press are echoed here");
        let line = Line::from(vec![
            Span::styled(" ▸ ", theme.key()),
            Span::styled(text.to_string(), Style::new().add_modifier(Modifier::BOLD)),
        ]);
        frame.render_widget(line, strip);
    }
    if app.help {
        help::draw(frame, area, app, &theme);
    }
}

/// (screen, x, width) of each tab in the tab line.
fn tab_positions(area: Rect) -> Vec<(Screen, u16, u16)> {
    let mut x = area.x + 9;
    Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, &screen)| {
            let width = format!(" {} {} ", i + 1, screen.title()).len() as u16;
            let at = x;
            x += width + 1;
            (screen, at, width)
        })
        .collect()
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::styled(" parlab ", theme.accent()), Span::raw(" ")];
    for (i, &screen) in Screen::ALL.iter().enumerate() {
        let style = if screen == app.screen { theme.selected().add_modifier(Modifier::BOLD) } else { theme.dim() };
        spans.push(Span::styled(format!(" {} {} ", i + 1, screen.title()), style));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let context = match app.screen {
        Screen::Lab => app.lab_lesson().map(|lesson| format!("lesson: {}", lesson.title)),
        Screen::Exercises => app.opened_lesson().map(|lesson| format!("lesson: {}", lesson.title)),
        Screen::Lessons | Screen::Progress => Some(format!("course: {}", app.course.title)),
        Screen::Machine => None,
    };
    if let Some(text) = context {
        let room = (area.width as usize).saturating_sub(used + 1);
        if room >= 16 {
            let shown: String = text.chars().take(room).collect();
            let pad = room.saturating_sub(Span::raw(shown.as_str()).width());
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(shown, theme.dim()));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

/// What the footer ends with when some keys did not fit: the help lists them all.
const MORE: (&str, &str) = ("more: ", "?");

/// The footer: the keys of the app's footer table that fit, most important (lowest
/// rank) first; when some do not fit, it ends with "more: ?" instead of hiding them
/// silently.
fn draw_footer(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let keys = app.footer_keys();
    let width = |key: &FooterKey| key.keys.chars().count() + key.label.chars().count() + 3;
    let room = area.width as usize;
    let all = 1 + keys.iter().map(width).sum::<usize>();
    let room = if all > room { room.saturating_sub(MORE.0.len() + MORE.1.len()) } else { room };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for key in &keys {
        if used + width(key) > room {
            break;
        }
        used += width(key);
        spans.push(Span::styled(key.keys, theme.key()));
        spans.push(Span::raw(format!(" {}  ", key.label)));
    }
    if all > area.width as usize {
        spans.push(Span::raw(MORE.0));
        spans.push(Span::styled(MORE.1, theme.key()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The largest useful scroll of the lesson reader in a terminal of `area`.
pub fn reader_max_scroll(app: &App, area: Rect) -> u16 {
    if too_small(app, area) {
        return 0;
    }
    let [_, body, _, _] = frame_areas(app, area);
    lessons::max_scroll(app, body, &theme(app))
}

/// The largest useful scroll of a code exercise's detail in a terminal of `area`.
pub fn code_max_scroll(app: &App, area: Rect) -> u16 {
    if too_small(app, area) || app.screen != Screen::Exercises {
        return 0;
    }
    let [_, body, _, _] = frame_areas(app, area);
    exercises::code_max_scroll(app, body, &theme(app))
}

/// What is under the mouse at (`column`, `row`) in a terminal of `area`.
pub fn hit_test(app: &App, area: Rect, column: u16, row: u16) -> Option<Target> {
    if too_small(app, area) || app.help || app.recent_open() {
        return None;
    }
    let [tabs, body, _, _] = frame_areas(app, area);
    let at = Position { x: column, y: row };
    if tabs.contains(at) {
        return tab_positions(tabs)
            .into_iter()
            .find(|&(_, x, w)| column >= x && column < x + w)
            .map(|t| Target::Tab(t.0));
    }
    if !body.contains(at) {
        return None;
    }
    match app.screen {
        Screen::Lessons => lessons::hit_test(app, body, at),
        Screen::Lab => lab::hit_test(app, body, at),
        Screen::Exercises => exercises::hit_test(app, body, at),
        Screen::Progress => progress::hit_test(app, body, at),
        Screen::Machine => Some(Target::Machine),
    }
}
