//! A printed page of text in columns (the cheatsheet): headings, plain lines and
//! key-and-meaning rows, laid out top to bottom and column by column, wrapped to the
//! column width. Drawn with the same embedded font as every chart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{INK, MUTED, series_color};
use super::{Drawn, PlotError};

/// One line of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageLine {
    /// A section heading.
    Heading(String),
    /// A plain line (wrapped).
    Text(String),
    /// A key or term on the left, its meaning on the right (wrapped).
    Pair(String, String),
}

/// A page: a title and its lines, flowed into `columns` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Title across the top.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Number of columns.
    pub columns: usize,
    /// The lines, in reading order.
    pub lines: Vec<PageLine>,
}

/// Font size of body text, in pixels of an 800-wide page.
const BODY: f64 = 7.4;

/// Wraps `text` to lines of at most `width` characters (words longer than that are cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let words = text.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        chars.chunks(width).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>()
    });
    for word in words {
        let word = word.as_str();
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A text to draw, its top-left corner and its style.
type Piece = (String, (i32, i32), Ink);

/// How a piece of text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ink {
    Heading,
    Body,
    Key,
}

/// Lays the lines out in `columns` columns of a `width` x `height` page with body text at
/// `factor` times its size: the pieces to draw, or `Err(columns needed)` when they do not fit.
fn layout(page: &Page, (width, height): (u32, u32), factor: f64) -> Result<Vec<Piece>, i32> {
    let scale = f64::from(width) / 800.0;
    let px = |v: f64| (v * scale).round() as i32;
    let body_size = BODY * factor;
    let margin = px(22.0);
    let columns = page.columns.max(1) as i32;
    let gap = px(16.0);
    let column_width = (width as i32 - 2 * margin - gap * (columns - 1)) / columns;
    let top = px(58.0);
    let bottom = height as i32 - px(14.0);
    let row = px(body_size * 1.32).max(1);
    // DejaVu Sans averages a little over half its size per character.
    let chars = |w: i32| ((f64::from(w) / (body_size * scale * 0.56)) as usize).max(8);
    let key_width = column_width * 34 / 100;
    let mut pieces = Vec::new();
    let (mut column, mut y) = (0, top);
    let place = |rows: i32, y: &mut i32, column: &mut i32| {
        if *y + rows * row > bottom && *y > top {
            *column += 1;
            *y = top;
        }
        margin + *column * (column_width + gap)
    };
    for line in &page.lines {
        match line {
            PageLine::Heading(text) => {
                let x = place(5, &mut y, &mut column);
                if y > top {
                    y += row / 2;
                }
                pieces.push((text.clone(), (x, y), Ink::Heading));
                y += row * 13 / 10;
            }
            PageLine::Text(text) => {
                let wrapped = wrap(text, chars(column_width));
                let x = place(wrapped.len() as i32 + 1, &mut y, &mut column);
                if y > top {
                    y += row / 3;
                }
                for piece in wrapped {
                    pieces.push((piece, (x, y), Ink::Body));
                    y += row;
                }
            }
            PageLine::Pair(key, meaning) => {
                let keys = wrap(key, chars(key_width - px(4.0)));
                let wrapped = wrap(meaning, chars(column_width - key_width));
                let rows = keys.len().max(wrapped.len()).max(1) as i32;
                let x = place(rows, &mut y, &mut column);
                for (i, piece) in keys.into_iter().enumerate() {
                    pieces.push((piece, (x, y + i as i32 * row), Ink::Key));
                }
                for (i, piece) in wrapped.into_iter().enumerate() {
                    pieces.push((piece, (x + key_width, y + i as i32 * row), Ink::Body));
                }
                y += rows * row;
            }
        }
    }
    if column >= columns { Err(column + 1) } else { Ok(pieces) }
}

/// The smallest body text, as a share of [`BODY`], a page may shrink to before it gives up.
const SMALLEST: f64 = 0.6;

/// Draws the page, shrinking the text (down to [`SMALLEST`] of its size) until the lines
/// fit the columns.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, page: &Page) -> Result<(), PlotError> {
    root.fill(&WHITE).drawn()?;
    let (width, height) = root.dim_in_pixel();
    let scale = f64::from(width) / 800.0;
    let px = |v: f64| (v * scale).round() as i32;
    let title = (super::font::FAMILY, 17.0 * scale).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    root.draw(&Text::new(page.title.clone(), (px(22.0), px(14.0)), title)).drawn()?;
    let sub = (super::font::FAMILY, 9.0 * scale).into_font().color(&MUTED).pos(Pos::new(HPos::Left, VPos::Top));
    root.draw(&Text::new(page.subtitle.clone(), (px(22.0), px(36.0)), sub)).drawn()?;

    let mut factor = 1.0;
    let (pieces, factor) = loop {
        match layout(page, (width, height), factor) {
            Ok(pieces) => break (pieces, factor),
            Err(needed) if factor * 0.92 < SMALLEST => {
                return Err(PlotError::Drawing(format!(
                    "the page needs {needed} columns of text even at {:.0} % of the text size; it has {}",
                    SMALLEST * 100.0,
                    page.columns
                )));
            }
            Err(_) => factor *= 0.92,
        }
    };
    let body_size = BODY * factor * scale;
    let body = (super::font::FAMILY, body_size).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
    let heading_color = series_color(0);
    let heading = (super::font::FAMILY, body_size * 1.25)
        .into_font()
        .style(FontStyle::Bold)
        .color(&heading_color)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for (text, at, ink) in pieces {
        let style = match ink {
            Ink::Heading => heading.clone(),
            Ink::Body => body.clone(),
            Ink::Key => body.clone().color(&heading_color),
        };
        root.draw(&Text::new(text, at, style)).drawn()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("averylongword x", 4), vec!["aver", "ylon", "gwor", "d x"]);
    }
}
