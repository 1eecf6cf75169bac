//! `skewed`: the rows of a Mandelbrot image, one row per item. A row costs as many
//! iterations as its pixels need to escape, and pixels inside the set never do, so the
//! rows that cross the set cost hundreds of times more than those above it. The image is
//! the upper half of the set (y from 1.5 down to 0): the cheap rows come first and the
//! expensive ones last, so an equal split of rows is a very unequal split of work.

use std::ops::Range;

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload,
};

const X_MIN: f64 = -2.2;
const X_MAX: f64 = 0.8;
const Y_TOP: f64 = 1.5;
/// Pixels between two interpreter checkpoints.
const CHECK_EVERY: usize = 16;

pub struct Skewed;

const PARAMS: &[ParamInfo] =
    &[ParamInfo { key: "max_iter", default: "1000", help: "iterations after which a pixel counts as inside the set" }];

const INFO: KernelInfo = KernelInfo {
    id: "skewed",
    about: "Mandelbrot rows whose cost varies a hundredfold: equal blocks of rows leave workers idle, a shared queue or work stealing balances them.",
    size_unit: "image rows",
    default_size: 1600,
    small_size: 48,
    params: PARAMS,
};

impl Kernel for Skewed {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let max_iter: u32 = spec.param("max_iter", 1000)?;
        if max_iter == 0 {
            return Err(KernelError::BadParam(ParamError {
                key: "max_iter".into(),
                value: "0".into(),
                why: "must be at least 1".into(),
            }));
        }
        if spec.size > 1 << 16 {
            return Err(KernelError::BadSize { kernel: "skewed".into(), why: "at most 65536 rows".into() });
        }
        let rows = spec.size as usize;
        Ok(Box::new(SkewedWork { rows, columns: 2 * rows, max_iter }))
    }
}

struct SkewedWork {
    rows: usize,
    columns: usize,
    max_iter: u32,
}

/// Iterations z -> z^2 + c until |z| > 2, at most `max_iter`.
fn escape(cx: f64, cy: f64, max_iter: u32) -> u32 {
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let mut n = 0;
    while n < max_iter {
        let (xx, yy) = (x * x, y * y);
        if xx + yy > 4.0 {
            break;
        }
        y = 2.0 * x * y + cy;
        x = xx - yy + cx;
        n += 1;
    }
    n
}

impl SkewedWork {
    /// (iterations, pixels inside the set) of row `row`.
    fn row(&self, row: usize, ctx: &ItemCtx) -> (u64, u64) {
        let cy = Y_TOP * (1.0 - (row as f64 + 0.5) / self.rows as f64);
        let dx = (X_MAX - X_MIN) / self.columns as f64;
        let (mut iterations, mut inside) = (0u64, 0u64);
        for column in 0..self.columns {
            let n = escape(X_MIN + (column as f64 + 0.5) * dx, cy, self.max_iter);
            iterations += u64::from(n);
            inside += u64::from(n == self.max_iter);
            if column % CHECK_EVERY == 0 {
                ctx.checkpoint();
            }
        }
        (iterations, inside)
    }
}

impl Workload for SkewedWork {
    fn items(&self) -> usize {
        self.rows
    }

    /// One (iterations, inside) pair per row: the cost of every item travels with the
    /// result, so the imbalance of a schedule can be counted rather than timed.
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        for row in range {
            if ctx.cancelled() {
                break;
            }
            let (iterations, inside) = self.row(row, ctx);
            part.ints.push(iterations);
            part.ints.push(inside);
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        // Each partial: one (iterations, pixels inside) pair per row.
        let pairs: Vec<(u64, u64)> =
            parts.iter().flat_map(|p| p.ints.chunks_exact(2).map(|row| (row[0], row[1]))).collect();
        let iterations: u64 = pairs.iter().map(|p| p.0).sum();
        let inside: u64 = pairs.iter().map(|p| p.1).sum();
        let area = inside as f64 / (self.rows * self.columns) as f64 * (X_MAX - X_MIN) * Y_TOP;
        Outcome::default()
            .with("rows", Value::Int(self.rows as u64))
            .with("iterations", Value::Int(iterations))
            .with("inside", Value::Int(inside))
            .with("area_estimate", Value::Float(2.0 * area))
            .with("row_cost", Value::Ints(pairs.iter().map(|p| p.0).collect()))
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let pixels = (self.rows * self.columns) as f64;
        let iterations = outcome.need_scalar("iterations")?;
        if iterations < pixels || iterations > pixels * f64::from(self.max_iter) {
            return Err(VerifyError::Wrong(format!("{iterations} iterations for {pixels} pixels is impossible")));
        }
        // The set's area is about 1.506; pixel counting with few iterations or coarse
        // pixels over-estimates it, so only a loose check is possible.
        let area = outcome.need_scalar("area_estimate")?;
        if self.rows >= 200 && self.max_iter >= 200 && !(1.40..1.70).contains(&area) {
            return Err(VerifyError::Wrong(format!(
                "the estimated area of the Mandelbrot set is {area}, not about 1.5"
            )));
        }
        Ok(())
    }
}
