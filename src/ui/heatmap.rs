//! The random-walk endpoint heat map in the terminal: the same 2D histogram as the PNG
//! chart, two cells per character (an upper half block over a lower one), coloured on
//! viridis, or shaded with ░▒▓█ when colour is off. Shown in the Lab instead of the
//! speedup chart while `m` is on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::plot::{Heatmap, viridis};
use crate::present::thousands;

/// Sums a `bins` x `bins` grid into `side` x `side` cells (row 0 = lowest y).
fn resample(map: &Heatmap, side: usize) -> Vec<u64> {
    let bins = map.bins;
    let mut cells = vec![0u64; side * side];
    for row in 0..bins {
        for col in 0..bins {
            let (r, c) = (row * side / bins, col * side / bins);
            cells[r * side + c] += map.counts[row * bins + col];
        }
    }
    cells
}

/// Draws `map` in `area`.
pub fn draw(frame: &mut Frame, area: Rect, map: &Heatmap, theme: &Theme) {
    let block = theme.block(" Heat map: where the walkers ended (m: speedup chart) ", false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Keep two lines for the legend; a cell is one column wide and half a row tall, which
    // is about square in a terminal font.
    let rows = inner.height.saturating_sub(2) as usize;
    let side = map.bins.min(inner.width as usize).min(2 * rows);
    if side < 4 {
        frame.render_widget(Paragraph::new("Too small for the heat map.").style(theme.dim()), inner);
        return;
    }
    let cells = resample(map, side);
    let most = cells.iter().copied().max().unwrap_or(1).max(1) as f64;
    let shade = |count: u64| -> Option<Color> {
        (count > 0).then(|| {
            let c = viridis(count as f64 / most);
            Color::Rgb(c.0, c.1, c.2)
        })
    };
    let glyph = |count: u64| match count as f64 / most {
        f if f <= 0.0 => ' ',
        f if f < 0.15 => '░',
        f if f < 0.4 => '▒',
        f if f < 0.7 => '▓',
        _ => '█',
    };
    let pad = " ".repeat((inner.width as usize - side) / 2);
    let mut lines = Vec::new();
    for pair in 0..side.div_ceil(2) {
        // The top line shows the highest rows of y.
        let upper = side - 1 - 2 * pair;
        let lower = upper.checked_sub(1);
        let mut spans = vec![Span::raw(pad.clone())];
        for col in 0..side {
            let up = cells[upper * side + col];
            let down = lower.map_or(0, |r| cells[r * side + col]);
            spans.push(if theme.colors() {
                match (shade(up), shade(down)) {
                    (Some(top), Some(bottom)) => Span::styled("▀", Style::new().fg(top).bg(bottom)),
                    (Some(top), None) => Span::styled("▀", Style::new().fg(top)),
                    (None, Some(bottom)) => Span::styled("▄", Style::new().fg(bottom)),
                    (None, None) => Span::raw(" "),
                }
            } else {
                Span::raw(glyph(up.max(down)).to_string())
            });
        }
        lines.push(Line::from(spans));
    }
    let cell = map.cell_width * (map.bins as f64 / side as f64);
    let total: u64 = map.counts.iter().sum();
    let legend = if theme.colors() { "dark: few walkers, yellow: many" } else { "░ few walkers ▒ ▓ █ many" };
    lines.push(Line::styled(legend, theme.dim()));
    lines
        .push(Line::styled(format!("cells of {cell:.0} x {cell:.0} steps, {} walkers", thousands(total)), theme.dim()));
    frame.render_widget(Paragraph::new(lines), inner);
}
