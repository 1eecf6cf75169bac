//! How many cores' worth of work the machine gives several threads right now, measured
//! rather than read: a virtual machine's vCPUs may be SMT siblings of one physical core,
//! or a neighbour on the host may take cycles, and neither shows in /proc/stat inside the
//! machine. Timing tests and claims use it to tell "the host shares these CPUs" from "the
//! program does not scale".
//!
//! The spin is floating-point arithmetic with a division, the shape of the course's
//! kernels, and each thread's rate is read on its own. On this project's shared 2-vCPU
//! VMs a neighbour on the host slows one vCPU's floating-point work by up to a third (and
//! a claim's worker by half) while integer arithmetic on both vCPUs runs at full speed:
//! an integer spin timed as a whole read two equal cores through all of it.

use std::time::Instant;

/// Iterations of [`spin`] timed alone: a few tens of milliseconds on one core.
const ALONE: u64 = 20_000_000;
/// Each thread spins this many times longer side by side (a few hundred milliseconds):
/// longer than a few periods of a CPU quota. A host that caps the whole machine (a
/// cgroup quota on its vCPU threads, a burstable instance out of credits) lets a short
/// burst of every vCPU through at full speed and throttles it only once the period's
/// budget is spent, so a side-by-side spin as short as the lone one would read two free
/// cores where a half-second run of two workers got the work of one. (The 1.0x runs seen
/// on this project's VMs between probes that read 1.94 cores turned out to be one vCPU's
/// floating-point work slowed, which the spin above now measures; see the module notes.)
const TOGETHER_FACTOR: u64 = 6;

/// Two spinning threads read fewer cores than this ([`core_capacity`]) when the host shares
/// the two CPUs or slows one of them by more than about 40 %: a two-worker timing measured
/// then says more about the host than about the program. On this project's shared 2-vCPU
/// VMs, with nothing else running, single tries read 1.6 to 2.0 (median 1.88 in 30 tries).
pub const TWO_FREE_CORES: f64 = 1.6;

/// `iterations` steps of the midpoint rule for 4 / (1 + x^2) on [0, 1].
fn spin(iterations: u64) -> f64 {
    let h = 1.0 / iterations.max(1) as f64;
    let mut sum = 0.0;
    for i in 0..iterations {
        let x = std::hint::black_box((i as f64 + 0.5) * h);
        sum += 4.0 / (1.0 + x * x);
    }
    sum * h
}

/// Seconds from a common start until each of `threads` threads, spinning `iterations`
/// steps side by side, finished (a thread that waited for a CPU counts its wait).
fn timed(threads: usize, iterations: u64) -> Vec<f64> {
    let started = Instant::now();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    std::hint::black_box(spin(iterations));
                    started.elapsed().as_secs_f64()
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    })
}

/// How many of the fastest core's worth of work threads with these rates did: each rate
/// against the best seen (alone or side by side). Two threads on two free cores read 2;
/// on one core, 1; with one of two cores slowed to half speed, 1.5.
fn capacity_of(alone_rate: f64, together_rates: &[f64]) -> Option<f64> {
    let best = together_rates.iter().copied().fold(alone_rate, f64::max);
    let cores = together_rates.iter().map(|r| r / best).sum::<f64>();
    (cores.is_finite() && cores > 0.0).then_some(cores)
}

/// One try (about half a second): `threads` threads spin side by side, each
/// [`TOGETHER_FACTOR`] times longer than one spin alone, and each thread's rate is read
/// against the fastest rate seen. About `threads` when that many cores are free, less
/// when they are shared, when the host caps the machine, or when it slows one vCPU.
pub fn core_capacity_once(threads: usize) -> Option<f64> {
    let threads = threads.max(1);
    // Wake every vCPU first: a virtual CPU that sat idle (while a one-thread program ran
    // on the other) may have to be scheduled again by the host, and the first spin on it
    // would measure that wake-up instead of the cores.
    timed(threads, ALONE);
    let alone = *timed(1, ALONE).first()?;
    let together: Vec<f64> =
        timed(threads, ALONE * TOGETHER_FACTOR).iter().map(|s| TOGETHER_FACTOR as f64 / s).collect();
    (together.len() == threads).then(|| capacity_of(1.0 / alone, &together)).flatten()
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

    #[test]
    fn each_thread_counts_against_the_fastest_rate_seen() {
        // Two free cores; one core (each thread at half the lone rate); one of two cores at
        // half speed, whether or not the lone spin landed on the slow one.
        assert_eq!(capacity_of(1.0, &[1.0, 1.0]), Some(2.0));
        assert_eq!(capacity_of(1.0, &[0.5, 0.5]), Some(1.0));
        assert_eq!(capacity_of(1.0, &[1.0, 0.5]), Some(1.5));
        assert_eq!(capacity_of(0.5, &[1.0, 0.5]), Some(1.5));
        assert_eq!(capacity_of(1.0, &[]), None);
    }
}
