//! The plain-text results table `parlab run` prints: one block per backend, the columns
//! of [`present::table`](crate::present::table), the costs beyond time under each row.

use crate::backends;
use crate::measure::{Law, Point, Report};
use crate::present::table::{Style, columns};
use crate::present::{bytes, seconds};

/// The results as text tables, with the fitted serial fraction under each backend.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let cpus = report.machine.available_parallelism;
    let columns = columns(Style::Text, report);
    let line = |cells: Vec<String>| {
        let padded: Vec<String> =
            cells.iter().zip(&columns).map(|(cell, c)| format!("{cell:>w$}", w = c.width)).collect();
        format!("{}\n", padded.join("  "))
    };
    let indent = columns.first().map_or(0, |c| c.width);
    for backend in report.backends() {
        let like = backends::find(backend).map_or(String::new(), |b| format!("  (like {})", b.mirrors()));
        out.push_str(&format!("\n{backend}{like}\n"));
        out.push_str(&line(columns.iter().map(|c| c.name.to_string()).collect()));
        for p in report.points_of(backend) {
            out.push_str(&line(columns.iter().map(|c| c.cell(p, Style::Text)).collect()));
            let extras = extras(p);
            if !extras.is_empty() {
                out.push_str(&format!("{:>indent$}  {extras}\n", ""));
            }
        }
        match report.fit_of(backend) {
            Some(fit) if fit.law == Law::Gustafson => out.push_str(&format!(
                "  serial share s (Gustafson fit over {} workers): {:.3} of each p-worker run -> scaled speedup p - {:.3} (p - 1), no limit\n",
                fit.workers_used.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                fit.serial_fraction,
                fit.serial_fraction,
            )),
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
    if report.points.iter().any(|p| p.oversubscribed) {
        out.push_str(&format!(
            "\n* oversubscribed: more workers than the {cpus} available CPUs (left out of the fit)\n"
        ));
    }
    if report.plan.scale.is_weak() {
        out.push_str(&format!(
            "\nweak scaling: p workers ran {} x p {}; speedup is the scaled speedup p x T(1, n) / T(p, p n)\n",
            report.plan.spec.size,
            crate::kernels::find(&report.plan.spec.kernel).map_or("units", |k| k.size_unit())
        ));
    }
    if report.points.iter().any(|p| p.stats.ran_size > 0) {
        out.push_str(&format!("\n{}\n", backends::python::TRUTH_NOTE));
    }
    if report.points.iter().any(|p| p.median_s < crate::measure::budget::TOO_SHORT_S) {
        out.push_str(
            "? too short: under 100 ms, timer, thread start-up and one scheduler tick weigh in; raise --size or use --budget 10s\n",
        );
    }
    if report.points.iter().any(|p| p.noisy) {
        out.push_str("! noisy: repetitions differ by more than 5 %; the machine was busy or the work is uneven\n");
    }
    if report.points.iter().any(|p| p.speedup_of_medians.is_some()) {
        out.push_str(
            "speedup: the median of the per-round ratios (interleaved rounds); \"of medians\": the ratio of the median times\n",
        );
    }
    if report.points.iter().any(|p| p.rounds_disagree) {
        out.push_str(&format!(
            "~ rounds disagree: the middle half of the per-round speedups spans more than {:.0} % of their median; \
             other programs were busy, measure again with more --reps\n",
            crate::measure::rounds::DISAGREE * 100.0
        ));
    }
    out
}

/// Costs beyond time worth printing under a row.
fn extras(p: &Point) -> String {
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
    if let (true, Some(ran)) = (s.ran_size > 0, s.ran_time_s) {
        parts.push(format!("CPython ran {} in {}", crate::present::thousands(s.ran_size), seconds(ran)));
    }
    if s.lock_handovers > 0 {
        parts.push(format!("lock changed hands {} times", s.lock_handovers));
    }
    parts.join(", ")
}
