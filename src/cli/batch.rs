//! `parlab batch`: prints a SLURM batch script that runs a measurement on a cluster node,
//! with -n (tasks) and -c (CPUs per task) set for the kind of program it runs, and a
//! comment on every `#SBATCH` line saying why. The site's account, partition,
//! reservation, QOS and modules come from flags or a site file (`--site`, see
//! [`site`](super::site)); `--per-count` writes a job array of one worker count per task
//! (merged again by `parlab plot`, see [`join_array`]); `--interactive` prints the
//! `srun --pty` recipe instead.

use std::process::ExitCode;

use anyhow::Result;

use super::site::{self, SiteProfile};
use super::{BatchArgs, EXIT_USAGE, usage_error};
use crate::backends::{self, BackendKind};
use crate::kernels::{self, KernelSpec};
use crate::measure::{MAX_WORKERS, Report, default_workers};

/// Prints the script (or with `--interactive` the recipe), or names the flag or the
/// site file's line at fault (exit code 2).
pub fn batch(args: &BatchArgs) -> Result<ExitCode> {
    let site = match &args.site {
        Some(path) => match site::load(path) {
            Ok(site) => site,
            Err(errors) => {
                for error in errors {
                    eprintln!("error: {error}");
                }
                return Ok(ExitCode::from(EXIT_USAGE));
            }
        },
        None => SiteProfile::default(),
    };
    let text = if args.interactive { interactive(args, &site) } else { script(args, &site) };
    match text {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => Ok(usage_error(why)),
    }
}

/// What the job asks of the site: the flags, else the site file, else nothing (Slurm's
/// defaults for the user).
struct Request {
    account: Option<String>,
    partition: Option<String>,
    reservation: Option<String>,
    qos: Option<String>,
    modules: Vec<String>,
    setup: Vec<String>,
    time: String,
    mem: Option<String>,
}

impl Request {
    fn new(args: &BatchArgs, site: &SiteProfile) -> Result<Self, String> {
        let pick = |flag: &str, given: &Option<String>, from_site: &Option<String>| -> Result<Option<String>, String> {
            if let Some(value) = given {
                site::sbatch_word(value).map_err(|why| format!("{flag} '{value}': {why}"))?;
            }
            Ok(given.clone().or_else(|| from_site.clone()))
        };
        for module in &args.modules {
            site::module_name(module).map_err(|why| format!("--module '{module}': {why}"))?;
        }
        let time = args.time.clone().or_else(|| site.time.clone()).unwrap_or_else(|| "00:30:00".into());
        check_time(&time)?;
        let mem = args.mem.clone().or_else(|| site.mem.clone());
        if let Some(mem) = &mem {
            check_mem(mem)?;
        }
        Ok(Self {
            account: pick("--account", &args.account, &site.account)?,
            partition: pick("--partition", &args.partition, &site.partition)?,
            reservation: pick("--reservation", &args.reservation, &site.reservation)?,
            qos: pick("--qos", &args.qos, &site.qos)?,
            modules: if args.modules.is_empty() { site.modules.clone() } else { args.modules.clone() },
            setup: site.setup.clone(),
            time,
            mem,
        })
    }

    /// The site's options as (name, value, why), in the order `#SBATCH` lines show them.
    fn site_options(&self) -> Vec<(&'static str, &str, &'static str)> {
        [
            ("account", &self.account, "the allocation the CPU hours are charged to"),
            ("partition", &self.partition, "the queue of nodes the job waits for"),
            ("reservation", &self.reservation, "nodes the site set aside for this workshop"),
            ("qos", &self.qos, "quality of service: the site's priority and limits class"),
        ]
        .into_iter()
        .filter_map(|(name, value, why)| value.as_deref().map(|v| (name, v, why)))
        .collect()
    }

    /// `module load` and setup lines, each with a newline; empty without any.
    fn environment(&self) -> String {
        let mut out = String::new();
        if !self.modules.is_empty() {
            out.push_str("# The site's software, as on the login node.\n");
            out.push_str(&format!("module load {}\n", self.modules.join(" ")));
        }
        for line in &self.setup {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The interactive recipe: ask for a node's CPUs and run the terminal lab there.
pub fn interactive(args: &BatchArgs, site: &SiteProfile) -> Result<String, String> {
    let request = Request::new(args, site)?;
    let cpus = match args.workers.or(site.cpus) {
        Some(0) => return Err("--workers: give at least 1 CPU".into()),
        Some(n) if n > MAX_WORKERS => return Err(format!("--workers: at most {MAX_WORKERS}")),
        Some(n) => n,
        None => return Err("--workers N: say how many CPUs the interactive session should get".into()),
    };
    let mut out = String::new();
    let where_ = site.name.as_deref().map_or(String::new(), |n| format!(" on {n}"));
    out.push_str(&format!("# parlab interactively{where_}: a compute node's CPUs, the lab in your terminal.\n"));
    out.push_str("# Run these lines on the login node; the lab opens when the job starts (squeue shows it waiting).\n");
    out.push_str(&request.environment());
    let mut srun = vec!["srun".to_string()];
    for (name, value, _) in request.site_options() {
        srun.push(format!("--{name}={value}"));
    }
    srun.extend([
        "--nodes=1".into(),
        "--ntasks=1".into(),
        format!("--cpus-per-task={cpus}"),
        format!("--time={}", request.time),
    ]);
    if let Some(mem) = &request.mem {
        srun.push(format!("--mem={mem}"));
    }
    srun.extend(["--pty".into(), "parlab".into()]);
    out.push_str(&format!("{}\n", srun.join(" ")));
    out.push_str(&format!(
        "# In the lab, worker counts up to {cpus} measure the job's own CPUs; quit with q and the job ends.\n"
    ));
    out.push_str(&format!(
        "# A shell instead of the lab: the same line with `bash` in place of `parlab`, then `parlab run ... --workers 1,2,{cpus}`.\n"
    ));
    Ok(out)
}

/// Backends a script measures when `--backends` is not given: threads without and with
/// work stealing, the two a cluster node's cores are most often used with.
const DEFAULT_BACKENDS: [&str; 2] = ["threads", "rayon"];

/// The batch script for `args` and the site, or what is wrong with them.
pub fn script(args: &BatchArgs, site: &SiteProfile) -> Result<String, String> {
    let request = Request::new(args, site)?;
    let kernel = kernels::find(&args.kernel)
        .ok_or_else(|| format!("unknown kernel '{}'; valid kernels: {}", args.kernel, kernels::ids().join(", ")))?;
    let mpi = backends::MPI_ID;
    let mut backend_ids = args.backends.clone().unwrap_or_else(|| {
        if args.mpi { vec![mpi.to_string()] } else { DEFAULT_BACKENDS.iter().map(ToString::to_string).collect() }
    });
    backend_ids.retain(|b| !b.trim().is_empty());
    if backend_ids.is_empty() {
        return Err("--backends: give at least one backend".into());
    }
    if args.mpi && !backend_ids.iter().any(|b| b == mpi) {
        return Err(format!("--mpi: add {mpi} to --backends (the ranks only cooperate through the {mpi} backend)"));
    }
    if !args.mpi && backend_ids.iter().any(|b| b == mpi) {
        return Err(format!("--backends {mpi}: add --mpi --ranks R, so that the script starts R ranks"));
    }
    // `mpi` exists only in builds with the feature; the script is often written elsewhere.
    let chosen: Vec<&dyn backends::Backend> = backend_ids
        .iter()
        .filter(|b| b.as_str() != mpi)
        .map(|b| {
            backends::find(b).ok_or_else(|| {
                format!("--backends: unknown backend '{b}'; valid backends: {}, {mpi}", backends::ids().join(", "))
            })
        })
        .collect::<Result<_, _>>()?;
    for (key, _) in &args.params {
        let known = kernel.params().iter().chain(chosen.iter().flat_map(|b| b.params())).any(|p| p.key == key);
        if !known {
            return Err(format!(
                "--param {key}: not a parameter of kernel '{}' or of the chosen backends",
                kernel.id()
            ));
        }
    }
    let spec = KernelSpec {
        kernel: kernel.id().to_string(),
        size: args.size.unwrap_or_else(|| kernel.default_size()),
        seed: 42,
        params: args.params.iter().cloned().collect(),
    };
    for backend in &chosen {
        backend.validate(&spec).map_err(|e| e.to_string())?;
    }
    let cpus_per_task = match (args.workers.or(site.cpus), args.mpi) {
        (Some(0), _) => return Err("--workers: give at least 1 CPU".into()),
        (Some(n), _) if n > MAX_WORKERS => return Err(format!("--workers: at most {MAX_WORKERS}")),
        (Some(n), _) => n,
        (None, true) => 1,
        (None, false) => return Err("--workers N: say how many CPUs the job's one task should get".into()),
    };
    let ranks = match (args.mpi, args.ranks) {
        (true, Some(0)) => return Err("--ranks: give at least 1 rank".into()),
        (true, Some(r)) => Some(r),
        (true, None) => return Err("--mpi needs --ranks R: how many MPI ranks (tasks) to start".into()),
        (false, Some(_)) => return Err("--ranks needs --mpi: ranks are MPI tasks".into()),
        (false, None) => None,
    };
    if args.per_count && args.mpi {
        return Err("--per-count: an MPI job's ranks are its tasks; use it without --mpi".into());
    }

    // The `parlab run` line: the same flags as on the command line.
    let mut run =
        vec!["parlab".to_string(), "run".into(), kernel.id().into(), "--backends".into(), backend_ids.join(",")];
    // Worker counts matter only to backends whose workers share the task's CPUs.
    let mut counts = default_workers(cpus_per_task);
    counts.pop(); // no oversubscribed point: the job has exactly these CPUs
    let pool = chosen.iter().any(|b| b.kind() == BackendKind::OneNode);
    if args.per_count && !pool {
        return Err("--per-count: the chosen backends take no worker count; add threads, rayon or processes".into());
    }
    if args.per_count {
        run.push("--workers".into());
        run.push("\"${workers}\"".into());
    } else if pool {
        run.push("--workers".into());
        run.push(counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
    }
    if let Some(size) = args.size {
        run.push("--size".into());
        run.push(size.to_string());
    }
    for (key, value) in &args.params {
        run.push("--param".into());
        run.push(shell_word(&format!("{key}={value}")));
    }
    run.push("--reps".into());
    run.push(args.reps.to_string());
    if args.per_count {
        // One results file per task, named by the array's job id and the worker count.
        run.push("--json".into());
        run.push("\"parlab-${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID}}-w${workers}.json\"".into());
    } else {
        run.push("--out".into());
        run.push("\"parlab-${SLURM_JOB_ID}\"".into());
    }
    let run_line = run.join(" ");

    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let sbatch = |option: String, why: &str| format!("{:<38}# {why}", format!("#SBATCH {option}"));
    line("#!/bin/bash");
    line(&format!("# SLURM batch script from `parlab batch` (parlab {}).", env!("CARGO_PKG_VERSION")));
    match &site.name {
        Some(name) => {
            line(&format!("# For {name} (site file {}). Save it as job.sh, submit with: sbatch job.sh", site.path))
        }
        None if args.site.is_some() => {
            line(&format!("# Site file {}. Save it as job.sh, submit with: sbatch job.sh", site.path))
        }
        None => line("# Save it as job.sh, check the partition/account your site needs, submit with: sbatch job.sh"),
    }
    line(&sbatch(format!("--job-name=parlab-{}", kernel.id()), "the name squeue and sacct show"));
    for (name, value, why) in request.site_options() {
        line(&sbatch(format!("--{name}={value}"), why));
    }
    match ranks {
        None => {
            line(&sbatch("--nodes=1".into(), "one node: threads and worker processes cannot reach another machine"));
            line(&sbatch("--ntasks=1".into(), "-n: ONE copy of parlab, which starts its own workers"));
            line(&sbatch(
                format!("--cpus-per-task={cpus_per_task}"),
                "-c: CPUs for that copy's workers = the largest --workers count",
            ));
        }
        Some(ranks) => {
            line(&sbatch(format!("--ntasks={ranks}"), "-n: MPI ranks, one copy of parlab each; may span nodes"));
            if cpus_per_task == 1 {
                line(&sbatch("--cpus-per-task=1".into(), "-c: one CPU per rank: every rank computes on one core"));
            } else {
                line(&sbatch(
                    format!("--cpus-per-task={cpus_per_task}"),
                    "-c: CPUs per rank for its threads (hybrid MPI + threads)",
                ));
            }
        }
    }
    if args.per_count {
        line(&sbatch(
            format!("--array=0-{}", counts.len() - 1),
            "one task per worker count; every task gets the CPUs of the largest",
        ));
    }
    let limit_why =
        if args.per_count { "wall-clock limit of each task" } else { "wall-clock limit: the job is stopped after it" };
    line(&sbatch(format!("--time={}", request.time), limit_why));
    if let Some(mem) = &request.mem {
        line(&sbatch(format!("--mem={mem}"), "memory per node for the whole job"));
    }
    if args.per_count {
        line(&sbatch("--output=parlab-%A_%a.out".into(), "stdout and stderr; %A the array's job id, %a the task"));
    } else {
        line(&sbatch("--output=parlab-%j.out".into(), "stdout and stderr; %j is the job id"));
    }
    line("");
    // Before `set -u`: some sites' module scripts read variables that are not set.
    out_environment(&mut line, &request.environment());
    line("set -euo pipefail");
    line("# Threaded libraries (BLAS, OpenMP) and rayon's global pool: as many threads as CPUs");
    line("# per task, never the whole node's count.");
    line("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"");
    line("export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"");
    line(
        "# Slurm 22.05-23.02: srun does not inherit --cpus-per-task from the job (23.11 reads it again); passing it is right on every version.",
    );
    line("export SRUN_CPUS_PER_TASK=\"${SLURM_CPUS_PER_TASK:-1}\"");
    line("");
    if args.per_count {
        line("# Task i measures counts[i] workers; when every task is done, merge the results into one sweep:");
        line("#   parlab plot parlab-<array job id>-w*.json --out scaling/");
        line(&format!("counts=({})", counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")));
        line("workers=\"${counts[${SLURM_ARRAY_TASK_ID:-0}]}\"");
    }
    match ranks {
        None => {
            line("# What the job was really given: affinity mask, cgroup quota, SLURM_* variables.");
            line("srun --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-1}\" parlab info");
            if args.per_count {
                line(
                    "# The measurement at this task's worker count (results go to parlab-<array job id>-w<count>.json).",
                );
            } else {
                line("# The measurement (results, report and charts go to parlab-<job id>/).");
            }
            line(&format!("srun --cpus-per-task=\"${{SLURM_CPUS_PER_TASK:-1}}\" {run_line}"));
        }
        Some(_) => {
            line("# The mpi backend needs parlab built with MPI on this cluster:");
            line("#   cargo build --release --features mpi   (needs an MPI library, e.g. Open MPI, and libclang)");
            line("# What one rank was given: affinity mask, cgroup quota, SLURM_* variables.");
            line("srun --ntasks=1 --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-1}\" parlab info");
            line("# Every rank runs the same command; rank 0 measures and prints, the others serve it.");
            line(&format!("srun --cpus-per-task=\"${{SLURM_CPUS_PER_TASK:-1}}\" {run_line}"));
            line("# Where the site starts MPI programs with mpirun instead of srun:");
            line(&format!("#   mpirun -n \"${{SLURM_NTASKS}}\" {run_line}"));
        }
    }
    Ok(out)
}

/// The results of one `--per-count` job array as one sweep: the same kernel, size, seed,
/// parameters, backends and repetitions, each task with worker counts the others did not
/// measure (a backend with a fixed count, seq, is kept once). `None` when `reports` are
/// not such parts (then `parlab plot` compares them side by side instead).
pub fn join_array(reports: &[Report]) -> Option<Report> {
    let (first, rest) = reports.split_first()?;
    if rest.is_empty() || first.commands.is_some() {
        return None;
    }
    let same = |r: &Report| {
        r.commands.is_none()
            && r.plan.spec == first.plan.spec
            && r.plan.backends == first.plan.backends
            && r.plan.repetitions == first.plan.repetitions
    };
    if !rest.iter().all(same) {
        return None;
    }
    let mut joined = first.clone();
    for report in rest {
        for point in &report.points {
            let fixed = backends::find(&point.backend).and_then(|b| b.fixed_workers()).is_some();
            let twice = joined.points.iter().any(|p| p.backend == point.backend && p.workers == point.workers);
            match (twice, fixed) {
                (false, _) => joined.points.push(point.clone()),
                (true, true) => {}
                // The same count measured twice: not the parts of one sweep.
                (true, false) => return None,
            }
        }
        joined.plan.workers.extend(&report.plan.workers);
        joined.machine.available_parallelism =
            joined.machine.available_parallelism.max(report.machine.available_parallelism);
        joined.incomplete |= report.incomplete;
    }
    joined.plan.workers.sort_unstable();
    joined.plan.workers.dedup();
    let order = |backend: &str| joined.plan.backends.iter().position(|b| b == backend).unwrap_or(usize::MAX);
    let mut points = std::mem::take(&mut joined.points);
    points.sort_by_key(|p| (order(&p.backend), p.workers));
    joined.points = points;
    joined.derive();
    Some(joined)
}

/// Writes each line of `text` (which ends in a newline, or is empty) through `line`.
fn out_environment(line: &mut dyn FnMut(&str), text: &str) {
    for each in text.lines() {
        line(each);
    }
    if !text.is_empty() {
        line("");
    }
}

/// A SLURM time limit: MM:SS, HH:MM:SS or D-HH:MM:SS.
fn check_time(time: &str) -> Result<(), String> {
    check_time_value(time).map_err(|why| format!("--time {time}: {why}"))
}

/// A SLURM time limit's problem, without the flag (site files name their line instead).
pub(super) fn check_time_value(time: &str) -> Result<(), String> {
    let (days, clock) = match time.split_once('-') {
        Some((d, rest)) => (Some(d), rest),
        None => (None, time),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let numbers = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    let valid = days.is_none_or(numbers)
        && (2..=3).contains(&parts.len())
        && parts.iter().all(|p| numbers(p))
        && parts[1..].iter().all(|p| p.parse::<u32>().is_ok_and(|v| v < 60));
    if valid { Ok(()) } else { Err("use HH:MM:SS (or D-HH:MM:SS), e.g. 00:30:00".into()) }
}

/// A SLURM memory size: a whole number with an optional K, M, G or T suffix.
fn check_mem(mem: &str) -> Result<(), String> {
    check_mem_value(mem).map_err(|why| format!("--mem {mem}: {why}"))
}

/// A SLURM memory size's problem, without the flag.
pub(super) fn check_mem_value(mem: &str) -> Result<(), String> {
    let digits = mem.trim_end_matches(['K', 'M', 'G', 'T']);
    let suffixes = mem.len() - digits.len();
    if !digits.is_empty() && suffixes <= 1 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("use a whole number with K, M, G or T, e.g. 4G".into())
    }
}

/// `word`, quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_.,=:/+-@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_memory_sizes() {
        for ok in ["00:30:00", "1-00:00:00", "90:00", "100:00:00"] {
            assert!(check_time(ok).is_ok(), "{ok}");
        }
        for bad in ["30", "00:61:00", "a:b:c", "1-", ""] {
            assert!(check_time(bad).is_err(), "{bad}");
        }
        for ok in ["4G", "500M", "1024"] {
            assert!(check_mem(ok).is_ok(), "{ok}");
        }
        for bad in ["4GB", "G", "-1G", "1.5G"] {
            assert!(check_mem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("file=/tmp/m.bin"), "file=/tmp/m.bin");
        assert_eq!(shell_word("file=my file"), "'file=my file'");
        assert_eq!(shell_word("a'b"), r"'a'\''b'");
    }
}
