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

# Whole scaling curves from one command: each worker count is its own mpirun job, and
# the points come back as one report (2 points, each verified).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check_curve() { # results.json: two points, worker counts 1 and 2, verified, not oversubscribed
    python3 - "$1" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
points = report["points"]
assert [p["workers"] for p in points] == [1, 2], points
assert all(p["verified"] for p in points), "a point is not verified"
assert not any(p["oversubscribed"] for p in points), "2 ranks on 2 CPUs marked oversubscribed"
print(f"mpi.sh: {sys.argv[1]}: {len(points)} points, verified")
PY
}
# A learner's program under mpirun: each copy takes its share of the sum by its rank, and
# rank 0 prints (so the output is the same at every rank count: --check stdout).
share='import os
rank, size = int(os.environ["OMPI_COMM_WORLD_RANK"]), int(os.environ["OMPI_COMM_WORLD_SIZE"])
total = sum(i * i for i in range(rank, 2_000_000, size))
if rank == 0: print("done")'
target/release/parlab run --cmd "python3 -c '$share'" --name share.py --launcher mpirun \
    --workers 1,2 --reps 2 --check stdout --json "$work/cmd.json"
check_curve "$work/cmd.json"
target/release/parlab run integral --backends mpi --launcher mpirun --workers 1,2 --size 1e8 --reps 3 \
    --json "$work/kernel.json"
check_curve "$work/kernel.json"
echo "mpi.sh: ok"
