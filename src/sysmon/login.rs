//! The login-node guard's detection: outside a batch job, on a machine that many people
//! are logged in to or that limits each user's CPUs (a cluster's login node), parlab's
//! sweeps are capped to a few workers and a small size (`parlab run`, `parlab run --cmd`
//! and the terminal lab's Lab and exercises); `--force` lifts the cap. What it reads can
//! be replaced for tests: `PARLAB_LOGIN_USERS=N` (people logged in) and
//! `PARLAB_USER_CPU_LIMIT=X` (CPUs a user may use; `none` for no limit).

use std::collections::BTreeSet;
use std::path::Path;

use super::MachineFacts;

/// Variables a batch system sets inside a job (Slurm, PBS/Torque, LSF, Grid Engine,
/// HTCondor, Flux, Cobalt).
pub const JOB_VARIABLES: &[&str] =
    &["SLURM_JOB_ID", "PBS_JOBID", "LSB_JOBID", "JOB_ID", "_CONDOR_JOB_AD", "FLUX_JOB_ID", "COBALT_JOBID"];

/// From this many people logged in, a machine counts as shared.
pub const MANY_USERS: usize = 4;

/// The largest worker count on a login node.
pub const LOGIN_WORKERS: usize = 2;

/// The size on a login node is at most the kernel's default size over this.
pub const LOGIN_SIZE_DIVISOR: u64 = 10;

/// Why this machine looks like a shared login node.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginNode {
    /// People logged in (distinct users).
    pub users: usize,
    /// CPUs this user may use, when a per-user limit is set.
    pub cpu_limit: Option<f64>,
}

impl LoginNode {
    /// Worker counts allowed here.
    pub fn max_workers(&self) -> usize {
        let limit = self.cpu_limit.map_or(LOGIN_WORKERS, |l| (l.floor() as usize).max(1));
        limit.min(LOGIN_WORKERS)
    }

    /// The largest size on a login node for a kernel whose default size is `default_size`.
    pub fn max_size(default_size: u64) -> u64 {
        (default_size / LOGIN_SIZE_DIVISOR).max(1)
    }

    /// Keeps the worker counts allowed here (the largest allowed when none is); whether
    /// any was dropped.
    pub fn cap_workers(&self, workers: &mut Vec<usize>) -> bool {
        let max_workers = self.max_workers();
        let before = workers.len();
        workers.retain(|&w| w <= max_workers);
        if workers.is_empty() {
            workers.push(max_workers);
            return true;
        }
        workers.len() != before
    }

    /// Caps a sweep's `size` (to the kernel's `default_size` over [`LOGIN_SIZE_DIVISOR`])
    /// and its `workers`; the words for [`LoginNode::note`] when anything was capped.
    pub fn cap_sweep(&self, size: &mut u64, default_size: u64, workers: &mut Vec<usize>) -> Option<String> {
        let capped = (*size).min(Self::max_size(default_size));
        let smaller = capped != *size;
        *size = capped;
        let fewer = self.cap_workers(workers);
        (fewer || smaller).then(|| format!("{} workers and size {capped}", self.max_workers()))
    }

    /// The line that says what was capped (`capped`, e.g. "2 workers and size 100"), why,
    /// and how to measure properly: `srun ... --pty {program}` or `parlab batch`, and
    /// `--force`.
    pub fn note(&self, capped: &str, program: &str) -> String {
        format!(
            "note: this looks like a login node ({}, no batch job): capped at {capped} so the people sharing it can \
             work; measure on a compute node instead (srun --cpus-per-task=4 --time=00:10:00 --pty {program}, or \
             parlab batch); --force lifts the cap",
            self.reason()
        )
    }

    fn reason(&self) -> String {
        match (self.users >= MANY_USERS, self.cpu_limit) {
            (true, Some(limit)) => format!("{} people logged in, {limit} CPUs per user", self.users),
            (true, None) => format!("{} people logged in", self.users),
            (false, Some(limit)) => format!("a limit of {limit} CPUs per user"),
            (false, None) => "shared".into(),
        }
    }
}

/// The job variable that is set, if parlab runs inside a batch job.
pub fn in_job() -> Option<&'static str> {
    JOB_VARIABLES.iter().copied().find(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// This machine, when it looks like a shared login node and parlab is not in a job.
pub fn detect(facts: &MachineFacts) -> Option<LoginNode> {
    if in_job().is_some() {
        return None;
    }
    let users = match std::env::var("PARLAB_LOGIN_USERS") {
        Ok(text) => text.trim().parse().unwrap_or(0),
        Err(_) => logged_in_users(),
    };
    let cpu_limit = match std::env::var("PARLAB_USER_CPU_LIMIT") {
        Ok(text) => text.trim().parse::<f64>().ok().filter(|l| l.is_finite() && *l > 0.0),
        Err(_) => user_cpu_limit(facts),
    };
    (users >= MANY_USERS || cpu_limit.is_some()).then_some(LoginNode { users, cpu_limit })
}

/// Distinct people logged in: user sessions in utmp, or else the owners (uid 1000 and
/// up) of running processes, whichever counts more.
pub fn logged_in_users() -> usize {
    let utmp = ["/run/utmp", "/var/run/utmp"]
        .iter()
        .find_map(|path| std::fs::read(path).ok())
        .map_or(0, |bytes| utmp_users(&bytes).len());
    utmp.max(process_owners(Path::new("/proc")))
}

/// Users of the USER_PROCESS records of a Linux utmp file (glibc's 384-byte records).
fn utmp_users(bytes: &[u8]) -> BTreeSet<String> {
    const RECORD: usize = 384;
    const USER_PROCESS: i32 = 7;
    bytes
        .chunks_exact(RECORD)
        .filter(|r| i32::from_ne_bytes([r[0], r[1], r[2], r[3]]) == USER_PROCESS)
        .map(|r| {
            let name = &r[44..76];
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            String::from_utf8_lossy(&name[..end]).into_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Distinct owners of processes under `proc` with the uids of people (1000 and up, not
/// `nobody`).
fn process_owners(proc: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(proc) else { return 0 };
    let uids: BTreeSet<u32> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.uid())
        .filter(|&uid| (1000..65534).contains(&uid))
        .collect();
    uids.len()
}

/// A CPU quota that applies to this user (the process sits in a systemd user slice and
/// a quota is set along its cgroup path).
fn user_cpu_limit(facts: &MachineFacts) -> Option<f64> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    in_user_slice(&membership).then_some(facts.cgroup_cpu_quota).flatten()
}

fn in_user_slice(membership: &str) -> bool {
    membership.lines().any(|line| line.contains("/user.slice/") || line.contains(".slice/user-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utmp_records_count_distinct_people() {
        let mut bytes = Vec::new();
        for (kind, user) in [(7, "ada"), (7, "ada"), (7, "grace"), (8, "gone"), (1, "")] {
            let mut record = vec![0u8; 384];
            record[..4].copy_from_slice(&i32::to_ne_bytes(kind));
            record[44..44 + user.len()].copy_from_slice(user.as_bytes());
            bytes.extend(record);
        }
        let users = utmp_users(&bytes);
        assert_eq!(users.into_iter().collect::<Vec<_>>(), ["ada", "grace"]);
    }

    #[test]
    fn only_a_user_slice_makes_a_quota_per_user() {
        assert!(in_user_slice("0::/user.slice/user-1000.slice/session-3.scope\n"));
        assert!(!in_user_slice("0::/\n"));
        assert!(!in_user_slice("0::/system.slice/slurmstepd.scope/job_12\n"));
    }

    #[test]
    fn the_workers_allowed_are_kept() {
        let node = LoginNode { users: 30, cpu_limit: None };
        let mut workers = vec![1, 2, 4];
        assert!(node.cap_workers(&mut workers));
        assert_eq!(workers, [1, 2]);
        assert!(!node.cap_workers(&mut workers), "nothing more to drop");
        let mut workers = vec![8];
        assert!(LoginNode { users: 1, cpu_limit: Some(1.5) }.cap_workers(&mut workers));
        assert_eq!(workers, [1]);
        let note = node.note("2 workers", "parlab");
        assert!(note.contains("30 people logged in") && note.contains("--pty parlab,") && note.contains("--force"));
    }
}
