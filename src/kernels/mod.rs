//! The kernels: the work parlab parallelises, and the registry that names them.
//!
//! A [`Kernel`] turns a serialisable [`KernelSpec`] into a [`Workload`]: a list of
//! independent items. A backend runs ranges of items into [`Partial`]s, which the
//! workload combines, in item order, into an [`Outcome`]. Every item draws from its own
//! random stream keyed by (seed, item), so the outcome does not depend on who ran
//! which item.

mod amdahl;
mod bigresult;
mod colmeans;
mod counter;
mod integral;
mod io;
mod matmul;
mod native;
mod pi;
mod skewed;
mod square;
mod walk;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use serde::{Deserialize, Serialize};

mod ctx;
pub use ctx::{GlobalLock, ItemCtx};

/// Every kernel parlab knows, in the order `parlab kernels` lists them.
/// Adding a kernel is one file in this folder plus one line here.
pub fn registry() -> &'static [&'static dyn Kernel] {
    &[
        &pi::Pi,
        &integral::Integral,
        &walk::Walk,
        &amdahl::Amdahl,
        &io::Io,
        &native::Native,
        &counter::Counter,
        &matmul::Matmul,
        &skewed::Skewed,
        &colmeans::Colmeans,
        &square::Square,
        &bigresult::BigResult,
    ]
}

/// Looks a kernel up by its id.
pub fn find(id: &str) -> Option<&'static dyn Kernel> {
    registry().iter().copied().find(|k| k.id() == id)
}

/// The ids of all kernels, for error messages.
pub fn ids() -> Vec<&'static str> {
    registry().iter().map(|k| k.id()).collect()
}

/// What to compute: which kernel, how much work, which seed and kernel parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelSpec {
    /// Kernel id, as listed by `parlab kernels` (e.g. `pi`).
    pub kernel: String,
    /// Amount of work in the kernel's own unit (darts, trapezoids, walkers, ...).
    pub size: u64,
    /// Seed of every random stream; item `i` uses the stream keyed by (seed, i).
    pub seed: u64,
    /// Kernel and backend parameters given as `--param key=value`.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

impl KernelSpec {
    /// A spec with the kernel's default size, seed 42 and no parameters.
    pub fn new(kernel: &str) -> Result<Self, KernelError> {
        let k = find(kernel).ok_or_else(|| KernelError::Unknown(kernel.to_string()))?;
        Ok(Self { kernel: kernel.to_string(), size: k.default_size(), seed: 42, params: BTreeMap::new() })
    }

    /// Builds the workload this spec describes.
    pub fn build(&self) -> Result<Box<dyn Workload>, KernelError> {
        let kernel = find(&self.kernel).ok_or_else(|| KernelError::Unknown(self.kernel.clone()))?;
        if self.size == 0 {
            return Err(KernelError::BadSize { kernel: self.kernel.clone(), why: "size must be at least 1".into() });
        }
        kernel.build(self)
    }

    /// A parameter parsed as `T`, or `default` when it is not given.
    pub fn param<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, KernelError> {
        match self.params.get(key) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| KernelError::BadParam {
                key: key.to_string(),
                value: text.clone(),
                why: format!(
                    "cannot be read as {}",
                    std::any::type_name::<T>().rsplit("::").next().unwrap_or("a value")
                ),
            }),
        }
    }
}

/// A parameter a kernel (or backend) understands, for `--param` validation and help.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// The key, as in `--param key=value`.
    pub key: &'static str,
    /// The default, as text.
    pub default: &'static str,
    /// One sentence on what it changes.
    pub help: &'static str,
}

/// One kind of work: knows its default size and builds workloads.
pub trait Kernel: Sync {
    /// Short id used on the command line and in lesson files.
    fn id(&self) -> &'static str;
    /// One teaching sentence: what this kernel shows.
    fn about(&self) -> &'static str;
    /// What `size` counts, e.g. "darts".
    fn size_unit(&self) -> &'static str;
    /// A size that takes about 1-3 s sequentially on one laptop core.
    fn default_size(&self) -> u64;
    /// A size that runs in a few milliseconds, for tests and smoke runs.
    fn small_size(&self) -> u64;
    /// The parameters this kernel understands.
    fn params(&self) -> &'static [ParamInfo] {
        &[]
    }
    /// Bytes of memory a run of this size needs at most (used to refuse impossible sizes).
    fn memory_bytes(&self, _spec: &KernelSpec) -> u64 {
        0
    }
    /// Builds the workload, checking the spec's size and parameters.
    fn build(&self, spec: &KernelSpec) -> Result<Box<dyn Workload>, KernelError>;
    /// Checks the spec's parameters without any effect outside memory (no file is
    /// written): what `lessons check` asks. By default, builds the workload and drops it.
    fn check(&self, spec: &KernelSpec) -> Result<(), KernelError> {
        self.build(spec).map(|_| ())
    }
}

/// The independent items of one kernel run.
pub trait Workload: Send + Sync {
    /// Number of independent items.
    fn items(&self) -> usize;
    /// Work that cannot be split, done once by one worker before the items
    /// (Amdahl's serial fraction). Most kernels have none.
    fn serial_part(&self, _ctx: &ItemCtx) -> Option<Partial> {
        None
    }
    /// Runs items `range` (a sub-range of `0..items()`) and returns their partial result.
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial;
    /// Combines the partials (sorted by first item, covering every item exactly once,
    /// the serial part's partial first if there is one) into the outcome.
    fn combine(&self, parts: Vec<Partial>) -> Outcome;
    /// Checks the outcome against what is known to be true (e.g. pi within 5 standard errors).
    fn verify(&self, outcome: &Outcome) -> Result<(), String>;
    /// Checks an outcome against the sequential reference. Equality unless the kernel
    /// is meant to differ (a race condition), where it checks its invariant instead.
    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), String> {
        if outcome == reference {
            Ok(())
        } else {
            Err(format!("outcome {outcome} differs from the sequential {reference}"))
        }
    }
}

/// What a range of items produced: plain numbers, so that it can cross a pipe or an MPI
/// message. The meaning of each number belongs to the kernel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partial {
    /// First item of the range this partial covers.
    pub first_item: u64,
    /// Number of items it covers (0 for the serial part).
    pub item_count: u64,
    /// Integer results.
    pub ints: Vec<u64>,
    /// Floating-point results.
    pub floats: Vec<f64>,
}

impl Partial {
    /// An empty partial for `range`.
    pub fn for_range(range: &Range<usize>) -> Self {
        Self { first_item: range.start as u64, item_count: range.len() as u64, ..Self::default() }
    }

    /// Bytes this partial occupies in parlab's wire encoding.
    pub fn wire_bytes(&self) -> usize {
        8 * (4 + self.ints.len() + self.floats.len())
    }
}

/// One named value of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A count.
    Int(u64),
    /// A measured or estimated quantity.
    Float(f64),
    /// A list of counts, e.g. a histogram.
    Ints(Vec<u64>),
    /// A list of quantities.
    Floats(Vec<f64>),
}

impl Value {
    /// The value as a number, if it is a scalar.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// The combined result of a run: named values, compared exactly between backends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Outcome {
    /// Values by name, in a stable order.
    pub values: BTreeMap<String, Value>,
}

impl Outcome {
    /// Adds a value.
    pub fn with(mut self, name: &str, value: Value) -> Self {
        self.values.insert(name.to_string(), value);
        self
    }

    /// A scalar value by name.
    pub fn scalar(&self, name: &str) -> Option<f64> {
        self.values.get(name).and_then(Value::as_f64)
    }
}

impl fmt::Display for Outcome {
    /// Scalars only, e.g. `estimate=3.14159 inside=785398`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (name, value) in &self.values {
            let text = match value {
                Value::Int(i) => i.to_string(),
                Value::Float(x) => format!("{x}"),
                Value::Ints(v) => format!("[{} counts]", v.len()),
                Value::Floats(v) => format!("[{} values]", v.len()),
            };
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{name}={text}")?;
        }
        Ok(())
    }
}

/// Why a spec could not become a workload.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KernelError {
    /// No kernel has this id.
    #[error("unknown kernel '{0}'")]
    Unknown(String),
    /// The size is out of range for this kernel.
    #[error("size is not valid for kernel '{kernel}': {why}")]
    BadSize { kernel: String, why: String },
    /// A parameter value is out of range or unreadable.
    #[error("--param {key}={value}: {why}")]
    BadParam { key: String, value: String, why: String },
}

/// The random stream of one item: the same for (seed, item) on every backend.
pub fn item_rng(seed: u64, item: u64) -> SmallRng {
    SmallRng::seed_from_u64(splitmix64(seed ^ splitmix64(item.wrapping_add(0x9E37_79B9_7F4A_7C15))))
}

/// SplitMix64: mixes a key into well-spread bits, so neighbouring items get unrelated streams.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Splits `total` units of work into `items` nearly equal items: the count of item `i`.
pub fn item_share(total: u64, items: u64, item: u64) -> u64 {
    total / items + u64::from(item < total % items)
}

/// Number of items for `total` units when each item should hold about `per_item` units,
/// at least 1 and at most `max_items`.
pub fn item_count(total: u64, per_item: u64, max_items: u64) -> usize {
    total.div_ceil(per_item).clamp(1, max_items) as usize
}
