//! `matmul`: C = A x B for n x n matrices of f64, one block of rows of C per item.
//! `--param algo=naive` is the textbook triple loop, run as interpreted code would be
//! (it holds the interpreter lock); `algo=blocked` is what a linear-algebra library does:
//! it works on blocks that stay in cache, keeps a 4 x 4 tile of C in registers and lets
//! the compiler vectorise, and it runs as native code with the lock released.
//! `--param inner=K` makes every item use K threads of its own, as a BLAS library
//! does (OMP_NUM_THREADS), so that outer workers x inner threads can exceed the cores.
//!
//! Every element of C is the sum of a[i][k] * b[k][j] for k = 0, 1, ..., n-1 added in
//! that order, whichever algorithm, split or thread computes it (Rust never fuses a
//! multiply and an add behind the programmer's back), so checksums are bit-identical.

use std::ops::Range;
use std::thread;

use rand::Rng;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, item_rng,
};

/// Rows of C per item.
const ROWS_PER_ITEM: usize = 32;
/// Rows and columns of the register tile of C.
const MR: usize = 4;
const NR: usize = 4;
/// Length of a block of the k dimension: a 4-column panel of B of this many rows
/// (8 KiB) stays in the L1 cache while every row tile of the item passes over it.
const KC: usize = 256;
/// Seed offset of B's random streams, so that A and B differ.
const B_STREAMS: u64 = 1 << 40;

pub struct Matmul;

const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        key: "algo",
        default: "blocked",
        help: "naive (triple loop, interpreted, holds the lock) or blocked (cache-blocked, vectorised, native like a BLAS library)",
    },
    ParamInfo {
        key: "inner",
        default: "1",
        help: "threads each item uses inside itself (like OMP_NUM_THREADS for a BLAS library); algo=blocked only",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algo {
    Naive,
    Blocked,
}

const INFO: KernelInfo = KernelInfo {
    id: "matmul",
    about: "Matrix product, as a naive triple loop or cache-blocked like a BLAS library with its own threads: outer workers x inner threads > cores oversubscribes.",
    size_unit: "rows and columns (n)",
    default_size: 2048,
    small_size: 70,
    params: PARAMS,
};

impl Kernel for Matmul {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn memory_bytes(&self, spec: &KernelSpec) -> u64 {
        // A, B, B in panels, and one block of C per running item.
        spec.size.saturating_mul(spec.size).saturating_mul(8 * 4)
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let algo = spec.choice("algo", &[("naive", Algo::Naive), ("blocked", Algo::Blocked)], Algo::Blocked)?;
        let inner: usize = spec.param("inner", 1)?;
        if inner == 0 || inner > 256 {
            return Err(KernelError::BadParam(ParamError {
                key: "inner".into(),
                value: inner.to_string(),
                why: "must be between 1 and 256".into(),
            }));
        }
        if algo == Algo::Naive && inner > 1 {
            return Err(KernelError::BadParam(ParamError {
                key: "inner".into(),
                value: inner.to_string(),
                why: "inner threads belong to the library: use algo=blocked".into(),
            }));
        }
        if spec.size > 1 << 15 {
            return Err(KernelError::BadSize { kernel: "matmul".into(), why: "n is at most 32768".into() });
        }
        let n = spec.size as usize;
        let a = random_matrix(spec.seed, 0, n);
        let b = random_matrix(spec.seed, B_STREAMS, n);
        let b_panels = panels(&b, n);
        Ok(Box::new(MatmulWork { n, algo, inner, a, b, b_panels }))
    }
}

/// An n x n row-major matrix of numbers in [0, 1); row i comes from stream (seed, offset + i).
fn random_matrix(seed: u64, offset: u64, n: usize) -> Vec<f64> {
    let mut m = Vec::with_capacity(n * n);
    for row in 0..n {
        let mut rng = item_rng(seed, offset + row as u64);
        m.extend((0..n).map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64));
    }
    m
}

/// B rearranged once, the way a BLAS library packs it: for every group of NR columns,
/// the n rows of that group one after another, so the inner loop reads memory in order.
fn panels(b: &[f64], n: usize) -> Vec<f64> {
    let mut packed = Vec::with_capacity(n / NR * NR * n);
    for panel in 0..n / NR {
        for k in 0..n {
            packed.extend_from_slice(&b[k * n + panel * NR..k * n + panel * NR + NR]);
        }
    }
    packed
}

/// Checksum weights: C is checked through u^T C v, which A and B give in O(n^2).
fn weight(index: usize) -> f64 {
    1.0 + (index % 13) as f64 / 13.0
}

struct MatmulWork {
    n: usize,
    algo: Algo,
    inner: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    b_panels: Vec<f64>,
}

impl MatmulWork {
    fn rows(&self, item: usize) -> Range<usize> {
        item * ROWS_PER_ITEM..((item + 1) * ROWS_PER_ITEM).min(self.n)
    }

    /// The textbook loop: one dot product of a row of A and a column of B per element.
    fn naive(&self, rows: Range<usize>, c: &mut [f64], ctx: &ItemCtx) {
        let n = self.n;
        for (i, c_row) in rows.zip(c.chunks_exact_mut(n)) {
            let a_row = &self.a[i * n..(i + 1) * n];
            for (j, c_ij) in c_row.iter_mut().enumerate() {
                let mut sum = 0.0;
                for (k, a_ik) in a_row.iter().enumerate() {
                    sum += a_ik * self.b[k * n + j];
                }
                *c_ij = sum;
                ctx.checkpoint();
            }
        }
    }

    /// Rows `rows` of C into `c` (zeroed, rows.len() x n), block by block.
    fn blocked(&self, rows: Range<usize>, c: &mut [f64]) {
        let n = self.n;
        let full_columns = n / NR * NR;
        for kb in (0..n).step_by(KC) {
            let ke = (kb + KC).min(n);
            for panel in 0..n / NR {
                let b_block = &self.b_panels[(panel * n + kb) * NR..(panel * n + ke) * NR];
                let j = panel * NR;
                let mut i = rows.start;
                while i + MR <= rows.end {
                    self.tile(i, kb..ke, b_block, &mut c[(i - rows.start) * n..], j);
                    i += MR;
                }
                for i in i..rows.end {
                    let a_part = &self.a[i * n + kb..i * n + ke];
                    let c_part = &mut c[(i - rows.start) * n + j..][..NR];
                    for (b4, a_ik) in b_block.chunks_exact(NR).zip(a_part) {
                        for (c_ij, b_kj) in c_part.iter_mut().zip(b4) {
                            *c_ij += a_ik * b_kj;
                        }
                    }
                }
            }
            // Columns left over when n is not a multiple of NR.
            for i in rows.clone() {
                for j in full_columns..n {
                    let mut sum = c[(i - rows.start) * n + j];
                    for k in kb..ke {
                        sum += self.a[i * n + k] * self.b[k * n + j];
                    }
                    c[(i - rows.start) * n + j] = sum;
                }
            }
        }
    }

    /// The micro-kernel: C[i..i+4][j..j+4] += A[i..i+4][k-block] x B[k-block][j..j+4],
    /// with the 16 sums in registers. `c` starts at row i of the item's block.
    #[inline(always)]
    fn tile(&self, i: usize, ks: Range<usize>, b_block: &[f64], c: &mut [f64], j: usize) {
        let n = self.n;
        let row = |r: usize| &self.a[(i + r) * n + ks.start..(i + r) * n + ks.end];
        let (a0, a1, a2, a3) = (row(0), row(1), row(2), row(3));
        let mut acc = [[0.0f64; NR]; MR];
        for (r, acc_row) in acc.iter_mut().enumerate() {
            acc_row.copy_from_slice(&c[r * n + j..r * n + j + NR]);
        }
        for ((((b4, x0), x1), x2), x3) in b_block.chunks_exact(NR).zip(a0).zip(a1).zip(a2).zip(a3) {
            let x = [*x0, *x1, *x2, *x3];
            for r in 0..MR {
                for col in 0..NR {
                    acc[r][col] += x[r] * b4[col];
                }
            }
        }
        for (r, acc_row) in acc.iter().enumerate() {
            c[r * n + j..r * n + j + NR].copy_from_slice(acc_row);
        }
    }

    /// The blocked product of `rows`, split across the item's inner threads.
    fn blocked_inner(&self, rows: Range<usize>, c: &mut [f64]) {
        let n = self.n;
        if self.inner == 1 || rows.len() < 2 {
            return self.blocked(rows, c);
        }
        let per_thread = rows.len().div_ceil(self.inner);
        thread::scope(|scope| {
            for (t, c_part) in c.chunks_mut(per_thread * n).enumerate() {
                let start = rows.start + t * per_thread;
                let part = start..(start + per_thread).min(rows.end);
                scope.spawn(move || self.blocked(part, c_part));
            }
        });
    }
}

impl Workload for MatmulWork {
    fn items(&self) -> usize {
        self.n.div_ceil(ROWS_PER_ITEM)
    }

    /// Per item: the sum of its elements of C and their weighted sum (u^T C v over its rows).
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        let n = self.n;
        let mut c = vec![0.0; ROWS_PER_ITEM * n];
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let rows = self.rows(item);
            let c = &mut c[..rows.len() * n];
            c.fill(0.0);
            match self.algo {
                Algo::Naive => self.naive(rows.clone(), c, ctx),
                Algo::Blocked => ctx.native(|| self.blocked_inner(rows.clone(), c)),
            }
            let (mut sum, mut weighted) = (0.0, 0.0);
            for (i, c_row) in rows.zip(c.chunks_exact(n)) {
                let row_sum: f64 = c_row.iter().sum();
                let row_weighted: f64 = c_row.iter().enumerate().map(|(j, x)| x * weight(j)).sum();
                sum += row_sum;
                weighted += weight(i) * row_weighted;
            }
            part.floats.push(sum);
            part.floats.push(weighted);
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let (mut sum, mut weighted) = (0.0, 0.0);
        // Each partial: one (row sum, weighted row sum) pair per row of C.
        for row in parts.iter().flat_map(|p| p.floats.chunks_exact(2)) {
            let &[row_sum, row_weighted] = row else { continue };
            sum += row_sum;
            weighted += row_weighted;
        }
        Outcome::default()
            .with("n", Value::Int(self.n as u64))
            .with("gflop", Value::Float(2.0 * (self.n as f64).powi(3) * 1e-9))
            .with("checksum", Value::Float(sum))
            .with("weighted_checksum", Value::Float(weighted))
    }

    /// 1^T C 1 = (1^T A)(B 1) and u^T C v = (u^T A)(B v): two O(n^2) checks of the O(n^3) product.
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let n = self.n;
        let (mut expected_sum, mut expected_weighted) = (0.0, 0.0);
        for k in 0..n {
            let (mut col_a, mut col_a_u) = (0.0, 0.0);
            for i in 0..n {
                col_a += self.a[i * n + k];
                col_a_u += weight(i) * self.a[i * n + k];
            }
            let b_row = &self.b[k * n..(k + 1) * n];
            let row_b: f64 = b_row.iter().sum();
            let row_b_v: f64 = b_row.iter().enumerate().map(|(j, x)| x * weight(j)).sum();
            expected_sum += col_a * row_b;
            expected_weighted += col_a_u * row_b_v;
        }
        for (name, expected) in [("checksum", expected_sum), ("weighted_checksum", expected_weighted)] {
            let got = outcome.need_scalar(name)?;
            if (got - expected).abs() > 1e-9 * expected.abs() {
                return Err(VerifyError::Wrong(format!("{name} {got} differs from {expected}, computed from A and B")));
            }
        }
        Ok(())
    }
}
