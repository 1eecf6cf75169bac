#!/usr/bin/env bash
# Builds parlab with the `mpi` feature and runs the MPI tests (2 ranks under mpirun).
# Installs Open MPI and libclang with apt-get when they are missing (needs root or sudo).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenmpi-dev openmpi-bin libclang-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "mpi.sh: installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

# Open MPI refuses to start as root and to put more ranks than cores without these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

cargo build --release --locked --features mpi
cargo clippy --release --locked --all-targets --features mpi -- -D warnings
cargo test --release --locked --features mpi --test mpi
# The same by hand, as a user would type it.
mpirun -n 2 target/release/parlab run integral --backends mpi --size 1e8 --reps 3
echo "mpi.sh: ok"
