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
use rand_xoshiro::Xoshiro256PlusPlus;
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
    pub fn param<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, ParamError> {
        match self.params.get(key) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| {
                ParamError::new(
                    key,
                    text,
                    format!(
                        "cannot be read as {}",
                        std::any::type_name::<T>().rsplit("::").next().unwrap_or("a value")
                    ),
                )
            }),
        }
    }

    /// A parameter that names one of `choices` (name, value), or `default` when it is
    /// not given. Any other name is an error listing the valid ones.
    pub fn choice<T: Copy>(&self, key: &str, choices: &[(&str, T)], default: T) -> Result<T, ParamError> {
        let Some(text) = self.params.get(key) else { return Ok(default) };
        choices.iter().find(|(name, _)| name == text).map(|&(_, value)| value).ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            let list = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                _ => names.join(""),
            };
            ParamError::new(key, text, format!("use {list}"))
        })
    }
}

/// A `--param key=value` whose value a kernel or a backend cannot use.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("--param {key}={value}: {why}")]
pub struct ParamError {
    /// The parameter, as in `--param key=value`.
    pub key: String,
    /// The value given.
    pub value: String,
    /// What is wrong with it and what would be right.
    pub why: String,
}

impl ParamError {
    /// The error for `key=value`, saying `why`.
    pub fn new(key: &str, value: impl ToString, why: impl Into<String>) -> Self {
        Self { key: key.to_string(), value: value.to_string(), why: why.into() }
    }
}

impl From<ParamError> for KernelError {
    fn from(e: ParamError) -> Self {
        KernelError::BadParam(e)
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

/// What a kernel is, as `parlab kernels` and the lessons show it: one `const INFO` per kernel.
#[derive(Debug, Clone, Copy)]
pub struct KernelInfo {
    /// Short id used on the command line and in lesson files.
    pub id: &'static str,
    /// One teaching sentence: what this kernel shows.
    pub about: &'static str,
    /// What `size` counts, e.g. "darts".
    pub size_unit: &'static str,
    /// A size that takes about 1-3 s sequentially on one laptop core.
    pub default_size: u64,
    /// A size that runs in a few milliseconds, for tests and smoke runs.
    pub small_size: u64,
    /// The parameters this kernel understands.
    pub params: &'static [ParamInfo],
}

/// One kind of work: knows its default size and builds workloads.
///
/// Two numbers describe the amount of work, and they are not the same thing:
/// - `size` ([`KernelSpec::size`]) is the work in the learner's unit
///   ([`KernelInfo::size_unit`]): darts thrown, trapezoids summed, matrix rows, numbers
///   squared. It is what `--size` sets and what the tables show.
/// - `items` ([`Workload::items`]) is how many independent blocks the kernel cuts that
///   work into: the unit of scheduling. Backends hand out ranges of items, never parts
///   of one; an item of `pi` holds about a million darts, so a billion darts is about a
///   thousand items. The kernel chooses the cut so that an item takes long enough to
///   dwarf the cost of handing it out and there are enough of them to balance.
pub trait Kernel: Sync {
    /// What this kernel is: its `const INFO`.
    fn info(&self) -> &'static KernelInfo;
    /// Short id used on the command line and in lesson files.
    fn id(&self) -> &'static str {
        self.info().id
    }
    /// One teaching sentence: what this kernel shows.
    fn about(&self) -> &'static str {
        self.info().about
    }
    /// What `size` counts, e.g. "darts".
    fn size_unit(&self) -> &'static str {
        self.info().size_unit
    }
    /// A size that takes about 1-3 s sequentially on one laptop core.
    fn default_size(&self) -> u64 {
        self.info().default_size
    }
    /// A size that runs in a few milliseconds, for tests and smoke runs.
    fn small_size(&self) -> u64 {
        self.info().small_size
    }
    /// The parameters this kernel understands.
    fn params(&self) -> &'static [ParamInfo] {
        self.info().params
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
    /// Number of independent items: the blocks the work is cut into, not the size
    /// (see [`Kernel`]).
    fn items(&self) -> usize;
    /// Work that cannot be split, done once by one worker before the items
    /// (Amdahl's serial fraction). Most kernels have none.
    fn serial_part(&self, _ctx: &ItemCtx) -> Option<Partial> {
        None
    }
    /// The I/O wait item `item` starts with, if the kernel simulates one (io: the network
    /// reply), waited in `run_range` through [`ItemCtx::wait`]. An event loop (the
    /// `asyncio` backend) awaits it as a deadline, overlapping many items' waits on one
    /// thread, and then runs the item with [`ItemCtx::awaited`].
    fn item_wait(&self, _item: usize) -> Option<std::time::Duration> {
        None
    }
    /// Runs items `range` (a sub-range of `0..items()`) and returns their partial result.
    fn run_range(&self, range: Range<usize>, ctx: &ItemCtx) -> Partial;
    /// Combines the partials (sorted by first item, covering every item exactly once,
    /// the serial part's partial first if there is one) into the outcome.
    fn combine(&self, parts: Vec<Partial>) -> Outcome;
    /// Checks the outcome against what is known to be true (e.g. pi within 5 standard errors).
    fn verify(&self, outcome: &Outcome) -> Result<(), VerifyError>;
    /// Checks an outcome against the sequential reference. Equality unless the kernel
    /// is meant to differ (a race condition), where it checks its invariant instead.
    fn agrees(&self, outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        VerifyError::equal(outcome, reference)
    }
}

/// Why an outcome was not accepted. Which kernel, backend and worker count it came from
/// is added by whoever ran it (the measurement runner).
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum VerifyError {
    /// A value the kernel always produces is missing (or has the wrong kind).
    #[error("the outcome has no value '{0}'")]
    Missing(String),
    /// The outcome contradicts what is known to be true; says how.
    #[error("{0}")]
    Wrong(String),
    /// The outcome is not the sequential reference's.
    #[error("outcome {outcome} differs from the sequential {reference}")]
    Differs {
        /// The outcome, as text.
        outcome: String,
        /// The sequential reference, as text.
        reference: String,
    },
}

impl VerifyError {
    /// `Ok` when `outcome` equals `reference`, else [`VerifyError::Differs`].
    pub fn equal(outcome: &Outcome, reference: &Outcome) -> Result<(), VerifyError> {
        if outcome == reference {
            Ok(())
        } else {
            Err(VerifyError::Differs { outcome: outcome.to_string(), reference: reference.to_string() })
        }
    }
}

/// What a range of items produced: plain numbers, so that it can cross a pipe or an MPI
/// message. The meaning of each number belongs to the kernel, which names them where
/// it writes and reads them: fixed slots through [`Partial::with_ints`] and
/// [`Partial::int_slots`] (`let [inside] = part.int_slots();`), repeated records (one
/// per item or row) described in the kernel's `run_range`.
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

    /// A partial for `range` holding the counts `ints`, in the kernel's slot order.
    pub fn with_ints<const N: usize>(range: &Range<usize>, ints: [u64; N]) -> Self {
        Self { ints: ints.to_vec(), ..Self::for_range(range) }
    }

    /// The first `N` counts, to be named by the reader: `let [made, lost] = part.int_slots();`.
    /// A slot the partial lacks reads as 0 (the outcome then fails verification).
    pub fn int_slots<const N: usize>(&self) -> [u64; N] {
        std::array::from_fn(|i| self.ints.get(i).copied().unwrap_or(0))
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

    /// A scalar value by name, or [`VerifyError::Missing`].
    pub fn need_scalar(&self, name: &str) -> Result<f64, VerifyError> {
        self.scalar(name).ok_or_else(|| VerifyError::Missing(name.to_string()))
    }

    /// A count by name, or [`VerifyError::Missing`].
    pub fn need_int(&self, name: &str) -> Result<u64, VerifyError> {
        match self.values.get(name) {
            Some(Value::Int(v)) => Ok(*v),
            _ => Err(VerifyError::Missing(name.to_string())),
        }
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
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum KernelError {
    /// No kernel has this id.
    #[error("unknown kernel '{0}'")]
    Unknown(String),
    /// The size is out of range for this kernel.
    #[error("size is not valid for kernel '{kernel}': {why}")]
    BadSize { kernel: String, why: String },
    /// A parameter value is out of range or unreadable.
    #[error(transparent)]
    BadParam(ParamError),
}

/// The random stream of one item: the same for (seed, item) on every backend, every
/// platform and every version. The generator is named, xoshiro256++ (Blackman and
/// Vigna), its state filled by SplitMix64 from a key mixing seed and item; rand's
/// `SmallRng` would be the same today, but its algorithm may change between versions.
pub fn item_rng(seed: u64, item: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(seed ^ splitmix64(item.wrapping_add(0x9E37_79B9_7F4A_7C15))))
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

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

    use super::splitmix64;

    /// The reference outputs of xoshiro256++ (prng.di.unimi.it/xoshiro256plusplus.c)
    /// from the state [1, 2, 3, 4].
    #[test]
    fn xoshiro256plusplus_matches_the_reference() {
        let mut seed = [0u8; 32];
        for (i, word) in seed.chunks_exact_mut(8).enumerate() {
            word.copy_from_slice(&(i as u64 + 1).to_le_bytes());
        }
        let mut rng = Xoshiro256PlusPlus::from_seed(seed);
        let expected: [u64; 10] = [
            41943041,
            58720359,
            3588806011781223,
            3591011842654386,
            9228616714210784205,
            9973669472204895162,
            14011001112246962877,
            12406186145184390807,
            15849039046786891736,
            10450023813501588000,
        ];
        for value in expected {
            assert_eq!(rng.next_u64(), value);
        }
    }

    /// The reference outputs of SplitMix64 (prng.di.unimi.it/splitmix64.c) from 1234567;
    /// [`splitmix64`] is one step of it.
    #[test]
    fn splitmix64_matches_the_reference() {
        let expected: [u64; 5] =
            [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        let mut rng = SplitMix64::seed_from_u64(1234567);
        let mut state = 1234567u64;
        for value in expected {
            assert_eq!(rng.next_u64(), value);
            assert_eq!(splitmix64(state), value);
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
    }
}
