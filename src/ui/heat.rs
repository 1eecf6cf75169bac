//! The cores panel for big nodes, when a line per core does not fit: a heat strip with
//! one cell per core now (several cores per cell only when even that does not fit),
//! shaded `·░▒▓█` and coloured by utilisation, and under it history rows, one per
//! block of cores, that keep the last samples as a sparkline (newest on the right). On a
//! node of several sockets, where there are rows enough, the history rows are per
//! socket (`s0`, `s1`, ... or blocks of one socket's CPUs, `s0 0-31`), so that a
//! learner sees whether the workers filled one socket or spread over all.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Theme;
use crate::app::CoreHistory;

/// The sparkline glyphs of the history rows, idle to busy.
pub const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The heat strip's glyphs, idle to busy.
pub const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];

/// The sparkline glyph of `usage` (0 to 100).
pub fn level(usage: f32) -> char {
    LEVELS[((usage.clamp(0.0, 100.0) / 100.0 * 7.0).round() as usize).min(7)]
}

/// The heat strip's glyph of `usage` (0 to 100).
pub fn shade(usage: f32) -> char {
    match usage {
        u if u < 5.0 => SHADES[0],
        u if u < 25.0 => SHADES[1],
        u if u < 50.0 => SHADES[2],
        u if u < 75.0 => SHADES[3],
        _ => SHADES[4],
    }
}

/// Busy, working, idle.
pub fn usage_style(theme: &Theme, usage: f32) -> Style {
    if usage >= 70.0 {
        theme.good()
    } else if usage >= 25.0 {
        theme.warn()
    } else {
        theme.dim()
    }
}

/// How `cores` cores fit a panel of `width` x `height` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatLayout {
    /// Width of the core-range labels, space included.
    pub label: usize,
    /// Cores in one cell of the strip (1 when there is room).
    pub per_cell: usize,
    /// Cells per strip row.
    pub per_row: usize,
    /// Rows of the strip.
    pub strip_rows: usize,
    /// Cores per history row.
    pub per_history: usize,
    /// History rows.
    pub history_rows: usize,
}

impl HeatLayout {
    /// The layout of `cores` cores in `width` x `height` (both at least 1).
    pub fn new(cores: usize, width: usize, height: usize) -> Self {
        let cores = cores.max(1);
        let height = height.max(1);
        let last = cores - 1;
        let label = format!("{last}-{last} ").len();
        let per_row = width.saturating_sub(label).max(1);
        // The strip may take every row but one: that one keeps the history.
        let strip_max = if height >= 2 { height - 1 } else { 1 };
        let per_cell = cores.div_ceil(per_row * strip_max).max(1);
        let cells = cores.div_ceil(per_cell);
        let strip_rows = cells.div_ceil(per_row).min(strip_max);
        let free = height - strip_rows;
        let (per_history, history_rows) =
            if free == 0 { (cores, 0) } else { (cores.div_ceil(free), cores.div_ceil(cores.div_ceil(free))) };
        Self { label, per_cell, per_row, strip_rows, per_history, history_rows }
    }
}

fn range(first: usize, last: usize) -> String {
    if first == last { first.to_string() } else { format!("{first}-{last}") }
}

fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let (sum, count) = values.fold((0.0f32, 0usize), |(s, n), v| (s + v, n + 1));
    if count == 0 { 0.0 } else { sum / count as f32 }
}

/// The CPUs of each history row, with its label: per socket when `sockets` (the socket
/// of each CPU) names several and `rows` allows one row each at least, else contiguous
/// blocks of `per_row` CPUs.
pub fn history_rows(cores: usize, sockets: &[usize], rows: usize, per_row: usize) -> Vec<(String, Vec<usize>)> {
    let mut ids: Vec<usize> = sockets.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if sockets.len() != cores || ids.len() < 2 || rows < ids.len() {
        return (0..rows)
            .map(|row| (row * per_row, ((row + 1) * per_row).min(cores)))
            .filter(|(first, end)| first < end)
            .map(|(first, end)| {
                let name = if first == 0 && end == cores { "all".to_string() } else { range(first, end - 1) };
                (name, (first..end).collect())
            })
            .collect();
    }
    let count = ids.len();
    let mut out = Vec::new();
    for (index, id) in ids.into_iter().enumerate() {
        // Every row is used: the first sockets take one more when they do not divide evenly.
        let rows_each = rows / count + usize::from(index < rows % count);
        let cpus: Vec<usize> = (0..cores).filter(|&cpu| sockets[cpu] == id).collect();
        let parts = rows_each.min(cpus.len()).max(1);
        for k in 0..parts {
            let part = &cpus[k * cpus.len() / parts..(k + 1) * cpus.len() / parts];
            let name = if part.len() == cpus.len() {
                format!("s{id}")
            } else {
                // A block of one socket's CPUs; they are contiguous unless the CPUs of
                // the sockets interleave, when the first and last say enough.
                format!("s{id} {}", range(part[0], part[part.len() - 1]))
            };
            out.push((name, part.to_vec()));
        }
    }
    out
}

/// The panel's lines for `history` in `width` x `height` cells; `sockets` is the socket
/// of each CPU (empty on one socket).
pub fn lines(
    history: &CoreHistory,
    sockets: &[usize],
    width: usize,
    height: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let cores = history.per_core.len();
    if cores == 0 {
        return Vec::new();
    }
    let layout = HeatLayout::new(cores, width, height);
    let label = layout.label;
    let latest = history.latest();
    let mut out = Vec::new();
    let cell_cores = layout.per_row * layout.per_cell;
    for row in 0..layout.strip_rows {
        let first = row * cell_cores;
        if first >= cores {
            break;
        }
        let last = (first + cell_cores).min(cores) - 1;
        let mut spans = vec![Span::styled(format!("{:<label$}", range(first, last)), theme.dim())];
        for cell in latest[first..=last].chunks(layout.per_cell) {
            let usage = mean(cell.iter().copied());
            spans.push(Span::styled(shade(usage).to_string(), usage_style(theme, usage)));
        }
        out.push(Line::from(spans));
    }
    let samples = history.per_core.iter().map(|h| h.len()).min().unwrap_or(0);
    let rows = history_rows(cores, sockets, layout.history_rows, layout.per_history);
    // Socket labels may be wider than the strip's: the sparklines then start later.
    let label = rows.iter().map(|(name, _)| name.chars().count() + 1).max().unwrap_or(0).max(label);
    let room = width.saturating_sub(label).max(1);
    let shown = samples.min(room);
    for (name, cpus) in rows {
        let mut spans = vec![Span::styled(format!("{name:<label$}"), theme.accent())];
        spans.push(Span::raw(" ".repeat(room - shown)));
        for back in (0..shown).rev() {
            let usage = mean(cpus.iter().map(|&cpu| &history.per_core[cpu]).map(|h| h[h.len() - 1 - back]));
            spans.push(Span::styled(level(usage).to_string(), usage_style(theme, usage)));
        }
        out.push(Line::from(spans));
    }
    out
}

/// The panel title's note on what the heat view shows, when there is room for it.
pub fn note(history: &CoreHistory, sockets: &[usize], width: usize, height: usize) -> String {
    let cores = history.per_core.len();
    let layout = HeatLayout::new(cores, width, height);
    let cells = if layout.per_cell == 1 { "1 core".to_string() } else { format!("{} cores", layout.per_cell) };
    let per_socket = history_rows(cores, sockets, layout.history_rows, layout.per_history)
        .first()
        .is_some_and(|(name, _)| name.starts_with('s'));
    let by = if per_socket { " by socket" } else { "" };
    format!("·░▒▓█ now, {cells} a cell; ▁▃▆█ history{by}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_has_a_cell_and_history_a_row() {
        // 80x24: the cores panel has 24 x 5 cells inside.
        assert_eq!(
            HeatLayout::new(64, 24, 5),
            HeatLayout { label: 6, per_cell: 1, per_row: 18, strip_rows: 4, per_history: 64, history_rows: 1 }
        );
        let big = HeatLayout::new(256, 24, 5);
        assert_eq!((big.per_cell, big.strip_rows, big.history_rows), (4, 4, 1));
        // 200x60: 136 x 17 inside.
        let wide = HeatLayout::new(256, 136, 17);
        assert_eq!((wide.per_cell, wide.per_row, wide.strip_rows), (1, 128, 2));
        assert_eq!((wide.per_history, wide.history_rows), (18, 15));
    }

    #[test]
    fn the_layout_never_overflows_the_panel() {
        for cores in [1, 2, 7, 64, 100, 128, 256, 1024] {
            for (width, height) in [(1, 1), (10, 2), (24, 5), (40, 10), (136, 17)] {
                let l = HeatLayout::new(cores, width, height);
                assert!(l.strip_rows + l.history_rows <= height, "{cores} in {width}x{height}: {l:?}");
                assert!(l.strip_rows * l.per_row * l.per_cell >= cores, "{cores} in {width}x{height}: {l:?}");
                if height >= 2 {
                    assert!(l.history_rows >= 1 && l.per_history * l.history_rows >= cores);
                }
            }
        }
    }

    #[test]
    fn history_rows_show_the_samples_newest_last() {
        let mut history = CoreHistory::new(4);
        history.push_values(&[0.0; 4]);
        history.push_values(&[100.0; 4]);
        let theme = Theme::plain();
        let text: Vec<String> = lines(&history, &[], 12, 2, &theme).iter().map(ToString::to_string).collect();
        assert_eq!(text, ["0-3 ████", "all       ▁█"]);
        let text: Vec<String> = lines(&history, &[], 12, 3, &theme).iter().map(ToString::to_string).collect();
        assert_eq!(text, ["0-3 ████", "0-1       ▁█", "2-3       ▁█"]);
    }

    #[test]
    fn history_rows_follow_the_sockets_when_there_is_room() {
        // Two sockets whose CPUs interleave (0, 2, ... on s0), as hyperthreads often do.
        let sockets: Vec<usize> = (0..8).map(|cpu| cpu % 2).collect();
        let rows = history_rows(8, &sockets, 2, 4);
        assert_eq!(rows, [("s0".to_string(), vec![0, 2, 4, 6]), ("s1".to_string(), vec![1, 3, 5, 7])]);
        let rows = history_rows(8, &sockets, 5, 2);
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["s0 0", "s0 2", "s0 4-6", "s1 1-3", "s1 5-7"]);
        assert!(rows.iter().flat_map(|(_, cpus)| cpus).count() == 8, "every CPU in one row");
        // Too few rows for a row per socket, or one socket: blocks as before.
        assert_eq!(history_rows(8, &sockets, 1, 8), [("all".to_string(), (0..8).collect::<Vec<_>>())]);
        assert_eq!(history_rows(4, &[], 2, 2)[1], ("2-3".to_string(), vec![2, 3]));

        // Socket 1 busy, socket 0 idle: the rows show it.
        let mut history = CoreHistory::new(8);
        history.push_values(&[0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 100.0]);
        let theme = Theme::plain();
        let text: Vec<String> = lines(&history, &sockets, 12, 3, &theme).iter().map(ToString::to_string).collect();
        assert_eq!(text, ["0-7 ·█·█·█·█", "s0         ▁", "s1         █"]);
        assert!(note(&history, &sockets, 12, 3).ends_with("history by socket"));
    }
}
