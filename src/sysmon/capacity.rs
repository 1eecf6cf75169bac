//! How many cores' worth of work the machine gives several threads right now, measured
//! rather than read: a virtual machine's vCPUs may be SMT siblings of one physical core,
//! or a neighbour on the host may take cycles, and neither shows in /proc/stat inside the
//! machine. Timing tests and claims use it to tell "the host shares these CPUs" from "the
//! program does not scale".

use std::time::Instant;

/// Iterations of [`spin`] timed alone: a few tens of milliseconds on one core.
const ALONE: u64 = 20_000_000;
/// Each thread spins this many times longer side by side (a few hundred milliseconds):
/// longer than a few periods of a CPU quota. A host that caps the whole machine (a
/// cgroup quota on its vCPU threads, a burstable instance out of credits) lets a short
/// burst of every vCPU through at full speed and throttles it only once the period's
/// budget is spent, so a side-by-side spin as short as the lone one reads two free cores
/// where a half-second run of two workers got the work of one (seen on this project's
/// VMs: a claim's two threads at 1.0x between probes that read 1.94 cores).
const TOGETHER_FACTOR: u64 = 6;

/// `iterations` steps of dependent arithmetic.
fn spin(iterations: u64) -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for i in 0..iterations {
        x = std::hint::black_box(x.rotate_left(7) ^ i).wrapping_mul(0x2545_f491_4f6c_dd1d);
    }
    x
}

/// Seconds that `threads` threads take to spin `iterations` steps each, side by side.
fn timed(threads: usize, iterations: u64) -> f64 {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(move || std::hint::black_box(spin(iterations)));
        }
    });
    started.elapsed().as_secs_f64()
}

/// One try (about half a second): `threads` x the rate of one spin alone against the rate
/// of `threads` spins at once, each [`TOGETHER_FACTOR`] times longer. About `threads` when
/// that many cores are free, less when they are shared or the host caps the machine.
pub fn core_capacity_once(threads: usize) -> Option<f64> {
    let threads = threads.max(1);
    // Wake every vCPU first: a virtual CPU that sat idle (while a one-thread program ran
    // on the other) may have to be scheduled again by the host, and the first spin on it
    // would measure that wake-up instead of the cores.
    timed(threads, ALONE);
    let alone = timed(1, ALONE);
    let together = timed(threads, ALONE * TOGETHER_FACTOR);
    Some(threads as f64 * alone * TOGETHER_FACTOR as f64 / together).filter(|c| c.is_finite() && *c > 0.0)
}

/// The median of `tries` tries of [`core_capacity_once`].
pub fn core_capacity(threads: usize, tries: usize) -> Option<f64> {
    let mut seen: Vec<f64> = (0..tries.max(1)).filter_map(|_| core_capacity_once(threads)).collect();
    seen.sort_by(f64::total_cmp);
    let n = seen.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(seen[n / 2]),
        _ => Some(0.5 * (seen[n / 2 - 1] + seen[n / 2])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_gives_a_positive_count_of_cores() {
        // Its value depends on what else runs (the other tests, here), so only its shape
        // is asserted; tests/claims.rs reads it on a quiet machine.
        let cores = core_capacity(2, 3).expect("the probe runs");
        assert!(cores.is_finite() && cores > 0.0, "{cores}");
        assert!(core_capacity_once(0).is_some(), "zero threads is read as one");
    }
}
