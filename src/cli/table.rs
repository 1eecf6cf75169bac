//! The plain-text results table `parlab run` prints: one block per backend.

use crate::backends;
use crate::measure::Report;

fn ratio(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.2}x"))
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{:.0}%", v * 100.0))
}

/// Seconds with three significant figures and a unit.
pub fn seconds(value: f64) -> String {
    if value >= 1.0 {
        format!("{value:.3} s")
    } else if value >= 1e-3 {
        format!("{:.1} ms", value * 1e3)
    } else {
        format!("{:.1} us", value * 1e6)
    }
}

/// The results as text tables, with the fitted serial fraction under each backend.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let cpus = report.machine.available_parallelism;
    let mut any_oversubscribed = false;
    for backend in report.backends() {
        let like = backends::find(backend).map_or(String::new(), |b| format!("  (like {})", b.mirrors()));
        out.push_str(&format!("\n{backend}{like}\n"));
        out.push_str(&format!(
            "{:>8}  {:>10}  {:>7}  {:>8}  {:>8}  {:>10}  {:>10}  {:>9}  {:>10}  {:>8}\n",
            "workers",
            "median",
            "spread",
            "speedup",
            "vs seq",
            "efficiency",
            "Karp-Flatt",
            "cpu cores",
            "busy cores",
            "verified"
        ));
        for p in report.points_of(backend) {
            any_oversubscribed |= p.oversubscribed;
            let workers = format!("{}{}", p.workers, if p.oversubscribed { "*" } else { "" });
            let spread = format!("{:.1}%{}", p.spread * 100.0, if p.noisy { "!" } else { "" });
            out.push_str(&format!(
                "{:>8}  {:>10}  {:>7}  {:>8}  {:>8}  {:>10}  {:>10}  {:>9.2}  {:>10}  {:>8}\n",
                workers,
                seconds(p.median_s),
                spread,
                ratio(p.speedup),
                ratio(p.speedup_vs_seq),
                percent(p.efficiency),
                p.karp_flatt.map_or("-".into(), |e| format!("{e:.3}")),
                p.cpu_cores,
                p.busy_cores.map_or("-".into(), |b| format!("{b:.2}")),
                if p.verified { "yes" } else { "NO" },
            ));
            let extras = extras(p);
            if !extras.is_empty() {
                out.push_str(&format!("{:>8}  {extras}\n", ""));
            }
        }
        match report.fit_of(backend) {
            Some(fit) => {
                let limit = fit
                    .speedup_limit
                    .map_or("no limit".into(), |l| format!("at most {l:.1}x with any number of workers"));
                out.push_str(&format!(
                    "  serial fraction (Amdahl fit over {} workers): {:.3} -> {limit}\n",
                    fit.workers_used.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    fit.serial_fraction,
                ));
            }
            None if backend != crate::backends::reference_id() => out.push_str(&format!(
                "  serial fraction: needs at least two worker counts within the {cpus} available CPUs\n"
            )),
            None => {}
        }
    }
    if any_oversubscribed {
        out.push_str(&format!(
            "\n* oversubscribed: more workers than the {cpus} available CPUs (left out of the fit)\n"
        ));
    }
    if report.points.iter().any(|p| p.noisy) {
        out.push_str("! noisy: repetitions differ by more than 5 %; the machine was busy or the work is uneven\n");
    }
    out
}

/// Costs beyond time worth printing under a row.
fn extras(p: &crate::measure::Point) -> String {
    let s = &p.stats;
    let mut parts = Vec::new();
    if let Some(startup) = s.startup_s {
        parts.push(format!("start-up {}", seconds(startup)));
    }
    if s.messages > 0 {
        parts.push(format!("{} messages", s.messages));
    }
    if s.bytes_sent + s.bytes_received > 0 {
        parts.push(format!("{} sent, {} received", bytes(s.bytes_sent), bytes(s.bytes_received)));
    }
    if let Some(encode) = s.encode_s.filter(|&e| e > 0.0) {
        parts.push(format!("encoding {}", seconds(encode)));
    }
    if let Some(transfer) = s.transfer_s.filter(|&t| t > 0.0) {
        parts.push(format!("in pipes {}", seconds(transfer)));
    }
    if s.lock_handovers > 0 {
        parts.push(format!("lock changed hands {} times", s.lock_handovers));
    }
    parts.join(", ")
}

/// Bytes with a binary unit.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}
