//! What the machine is and what its cores are doing: a sampler thread over sysinfo,
//! the machine facts that decide how many CPUs a pool may use, and process CPU time.
//! Depends on nothing else in the crate.

mod boost;
mod capacity;
mod facts;
pub mod login;
mod sampler;
mod source;

pub use boost::turbo_boost;
pub use capacity::{TWO_FREE_CORES, core_capacity, core_capacity_once};
pub use facts::{CpuCountReason, JobCpus, MachineFacts, cpu_list, job_cpus, pool_cpu_count};
pub use sampler::{CpuSnapshot, Sampler, busy_cores};
pub use source::{CpuSource, ProcStat, ProcStatCounter, Synthetic, SysinfoSource, synthetic_proc_stat};

use std::time::Duration;

/// CPU time used so far by this process and by its children that have been waited for.
pub fn process_cpu_time() -> Duration {
    #[cfg(unix)]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        let total = |who| getrusage(who).map(|u| timeval(u.user_time()) + timeval(u.system_time())).unwrap_or_default();
        total(UsageWho::RUSAGE_SELF) + total(UsageWho::RUSAGE_CHILDREN)
    }
    #[cfg(not(unix))]
    {
        Duration::ZERO
    }
}

/// CPU time used so far by the calling thread (Linux), for measuring parlab's own overhead.
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        getrusage(UsageWho::RUSAGE_THREAD).ok().map(|u| timeval(u.user_time()) + timeval(u.system_time()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Peak resident memory of this process so far, in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    #[cfg(unix)]
    {
        use nix::sys::resource::{UsageWho, getrusage};
        // Linux reports ru_maxrss in KiB, macOS in bytes.
        let scale = if cfg!(target_os = "macos") { 1 } else { 1024 };
        getrusage(UsageWho::RUSAGE_SELF).ok().map(|u| u.max_rss().max(0) as u64 * scale)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(unix)]
fn timeval(tv: nix::sys::time::TimeVal) -> Duration {
    Duration::from_secs(tv.tv_sec().max(0) as u64) + Duration::from_micros(tv.tv_usec().max(0) as u64)
}
