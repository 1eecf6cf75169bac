//! CSV: one row per measured point with the scalar fields of the JSON format.

use crate::measure::Report;

/// Column names, in order.
pub const COLUMNS: &[&str] = &[
    "kernel",
    "size",
    "backend",
    "workers",
    "median_s",
    "min_s",
    "max_s",
    "spread",
    "noisy",
    "speedup",
    "speedup_vs_seq",
    "efficiency",
    "karp_flatt",
    "busy_cores",
    "cpu_time_s",
    "cpu_cores",
    "oversubscribed",
    "verified",
    "repetitions",
    "bytes_sent",
    "bytes_received",
    "messages",
];

/// The report as CSV text, header first.
pub fn to_csv(report: &Report) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    for p in &report.points {
        let row = [
            field(&p.kernel),
            report.plan.spec.size.to_string(),
            field(&p.backend),
            p.workers.to_string(),
            format!("{}", p.median_s),
            format!("{}", p.min_s),
            format!("{}", p.max_s),
            format!("{}", p.spread),
            p.noisy.to_string(),
            opt(p.speedup),
            opt(p.speedup_vs_seq),
            opt(p.efficiency),
            opt(p.karp_flatt),
            opt(p.busy_cores),
            format!("{}", p.cpu_time_s),
            format!("{}", p.cpu_cores),
            p.oversubscribed.to_string(),
            p.verified.to_string(),
            p.times_s.len().to_string(),
            p.stats.bytes_sent.to_string(),
            p.stats.bytes_received.to_string(),
            p.stats.messages.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a field when it holds a comma, quote or newline.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}
