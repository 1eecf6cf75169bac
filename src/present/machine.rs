//! The machine and the run in words: the facts `parlab info` and the Machine screen
//! print, the one-line card under every chart, the title naming kernel and size.

use super::units::thousands;
use crate::measure::Report;
use crate::sysmon::{MachineFacts, pool_cpu_count};

/// The facts as the text `parlab info` prints (and the TUI's Machine screen shows):
/// one `label  value` line each, then how many CPUs a pool would use and why.
pub fn describe(facts: &MachineFacts) -> String {
    let gib = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
    let mut out = String::new();
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<24}{value}\n"));
    line("CPU", facts.cpu_model.clone());
    line("logical CPUs", facts.logical_cores.to_string());
    line("physical cores", facts.physical_cores.map_or("unknown".into(), |n| n.to_string()));
    if facts.socket_count() > 1 {
        line("sockets", facts.socket_count().to_string());
    }
    line("available parallelism", facts.available_parallelism.to_string());
    if let Some(job) = &facts.job {
        line(
            "launched job",
            format!("{} job of {} ranks, {} CPUs ({})", job.launcher, job.ranks, job.cpus, job.source),
        );
    }
    line(
        "affinity mask",
        facts.affinity.as_ref().map_or("not available on this OS".into(), |m| {
            format!("{} CPUs: {}", m.len(), m.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
        }),
    );
    line("cgroup CPU quota", facts.cgroup_cpu_quota.map_or("none".into(), |q| format!("{q:.2} CPUs")));
    line(
        "memory",
        format!(
            "{:.1} GiB total, {:.1} GiB available",
            gib(facts.memory_total_bytes),
            gib(facts.memory_available_bytes)
        ),
    );
    line("OS", facts.os.clone());
    if facts.env.is_empty() {
        line("CPU variables", "none set (SLURM_*, OMP_NUM_THREADS, RAYON_NUM_THREADS, ...)".into());
    }
    for (name, value) in &facts.env {
        line(name, value.clone());
    }
    let reason = pool_cpu_count(facts);
    out.push_str(&format!("\nA pool started here would use {} CPUs:\n", reason.cpus));
    for sentence in &reason.explanation {
        out.push_str(&format!("  - {sentence}\n"));
    }
    out
}

/// The card under every chart: CPU model, CPUs available, parlab version, date.
pub fn machine_card(report: &Report) -> String {
    let m = &report.machine;
    let date = report.created.get(..10).unwrap_or(&report.created);
    format!("{} | {} | parlab {} | {date}", m.cpu_model, m.cpus_available(), report.parlab_version)
}

/// The title naming kernel and size, e.g. "pi, 200,000,000 darts".
pub fn kernel_title(report: &Report) -> String {
    if let Some(commands) = &report.commands {
        let names: Vec<&str> = commands.commands.iter().map(|c| c.name.as_str()).collect();
        return format!("{} (your command{})", names.join(", "), if names.len() == 1 { "" } else { "s" });
    }
    let spec = &report.plan.spec;
    let unit = crate::kernels::find(&spec.kernel).map_or("units", |k| k.size_unit());
    let mut title = format!("{}, {} {unit}", spec.kernel, thousands(spec.size));
    for (key, value) in &spec.params {
        title.push_str(&format!(", {key}={value}"));
    }
    title
}
