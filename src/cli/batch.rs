//! `parlab batch`: prints a SLURM batch script that runs a measurement on a cluster node,
//! with -n (tasks) and -c (CPUs per task) set for the kind of program it runs, and a
//! comment on every `#SBATCH` line saying why.

use std::process::ExitCode;

use anyhow::Result;

use super::{BatchArgs, usage_error};
use crate::backends::{self, BackendKind};
use crate::kernels::{self, KernelSpec};
use crate::measure::{MAX_WORKERS, default_workers};

/// Prints the script, or names the flag at fault (exit code 2).
pub fn batch(args: &BatchArgs) -> Result<ExitCode> {
    match script(args) {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => Ok(usage_error(why)),
    }
}

/// Backends a script measures when `--backends` is not given: threads without and with
/// work stealing, the two a cluster node's cores are most often used with.
const DEFAULT_BACKENDS: [&str; 2] = ["threads", "rayon"];

/// The batch script for `args`, or what is wrong with them.
pub fn script(args: &BatchArgs) -> Result<String, String> {
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
    let cpus_per_task = match (args.workers, args.mpi) {
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
    check_time(&args.time)?;
    if let Some(mem) = &args.mem {
        check_mem(mem)?;
    }

    // The `parlab run` line: the same flags as on the command line.
    let mut run =
        vec!["parlab".to_string(), "run".into(), kernel.id().into(), "--backends".into(), backend_ids.join(",")];
    // Worker counts matter only to backends whose workers share the task's CPUs.
    if chosen.iter().any(|b| b.kind() == BackendKind::OneNode) {
        let mut counts = default_workers(cpus_per_task);
        counts.pop(); // no oversubscribed point: the job has exactly these CPUs
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
    run.push("--out".into());
    run.push("\"parlab-${SLURM_JOB_ID}\"".into());
    let run_line = run.join(" ");

    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let sbatch = |option: String, why: &str| format!("{:<38}# {why}", format!("#SBATCH {option}"));
    line("#!/bin/bash");
    line(&format!("# SLURM batch script from `parlab batch` (parlab {}).", env!("CARGO_PKG_VERSION")));
    line("# Save it as job.sh, check the partition/account your site needs, submit with: sbatch job.sh");
    line(&sbatch(format!("--job-name=parlab-{}", kernel.id()), "the name squeue and sacct show"));
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
    line(&sbatch(format!("--time={}", args.time), "wall-clock limit: the job is stopped after it"));
    if let Some(mem) = &args.mem {
        line(&sbatch(format!("--mem={mem}"), "memory per node for the whole job"));
    }
    line(&sbatch("--output=parlab-%j.out".into(), "stdout and stderr; %j is the job id"));
    line("");
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
    match ranks {
        None => {
            line("# What the job was really given: affinity mask, cgroup quota, SLURM_* variables.");
            line("srun --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-1}\" parlab info");
            line("# The measurement (results, report and charts go to parlab-<job id>/).");
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

/// A SLURM time limit: MM:SS, HH:MM:SS or D-HH:MM:SS.
fn check_time(time: &str) -> Result<(), String> {
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
    if valid { Ok(()) } else { Err(format!("--time {time}: use HH:MM:SS (or D-HH:MM:SS), e.g. 00:30:00")) }
}

/// A SLURM memory size: a whole number with an optional K, M, G or T suffix.
fn check_mem(mem: &str) -> Result<(), String> {
    let digits = mem.trim_end_matches(['K', 'M', 'G', 'T']);
    let suffixes = mem.len() - digits.len();
    if !digits.is_empty() && suffixes <= 1 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("--mem {mem}: use a whole number with K, M, G or T, e.g. 4G"))
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
