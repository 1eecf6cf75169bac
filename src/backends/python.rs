//! The `py-*` backends: the kernel's Python twin (`lessons/python/<kernel>/<variant>.py`)
//! run by the learner's own python3, beside parlab's emulations of the same tools.
//!
//! CPython is 20 to 100 times slower than compiled code, so a py-backend runs a smaller
//! size ([`python_size`]: the plan's size divided by a per-kernel ratio measured on the
//! development machine, so that a run takes about as long as the Rust one) and reports
//! the time the twin measured for its own work, scaled by throughput to the plan's size
//! (`ExecStats::equivalent_s`). Speedups and "vs seq" are then ratios of throughput
//! (items per second): "vs seq" says how far CPython is from compiled code. CPython
//! draws other random numbers than parlab, so an outcome cannot equal the reference's:
//! each is checked against the known truth instead (the kernel's own `verify` at the
//! size the twin ran: pi within 5 standard errors, the integral to its known value, the
//! square's checksum exactly, ...), and the results say so.
//!
//! Every run goes through the command machinery of `parlab run --cmd`
//! ([`super::command::run_once`]): its own process group, killed on cancel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

use super::command::{CommandSpec, run_once};
use super::python_twins::{twin, variants};
use super::{Backend, BackendError, BackendInfo, BackendKind, ExecStats, Execution, Job};
use crate::kernels::{KernelSpec, Outcome, ParamError, ParamInfo, Value};

/// The environment variable that names the python3 to use (default: `python3` on PATH).
pub const PYTHON_ENV: &str = "PARLAB_PYTHON";

/// What a py-backend needs beyond python3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// python3 alone.
    Python,
    /// The numba package.
    Numba,
    /// The mpi4py package and an MPI launcher.
    Mpi,
    /// A free-threaded CPython (python3.13t, python3.14t) on PATH.
    FreeThreaded,
}

/// One py-backend: a variant of the twins, run by a python3.
pub struct PyBackend {
    info: &'static BackendInfo,
    variant: &'static str,
    needs: Needs,
}

const PARAMS: &[ParamInfo] = &[ParamInfo {
    key: "py_size",
    default: "auto",
    help: "py-*: the size the Python twin runs (auto: the plan's size divided by how much slower CPython is here)",
}];

const PROCESS_PARAMS: &[ParamInfo] = &[
    PARAMS[0],
    ParamInfo {
        key: "chunksize",
        default: "1",
        help: "py-processes: Pool.map's chunksize, items sent to a process at a time",
    },
];

macro_rules! py_backend {
    ($name:ident, $id:literal, $variant:literal, $needs:expr, $params:expr, $about:literal, $mirrors:literal) => {
        pub const $name: PyBackend = PyBackend {
            info: &BackendInfo {
                id: $id,
                about: $about,
                mirrors: $mirrors,
                params: $params,
                kind: BackendKind::OneNode,
            },
            variant: $variant,
            needs: $needs,
        };
    };
}

py_backend!(
    PY_SEQ,
    "py-seq",
    "seq",
    Needs::Python,
    PARAMS,
    "The kernel's Python twin as one plain loop, run by your python3: how far CPython is from compiled code.",
    "a plain Python for loop (lessons/python/<kernel>/seq.py)"
);
py_backend!(
    PY_THREADS,
    "py-threads",
    "threads",
    Needs::Python,
    PARAMS,
    "The Python twin on a ThreadPoolExecutor, run by your python3: what its GIL really does to CPU-bound threads.",
    "concurrent.futures.ThreadPoolExecutor (lessons/python/<kernel>/threads.py)"
);
py_backend!(
    PY_THREADS_FT,
    "py-threads-ft",
    "threads",
    Needs::FreeThreaded,
    PARAMS,
    "The same ThreadPoolExecutor twin run by a free-threaded CPython (python3.13t or 3.14t): threads without a GIL.",
    "ThreadPoolExecutor on a free-threaded build (python3.13t)"
);
py_backend!(
    PY_PROCESSES,
    "py-processes",
    "processes",
    Needs::Python,
    PROCESS_PARAMS,
    "The Python twin on a multiprocessing Pool, run by your python3: an interpreter per process, start-up included.",
    "multiprocessing.Pool, ProcessPoolExecutor (lessons/python/<kernel>/processes.py)"
);
py_backend!(
    PY_ASYNCIO,
    "py-asyncio",
    "asyncio",
    Needs::Python,
    PARAMS,
    "The Python twin on asyncio, run by your python3: one thread, many waits in flight (workers: requests at once).",
    "asyncio.gather with a Semaphore (lessons/python/<kernel>/asyncio.py)"
);
py_backend!(
    PY_NUMBA,
    "py-numba",
    "numba",
    Needs::Numba,
    PARAMS,
    "The Python twin compiled by Numba (@njit, prange), run by your python3: compiled loops on threads, no GIL.",
    "numba.njit(parallel=True) with prange (lessons/python/<kernel>/numba.py)"
);
py_backend!(
    PY_MPI,
    "py-mpi",
    "mpi4py",
    Needs::Mpi,
    PARAMS,
    "The Python twin on mpi4py, started by mpirun with one python3 per rank: message passing between processes.",
    "mpi4py under mpirun -n W (lessons/python/<kernel>/mpi4py.py)"
);

/// What results tables and reports say under `py-*` points.
pub const TRUTH_NOTE: &str = "py-*: each Python twin ran a smaller size (under its row) and its own timing is scaled to the plan's size by throughput, so speedups and vs seq compare items per second. CPython draws other random numbers than parlab, so its results were checked against the known truth (pi within 5 standard errors, the integral to its exact value, ...), not against seq's.";

static ABSENT: AtomicBool = AtomicBool::new(false);

/// Makes every py-backend unavailable in this process, as on a machine without python3:
/// for tests that draw screens, which must not depend on what this machine has.
pub fn pretend_absent() {
    ABSENT.store(true, Ordering::Relaxed);
}

/// How much slower than parlab's compiled `seq` each kernel's twin runs, measured on the
/// development machine (2 vCPU AMD EPYC VM, `parlab run K --backends seq,py-seq,py-numba`
/// at the lessons' sizes): (kernel, CPython loop, Numba). A py-backend
/// divides the plan's size by this so that its run takes about as long as the Rust one.
const SLOWER: &[(&str, f64, f64)] = &[
    ("pi", 180.0, 18.0),
    ("integral", 120.0, 2.0),
    ("walk", 170.0, 45.0),
    ("square", 70.0, 70.0),
    ("bigresult", 1.6, 1.6),
    ("counter", 14.0, 14.0),
    ("skewed", 40.0, 40.0),
    ("io", 1.0, 1.0),
    ("colmeans", 3.0, 3.0),
];

/// The smallest size worth timing in Python, per kernel.
const FLOOR: &[(&str, u64)] = &[
    ("pi", 20_000),
    ("integral", 20_000),
    ("walk", 200),
    ("square", 2_000),
    ("bigresult", 4),
    ("counter", 20_000),
    ("skewed", 24),
    ("io", 1),
    ("colmeans", 20_000),
];

/// Kernel parameters the twins take, as `--flag`: (kernel, parlab's key, the twin's flag).
const FLAGS: &[(&str, &str, &str)] = &[
    ("walk", "steps", "--steps"),
    ("counter", "sync", "--sync"),
    ("skewed", "max_iter", "--max-iter"),
    ("io", "latency_ms", "--latency-ms"),
    ("bigresult", "side", "--side"),
    ("colmeans", "cols", "--cols"),
    ("colmeans", "budget_mb", "--budget-mb"),
];

/// How the work of `kernel` grows with its size (skewed: rows of 2 x rows pixels).
fn work(kernel: &str, size: u64) -> f64 {
    let size = size as f64;
    if kernel == "skewed" { size * size } else { size }
}

/// The size a twin runs for `spec` (`--param py_size=N`, else the plan's size divided by
/// how much slower the twin is, at least the kernel's floor and at most the plan's size).
pub fn python_size(spec: &KernelSpec, numba: bool) -> Result<u64, ParamError> {
    if let Some(text) = spec.params.get("py_size").filter(|t| t.as_str() != "auto") {
        let size: u64 =
            text.parse().map_err(|_| ParamError::new("py_size", text, "give a whole number of items, or auto"))?;
        if size == 0 {
            return Err(ParamError::new("py_size", text, "must be at least 1"));
        }
        return Ok(size);
    }
    let (cpython, compiled) = SLOWER.iter().find(|(k, ..)| *k == spec.kernel).map_or((50.0, 5.0), |(_, c, n)| (*c, *n));
    let ratio: f64 = if numba { compiled } else { cpython };
    let floor = FLOOR.iter().find(|(k, _)| *k == spec.kernel).map_or(1, |(_, f)| *f);
    // Scale the work, not the size: skewed's work grows with the square of its rows.
    let target = work(&spec.kernel, spec.size) / ratio;
    let size = if spec.kernel == "skewed" { target.sqrt() } else { target };
    Ok((size.round() as u64).max(floor).min(spec.size.max(1)))
}

impl PyBackend {
    fn interpreter(&self) -> Result<&'static Interpreter, String> {
        let found = found();
        match self.needs {
            Needs::FreeThreaded => found.free_threaded.as_ref().ok_or_else(|| {
                "no free-threaded CPython (python3.14t, python3.13t) on PATH; install one, e.g. `uv python install 3.13t`"
                    .to_string()
            }),
            _ => found.python.as_ref().map_err(Clone::clone),
        }
    }

    /// Whether this backend can run here (and, given a kernel, has a twin for it);
    /// otherwise the one line that says what to install.
    pub fn check(&self, kernel: Option<&str>) -> Result<(), String> {
        if ABSENT.load(Ordering::Relaxed) {
            return Err("python3 is treated as absent in this process".into());
        }
        let python = self.interpreter()?;
        match self.needs {
            Needs::Numba if !python.has("numba") => {
                return Err(format!(
                    "numba is not installed for {}; install it with `pip install numba`",
                    python.shown()
                ));
            }
            Needs::Mpi if !python.has("mpi4py") => {
                return Err(format!(
                    "mpi4py is not installed for {}; install it with `pip install mpi4py` (needs an MPI: `apt-get install openmpi-bin libopenmpi-dev`)",
                    python.shown()
                ));
            }
            Needs::Mpi if found().mpirun.is_none() => {
                return Err("no mpirun on PATH; install an MPI with `apt-get install openmpi-bin`".into());
            }
            _ => {}
        }
        if let Some(kernel) = kernel
            && twin(kernel, self.variant).is_none()
        {
            let have = variants(kernel);
            return Err(if have.is_empty() {
                format!("kernel '{kernel}' has no Python twin")
            } else {
                format!(
                    "kernel '{kernel}' has no {} twin; its twins: {}",
                    self.variant,
                    have.iter().map(|v| format!("{kernel}/{v}.py")).collect::<Vec<_>>().join(", ")
                )
            });
        }
        Ok(())
    }

    /// The command that runs the twin at `size` (with `{workers}` for the worker count).
    fn command(&self, python: &Interpreter, script: &Path, spec: &KernelSpec, size: u64) -> CommandSpec {
        let mut words = vec![python.path.display().to_string(), script.display().to_string()];
        words.extend(["--size".into(), size.to_string(), "--seed".into(), spec.seed.to_string()]);
        words.extend(["--workers".into(), super::command::WORKERS_PLACEHOLDER.to_string()]);
        for (kernel, key, flag) in FLAGS {
            if *kernel == spec.kernel
                && let Some(value) = spec.params.get(*key)
            {
                words.extend([flag.to_string(), value.clone()]);
            }
        }
        if self.needs == Needs::Python
            && self.variant == "processes"
            && let Some(chunksize) = spec.params.get("chunksize")
        {
            words.extend(["--chunksize".into(), chunksize.clone()]);
        }
        let launcher = (self.needs == Needs::Mpi).then(|| mpi_launcher(found().mpirun.as_deref()));
        CommandSpec {
            name: self.info.id.to_string(),
            template: shell_words::join(words),
            shell: false,
            threads_env: self.needs == Needs::Numba,
            launcher,
        }
    }
}

impl Backend for PyBackend {
    fn info(&self) -> &'static BackendInfo {
        self.info
    }
    fn validate(&self, spec: &KernelSpec) -> Result<(), ParamError> {
        python_size(spec, self.needs == Needs::Numba).map(|_| ())?;
        if let Some(text) = spec.params.get("chunksize")
            && !text.parse::<u64>().is_ok_and(|c| c > 0)
        {
            return Err(ParamError::new("chunksize", text, "give a whole number of items, at least 1"));
        }
        Ok(())
    }
    fn fixed_workers(&self) -> Option<usize> {
        (self.variant == "seq").then_some(1)
    }
    fn available(&self, kernel: Option<&str>) -> Result<(), String> {
        self.check(kernel)
    }
    fn execute(&self, job: &Job) -> Result<Execution, BackendError> {
        let spec = job.spec;
        self.check(Some(&spec.kernel)).map_err(|why| BackendError::Worker(format!("{}: {why}", self.info.id)))?;
        let python = self.interpreter().map_err(BackendError::Worker)?;
        let script = twin_file(&spec.kernel, self.variant)?;
        let size = python_size(spec, self.needs == Needs::Numba)?;
        let command = self.command(python, &script, spec, size);
        let program = super::worker_program()?;
        let run = run_once(&program, &command, job.workers, None, job.cancel).map_err(|e| match e {
            super::command::CommandError::Cancelled => BackendError::Cancelled,
            other => BackendError::Worker(other.to_string()),
        })?;
        let printed = parse_line(&run.stdout).map_err(|why| {
            BackendError::Worker(format!(
                "{} ({}): {why}{}",
                self.info.id,
                command.display(job.workers),
                super::command::tail(&run.stderr, 6)
            ))
        })?;
        let outcome = printed.outcome()?;
        check_truth(spec, size, &outcome).map_err(|why| {
            BackendError::Worker(format!(
                "{} at size {size} printed a wrong result (checked against the known truth): {why}",
                self.info.id
            ))
        })?;
        let scale = work(&spec.kernel, spec.size) / work(&spec.kernel, size);
        let stats = ExecStats {
            bytes_sent: printed.moved_bytes,
            ran_size: size,
            ran_time_s: Some(printed.time_s),
            equivalent_s: Some(printed.time_s * scale),
            equivalent_cpu_s: Some(run.cpu.as_secs_f64() * printed.time_s / run.wall.as_secs_f64().max(1e-9) * scale),
            peak_rss_bytes: run.peak_rss_bytes,
            ..ExecStats::default()
        };
        Ok(Execution { outcome, stats })
    }
}

/// The launcher for py-mpi: Open MPI's mpirun may oversubscribe the cores (a lab sweeps
/// beyond them) and, in a container, runs as root only when told so.
fn mpi_launcher(mpirun: Option<&Path>) -> String {
    let program = mpirun.map_or_else(|| "mpirun".to_string(), |p| p.display().to_string());
    let open_mpi = Command::new(&program)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("Open MPI"));
    let mut words = vec![program, "-n".into(), super::command::WORKERS_PLACEHOLDER.into()];
    if open_mpi {
        words.push("--oversubscribe".into());
        if user_id() == 0 {
            words.push("--allow-run-as-root".into());
        }
    }
    shell_words::join(words)
}

/// The one JSON line a twin prints.
#[derive(Debug, Deserialize)]
struct Printed {
    time_s: f64,
    #[serde(default)]
    moved_bytes: u64,
    #[serde(default)]
    outcome: BTreeMap<String, serde_json::Value>,
}

impl Printed {
    /// The twin's outcome in parlab's terms: whole numbers are counts, lists are lists.
    fn outcome(&self) -> Result<Outcome, BackendError> {
        let mut outcome = Outcome::default();
        for (name, value) in &self.outcome {
            let bad =
                || BackendError::Worker(format!("the twin printed '{name}': {value}, which is not a number or a list"));
            let value = match value {
                serde_json::Value::Number(n) => match n.as_u64() {
                    Some(count) => Value::Int(count),
                    None => Value::Float(n.as_f64().ok_or_else(bad)?),
                },
                serde_json::Value::Array(items) => {
                    if items.iter().all(|i| i.as_u64().is_some()) {
                        Value::Ints(items.iter().filter_map(serde_json::Value::as_u64).collect())
                    } else {
                        Value::Floats(items.iter().map(|i| i.as_f64().ok_or_else(bad)).collect::<Result<_, _>>()?)
                    }
                }
                _ => return Err(bad()),
            };
            outcome = outcome.with(name, value);
        }
        Ok(outcome)
    }
}

/// The last line of `stdout` that is a JSON object with a `time_s`.
fn parse_line(stdout: &[u8]) -> Result<Printed, String> {
    let text = String::from_utf8_lossy(stdout);
    let line = text.lines().rev().find(|l| l.trim_start().starts_with('{'));
    let line = line.ok_or_else(|| "it printed no JSON line".to_string())?;
    let printed: Printed =
        serde_json::from_str(line).map_err(|e| format!("its JSON line is not what a twin prints: {e}"))?;
    if !(printed.time_s.is_finite() && printed.time_s > 0.0) {
        return Err(format!("it printed time_s {}, not a positive number of seconds", printed.time_s));
    }
    Ok(printed)
}

/// Checks a twin's outcome against what is known to be true at the size it ran: the
/// kernel's own check, except for io, whose latencies CPython draws from its own
/// stream: their total must be within 5 standard errors of requests x mean latency.
pub fn check_truth(spec: &KernelSpec, size: u64, outcome: &Outcome) -> Result<(), String> {
    let ran = KernelSpec { size, ..spec.clone() };
    if spec.kernel == "io" {
        let total = outcome.need_scalar("latency_total_s").map_err(|e| e.to_string())?;
        let mean_s: f64 = spec.param("latency_ms", 10.0).map_err(|e| e.to_string())? / 1000.0;
        let expected = size as f64 * mean_s;
        // Uniform on 0.5x..1.5x the mean: a standard deviation of mean / sqrt(12) each.
        let allowed = 5.0 * mean_s / 12f64.sqrt() * (size as f64).sqrt() + 1e-3;
        return if (total - expected).abs() <= allowed {
            Ok(())
        } else {
            Err(format!("requests waited {total:.4} s in all, not about {expected:.4} s"))
        };
    }
    let workload = ran.build().map_err(|e| e.to_string())?;
    workload.verify(outcome).map_err(|e| e.to_string())
}

/// Writes the embedded twin of `kernel`/`variant` to a folder of parlab's in the temporary
/// directory (once per build) and returns its path: the installed binary carries its
/// twins, and processes started by spawn can import the file.
fn twin_file(kernel: &str, variant: &str) -> Result<PathBuf, BackendError> {
    let text = twin(kernel, variant)
        .ok_or_else(|| BackendError::Worker(format!("kernel '{kernel}' has no {variant} twin")))?;
    let user = user_id();
    let dir = std::env::temp_dir().join(format!("parlab-python-{user}-{}", env!("CARGO_PKG_VERSION"))).join(kernel);
    let path = dir.join(format!("{variant}.py"));
    if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| BackendError::Worker(format!("cannot make {} for the Python twins: {e}", dir.display())))?;
    // A temporary file then a rename: a twin another parlab is running is never half-written.
    let temporary = dir.join(format!(".{variant}.{}.py", std::process::id()));
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .map_err(|e| BackendError::Worker(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// The user this process runs as (the owner of /proc/self).
fn user_id() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid())
}

/// A python3 found on this machine, as a quick look (no package imported) saw it.
#[derive(Debug, Clone, Deserialize)]
pub struct Interpreter {
    /// The program parlab runs.
    #[serde(skip)]
    pub path: PathBuf,
    /// `sys.executable`.
    pub executable: String,
    /// The version, e.g. 3.11.7.
    pub version: String,
    /// Built without the GIL (Py_GIL_DISABLED).
    pub free_threaded_build: bool,
    /// `sys._is_gil_enabled()` where it exists (3.13 and later), else true.
    pub gil_enabled: bool,
    /// The default multiprocessing start method.
    pub start_method: String,
    /// Importable packages among numpy, numba, mpi4py, threadpoolctl.
    pub modules: BTreeMap<String, bool>,
}

impl Interpreter {
    /// Whether `module` can be imported.
    pub fn has(&self, module: &str) -> bool {
        self.modules.get(module).copied().unwrap_or(false)
    }

    /// How the interpreter is named in messages: its path and version.
    pub fn shown(&self) -> String {
        format!("{} (Python {})", self.path.display(), self.version)
    }
}

/// Everything the py-backends found, looked up once per process.
#[derive(Debug)]
pub struct Found {
    /// The python3 (or `PARLAB_PYTHON`), or why there is none.
    pub python: Result<Interpreter, String>,
    /// A free-threaded build on PATH.
    pub free_threaded: Option<Interpreter>,
    /// mpirun (or mpiexec) on PATH.
    pub mpirun: Option<PathBuf>,
}

/// The quick look: no package is imported, so it takes a few tens of milliseconds.
const PROBE: &str = r#"
import importlib.util, json, multiprocessing, sys, sysconfig
print(json.dumps({
    "executable": sys.executable,
    "version": sys.version.split()[0],
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True,
    "start_method": multiprocessing.get_start_method(),
    "modules": {m: importlib.util.find_spec(m) is not None for m in ["numpy", "numba", "mpi4py", "threadpoolctl"]},
}))
"#;

/// What is installed, looked up on first use.
pub fn found() -> &'static Found {
    static FOUND: OnceLock<Found> = OnceLock::new();
    FOUND.get_or_init(|| {
        let python = match std::env::var_os(PYTHON_ENV).filter(|v| !v.is_empty()) {
            Some(path) => {
                probe(Path::new(&path)).map_err(|why| format!("{PYTHON_ENV}={}: {why}", path.to_string_lossy()))
            }
            None => on_path("python3")
                .ok_or_else(|| {
                    "no python3 on PATH; install Python 3 (e.g. `apt-get install python3`, or python.org)".to_string()
                })
                .and_then(|path| probe(&path)),
        };
        let free_threaded = ["python3.14t", "python3.13t"]
            .iter()
            .filter_map(|name| on_path(name))
            .find_map(|path| probe(&path).ok().filter(|i| i.free_threaded_build));
        let mpirun = on_path("mpirun").or_else(|| on_path("mpiexec"));
        Found { python, free_threaded, mpirun }
    })
}

/// Runs the quick look with the interpreter at `path`.
fn probe(path: &Path) -> Result<Interpreter, String> {
    let output =
        Command::new(path).args(["-c", PROBE]).output().map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed to start ({}){}",
            path.display(),
            output.status,
            super::command::tail(&output.stderr, 3)
        ));
    }
    let mut found: Interpreter = serde_json::from_slice(output.stdout.trim_ascii())
        .map_err(|e| format!("{} is not a Python 3 that parlab understands: {e}", path.display()))?;
    found.path = path.to_path_buf();
    Ok(found)
}

/// The first `name` in a folder of PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kernel: &str, size: u64) -> KernelSpec {
        KernelSpec { kernel: kernel.into(), size, seed: 1, params: BTreeMap::new() }
    }

    #[test]
    fn sizes_scale_work_and_stay_within_bounds() {
        assert_eq!(python_size(&spec("pi", 300_000_000), false), Ok(1_666_667));
        assert_eq!(python_size(&spec("pi", 300_000_000), true), Ok(16_666_667));
        assert_eq!(python_size(&spec("pi", 1_000), false), Ok(1_000), "never more than the plan's size");
        assert_eq!(python_size(&spec("pi", 100_000), false), Ok(20_000), "at least the floor");
        // skewed's work is rows^2: 40x less work is sqrt(40)x fewer rows.
        assert_eq!(python_size(&spec("skewed", 800), false), Ok(126));
        assert_eq!(python_size(&spec("io", 100), false), Ok(100));
        let mut given = spec("pi", 300);
        given.params.insert("py_size".into(), "7".into());
        assert_eq!(python_size(&given, false), Ok(7));
        given.params.insert("py_size".into(), "lots".into());
        assert!(python_size(&given, false).unwrap_err().to_string().contains("--param py_size=lots"));
    }

    #[test]
    fn outcomes_are_checked_against_the_truth() {
        let pi = Outcome::default().with("estimate", Value::Float(3.1417));
        assert_eq!(check_truth(&spec("pi", 1_000_000), 1_000_000, &pi), Ok(()));
        let wrong = Outcome::default().with("estimate", Value::Float(3.3));
        assert!(check_truth(&spec("pi", 1_000_000), 1_000_000, &wrong).unwrap_err().contains("standard errors"));
        let io = Outcome::default().with("latency_total_s", Value::Float(1.0));
        assert_eq!(check_truth(&spec("io", 100), 100, &io), Ok(()));
        let io = Outcome::default().with("latency_total_s", Value::Float(0.5));
        assert!(check_truth(&spec("io", 100), 100, &io).is_err());
        let square = Outcome::default().with("checksum", Value::Int(14));
        assert_eq!(check_truth(&spec("square", 4), 4, &square), Ok(()));
    }

    #[test]
    fn a_twin_line_is_parsed_and_a_bad_one_is_named() {
        let line = br#"noise
{"time_s": 0.5, "result": 3.14, "items": 10, "moved_bytes": 66, "outcome": {"estimate": 3.14, "inside": 7, "means": [0.5, 0.25]}}
"#;
        let printed = parse_line(line).unwrap();
        assert_eq!((printed.time_s, printed.moved_bytes), (0.5, 66));
        let outcome = printed.outcome().unwrap();
        assert_eq!(outcome.values.get("inside"), Some(&Value::Int(7)));
        assert_eq!(outcome.values.get("means"), Some(&Value::Floats(vec![0.5, 0.25])));
        assert!(parse_line(b"pi is 3\n").unwrap_err().contains("no JSON line"));
        assert!(parse_line(br#"{"time_s": 0}"#).unwrap_err().contains("positive"));
    }
}
