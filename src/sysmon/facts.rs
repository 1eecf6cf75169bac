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
    /// CPUs this run may use: std::thread::available_parallelism (affinity and cgroup
    /// quota applied) or, when a launcher (mpirun, srun) started this process as one
    /// rank of a job, the CPUs of the whole job (see `job`).
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
    /// Host name. Left empty (and out of the JSON) in exports unless the learner asks
    /// for it (`--with-host`); files written before that still carry it and still load.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// The job a launcher started this process in, when one did: its ranks and CPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobCpus>,
    /// The socket (physical package) of each logical CPU, by CPU number, on a node of
    /// several sockets; empty when there is one socket or it is not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sockets: Vec<usize>,
}

/// The CPUs of a job that a launcher (mpirun, mpiexec, srun) started as several ranks:
/// rank 0's own affinity mask is one rank's share, not the job's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobCpus {
    /// Who started the job: "Open MPI", "PMI", "PMIx", "SLURM" or "MPI".
    pub launcher: String,
    /// Ranks (tasks) in the job.
    pub ranks: usize,
    /// CPUs of the whole job.
    pub cpus: usize,
    /// CPUs this process alone may use (std::thread::available_parallelism).
    pub rank_cpus: usize,
    /// Where the count came from, e.g. "OMPI_COMM_WORLD_SIZE=2 ranks x 1 CPU each".
    pub source: String,
}

/// Variables launchers set in every rank's environment; [`job_cpus`] reads them.
pub const LAUNCHER_VARIABLES: &[&str] = &[
    "OMPI_COMM_WORLD_SIZE",
    "OMPI_COMM_WORLD_LOCAL_SIZE",
    "PMI_SIZE",
    "PMI_RANK",
    "PMIX_RANK",
    "MPI_LOCALNRANKS",
    "SLURM_STEP_ID",
    "SLURM_NTASKS",
    "SLURM_CPUS_PER_TASK",
    "SLURM_JOB_CPUS_PER_NODE",
];

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
        let rank_cpus = std::thread::available_parallelism().map(NonZeroUsize::get).unwrap_or(1);
        let launcher_env: BTreeMap<String, String> = LAUNCHER_VARIABLES
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
            .collect();
        let job = job_cpus(&launcher_env, rank_cpus, logical_cores, None);
        Self {
            cpu_model,
            logical_cores,
            physical_cores: sysinfo::System::physical_core_count().ok(),
            available_parallelism: job.as_ref().map_or(rank_cpus, |j| j.cpus),
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
            job,
            sockets: sockets_from(Path::new(SYS_CPU), logical_cores),
        }
    }

    /// How many sockets the CPUs sit in (1 when that is not known).
    pub fn socket_count(&self) -> usize {
        let mut ids = self.sockets.clone();
        ids.sort_unstable();
        ids.dedup();
        ids.len().max(1)
    }

    /// The same facts on `sockets` sockets, the CPUs split into equal contiguous blocks
    /// (tests and demos of big nodes).
    pub fn with_sockets(mut self, sockets: usize) -> Self {
        let cpus = self.logical_cores.max(1);
        let sockets = sockets.clamp(1, cpus);
        self.sockets = if sockets == 1 { Vec::new() } else { (0..cpus).map(|cpu| cpu * sockets / cpus).collect() };
        self
    }

    /// Counts the job again now that MPI told its world size (the `mpi` backend's
    /// MPI_Comm_size), for launchers whose variables do not say it.
    pub fn with_world_size(mut self, ranks: usize) -> Self {
        let rank_cpus = self.job.as_ref().map_or(self.available_parallelism, |j| j.rank_cpus);
        let env: BTreeMap<String, String> = LAUNCHER_VARIABLES
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
            .collect();
        if let Some(job) = job_cpus(&env, rank_cpus, self.logical_cores, Some(ranks)) {
            self.available_parallelism = job.cpus;
            self.job = Some(job);
        }
        self
    }

    /// "2 of 2 CPUs available", and under a launcher where the 2 came from.
    pub fn cpus_available(&self) -> String {
        let mut text = format!("{} of {} CPUs available", self.available_parallelism, self.logical_cores);
        if let Some(job) = &self.job {
            text.push_str(&format!(" ({} job: {})", job.launcher, job.source));
        }
        text
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
            job: None,
            sockets: Vec::new(),
        }
    }

    /// A one-line summary for plot footers and report headers.
    pub fn card(&self) -> String {
        format!("{} | {} | {}", self.cpu_model, self.cpus_available(), self.os)
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
    match &facts.job {
        Some(job) => why.push(format!(
            "{} started this process as one of {} ranks of a job ({}); each rank may use {} CPU(s) itself, but the job has {cpus} CPUs, so parlab counts {cpus} for its worker counts and marks ranks oversubscribed only beyond them.",
            job.launcher, job.ranks, job.source, job.rank_cpus
        )),
        None => why.push(format!(
            "So std::thread::available_parallelism, rayon's default pool and parlab's default worker counts use {cpus} (Python 3.13's os.process_cpu_count() honours the affinity mask too)."
        )),
    }
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

/// The CPUs of the job this process is a rank of, when a launcher started it: from
/// SLURM's allocation (SLURM_JOB_CPUS_PER_NODE, or SLURM_NTASKS x SLURM_CPUS_PER_TASK),
/// else from the world size (`world_size`, OMPI_COMM_WORLD_SIZE or PMI_SIZE) times the
/// CPUs of this rank, at most the node's CPUs when every rank is on this node. None when
/// no launcher started this process.
pub fn job_cpus(
    env: &BTreeMap<String, String>,
    rank_cpus: usize,
    logical_cores: usize,
    world_size: Option<usize>,
) -> Option<JobCpus> {
    let number = |name: &str| env.get(name).and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0);
    let rank_cpus = rank_cpus.max(1);
    let (launcher, size_from) = if let Some(n) = number("OMPI_COMM_WORLD_SIZE") {
        ("Open MPI", Some(("OMPI_COMM_WORLD_SIZE", n)))
    } else if let Some(n) = number("PMI_SIZE") {
        ("PMI", Some(("PMI_SIZE", n)))
    } else if env.contains_key("PMIX_RANK") {
        ("PMIx", None)
    } else if env.contains_key("SLURM_STEP_ID") && number("SLURM_NTASKS").is_some() {
        ("SLURM", None)
    } else if world_size.is_some_and(|n| n > 1) {
        ("MPI", None)
    } else {
        return None;
    };
    let slurm = env.contains_key("SLURM_STEP_ID") || env.contains_key("SLURM_JOB_CPUS_PER_NODE");
    let launcher = if slurm && launcher != "Open MPI" { "SLURM" } else { launcher };
    let (size_name, ranks) = match (world_size, size_from) {
        (Some(n), _) => ("MPI_Comm_size", n),
        (None, Some((name, n))) => (name, n),
        (None, None) => ("SLURM_NTASKS", number("SLURM_NTASKS")?),
    };
    let ranks = ranks.max(1);
    if slurm {
        if let Some(cpus) = env.get("SLURM_JOB_CPUS_PER_NODE").and_then(|v| slurm_cpus_per_node(v)) {
            return Some(JobCpus {
                launcher: launcher.into(),
                ranks,
                cpus,
                rank_cpus,
                source: format!("SLURM_JOB_CPUS_PER_NODE={} for {ranks} ranks", env["SLURM_JOB_CPUS_PER_NODE"]),
            });
        }
        if let (Some(tasks), Some(per_task)) = (number("SLURM_NTASKS"), number("SLURM_CPUS_PER_TASK")) {
            return Some(JobCpus {
                launcher: launcher.into(),
                ranks,
                cpus: tasks * per_task,
                rank_cpus,
                source: format!("SLURM_NTASKS={tasks} x SLURM_CPUS_PER_TASK={per_task}"),
            });
        }
    }
    let local = ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"].into_iter().find_map(number);
    let mut cpus = ranks * rank_cpus;
    let each = if rank_cpus == 1 { "1 CPU".to_string() } else { format!("{rank_cpus} CPUs") };
    let mut source = format!("{size_name}={ranks} ranks x {each} each");
    if local == Some(ranks) && cpus > logical_cores {
        // Every rank is on this node and they share its CPUs (e.g. mpirun --bind-to none).
        cpus = logical_cores;
        source = format!("{ranks} ranks on this node's {logical_cores} CPUs");
    }
    Some(JobCpus { launcher: launcher.into(), ranks, cpus: cpus.max(1), rank_cpus, source })
}

/// Sums SLURM's "4(x2),2" CPU counts per node: 4 + 4 + 2.
fn slurm_cpus_per_node(text: &str) -> Option<usize> {
    let mut total = 0;
    for part in text.split(',') {
        let part = part.trim();
        let (count, times) = match part.split_once("(x") {
            Some((count, rest)) => (count, rest.strip_suffix(')')?.parse::<usize>().ok()?),
            None => (part, 1),
        };
        total += count.parse::<usize>().ok()? * times;
    }
    (total > 0).then_some(total)
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

/// Where Linux describes each CPU (`cpuN/topology/physical_package_id`).
const SYS_CPU: &str = "/sys/devices/system/cpu";

/// The socket of each of `cpus` CPUs from a sysfs CPU folder laid out as `root`; empty
/// when any is not known or all share one socket. Sockets are numbered from 0 in the
/// order their CPUs first appear.
fn sockets_from(root: &Path, cpus: usize) -> Vec<usize> {
    let mut packages: Vec<i64> = Vec::new();
    let mut sockets = Vec::with_capacity(cpus);
    for cpu in 0..cpus {
        let path = root.join(format!("cpu{cpu}/topology/physical_package_id"));
        let Some(package) = fs::read_to_string(path).ok().and_then(|t| t.trim().parse::<i64>().ok()) else {
            return Vec::new();
        };
        let socket = packages.iter().position(|&p| p == package).unwrap_or_else(|| {
            packages.push(package);
            packages.len() - 1
        });
        sockets.push(socket);
    }
    if packages.len() > 1 { sockets } else { Vec::new() }
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
    fn sockets_come_from_each_cpus_package() {
        let root = tempfile::tempdir().unwrap();
        // Two packages, numbered 1 and 3, with their CPUs interleaved (as hyperthreads are).
        for (cpu, package) in [(0, 1), (1, 3), (2, 1), (3, 3)] {
            let dir = root.path().join(format!("cpu{cpu}/topology"));
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("physical_package_id"), format!("{package}\n")).unwrap();
        }
        assert_eq!(sockets_from(root.path(), 4), vec![0, 1, 0, 1]);
        assert_eq!(sockets_from(root.path(), 5), Vec::<usize>::new(), "cpu4 is not known");
        assert_eq!(sockets_from(root.path(), 1), Vec::<usize>::new(), "one socket says nothing");
        let facts = MachineFacts { sockets: sockets_from(root.path(), 4), ..MachineFacts::synthetic(4) };
        assert_eq!(facts.socket_count(), 2);
        assert_eq!(MachineFacts::synthetic(8).with_sockets(2).sockets, [0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(MachineFacts::synthetic(8).socket_count(), 1);
    }

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

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn jobs_count_the_cpus_of_every_rank() {
        // Not launched: no job.
        assert_eq!(job_cpus(&vars(&[]), 2, 2, None), None);
        // mpirun -n 2 on 2 cores binds each rank to one core: the job has 2 CPUs.
        let ompi = vars(&[("OMPI_COMM_WORLD_SIZE", "2"), ("OMPI_COMM_WORLD_LOCAL_SIZE", "2")]);
        let job = job_cpus(&ompi, 1, 2, None).unwrap();
        assert_eq!((job.launcher.as_str(), job.ranks, job.cpus), ("Open MPI", 2, 2));
        assert_eq!(job.source, "OMPI_COMM_WORLD_SIZE=2 ranks x 1 CPU each");
        // --bind-to none: each rank sees the node; the job is still the node's 2 CPUs, so
        // 4 ranks on it are oversubscribed.
        let four = vars(&[("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_LOCAL_SIZE", "4")]);
        assert_eq!(job_cpus(&four, 2, 2, None).unwrap().cpus, 2);
        // Ranks on several nodes: no cap by this node.
        let spread = vars(&[("OMPI_COMM_WORLD_SIZE", "4"), ("OMPI_COMM_WORLD_LOCAL_SIZE", "2")]);
        assert_eq!(job_cpus(&spread, 2, 2, None).unwrap().cpus, 8);
        // PMIx tells the rank, MPI the size.
        let pmix = vars(&[("PMIX_RANK", "0")]);
        assert_eq!(job_cpus(&pmix, 1, 8, Some(3)).unwrap().cpus, 3);
        assert_eq!(job_cpus(&pmix, 1, 8, None), None);
    }

    #[test]
    fn slurm_jobs_count_their_allocation() {
        let step = vars(&[("SLURM_STEP_ID", "0"), ("SLURM_NTASKS", "4"), ("SLURM_CPUS_PER_TASK", "2")]);
        let job = job_cpus(&step, 2, 64, None).unwrap();
        assert_eq!((job.launcher.as_str(), job.ranks, job.cpus), ("SLURM", 4, 8));
        let nodes = vars(&[("PMI_SIZE", "10"), ("SLURM_STEP_ID", "0"), ("SLURM_JOB_CPUS_PER_NODE", "4(x2),2")]);
        let job = job_cpus(&nodes, 1, 4, None).unwrap();
        assert_eq!((job.ranks, job.cpus), (10, 10));
        assert!(job.source.contains("SLURM_JOB_CPUS_PER_NODE=4(x2),2"), "{}", job.source);
        assert_eq!(slurm_cpus_per_node("16"), Some(16));
        assert_eq!(slurm_cpus_per_node("bad"), None);
    }

    #[test]
    fn cpu_lists_are_compact() {
        assert_eq!(cpu_list(&[0, 1, 2, 3, 6]), "0-3,6");
        assert_eq!(cpu_list(&[1]), "1");
    }
}
