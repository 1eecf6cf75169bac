//! `colmeans`: the mean of every column of a tall matrix (`size` rows of `cols` f64),
//! streamed in chunks of rows so that memory stays bounded whatever the matrix size:
//! load a chunk, add its columns into running sums, drop it, take the next one.
//!
//! The rows come from a cheap deterministic generator (default), or from a file: with
//! `--param file=PATH` the matrix is written to PATH once (or reused when PATH already
//! holds it) and every run reads it back chunk by chunk, like an array on disk too big
//! for memory. `--param in_memory=true` instead holds the whole matrix in memory and
//! sums it in place: the fastest case, and the reference the streamed means must equal.
//!
//! Chunk buffers come from a pool of at most `SLOTS` buffers of budget / SLOTS bytes, so
//! the chunks alive at once never exceed the budget, however many workers there are
//! (extra workers wait for a free buffer). Each run records the pool's high-water mark
//! and, on Linux, the process's peak resident memory (VmHWM, reset before the run).
//! Under a process backend every worker process has its own pool, so the budget holds
//! per process, and the figures describe the process that combined the results.
//! Adding up columns is one addition per 8 bytes read: when the rows come from memory
//! (in_memory, or a file in the page cache) memory bandwidth, not the cores, sets the
//! speed. Generated chunks are written and read back inside the caches instead.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use super::{
    ItemCtx, Kernel, KernelError, KernelInfo, KernelSpec, Outcome, ParamError, ParamInfo, Partial, Value, VerifyError,
    Workload, splitmix64,
};

/// Chunk buffers in the pool: the most chunks in flight at once.
const SLOTS: u64 = 8;
/// First bytes of a matrix file, then version, rows, cols, seed (little-endian u64 each).
const MAGIC: &[u8; 8] = b"PARLABCM";
const HEADER_BYTES: u64 = 40;

pub struct Colmeans;

const PARAMS: &[ParamInfo] = &[
    ParamInfo { key: "cols", default: "64", help: "columns of the matrix (each row is cols x 8 bytes)" },
    ParamInfo {
        key: "budget_mb",
        default: "64",
        help: "MiB that chunk buffers may hold at once; chunks are budget / 8 bytes each",
    },
    ParamInfo {
        key: "file",
        default: "",
        help: "stream the matrix from this file, writing it there first (size x cols x 8 bytes) unless it already holds this matrix",
    },
    ParamInfo {
        key: "in_memory",
        default: "false",
        help: "true: hold the whole matrix in memory and sum it in place (no chunks, memory grows with size)",
    },
];

const INFO: KernelInfo = KernelInfo {
    id: "colmeans",
    about: "Column means of a matrix streamed in chunks: memory stays within a budget whatever the size, and memory bandwidth, not cores, limits the speed.",
    size_unit: "rows",
    default_size: 32_000_000,
    small_size: 3_000,
    params: PARAMS,
};

impl Kernel for Colmeans {
    fn info(&self) -> &'static KernelInfo {
        &INFO
    }
    fn memory_bytes(&self, spec: &KernelSpec) -> u64 {
        let cols: u64 = spec.param("cols", 64).unwrap_or(64);
        let budget = spec.param("budget_mb", 64u64).unwrap_or(64) << 20;
        if spec.param("in_memory", false).unwrap_or(false) {
            spec.size.saturating_mul(cols).saturating_mul(8)
        } else {
            budget
        }
    }
    fn check(&self, spec: &KernelSpec) -> Result<(), KernelError> {
        // Reads the parameters only: checking a course must never write the matrix file.
        settings(spec).map(|_| ())
    }
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError> {
        let Settings { rows, cols, budget, chunk_rows, in_memory, file } = settings(spec)?;
        let items = rows.div_ceil(chunk_rows as u64) as usize;
        let generator = Generator::new(spec.seed, cols);
        let source = if in_memory {
            let mut matrix = vec![0.0; rows as usize * cols];
            for (row, values) in matrix.chunks_exact_mut(cols).enumerate() {
                generator.fill_row(row as u64, values);
            }
            Source::Memory(matrix)
        } else if file.is_empty() {
            Source::Generated
        } else {
            let path = PathBuf::from(&file);
            let header = header(rows, cols as u64, spec.seed);
            let opened = ensure_file(&path, &header, &generator, rows).map_err(|e| {
                KernelError::BadParam(ParamError {
                    key: "file".into(),
                    value: file.clone(),
                    why: format!("cannot write or read it: {e}"),
                })
            })?;
            Source::File(opened)
        };
        Ok(Box::new(ColmeansWork {
            rows,
            cols,
            chunk_rows,
            items,
            budget,
            generator,
            source,
            pool: Pool::new(chunk_rows * cols * 8),
            rss_start: AtomicU64::new(0),
        }))
    }
}

/// The parameters of one run, read and checked.
struct Settings {
    rows: u64,
    cols: usize,
    budget: u64,
    chunk_rows: usize,
    in_memory: bool,
    file: String,
}

fn settings(spec: &KernelSpec) -> Result<Settings, KernelError> {
    let bad = |key: &str, value: String, why: &str| {
        KernelError::BadParam(ParamError { key: key.into(), value, why: why.into() })
    };
    let cols: usize = spec.param("cols", 64)?;
    if cols == 0 || cols > 1 << 16 {
        return Err(bad("cols", cols.to_string(), "must be between 1 and 65536"));
    }
    let budget_mb: f64 = spec.param("budget_mb", 64.0)?;
    let budget = (budget_mb * (1u64 << 20) as f64) as u64;
    let row_bytes = cols as u64 * 8;
    if budget / SLOTS < row_bytes {
        return Err(bad("budget_mb", budget_mb.to_string(), "too small: every chunk buffer must hold one row"));
    }
    let in_memory: bool = spec.param("in_memory", false)?;
    let file: String = spec.param("file", String::new())?;
    if in_memory && !file.is_empty() {
        return Err(bad("in_memory", "true".into(), "cannot be combined with file=PATH"));
    }
    let rows = spec.size;
    let chunk_rows = (budget / SLOTS / row_bytes).min(rows).max(1) as usize;
    Ok(Settings { rows, cols, budget, chunk_rows, in_memory, file })
}

/// Where rows come from.
enum Source {
    /// Made chunk by chunk by the generator.
    Generated,
    /// Read chunk by chunk from a file written by [`ensure_file`].
    File(File),
    /// The whole matrix, row-major.
    Memory(Vec<f64>),
}

/// The matrix's values: a Weyl sequence per row, x[r][c] = frac(t_r + s_c), in [0, 1).
/// Cheap enough (an add and a compare per value) that loading a chunk costs little more
/// than writing it, and every value depends only on (seed, row, column).
struct Generator {
    steps: Vec<f64>,
    seed: u64,
}

impl Generator {
    fn new(seed: u64, cols: usize) -> Self {
        let steps =
            (0..cols as u64).map(|c| unit(splitmix64(seed ^ (c + 1).wrapping_mul(0xA24B_AED4_963E_E407)))).collect();
        Self { steps, seed }
    }

    fn fill_row(&self, row: u64, values: &mut [f64]) {
        let start = unit(splitmix64(self.seed.wrapping_add(row)));
        for (value, step) in values.iter_mut().zip(&self.steps) {
            let x = start + step;
            *value = if x >= 1.0 { x - 1.0 } else { x };
        }
    }
}

/// 53 random bits as a number in [0, 1).
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

fn header(rows: u64, cols: u64, seed: u64) -> Vec<u8> {
    let mut header = MAGIC.to_vec();
    for word in [1, rows, cols, seed] {
        header.extend_from_slice(&word.to_le_bytes());
    }
    header
}

/// Opens `path` if it already holds this matrix; otherwise writes it there, streaming
/// row by row so that writing needs no more memory than reading.
fn ensure_file(path: &Path, header: &[u8], generator: &Generator, rows: u64) -> std::io::Result<File> {
    let cols = generator.steps.len();
    let expected_len = HEADER_BYTES + rows * cols as u64 * 8;
    if let Ok(mut file) = File::open(path) {
        let mut found = vec![0u8; header.len()];
        let read = file.read_exact(&mut found).is_ok();
        if read && found == header && file.metadata()?.len() == expected_len {
            return Ok(file);
        }
        // Never overwrite a file parlab did not write.
        let empty = file.metadata()?.len() == 0;
        let ours = read && found.starts_with(MAGIC);
        if !(empty || ours) {
            return Err(std::io::Error::other("it exists and is not a parlab matrix file; give a new path"));
        }
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(header)?;
    let mut values = vec![0.0; cols];
    let mut bytes = Vec::with_capacity(cols * 8);
    for row in 0..rows {
        generator.fill_row(row, &mut values);
        bytes.clear();
        bytes.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        out.write_all(&bytes)?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    File::open(path)
}

/// Reads `buf.len()` bytes at `offset` without moving a shared file position, so that
/// workers can read different chunks of one open file at the same time.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], offset + done as u64)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

/// At most SLOTS chunk buffers, handed out and taken back. Buffers are kept between
/// runs (at most the budget), so that every run reuses the same memory; the pool counts
/// the bytes handed out at once and their high-water mark.
struct Pool {
    chunk_bytes: usize,
    state: Mutex<PoolState>,
    returned: Condvar,
    peak_bytes: AtomicU64,
}

struct PoolState {
    free: Vec<Vec<u8>>,
    allocated: u64,
    in_use: u64,
}

impl Pool {
    fn new(chunk_bytes: usize) -> Self {
        Self {
            chunk_bytes,
            state: Mutex::new(PoolState { free: Vec::new(), allocated: 0, in_use: 0 }),
            returned: Condvar::new(),
            peak_bytes: AtomicU64::new(0),
        }
    }

    /// A buffer of chunk_bytes; waits while all SLOTS are in use.
    fn take(&self) -> Vec<u8> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let buffer = loop {
            if let Some(buffer) = state.free.pop() {
                break buffer;
            }
            if state.allocated < SLOTS {
                state.allocated += 1;
                break vec![0u8; self.chunk_bytes];
            }
            state = self.returned.wait(state).unwrap_or_else(PoisonError::into_inner);
        };
        state.in_use += 1;
        self.peak_bytes.fetch_max(state.in_use * self.chunk_bytes as u64, Ordering::Relaxed);
        buffer
    }

    fn give(&self, buffer: Vec<u8>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.free.push(buffer);
        state.in_use -= 1;
        drop(state);
        self.returned.notify_one();
    }

    /// The most bytes handed out at once since the last call.
    fn take_peak(&self) -> u64 {
        self.peak_bytes.swap(0, Ordering::Relaxed)
    }
}

struct ColmeansWork {
    rows: u64,
    cols: usize,
    chunk_rows: usize,
    items: usize,
    budget: u64,
    generator: Generator,
    source: Source,
    pool: Pool,
    /// Resident bytes when the current run started.
    rss_start: AtomicU64,
}

/// Adds every row of `bytes` (row-major little-endian f64) into `sums`. Four rows at
/// a time: one update of each running sum per four values read, so that reading, not
/// updating the sums, sets the pace.
fn add_rows(bytes: &[u8], sums: &mut [f64]) {
    let row_bytes = sums.len() * 8;
    let value = |b: &[u8]| f64::from_le_bytes(b.try_into().unwrap_or_default());
    let mut fours = bytes.chunks_exact(4 * row_bytes);
    for four in fours.by_ref() {
        let (r0, rest) = four.split_at(row_bytes);
        let (r1, rest) = rest.split_at(row_bytes);
        let (r2, r3) = rest.split_at(row_bytes);
        let columns = r0.chunks_exact(8).zip(r1.chunks_exact(8)).zip(r2.chunks_exact(8)).zip(r3.chunks_exact(8));
        for (sum, (((a, b), c), d)) in sums.iter_mut().zip(columns) {
            *sum += (value(a) + value(b)) + (value(c) + value(d));
        }
    }
    for row in fours.remainder().chunks_exact(row_bytes) {
        for (sum, a) in sums.iter_mut().zip(row.chunks_exact(8)) {
            *sum += value(a);
        }
    }
}

/// [`add_rows`] for rows already in memory as f64, adding in the same order.
fn add_rows_f64(values: &[f64], sums: &mut [f64]) {
    let cols = sums.len();
    let mut fours = values.chunks_exact(4 * cols);
    for four in fours.by_ref() {
        let (r0, rest) = four.split_at(cols);
        let (r1, rest) = rest.split_at(cols);
        let (r2, r3) = rest.split_at(cols);
        for (sum, (((a, b), c), d)) in sums.iter_mut().zip(r0.iter().zip(r1).zip(r2).zip(r3)) {
            *sum += (a + b) + (c + d);
        }
    }
    for row in fours.remainder().chunks_exact(cols) {
        for (sum, a) in sums.iter_mut().zip(row) {
            *sum += a;
        }
    }
}

impl ColmeansWork {
    fn chunk(&self, item: usize) -> Range<u64> {
        let start = item as u64 * self.chunk_rows as u64;
        start..(start + self.chunk_rows as u64).min(self.rows)
    }

    /// Column sums of one chunk, loaded into a pooled buffer.
    fn chunk_sums(&self, rows: Range<u64>, sums: &mut [f64]) -> Result<(), String> {
        let cols = self.cols;
        if let Source::Memory(matrix) = &self.source {
            add_rows_f64(&matrix[rows.start as usize * cols..rows.end as usize * cols], sums);
            return Ok(());
        }
        let mut buffer = self.pool.take();
        let bytes = &mut buffer[..(rows.end - rows.start) as usize * cols * 8];
        let loaded = match &self.source {
            Source::File(file) => read_at(file, bytes, HEADER_BYTES + rows.start * cols as u64 * 8)
                .map_err(|e| format!("reading rows {rows:?}: {e}")),
            _ => {
                let mut values = vec![0.0; cols];
                for (row, out) in rows.clone().zip(bytes.chunks_exact_mut(cols * 8)) {
                    self.generator.fill_row(row, &mut values);
                    for (dst, v) in out.chunks_exact_mut(8).zip(&values) {
                        dst.copy_from_slice(&v.to_le_bytes());
                    }
                }
                Ok(())
            }
        };
        if loaded.is_ok() {
            add_rows(bytes, sums);
        }
        self.pool.give(buffer);
        loaded
    }
}

impl Workload for ColmeansWork {
    fn items(&self) -> usize {
        self.items
    }

    fn serial_part(&self, _ctx: &ItemCtx) -> Option<Partial> {
        self.pool.take_peak();
        reset_peak_rss();
        self.rss_start.store(rss().map_or(0, |(now, _)| now), Ordering::Relaxed);
        None
    }

    /// Per item: its column sums (cols floats). A chunk that cannot be read gives NaN
    /// sums, which verification reports.
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial {
        let mut part = Partial::for_range(&range);
        for item in range {
            if ctx.cancelled() {
                break;
            }
            let mut sums = vec![0.0; self.cols];
            // Loading and summing a chunk is library code and I/O: the lock is released.
            if ctx.native(|| self.chunk_sums(self.chunk(item), &mut sums)).is_err() {
                sums.fill(f64::NAN);
            }
            part.floats.extend(sums);
        }
        part
    }

    fn combine(&self, parts: Vec<Partial>) -> Outcome {
        let mut sums = vec![0.0; self.cols];
        for chunk in parts.iter().flat_map(|p| p.floats.chunks_exact(self.cols)) {
            for (sum, value) in sums.iter_mut().zip(chunk) {
                *sum += value;
            }
        }
        let means: Vec<f64> = sums.iter().map(|s| s / self.rows as f64).collect();
        let buffers_peak = self.pool.take_peak();
        let mut outcome = Outcome::default()
            .with("rows", Value::Int(self.rows))
            .with("cols", Value::Int(self.cols as u64))
            .with("bytes", Value::Int(self.rows * self.cols as u64 * 8))
            .with("chunk_bytes", Value::Int((self.chunk_rows * self.cols * 8) as u64))
            .with("budget_bytes", Value::Int(self.budget))
            .with("mean_of_means", Value::Float(means.iter().sum::<f64>() / self.cols as f64))
            .with("means", Value::Floats(means))
            .with("buffers_peak_bytes", Value::Int(buffers_peak));
        if let Some((_, peak)) = rss() {
            let start = self.rss_start.load(Ordering::Relaxed);
            outcome = outcome.with("rss_start_bytes", Value::Int(start)).with("rss_peak_bytes", Value::Int(peak));
        }
        outcome
    }

    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError> {
        let Some(Value::Floats(means)) = outcome.values.get("means") else {
            return Err(VerifyError::Missing("means".into()));
        };
        // Every value is in [0, 1) and, over many rows, spread evenly.
        if let Some(bad) = means.iter().find(|m| !(0.0..1.0).contains(*m)) {
            return Err(VerifyError::Wrong(format!("a column mean is {bad}, outside [0, 1): a chunk was not read")));
        }
        if self.rows >= 10_000
            && let Some(bad) = means.iter().find(|m| (*m - 0.5).abs() > 0.01)
        {
            return Err(VerifyError::Wrong(format!("a column mean is {bad}, far from 0.5")));
        }
        let peak = outcome.scalar("buffers_peak_bytes").unwrap_or(0.0) as u64;
        if peak > self.budget {
            return Err(VerifyError::Wrong(format!(
                "chunk buffers held {peak} bytes at once, over the budget of {}",
                self.budget
            )));
        }
        Ok(())
    }

    /// The means must be identical; memory figures differ from run to run.
    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        let memory = |name: &String| name.starts_with("rss_") || name.starts_with("buffers_");
        let strip = |o: &Outcome| -> Vec<(String, Value)> {
            o.values.iter().filter(|(k, _)| !memory(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        if strip(outcome) == strip(reference) {
            Ok(())
        } else {
            Err(VerifyError::Differs { outcome: outcome.to_string(), reference: reference.to_string() })
        }
    }
}

/// Makes the kernel's peak resident memory count from now (Linux >= 4.0: writing 5 to
/// clear_refs resets VmHWM to the current resident size). Elsewhere, does nothing.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// (current, peak) resident bytes of this process, where /proc tells them.
fn rss() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
