//! `pi`: Monte-Carlo darts thrown at the unit square; the share that lands inside the
//! quarter circle estimates pi / 4. The classic embarrassingly parallel kernel.

use std::ops::Range;

use rand::Rng;

use super::ItemCtx;
use super::{
    Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamInfo, Partial, Value, VerifyError, Workload, item_count,
    item_rng, item_share,
};

/// Darts per item: a few milliseconds of work, so queues and work stealing have room.
const DARTS_PER_ITEM: u64 = 1 << 20;
/// Darts between two interpreter checkpoints.
const CHECK_EVERY: u64 = 256;
/// Independent generators run side by side by the `lanes` loop: 8 x 64 bits fill two
/// AVX2 registers per state word.
const LANES: usize = 8;

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "impl",
    default: "lanes",
    help: "lanes: 8 independent generators side by side, several darts per instruction (AVX2 when the CPU has it); lanes-baseline: the same without AVX2; scalar: one dart at a time",
}];

/// How the darts are thrown. Every choice is deterministic for (seed, item); `lanes`
/// and `lanes-baseline` give identical counts (integer arithmetic), `scalar` draws
/// from another stream and so gives a different (equally valid) count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Impl {
    /// One dart per generator call, one at a time.
    Scalar,
    /// [`LANES`] generators in a loop the compiler vectorises; AVX2 chosen at run time.
    Lanes,
    /// The same lanes, compiled for baseline x86-64 only (to measure what AVX2 adds).
    LanesBaseline,
}

pub struct Pi;

const INFO: KernelInfo = KernelInfo {
    id: "pi",
    about: "Monte-Carlo darts: every dart is independent, so the work splits perfectly across any number of workers.",
    size_unit: "darts",
    default_size: 1_000_000_000,
    small_size: 400_000,
    params: PARAMS,
};

impl Kernel for Pi {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let how = spec.choice(
            "impl",
            &[("lanes", Impl::Lanes), ("lanes-baseline", Impl::LanesBaseline), ("scalar", Impl::Scalar)],
            Impl::Lanes,
        )?;
        let items = item_count(spec.size, DARTS_PER_ITEM, 1 << 16);
        Ok(Box::new(PiWork { darts: spec.size, items, seed: spec.seed, how }))
    }
}

struct PiWork {
    darts: u64,
    items: usize,
    seed: u64,
    how: Impl,
}

/// Throws `darts` darts from `rng`, counting those inside the quarter circle.
///
/// One 64-bit draw gives both coordinates as 32-bit fractions x/2^32 and y/2^32;
/// the dart is inside when x^2 + y^2 < 2^64, i.e. when the 64-bit sum does not overflow.
fn throw(rng: &mut impl Rng, darts: u64, ctx: &ItemCtx) -> u64 {
    let mut inside = 0;
    let mut left = darts;
    while left > 0 {
        let batch = left.min(CHECK_EVERY);
        for _ in 0..batch {
            let bits = rng.next_u64();
            let x = bits & 0xFFFF_FFFF;
            let y = bits >> 32;
            let (_, overflow) = (x * x).overflowing_add(y * y);
            inside += u64::from(!overflow);
        }
        left -= batch;
        ctx.checkpoint();
    }
    inside
}

/// [`LANES`] xoshiro256++ generators, state word by state word, so that lane `l` of
/// every array belongs to generator `l` and one loop step advances all of them: the
/// shape a compiler turns into vector instructions.
#[derive(Clone)]
struct Lanes {
    s: [[u64; LANES]; 4],
}

/// x*x + y*y < 2^62 for 31-bit coordinates x/2^31, y/2^31: inside the quarter circle.
const RADIUS_SQUARED: u64 = 1 << 62;
const COORDINATE: u64 = (1 << 31) - 1;

impl Lanes {
    /// Lanes seeded from the item's own generator, so the darts stay keyed by (seed, item)
    /// whatever that generator is.
    fn seeded(rng: &mut impl Rng) -> Self {
        let mut s = [[0u64; LANES]; 4];
        for lane in 0..LANES {
            for word in &mut s {
                word[lane] = rng.next_u64();
            }
            // An all-zero state would stay zero for ever.
            if s.iter().all(|word| word[lane] == 0) {
                s[0][lane] = 1;
            }
        }
        Self { s }
    }

    /// Throws `darts` darts: whole rounds of one dart per lane, checkpointing every
    /// [`CHECK_EVERY`] darts; the last partial round counts only its first lanes.
    fn throw(&mut self, darts: u64, ctx: &ItemCtx, avx2: bool) -> u64 {
        let mut counts = [0u64; LANES];
        let rounds_per_check = (CHECK_EVERY / LANES as u64) as usize;
        let mut rounds = (darts / LANES as u64) as usize;
        while rounds > 0 {
            let batch = rounds.min(rounds_per_check);
            if avx2 {
                simd::rounds_avx2(self, batch, &mut counts);
            } else {
                self.rounds(batch, &mut counts);
            }
            rounds -= batch;
            ctx.checkpoint();
        }
        let mut inside: u64 = counts.iter().sum();
        let rest = (darts % LANES as u64) as usize;
        if rest > 0 {
            let mut last = [0u64; LANES];
            self.rounds(1, &mut last);
            inside += last[..rest].iter().sum::<u64>();
        }
        inside
    }

    /// `rounds` steps of every lane, adding each lane's hits to `counts`. Always
    /// inlined, so that the AVX2 copy in [`simd`] compiles this very loop for AVX2.
    #[inline(always)]
    fn rounds(&mut self, rounds: usize, counts: &mut [u64; LANES]) {
        let [s0, s1, s2, s3] = &mut self.s;
        for _ in 0..rounds {
            for l in 0..LANES {
                let bits = s0[l].wrapping_add(s3[l]).rotate_left(23).wrapping_add(s0[l]);
                let t = s1[l] << 17;
                s2[l] ^= s0[l];
                s3[l] ^= s1[l];
                s1[l] ^= s2[l];
                s0[l] ^= s3[l];
                s2[l] ^= t;
                s3[l] = s3[l].rotate_left(45);
                let x = bits >> 33;
                let y = bits & COORDINATE;
                counts[l] += u64::from(x * x + y * y < RADIUS_SQUARED);
            }
        }
    }
}

/// The AVX2 copy of the lanes loop, chosen at run time. The only unsafe code in parlab:
/// calling a `#[target_feature]` function from code compiled without that feature is
/// unsafe in Rust (the CPU might lack the instructions), and there is no safe way to
/// dispatch at run time; the call happens only after `is_x86_feature_detected!("avx2")`.
mod simd {
    #![allow(unsafe_code)]

    use super::{LANES, Lanes};

    /// Whether this CPU runs the AVX2 copy.
    pub fn available() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx2")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// [`Lanes::rounds`] compiled for AVX2 when the CPU has it, else the baseline loop.
    pub fn rounds_avx2(lanes: &mut Lanes, rounds: usize, counts: &mut [u64; LANES]) {
        #[cfg(target_arch = "x86_64")]
        if available() {
            // SAFETY: the CPU supports AVX2 (checked just above), the only requirement
            // of a `#[target_feature(enable = "avx2")]` function.
            unsafe { rounds_with_avx2(lanes, rounds, counts) };
            return;
        }
        lanes.rounds(rounds, counts);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn rounds_with_avx2(lanes: &mut Lanes, rounds: usize, counts: &mut [u64; LANES]) {
        lanes.rounds(rounds, counts);
    }
}

impl Workload for PiWork {
    fn items(&self) -> usize {
        self.items
    }

    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut inside = 0;
        for item in range.clone() {
            if ctx.cancelled() {
                break;
            }
            let darts = item_share(self.darts, self.items as u64, item as u64);
            let mut rng = item_rng(self.seed, item as u64);
            inside += match self.how {
                Impl::Scalar => throw(&mut rng, darts, ctx),
                Impl::Lanes => Lanes::seeded(&mut rng).throw(darts, ctx, simd::available()),
                Impl::LanesBaseline => Lanes::seeded(&mut rng).throw(darts, ctx, false),
            };
        }
        Partial::with_ints(&range, [inside])
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: [darts inside the quarter circle].
        let inside: u64 = parts.iter().map(Partial::int_slots).map(|[inside]| inside).sum();
        Outcome::default()
            .with("inside", Value::Int(inside))
            .with("total", Value::Int(self.darts))
            .with("estimate", Value::Float(4.0 * inside as f64 / self.darts as f64))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let estimate = outcome.need_scalar("estimate")?;
        let p = std::f64::consts::FRAC_PI_4;
        let standard_error = 4.0 * (p * (1.0 - p) / self.darts as f64).sqrt();
        let off = (estimate - std::f64::consts::PI).abs();
        if off <= 5.0 * standard_error {
            Ok(())
        } else {
            Err(VerifyError::Wrong(format!(
                "estimate {estimate} is {:.1} standard errors from pi (allowed: 5)",
                off / standard_error
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;

    /// The hits of `darts` darts thrown lane by lane with rand's own xoshiro256++
    /// (SmallRng on 64-bit), one generator per lane seeded with that lane's state.
    fn reference(lanes: &Lanes, darts: u64) -> u64 {
        let mut generators: Vec<SmallRng> = (0..LANES)
            .map(|l| {
                let mut seed = [0u8; 32];
                for (w, chunk) in seed.chunks_exact_mut(8).enumerate() {
                    chunk.copy_from_slice(&lanes.s[w][l].to_le_bytes());
                }
                SmallRng::from_seed(seed)
            })
            .collect();
        (0..darts)
            .map(|dart| {
                let bits = generators[(dart % LANES as u64) as usize].next_u64();
                let (x, y) = (bits >> 33, bits & COORDINATE);
                u64::from(x * x + y * y < RADIUS_SQUARED)
            })
            .sum()
    }

    #[test]
    fn lanes_are_xoshiro256_plus_plus_and_both_paths_agree() {
        for seed in [0u64, 1, 42, u64::MAX] {
            for darts in [0u64, 1, 7, 8, 9, 255, 256, 257, 1000, 4099] {
                let lanes = Lanes::seeded(&mut item_rng(seed, 3));
                let expected = reference(&lanes, darts);
                assert_eq!(lanes.clone().throw(darts, &ItemCtx::free(), false), expected, "baseline {seed} {darts}");
                assert_eq!(lanes.clone().throw(darts, &ItemCtx::free(), true), expected, "avx2 {seed} {darts}");
            }
        }
    }

    #[test]
    fn every_impl_estimates_pi_and_lanes_ignore_the_cpu() {
        let run = |how: &str| {
            let mut spec = KernelSpec::new("pi").unwrap();
            spec.size = 3_000_003;
            spec.params.insert("impl".into(), how.into());
            let work = spec.build().unwrap();
            let items = work.items();
            let outcome = work.combine(vec![work.run_range(0..items, &ItemCtx::free())]);
            work.verify(&outcome).unwrap();
            outcome
        };
        assert_eq!(run("lanes"), run("lanes-baseline"));
        assert_ne!(run("lanes"), run("scalar"), "scalar draws from another stream");
        let mut spec = KernelSpec::new("pi").unwrap();
        spec.params.insert("impl".into(), "simd".into());
        assert!(matches!(spec.build(), Err(KernelError::BadParam { .. })));
    }
}
