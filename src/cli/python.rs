//! `parlab python`: what the `py-*` backends found on this machine. The python3 (its
//! path, version, free-threaded or not), numpy with its BLAS and thread count, numba,
//! mpi4py, the default multiprocessing start method, and each py-backend available or
//! not; every missing piece with the one line that installs it.

use std::io::Read;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Deserialize;

use crate::backends::{self, python};

/// How long the interpreter may take to import numpy, numba and mpi4py.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Imports every package and reports what it sees, as one JSON object.
const SCRIPT: &str = r#"
import json, multiprocessing, os, sys, sysconfig
out = {
    "executable": sys.executable,
    "version": sys.version.split()[0],
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else None,
    "start_method": multiprocessing.get_start_method(),
    "cpus": os.cpu_count(),
    "switch_interval_s": sys.getswitchinterval(),
}
try:
    import numpy
    out["numpy"] = numpy.__version__
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        out["numpy_blas"] = f'{blas.get("name", "?")} {blas.get("version", "")}'.strip()
    except Exception:
        pass
except Exception as e:
    out["numpy_error"] = f"{type(e).__name__}: {e}"
try:
    import threadpoolctl
    pools = threadpoolctl.threadpool_info()
    out["threadpools"] = [f'{p.get("internal_api")} {p.get("version") or ""}: {p.get("num_threads")} threads'.replace("  ", " ") for p in pools]
except Exception:
    out["threadpools"] = None
try:
    import numba
    out["numba"] = numba.__version__
    out["numba_threads"] = numba.config.NUMBA_NUM_THREADS
except Exception as e:
    out["numba_error"] = f"{type(e).__name__}: {e}"
try:
    import mpi4py
    out["mpi4py"] = mpi4py.__version__
except Exception as e:
    out["mpi4py_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"#;

/// What the script printed.
#[derive(Debug, Default, Deserialize)]
struct Seen {
    executable: String,
    version: String,
    free_threaded_build: bool,
    gil_enabled: Option<bool>,
    start_method: String,
    cpus: Option<u64>,
    switch_interval_s: f64,
    numpy: Option<String>,
    numpy_blas: Option<String>,
    numpy_error: Option<String>,
    threadpools: Option<Vec<String>>,
    numba: Option<String>,
    numba_threads: Option<u64>,
    numba_error: Option<String>,
    mpi4py: Option<String>,
    mpi4py_error: Option<String>,
}

/// Prints what was found. Exit 0 when python3 runs (missing packages are reported, not
/// failures), 1 when there is no usable python3.
pub fn python() -> Result<ExitCode> {
    let found = python::found();
    let interpreter = match &found.python {
        Ok(interpreter) => interpreter,
        Err(why) => {
            println!("python3         {why}");
            print_backends();
            return Ok(ExitCode::FAILURE);
        }
    };
    let seen = match look(&interpreter.path) {
        Ok(seen) => seen,
        Err(why) => {
            println!("python3         {}: {why}", interpreter.path.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let row = |name: &str, text: String| println!("{name:<16}{text}");
    row("python3", format!("{} (Python {}, {})", interpreter.path.display(), seen.version, seen.executable));
    row(
        "GIL",
        match (seen.free_threaded_build, seen.gil_enabled) {
            (true, Some(false)) => "off: a free-threaded build, threads run Python side by side".into(),
            (true, _) => {
                "on, although this is a free-threaded build (PYTHON_GIL=1 or an extension turned it on)".into()
            }
            (false, _) => format!(
                "on: not a free-threaded build; CPU-bound threads take turns (switch interval {} ms)",
                seen.switch_interval_s * 1000.0
            ),
        },
    );
    row(
        "free-threaded",
        match &found.free_threaded {
            Some(ft) => format!("{} (Python {}): offered as py-threads-ft", ft.path.display(), ft.version),
            None => "none on PATH (python3.14t, python3.13t); install one with `uv python install 3.13t`".into(),
        },
    );
    row(
        "start method",
        format!(
            "{} (multiprocessing's default here{})",
            seen.start_method,
            seen.cpus.map_or(String::new(), |c| format!("; os.cpu_count() = {c}"))
        ),
    );
    row(
        "numpy",
        match (&seen.numpy, &seen.numpy_error) {
            (Some(version), _) => {
                let blas = seen.numpy_blas.as_deref().map_or(String::new(), |b| format!(", BLAS: {b}"));
                format!("{version}{blas}")
            }
            (None, why) => missing("numpy", why),
        },
    );
    row(
        "BLAS threads",
        match &seen.threadpools {
            Some(pools) if !pools.is_empty() => pools.join("; "),
            Some(_) => "no thread pool loaded (threadpoolctl found none)".into(),
            None => "unknown: install threadpoolctl to see them (`pip install threadpoolctl`)".into(),
        },
    );
    row(
        "numba",
        match (&seen.numba, &seen.numba_error) {
            (Some(version), _) => format!(
                "{version}{}",
                seen.numba_threads.map_or(String::new(), |t| format!(", {t} threads (NUMBA_NUM_THREADS)"))
            ),
            (None, why) => missing("numba", why),
        },
    );
    row(
        "mpi4py",
        match (&seen.mpi4py, &seen.mpi4py_error) {
            (Some(version), _) => format!(
                "{version}, launcher: {}",
                found
                    .mpirun
                    .as_ref()
                    .map_or("none on PATH (apt-get install openmpi-bin)".into(), |p| p.display().to_string())
            ),
            (None, why) => missing("mpi4py", why),
        },
    );
    print_backends();
    Ok(ExitCode::SUCCESS)
}

/// The line for a package that does not import.
fn missing(package: &str, why: &Option<String>) -> String {
    let why = why.as_deref().unwrap_or("not installed");
    if why.starts_with("ModuleNotFoundError") {
        format!("not installed: `pip install {package}`")
    } else {
        format!("does not import ({why}): reinstall it with `pip install --force-reinstall {package}`")
    }
}

/// One line per py-backend: available, or what to install.
fn print_backends() {
    println!();
    for backend in backends::registry().iter().filter(|b| b.id().starts_with("py-")) {
        match backend.available(None) {
            Ok(()) => println!("{:<16}available", backend.id()),
            Err(why) => println!("{:<16}unavailable: {why}", backend.id()),
        }
    }
}

/// Runs the script with the interpreter at `path`, killing it after [`TIMEOUT`].
fn look(path: &std::path::Path) -> Result<Seen, String> {
    let mut child = Command::new(path)
        .args(["-c", SCRIPT])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("it took longer than {} s to import its packages", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    child.stdout.take().map(|mut s| s.read_to_end(&mut stdout));
    child.stderr.take().map(|mut s| s.read_to_end(&mut stderr));
    if !status.success() {
        return Err(format!("it failed ({status}){}", backends::command::tail(&stderr, 4)));
    }
    serde_json::from_slice(stdout.trim_ascii()).map_err(|e| format!("it printed something unexpected: {e}"))
}
