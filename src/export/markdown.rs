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
        ("Seed", spec.seed.to_string()),
        ("Parameters", params),
        ("Backends", plan.backends.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")),
        ("Worker counts", plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        ("Runs per point", format!("{} warm-up + {} timed", plan.warmup, plan.repetitions)),
        ("Sequential reference run", report.reference_s.map_or("-".into(), seconds)),
    ];
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }
    out.push_str(&format!(
        "\nCommand: `parlab run {} --backends {} --workers {} --size {} --reps {} --warmup {} --seed {}{}`\n",
        spec.kernel,
        plan.backends.join(","),
        plan.workers.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        spec.size,
        plan.repetitions,
        plan.warmup,
        spec.seed,
        spec.params.iter().map(|(k, v)| format!(" --param {k}={v}")).collect::<String>()
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
    if let Some(first) = report.points.first() {
        out.push_str(&format!("\nOutcome, identical on every backend and worker count: `{}`\n", first.outcome));
    }

    out.push_str("\n## Amdahl fit\n\n");
    if report.fits.is_empty() {
        out.push_str("No fit: it needs one backend measured at two or more worker counts within the available CPUs.\n");
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
