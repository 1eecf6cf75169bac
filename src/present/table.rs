//! The results table, defined once: each column's name, unit, how a [`Point`] shows in
//! it, where it appears and which columns a narrow panel keeps first. `parlab run`, the
//! TUI results panel and report.md render [`COLUMNS`]; results.csv writes one [`Row`]
//! per point, header and rows from the same serde type.
//!
//! Adding a column: one entry in [`COLUMNS`] and, for its raw value in results.csv, one
//! field in [`Row`] named like the column's `key` (a test checks that every column has
//! its field).

use serde::{Serialize, Serializer};

use super::units::seconds;
use crate::measure::budget::TOO_SHORT_S;
use crate::measure::{Point, Report};

/// Where a table is rendered; decides the few differences in how a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `parlab run`'s plain-text table.
    Text,
    /// The TUI results panel: narrow, so one decimal fewer on percentages and cores.
    Panel,
    /// report.md: a space before `%`, as in its prose.
    Markdown,
}

/// What a column's number is measured in; decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A worker count.
    Workers,
    /// Seconds of wall time, with a unit chosen for the value ("706.5 ms").
    Seconds,
    /// A ratio of times: "1.96x".
    Times,
    /// A fraction shown as a percentage with this many decimals (one fewer in the panel).
    Percent(usize),
    /// A number of cores kept busy, two decimals (one in the panel).
    Cores,
    /// A fraction from 0 to 1 (or a little outside), three decimals.
    Fraction,
    /// A check that passed ("yes") or not ("NO").
    YesNo,
    /// A kernel size, with thousands separators; its column shows only when the size
    /// changes with the workers (weak scaling).
    Size,
}

impl Unit {
    /// `value` written in this unit for `style`; "-" when there is none.
    pub fn show(self, value: Option<f64>, style: Style) -> String {
        let Some(v) = value else { return "-".into() };
        let narrow = usize::from(style == Style::Panel);
        match self {
            Unit::Workers => format!("{v:.0}"),
            Unit::Seconds => seconds(v),
            // A py-* backend's "vs seq" is often a few thousandths: keep one significant digit.
            Unit::Times if v > 0.0 && v < 0.095 => format!("{v:.3}x"),
            Unit::Times => format!("{v:.2}x"),
            Unit::Percent(decimals) => {
                let space = if style == Style::Markdown { " " } else { "" };
                format!("{:.*}{space}%", decimals.saturating_sub(narrow), v * 100.0)
            }
            Unit::Cores => format!("{v:.*}", 2 - narrow),
            Unit::Fraction => format!("{v:.3}"),
            Unit::Size => super::thousands(v as u64),
            Unit::YesNo if v != 0.0 => "yes".into(),
            Unit::YesNo => "NO".into(),
        }
    }
}

/// Whether report.md shows a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InReport {
    /// Never.
    No,
    /// Always.
    Yes,
    /// Only when at least one point has a value (e.g. "vs seq" only when seq was measured).
    WhenMeasured,
}

/// One column of the results table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field of results.json and results.csv the column shows.
    pub key: &'static str,
    /// Header in `parlab run`.
    pub name: &'static str,
    /// Header in the TUI results panel.
    pub short: &'static str,
    /// Header in report.md.
    pub title: &'static str,
    /// What the value is measured in.
    pub unit: Unit,
    /// Width in `parlab run` (right-aligned, two spaces apart).
    pub width: usize,
    /// Width in the TUI panel (right-aligned, one space apart).
    pub narrow: usize,
    /// In the TUI panel: columns with a smaller number are kept when the panel is too
    /// narrow for all; `None` leaves the column out of the panel.
    pub priority: Option<u8>,
    /// Shown in `parlab run`.
    pub text: bool,
    /// Shown in report.md.
    pub report: InReport,
    /// The value of a point.
    value: fn(&Point) -> Option<f64>,
    /// A mark after the value: `*` oversubscribed, `!` noisy, `~` rounds disagree, `?` too
    /// short to measure well.
    mark: fn(&Point) -> Option<char>,
}

fn no_mark(_: &Point) -> Option<char> {
    None
}

/// Every column, in the order the tables show them.
pub static COLUMNS: &[Column] = &[
    Column {
        key: "workers",
        name: "workers",
        short: "workers",
        title: "workers",
        unit: Unit::Workers,
        width: 8,
        narrow: 7,
        priority: Some(0),
        text: true,
        report: InReport::Yes,
        value: |p| Some(p.workers as f64),
        mark: |p| p.oversubscribed.then_some('*'),
    },
    Column {
        key: "size",
        name: "size",
        short: "size",
        title: "size",
        unit: Unit::Size,
        width: 14,
        narrow: 12,
        priority: None,
        text: true,
        report: InReport::WhenMeasured,
        value: |p| p.size.map(|s| s as f64),
        mark: no_mark,
    },
    Column {
        key: "median_s",
        name: "median",
        short: "median",
        title: "median",
        unit: Unit::Seconds,
        width: 10,
        narrow: 8,
        priority: Some(1),
        text: true,
        report: InReport::Yes,
        value: |p| Some(p.median_s),
        mark: |p| (p.median_s < TOO_SHORT_S).then_some('?'),
    },
    Column {
        key: "min_s",
        name: "min",
        short: "min",
        title: "min",
        unit: Unit::Seconds,
        width: 10,
        narrow: 8,
        priority: None,
        text: false,
        report: InReport::Yes,
        value: |p| Some(p.min_s),
        mark: no_mark,
    },
    Column {
        key: "max_s",
        name: "max",
        short: "max",
        title: "max",
        unit: Unit::Seconds,
        width: 10,
        narrow: 8,
        priority: None,
        text: false,
        report: InReport::Yes,
        value: |p| Some(p.max_s),
        mark: no_mark,
    },
    Column {
        key: "spread",
        name: "spread",
        short: "spread",
        title: "spread",
        unit: Unit::Percent(1),
        width: 7,
        narrow: 6,
        priority: Some(4),
        text: true,
        report: InReport::Yes,
        value: |p| Some(p.spread),
        mark: |p| p.noisy.then_some('!'),
    },
    Column {
        key: "speedup",
        name: "speedup",
        short: "speedup",
        title: "speedup",
        unit: Unit::Times,
        width: 8,
        narrow: 7,
        priority: Some(2),
        text: true,
        report: InReport::Yes,
        value: |p| p.speedup,
        mark: no_mark,
    },
    Column {
        key: "speedup_of_medians",
        name: "of medians",
        short: "of med.",
        title: "ratio of medians",
        unit: Unit::Times,
        width: 10,
        narrow: 7,
        priority: None,
        text: true,
        report: InReport::WhenMeasured,
        value: |p| p.speedup_of_medians,
        mark: no_mark,
    },
    Column {
        key: "round_spread",
        name: "rounds",
        short: "rounds",
        title: "round spread",
        unit: Unit::Percent(0),
        width: 7,
        narrow: 6,
        priority: None,
        text: true,
        report: InReport::WhenMeasured,
        value: |p| p.round_spread,
        mark: |p| p.rounds_disagree.then_some('~'),
    },
    Column {
        key: "speedup_vs_seq",
        name: "vs seq",
        short: "vs seq",
        title: "vs seq",
        unit: Unit::Times,
        width: 8,
        narrow: 6,
        priority: Some(6),
        text: true,
        report: InReport::WhenMeasured,
        value: |p| p.speedup_vs_seq,
        mark: no_mark,
    },
    Column {
        key: "efficiency",
        name: "efficiency",
        short: "eff.",
        title: "efficiency",
        unit: Unit::Percent(0),
        width: 10,
        narrow: 4,
        priority: Some(5),
        text: true,
        report: InReport::Yes,
        value: |p| p.efficiency,
        mark: no_mark,
    },
    Column {
        key: "karp_flatt",
        name: "Karp-Flatt",
        short: "K-F",
        title: "Karp-Flatt",
        unit: Unit::Fraction,
        width: 10,
        narrow: 6,
        priority: None,
        text: true,
        report: InReport::Yes,
        value: |p| p.karp_flatt,
        mark: no_mark,
    },
    Column {
        key: "cpu_cores",
        name: "cpu cores",
        short: "cpu cores",
        title: "CPU cores used",
        unit: Unit::Cores,
        width: 9,
        narrow: 9,
        priority: Some(3),
        text: true,
        report: InReport::Yes,
        value: |p| Some(p.cpu_cores),
        mark: no_mark,
    },
    Column {
        key: "busy_cores",
        name: "busy cores",
        short: "busy",
        title: "busy cores",
        unit: Unit::Cores,
        width: 10,
        narrow: 4,
        priority: Some(7),
        text: true,
        report: InReport::No,
        value: |p| p.busy_cores,
        mark: no_mark,
    },
    Column {
        key: "verified",
        name: "verified",
        short: "ok",
        title: "verified",
        unit: Unit::YesNo,
        width: 8,
        narrow: 3,
        priority: None,
        text: true,
        report: InReport::Yes,
        value: |p| Some(if p.verified { 1.0 } else { 0.0 }),
        mark: no_mark,
    },
];

impl Column {
    /// The header for `style`.
    pub fn header(&self, style: Style) -> &'static str {
        match style {
            Style::Text => self.name,
            Style::Panel => self.short,
            Style::Markdown => self.title,
        }
    }

    /// The cell of `point` for `style`: the value in its unit, then its mark (after a
    /// space when the value ends in a spaced unit, "6.0 % !"; else right after, "4*").
    pub fn cell(&self, point: &Point, style: Style) -> String {
        let value = self.unit.show((self.value)(point), style);
        match (self.mark)(point) {
            Some(mark) if value.contains(' ') => format!("{value} {mark}"),
            Some(mark) => format!("{value}{mark}"),
            None => value,
        }
    }

    /// Whether the column is shown in `style` for `report`. A column shown only when
    /// measured in report.md is left out of `parlab run`'s table too when no point has a
    /// value (the round columns of a run point after point).
    pub fn shown(&self, style: Style, report: &Report) -> bool {
        let measured = || report.points.iter().any(|p| (self.value)(p).is_some());
        match style {
            Style::Text if self.unit == Unit::Size => report.points.iter().any(|p| p.size.is_some()),
            Style::Text => self.text && (self.report != InReport::WhenMeasured || measured()),
            Style::Panel => self.priority.is_some(),
            Style::Markdown => match self.report {
                InReport::No => false,
                InReport::Yes => true,
                InReport::WhenMeasured => measured(),
            },
        }
    }
}

/// The columns shown in `style` for `report`, in table order.
pub fn columns(style: Style, report: &Report) -> Vec<&'static Column> {
    COLUMNS.iter().filter(|c| c.shown(style, report)).collect()
}

/// The panel's columns for `width` characters, one space apart: all of them when they
/// fit; otherwise the most important that fit beside a `…` marker (two characters),
/// in table order. Returns (shown, left out).
pub fn panel_columns(width: usize) -> (Vec<&'static Column>, Vec<&'static Column>) {
    let all: Vec<&'static Column> = COLUMNS.iter().filter(|c| c.priority.is_some()).collect();
    let span = |columns: &[&Column]| columns.iter().map(|c| c.narrow).sum::<usize>() + columns.len().saturating_sub(1);
    if span(&all) <= width {
        return (all, Vec::new());
    }
    let mut by_priority = all.clone();
    by_priority.sort_by_key(|c| c.priority);
    let mut kept: Vec<&'static Column> = Vec::new();
    for column in by_priority {
        let mut trial = kept.clone();
        trial.push(column);
        if span(&trial) + 2 > width {
            break;
        }
        kept = trial;
    }
    let (shown, left_out) = all.into_iter().partition(|c| kept.iter().any(|k| k.key == c.key));
    (shown, left_out)
}

/// One line of results.csv: the scalar fields of a point as results.json has them, plus
/// the kernel size, the repetition count, the bytes and messages moved and the scaling. The header
/// is these field names, in this order.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// Kernel id.
    pub kernel: &'a str,
    /// Kernel size (darts, rows, numbers: the kernel's unit).
    pub size: u64,
    /// Backend id.
    pub backend: &'a str,
    /// Worker count.
    pub workers: usize,
    /// Median wall time, seconds.
    #[serde(serialize_with = "number")]
    pub median_s: f64,
    /// Fastest repetition, seconds.
    #[serde(serialize_with = "number")]
    pub min_s: f64,
    /// Slowest repetition, seconds.
    #[serde(serialize_with = "number")]
    pub max_s: f64,
    /// (max - min) / median.
    #[serde(serialize_with = "number")]
    pub spread: f64,
    /// Spread above 5 %.
    pub noisy: bool,
    /// Against the same backend at 1 worker; empty when not measured.
    #[serde(serialize_with = "maybe")]
    pub speedup: Option<f64>,
    /// Against seq; empty when seq was not measured.
    #[serde(serialize_with = "maybe")]
    pub speedup_vs_seq: Option<f64>,
    /// The ratio of the medians beside a speedup read round by round; empty point after point.
    #[serde(serialize_with = "maybe")]
    pub speedup_of_medians: Option<f64>,
    /// (q3 - q1) / median of the per-round speedups; empty point after point.
    #[serde(serialize_with = "maybe")]
    pub round_spread: Option<f64>,
    /// The rounds disagree about the speedup.
    pub rounds_disagree: bool,
    /// speedup / workers.
    #[serde(serialize_with = "maybe")]
    pub efficiency: Option<f64>,
    /// Karp-Flatt serial fraction; empty at 1 worker.
    #[serde(serialize_with = "maybe")]
    pub karp_flatt: Option<f64>,
    /// Busy cores of the whole machine; empty when the point was too short to sample.
    #[serde(serialize_with = "maybe")]
    pub busy_cores: Option<f64>,
    /// Process CPU time per repetition, seconds.
    #[serde(serialize_with = "number")]
    pub cpu_time_s: f64,
    /// cpu_time_s / median_s.
    #[serde(serialize_with = "number")]
    pub cpu_cores: f64,
    /// More workers than available CPUs.
    pub oversubscribed: bool,
    /// The outcome agreed with the reference.
    pub verified: bool,
    /// Timed repetitions.
    pub repetitions: usize,
    /// Bytes sent to workers.
    pub bytes_sent: u64,
    /// Bytes received from workers.
    pub bytes_received: u64,
    /// Messages between workers.
    pub messages: u64,
    /// strong (the same size at every worker count) or weak (the size times the workers).
    pub scale: &'static str,
}

impl<'a> Row<'a> {
    /// The row of `point`, measured at kernel size `size`.
    pub fn of(size: u64, point: &'a Point) -> Self {
        Self {
            kernel: &point.kernel,
            size,
            backend: &point.backend,
            workers: point.workers,
            median_s: point.median_s,
            min_s: point.min_s,
            max_s: point.max_s,
            spread: point.spread,
            noisy: point.noisy,
            speedup: point.speedup,
            speedup_vs_seq: point.speedup_vs_seq,
            speedup_of_medians: point.speedup_of_medians,
            round_spread: point.round_spread,
            rounds_disagree: point.rounds_disagree,
            efficiency: point.efficiency,
            karp_flatt: point.karp_flatt,
            busy_cores: point.busy_cores,
            cpu_time_s: point.cpu_time_s,
            cpu_cores: point.cpu_cores,
            oversubscribed: point.oversubscribed,
            verified: point.verified,
            repetitions: point.times_s.len(),
            bytes_sent: point.stats.bytes_sent,
            bytes_received: point.stats.bytes_received,
            messages: point.stats.messages,
            scale: "strong",
        }
    }
}

// Numbers as Rust prints them (shortest text that reads back to the same f64, never an
// exponent), the same digits results.json holds.
fn number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn maybe<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(v),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_write_values_per_style() {
        assert_eq!(Unit::Percent(1).show(Some(0.0604), Style::Text), "6.0%");
        assert_eq!(Unit::Percent(1).show(Some(0.0604), Style::Panel), "6%");
        assert_eq!(Unit::Percent(1).show(Some(0.0604), Style::Markdown), "6.0 %");
        assert_eq!(Unit::Cores.show(Some(1.976), Style::Text), "1.98");
        assert_eq!(Unit::Cores.show(Some(1.976), Style::Panel), "2.0");
        assert_eq!(Unit::Times.show(None, Style::Text), "-");
        assert_eq!(Unit::YesNo.show(Some(0.0), Style::Markdown), "NO");
    }

    #[test]
    fn keys_are_unique_and_every_column_has_its_csv_field() {
        let point = Point::new("pi", "seq", 1, vec![1.0]);
        let row = serde_json::to_value(Row::of(10, &point)).unwrap();
        for (i, column) in COLUMNS.iter().enumerate() {
            assert!(row.get(column.key).is_some(), "column {} has no field in the CSV row", column.key);
            assert!(COLUMNS[..i].iter().all(|c| c.key != column.key), "key {} twice", column.key);
        }
    }

    #[test]
    fn a_narrow_panel_keeps_the_most_important_columns_and_says_what_it_left_out() {
        let (all, none) = panel_columns(200);
        assert!(none.is_empty());
        assert_eq!(all.len(), COLUMNS.iter().filter(|c| c.priority.is_some()).count());
        let (shown, left_out) = panel_columns(38);
        let keys: Vec<&str> = shown.iter().map(|c| c.key).collect();
        assert_eq!(keys, ["workers", "median_s", "speedup", "cpu_cores"]);
        assert_eq!(shown.len() + left_out.len(), all.len());
        let used: usize = shown.iter().map(|c| c.narrow + 1).sum::<usize>() + 1;
        assert!(used <= 38, "{used}");
    }
}
