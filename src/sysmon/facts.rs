//! Machine facts: what the CPU is, and every source that limits how many CPUs this
//! process may use (cores, affinity mask, cgroup quota, batch-system and library
//! variables). Together they answer "how many workers should a pool start here?".

use std::collections::BTreeMap;
use std::fs;
use std::num::NonZeroUsize;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Environment variables that tell programs how many CPUs or threads to use.
pub const CPU_VARIABLES: &[&str] = &[
    "SLURM_CPUS_PER_TASK",
    "SLURM_NTASKS",
    "SLURM_CPUS_ON_NODE",
    "SLURM_JOB_ID",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "RAYON_NUM_THREADS",
];

/// Facts about the machine, carried with every export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineFacts {
    /// CPU model name.
    pub cpu_model: String,
    /// Logical cores the operating system reports (what Python's os.cpu_count() says).
    pub logical_cores: usize,
    /// Physical cores, when known.
    pub physical_cores: Option<usize>,
    /// std::thread::available_parallelism: affinity and cgroup quota applied.
    pub available_parallelism: usize,
    /// CPUs in this process's affinity mask (Linux), e.g. [0, 1].
    pub affinity: Option<Vec<usize>>,
    /// CPU quota of this process's cgroup, in CPUs (e.g. 1.5), if one is set.
    pub cgroup_cpu_quota: Option<f64>,
    /// CPU-related environment variables that are set.
    pub env: BTreeMap<String, String>,
    /// Total memory in bytes.
    pub memory_total_bytes: u64,
    /// Memory available to new allocations, in bytes.
    pub memory_available_bytes: u64,
    /// Operating system, e.g. "Linux 12 (bookworm)".
    pub os: String,
    /// Host name.
    pub host: String,
}

impl MachineFacts {
    /// Reads the facts of this machine and process.
    pub fn detect() -> Self {
        let mut system = sysinfo::System::new().ok();
        if let Some(system) = system.as_mut() {
            system.refresh_cpu_list(sysinfo::CpuRefreshKind::nothing());
            system.refresh_memory();
        }
        let cpus = system.as_ref().map(|s| s.cpus()).unwrap_or_default();
        let logical_cores = if cpus.is_empty() { 1 } else { cpus.len() };
        let cpu_model = cpus
            .first()
            .map(|c| c.brand().trim().to_string())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "unknown CPU".into());
        Self {
            cpu_model,
            logical_cores,
            physical_cores: sysinfo::System::physical_core_count().ok(),
            available_parallelism: std::thread::available_parallelism().map(NonZeroUsize::get).unwrap_or(1),
            affinity: affinity(),
            cgroup_cpu_quota: cgroup_cpu_quota(),
            env: CPU_VARIABLES
                .iter()
                .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
                .collect(),
            memory_total_bytes: system.as_ref().map_or(0, |s| s.total_memory()),
            memory_available_bytes: system.as_ref().map_or(0, |s| s.available_memory()),
            os: sysinfo::System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.to_string()),
            host: sysinfo::System::host_name().unwrap_or_default(),
        }
    }

    /// Made-up facts of a node with `cores` logical CPUs, all available (tests and
    /// demos of big nodes: pair it with a [`Synthetic`](super::Synthetic) sampler source).
    pub fn synthetic(cores: usize) -> Self {
        let cores = cores.max(1);
        Self {
            cpu_model: "Example CPU @ 3.0GHz".into(),
            logical_cores: cores,
            physical_cores: Some(cores),
            available_parallelism: cores,
            affinity: Some((0..cores).collect()),
            cgroup_cpu_quota: None,
            env: BTreeMap::new(),
            memory_total_bytes: (cores as u64).max(4) << 30,
            memory_available_bytes: (cores as u64).max(4) << 29,
            os: "Linux (Example 1)".into(),
            host: format!("node{cores}"),
        }
    }

    /// A one-line summary for plot footers and report headers.
    pub fn card(&self) -> String {
        format!(
            "{} | {} of {} CPUs available | {}",
            self.cpu_model, self.available_parallelism, self.logical_cores, self.os
        )
    }
}

/// Where the CPU count a pool would use comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuCountReason {
    /// The CPU count parlab (and rayon, and std) would use.
    pub cpus: usize,
    /// Why, in one sentence per source that mattered.
    pub explanation: Vec<String>,
}

/// How many CPUs a pool started here would use, and why.
pub fn pool_cpu_count(facts: &MachineFacts) -> CpuCountReason {
    let mut why = vec![format!(
        "The operating system reports {} logical CPUs (Python's os.cpu_count() and multiprocessing.Pool() before 3.13 start that many workers).",
        facts.logical_cores
    )];
    if let Some(mask) = &facts.affinity {
        if mask.len() < facts.logical_cores {
            why.push(format!(
                "This process may only run on {} of them (affinity mask {}: taskset, numactl or the batch system set it).",
                mask.len(),
                cpu_list(mask)
            ));
        } else {
            why.push(format!("The affinity mask allows all of them ({}).", cpu_list(mask)));
        }
    }
    match facts.cgroup_cpu_quota {
        Some(quota) => why.push(format!(
            "A cgroup CPU quota allows {quota:.2} CPUs of time (a container or batch-system limit); more busy threads than that are throttled."
        )),
        None => why.push("No cgroup CPU quota is set.".into()),
    }
    let cpus = facts.available_parallelism;
    why.push(format!(
        "So std::thread::available_parallelism, rayon's default pool and parlab's default worker counts use {cpus} (Python 3.13's os.process_cpu_count() honours the affinity mask too)."
    ));
    for (name, value) in &facts.env {
        let note = match name.as_str() {
            "RAYON_NUM_THREADS" => {
                "rayon's global pool uses this many threads (parlab's own pools are sized by --workers)"
            }
            "OMP_NUM_THREADS" | "MKL_NUM_THREADS" | "OPENBLAS_NUM_THREADS" => {
                "threaded libraries (BLAS, numpy, OpenMP code) start this many threads per process"
            }
            "SLURM_CPUS_PER_TASK" => "SLURM gave each task this many CPUs (--cpus-per-task / -c); size pools from it",
            "SLURM_NTASKS" => "SLURM started this many tasks (-n): separate processes, meant for MPI ranks",
            "SLURM_CPUS_ON_NODE" => "CPUs SLURM allocated on this node",
            _ => "set",
        };
        why.push(format!("{name}={value}: {note}."));
    }
    CpuCountReason { cpus, explanation: why }
}

/// A CPU list in the compact form taskset and /proc use, e.g. "0-3,6".
pub fn cpu_list(cpus: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let start = cpus[i];
        let mut end = start;
        while i + 1 < cpus.len() && cpus[i + 1] == end + 1 {
            i += 1;
            end = cpus[i];
        }
        out.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
        i += 1;
    }
    out.join(",")
}

#[cfg(target_os = "linux")]
fn affinity() -> Option<Vec<usize>> {
    use nix::sched::{CpuSet, sched_getaffinity};
    use nix::unistd::Pid;
    let set = sched_getaffinity(Pid::from_raw(0)).ok()?;
    Some((0..CpuSet::count()).filter(|&cpu| set.is_set(cpu).unwrap_or(false)).collect())
}

#[cfg(not(target_os = "linux"))]
fn affinity() -> Option<Vec<usize>> {
    None
}

/// The CPU quota of this process's cgroup (the tightest along its path), v2 or v1.
fn cgroup_cpu_quota() -> Option<f64> {
    let membership = fs::read_to_string("/proc/self/cgroup").ok()?;
    quota_from(&membership, Path::new("/sys/fs/cgroup"))
}

/// Parses /proc/self/cgroup text and reads quotas below `root`.
fn quota_from(membership: &str, root: &Path) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut consider = |quota: Option<f64>| {
        if let Some(q) = quota {
            best = Some(best.map_or(q, |b: f64| b.min(q)));
        }
    };
    for line in membership.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let path = path.trim_start_matches('/');
        if controllers.is_empty() {
            // cgroup v2: cpu.max is "max 100000" or "150000 100000", in each ancestor.
            for dir in ancestors(&root.join(path), root) {
                consider(fs::read_to_string(dir.join("cpu.max")).ok().and_then(|t| parse_cpu_max(&t)));
            }
        } else if controllers.split(',').any(|c| c == "cpu") {
            for mount in ["cpu,cpuacct", "cpu", "cpuacct,cpu"] {
                let base = root.join(mount);
                for dir in ancestors(&base.join(path), &base) {
                    let quota = fs::read_to_string(dir.join("cpu.cfs_quota_us")).ok();
                    let period = fs::read_to_string(dir.join("cpu.cfs_period_us")).ok();
                    if let (Some(q), Some(p)) = (quota, period) {
                        consider(parse_v1(&q, &p));
                    }
                }
            }
        }
    }
    best
}

fn ancestors(dir: &Path, root: &Path) -> Vec<std::path::PathBuf> {
    dir.ancestors().take_while(|d| d.starts_with(root)).map(Path::to_path_buf).collect()
}

fn parse_cpu_max(text: &str) -> Option<f64> {
    let mut fields = text.split_whitespace();
    let quota = fields.next()?;
    let period: f64 = fields.next()?.parse().ok()?;
    if quota == "max" || period <= 0.0 {
        return None;
    }
    Some(quota.parse::<f64>().ok()? / period)
}

fn parse_v1(quota: &str, period: &str) -> Option<f64> {
    let quota: f64 = quota.trim().parse().ok()?;
    let period: f64 = period.trim().parse().ok()?;
    (quota > 0.0 && period > 0.0).then_some(quota / period)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_max_parses() {
        assert_eq!(parse_cpu_max("max 100000\n"), None);
        assert_eq!(parse_cpu_max("150000 100000\n"), Some(1.5));
        assert_eq!(parse_v1("-1", "100000"), None);
        assert_eq!(parse_v1("200000\n", "100000\n"), Some(2.0));
    }

    #[test]
    fn quota_found_in_an_ancestor_v2() {
        let root = tempfile::tempdir().unwrap();
        let job = root.path().join("slurm/job_1/step_0");
        fs::create_dir_all(&job).unwrap();
        fs::write(root.path().join("slurm/job_1/cpu.max"), "200000 100000").unwrap();
        fs::write(job.join("cpu.max"), "max 100000").unwrap();
        assert_eq!(quota_from("0::/slurm/job_1/step_0\n", root.path()), Some(2.0));
    }

    #[test]
    fn quota_found_v1() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("cpu,cpuacct/docker/abc");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("cpu.cfs_quota_us"), "50000").unwrap();
        fs::write(dir.join("cpu.cfs_period_us"), "100000").unwrap();
        assert_eq!(quota_from("4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n", root.path()), Some(0.5));
    }

    #[test]
    fn cpu_lists_are_compact() {
        assert_eq!(cpu_list(&[0, 1, 2, 3, 6]), "0-3,6");
        assert_eq!(cpu_list(&[1]), "1");
    }
}
