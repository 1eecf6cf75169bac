#!/usr/bin/env bash
# Real Python beside the lessons: makes a virtual environment with numpy and numba (and
# mpi4py when it builds quickly against the Open MPI that .ci/mpi.sh installs), puts it
# first on PATH, and runs the py-* backends' tests with its python3, then the timing test
# that holds the gil and processes emulations to CPython (tests/python_fidelity.rs), on
# its own. Installs python3-venv with apt-get when `python3 -m venv` fails.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/venv" >/dev/null 2>&1; then
    echo "python.sh: python3 -m venv failed; installing python3-venv"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-venv
    rm -rf "$work/venv"
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet numpy numba threadpoolctl

# mpi4py compiles against the MPI on PATH; give it five minutes, else test without it.
if command -v mpicc >/dev/null 2>&1; then
    if timeout 300 "$work/venv/bin/pip" install --quiet mpi4py; then
        echo "python.sh: mpi4py installed"
    else
        echo "python.sh: mpi4py skipped: it did not build within 5 minutes against $(command -v mpicc)"
    fi
else
    echo "python.sh: mpi4py skipped: no mpicc (run .ci/mpi.sh first to install Open MPI)"
fi

export PATH="$work/venv/bin:$PATH"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cargo build --release --locked
target/release/parlab python
cargo test --release --locked --test python -- --nocapture
cargo test --release --locked --lib backends::python
# The timing test, alone, and a gate: integral's speedups on gil and py-threads, and on
# processes and py-processes, must agree within 0.15 when two CPUs are free (two threads
# spinning floating-point work, each timed on its own, read at least 1.6 cores before and
# after); a miss on rounds that disagree is printed and not judged, and a run that could
# judge neither pair fails (nothing was checked).
cargo test --release --locked --test python_fidelity -- --ignored --nocapture --test-threads=1
echo "python.sh: ok"
