//! CSV: one row per measured point, the [`Row`] of the shared table model written by
//! the `csv` crate, so the header and the rows come from one type.

use crate::measure::{Point, Report};
use crate::present::table::Row;

/// The report as CSV text, header first (a report with no points is the header alone).
pub fn to_csv(report: &Report) -> String {
    let size = report.plan.spec.size;
    let blank;
    let (points, header_only) = if report.points.is_empty() {
        // The header comes from a row; a blank point gives one without data.
        blank = [Point::new("", "", 0, Vec::new())];
        (&blank[..], true)
    } else {
        (&report.points[..], false)
    };
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for point in points {
        // Writing into memory cannot fail, and every field of a row serialises.
        let scale = if report.plan.scale.is_weak() { "weak" } else { "strong" };
        writer.serialize(Row { scale, ..Row::of(point.size.unwrap_or(size), point) }).expect("a CSV row");
    }
    let bytes = writer.into_inner().expect("CSV in memory");
    let text = String::from_utf8(bytes).expect("CSV of UTF-8 fields");
    if header_only { text.lines().next().map_or(String::new(), |h| format!("{h}\n")) } else { text }
}
