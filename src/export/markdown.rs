//! A Markdown report a learner can paste as is: machine card, plan, results table,
//! fitted serial fractions and the charts, as a pure function of the results.

use crate::kernels;
use crate::measure::Report;
use crate::present::table::{Style, Unit, columns};
use crate::present::{kernel_title, seconds, thousands};
use crate::sysmon::cpu_list;

/// A chart to embed: its path relative to the report and a caption (also the alt text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Path as written in the Markdown, e.g. `speedup.png`.
    pub path: String,
    /// What the chart shows.
    pub caption: String,
}

/// The report as Markdown, embedding `images` in order.
pub fn to_markdown(report: &Report, images: &[Image]) -> String {
    let spec = &report.plan.spec;
    let kernel = kernels::find(&spec.kernel);
    let unit = kernel.map_or("units", |k| k.size_unit());
    let mut out = String::new();
    out.push_str(&format!("# parlab report: {}\n\n", kernel_title(report)));
    if let Some(k) = kernel {
        out.push_str(&format!("{}\n\n", k.about()));
    }
    out.push_str(&format!(
        "Measured with parlab {} on {}. Every outcome was checked against a sequential reference run before its time counted.\n\n",
        report.parlab_version, report.created
    ));
    if report.points.iter().any(|p| p.stats.ran_size > 0) {
        out.push_str(&format!("{}\n\n", crate::backends::python::TRUTH_NOTE));
    }

    out.push_str("## Machine\n\n| | |\n|---|---|\n");
    let m = &report.machine;
    let physical = m.physical_cores.map_or(String::new(), |p| format!(" ({p} physical)"));
    let rows: Vec<(&str, String)> = vec![
        ("CPU", escape(&m.cpu_model)),
        ("Logical cores", format!("{}{physical}", m.logical_cores)),
        ("Available to parlab", format!("{} (affinity mask and CPU quota applied)", m.available_parallelism)),
        ("Affinity mask", m.affinity.as_ref().map_or("not known".into(), |a| cpu_list(a))),
        ("cgroup CPU quota", m.cgroup_cpu_quota.map_or("none".into(), |q| format!("{q:.2} CPUs"))),
        (
            "CPU variables",
            if m.env.is_empty() {
                "none set".into()
            } else {
                m.env.iter().map(|(k, v)| format!("`{k}={v}`")).collect::<Vec<_>>().join(", ")
            },
        ),
        ("Memory", format!("{:.1} GiB", m.memory_total_bytes as f64 / f64::from(1u32 << 30))),
        ("Operating system", escape(&m.os)),
        ("parlab", report.parlab_version.clone()),
        ("Date", report.created.clone()),
    ];
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }

    out.push_str("\n## Plan\n\n| | |\n|---|---|\n");
    let plan = &report.plan;
    let params = if spec.params.is_empty() {
        "defaults".to_string()
    } else {
        spec.params.iter().map(|(k, v)| format!("`{k}={v}`")).collect::<Vec<_>>().join(", ")
    };
    let rows: Vec<(&str, String)> = vec![
        ("Kernel", format!("`{}`", spec.kernel)),
        ("Size", format!("{} {unit}", thousands(spec.size))),
        (
            "Scaling",
            if plan.scale.is_weak() {
                format!("weak: the size times the worker count ({} {unit} per worker)", thousands(spec.size))
            } else {
                "strong: the same size at every worker count".into()
            },
        ),
        ("Seed", spec.seed.to_string()),
        ("Parameters", params),
        ("Backends", plan.backends.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")),
        ("Worker counts", plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        (
            "Runs per point",
            format!(
                "{} warm-up + {} timed, {}",
                plan.warmup,
                plan.repetitions,
                match plan.order {
                    crate::measure::Order::Interleaved => "in interleaved rounds",
                    crate::measure::Order::Sequential => "point after point",
                }
            ),
        ),
        ("Sequential reference run", report.reference_s.map_or("-".into(), seconds)),
    ];
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }
    out.push_str(&format!(
        "\nCommand: `parlab run {} --backends {} --workers {} --size {} --reps {} --warmup {} --seed {} --order {}{}{}`\n",
        spec.kernel,
        plan.backends.join(","),
        plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        spec.size,
        plan.repetitions,
        plan.warmup,
        spec.seed,
        plan.order.name(),
        spec.params.iter().map(|(k, v)| format!(" --param {k}={v}")).collect::<String>(),
        if plan.scale.is_weak() { " --scale weak" } else { "" }
    ));

    out.push_str("\n## Results\n\n");
    let columns = columns(Style::Markdown, report);
    let header: Vec<&str> = columns.iter().map(|c| c.title).collect();
    out.push_str(&format!("| backend | {} |\n", header.join(" | ")));
    let align: Vec<&str> = columns.iter().map(|c| if c.unit == Unit::YesNo { "---" } else { "--:" }).collect();
    out.push_str(&format!("|---|{}|\n", align.join("|")));
    for backend in report.backends() {
        for p in report.points_of(backend) {
            let cells: Vec<String> = columns.iter().map(|c| c.cell(p, Style::Markdown)).collect();
            out.push_str(&format!("| {} | {} |\n", p.backend, cells.join(" | ")));
        }
    }
    let with_seq = report.points.iter().any(|p| p.speedup_vs_seq.is_some());
    out.push('\n');
    if plan.scale.is_weak() {
        out.push_str("Weak scaling: each point ran the size times its worker count, so speedup is the scaled speedup p × T(1, n) / T(p, p n), the ratio of work rates, and efficiency is T(1, n) / T(p, p n). Karp-Flatt applies to a fixed size only.\n");
    }
    out.push_str(&format!(
        "Speedup is against the same backend at 1 worker{}. Efficiency is speedup / workers. Karp-Flatt is the serial fraction each point implies. CPU cores used is process CPU time / wall time.\n",
        if with_seq { "; \"vs seq\" against the plain sequential loop" } else { "" }
    ));
    if report.points.iter().any(|p| p.oversubscribed) {
        out.push_str(&format!(
            "\n\\* oversubscribed: more workers than the {} available CPUs, so workers take turns; left out of the fit.\n",
            m.available_parallelism
        ));
    }
    if report.points.iter().any(|p| p.median_s < crate::measure::budget::TOO_SHORT_S) {
        out.push_str("\n? too short: under 100 ms, the timer, thread start-up and a scheduler tick are a large part of the time; measure a larger size.\n");
    }
    if report.points.iter().any(|p| p.noisy) {
        out.push_str("\n! noisy: the repetitions differ by more than 5 % of the median; the machine was busy or the work is uneven.\n");
    }
    if report.plan.order == crate::measure::Order::Interleaved {
        out.push_str("\nThe points were measured in interleaved rounds: every round ran each point once, starting one point further along each time, so that other programs' load fell on every point alike. Speedup is the median of the per-round ratios; the ratio of medians is beside it, and the round spread is how far the middle half of the per-round speedups spans around their median.\n");
    }
    if report.points.iter().any(|p| p.rounds_disagree) {
        out.push_str(&format!(
            "\n~ rounds disagree: the middle half of the per-round speedups spans more than {:.0} % of their median; the machine was busy during some rounds, so this speedup is uncertain.\n",
            crate::measure::rounds::DISAGREE * 100.0
        ));
    }
    if plan.scale.is_weak() {
        out.push_str("\nOutcome: each size has its own, checked against a sequential run of that size:\n");
        let mut sizes: Vec<u64> = report.points.iter().filter_map(|p| p.size).collect();
        sizes.sort_unstable();
        sizes.dedup();
        for size in sizes {
            if let Some(p) = report.points.iter().find(|p| p.size == Some(size)) {
                out.push_str(&format!("- {} {unit}: `{}`\n", thousands(size), p.outcome));
            }
        }
    } else if let Some(first) = report.points.first() {
        out.push_str(&format!("\nOutcome, identical on every backend and worker count: `{}`\n", first.outcome));
    }

    if plan.scale.is_weak() {
        out.push_str("\n## Gustafson fit\n\n");
    } else {
        out.push_str("\n## Amdahl fit\n\n");
    }
    if report.fits.is_empty() {
        out.push_str("No fit: it needs one backend measured at two or more worker counts within the available CPUs.\n");
    } else if plan.scale.is_weak() {
        out.push_str("Fitting Gustafson's law S(p) = p - s (p - 1) to the scaled speedups gives s, the serial share of the p-worker run's time (not of the 1-worker run's, as in Amdahl's s). The scaled speedup has no limit: it grows by 1 - s with every worker.\n\n");
        out.push_str("| backend | serial share s | R² | worker counts fitted |\n|---|--:|--:|---|\n");
        for fit in &report.fits {
            out.push_str(&format!(
                "| {} | {:.3} | {:.3} | {} |\n",
                fit.backend,
                fit.serial_fraction,
                fit.r_squared,
                fit.workers_used.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ));
        }
    } else {
        out.push_str("Fitting T(p) = a + b / p to the median times gives the serial fraction s = a / (a + b): the part of the 1-worker time that more workers did not shrink. Amdahl's law then caps the speedup at 1 / s.\n\n");
        out.push_str(
            "| backend | serial fraction s | speedup limit 1/s | R² | worker counts fitted |\n|---|--:|--:|--:|---|\n",
        );
        for fit in &report.fits {
            out.push_str(&format!(
                "| {} | {:.3} | {} | {:.3} | {} |\n",
                fit.backend,
                fit.serial_fraction,
                fit.speedup_limit.map_or("none".into(), |l| format!("{l:.1}x")),
                fit.r_squared,
                fit.workers_used.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ));
        }
    }

    if !images.is_empty() {
        out.push_str("\n## Charts\n");
        for image in images {
            out.push_str(&format!("\n![{}]({})\n", escape(&image.caption), image.path));
        }
    }
    out
}

/// Keeps table cells intact.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
