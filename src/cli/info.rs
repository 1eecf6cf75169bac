//! `parlab info`, `parlab kernels`, `parlab backends`.

use std::process::ExitCode;

use anyhow::Result;

use super::InfoArgs;
use crate::backends;
use crate::kernels;
use crate::sysmon::{MachineFacts, pool_cpu_count};

/// Prints the machine facts and the CPU count a pool would use.
pub fn info(args: &InfoArgs) -> Result<ExitCode> {
    let facts = MachineFacts::detect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&facts)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", describe(&facts));
    Ok(ExitCode::SUCCESS)
}

/// The facts as the text `parlab info` prints.
pub fn describe(facts: &MachineFacts) -> String {
    let gib = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
    let mut out = String::new();
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<24}{value}\n"));
    line("CPU", facts.cpu_model.clone());
    line("logical CPUs", facts.logical_cores.to_string());
    line("physical cores", facts.physical_cores.map_or("unknown".into(), |n| n.to_string()));
    line("available parallelism", facts.available_parallelism.to_string());
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

/// Lists the kernels.
pub fn kernels() -> Result<ExitCode> {
    for kernel in kernels::registry() {
        println!("{:<10}{}", kernel.id(), kernel.about());
        println!("{:<10}size: {} {} by default", "", kernel.default_size(), kernel.size_unit());
        for p in kernel.params() {
            println!("{:<10}--param {}={}  {}", "", p.key, p.default, p.help);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists the backends.
pub fn backends() -> Result<ExitCode> {
    for backend in backends::registry() {
        println!("{:<10}{}", backend.id(), backend.about());
        println!("{:<10}like: {}", "", backend.mirrors());
        for p in backend.params() {
            println!("{:<10}--param {}={}  {}", "", p.key, p.default, p.help);
        }
    }
    Ok(ExitCode::SUCCESS)
}
