//! How many cores' worth of work the machine gives several threads right now, measured
//! rather than read: a virtual machine's vCPUs may be SMT siblings of one physical core,
//! or a neighbour on the host may take cycles, and neither shows in /proc/stat inside the
//! machine. Timing tests and claims use it to tell "the host shares these CPUs" from "the
//! program does not scale".

use std::time::Instant;

/// A fixed amount of dependent arithmetic: a few tens of milliseconds on one core.
fn spin() -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for i in 0..20_000_000_u64 {
        x = std::hint::black_box(x.rotate_left(7) ^ i).wrapping_mul(0x2545_f491_4f6c_dd1d);
    }
    x
}

/// Seconds that `threads` threads take to spin once each, side by side.
fn timed(threads: usize) -> f64 {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| std::hint::black_box(spin()));
        }
    });
    started.elapsed().as_secs_f64()
}

/// One try (a tenth of a second or two): `threads` x T(one spin alone) / T(`threads` spins
/// at once). About `threads` when that many cores are free, less when they are shared.
pub fn core_capacity_once(threads: usize) -> Option<f64> {
    let threads = threads.max(1);
    // Wake every vCPU first: a virtual CPU that sat idle (while a one-thread program ran
    // on the other) may have to be scheduled again by the host, and the first spin on it
    // would measure that wake-up instead of the cores.
    timed(threads);
    let alone = timed(1);
    let together = timed(threads);
    Some(threads as f64 * alone / together).filter(|c| c.is_finite() && *c > 0.0)
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
