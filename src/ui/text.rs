//! Small text helpers shared by several screens: an exercise's mark, and text cut and
//! padded to a width.

use ratatui::text::Span;

use crate::lessons::progress::ExerciseRecord;

/// The mark of an exercise in a list: done, missed (an answer that was wrong or a
/// prediction outside the tolerance) or to do.
pub fn mark(record: Option<&ExerciseRecord>) -> &'static str {
    match record {
        Some(r) if r.done && r.passed != Some(false) => "✓",
        Some(r) if r.passed == Some(false) || (r.chosen.is_some() && !r.done) => "✗",
        _ => "·",
    }
}

/// `text` cut to `width` columns (with …) and padded to it.
pub fn fit(text: &str, width: usize) -> String {
    let mut shown: String = if text.chars().count() > width {
        text.chars().take(width.saturating_sub(1)).chain(['…']).collect()
    } else {
        text.to_string()
    };
    let pad = width.saturating_sub(Span::raw(shown.as_str()).width());
    shown.push_str(&" ".repeat(pad));
    shown
}
