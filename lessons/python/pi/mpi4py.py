"""pi with mpi4py: every rank throws its share of the darts, and a reduce adds the
counts on rank 0. Start it under an MPI launcher, one process per rank:

    pip install mpi4py
    mpirun -n 2 python3 mpi4py.py --size 1000000 --seed 42

(--workers is only checked against the number of ranks.)
"""
import os
import sys

# This file is called mpi4py.py: take its folder off the import path, or "import mpi4py"
# below would import this file instead of the package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

from mpi4py import MPI  # noqa: E402


def count_inside(darts, seed):
    """Darts out of `darts` that land inside the quarter circle."""
    rng = random.Random(seed)
    inside = 0
    for _ in range(darts):
        x = rng.random()
        y = rng.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def main():
    parser = argparse.ArgumentParser(description="pi by Monte-Carlo darts on MPI ranks")
    parser.add_argument("--size", type=int, default=1_000_000, help="darts to throw")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=0, help="expected number of ranks (0: any)")
    args = parser.parse_args()

    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    if args.workers and args.workers != ranks:
        sys.exit(f"--workers {args.workers} but mpirun started {ranks} ranks")
    share = args.size // ranks + (rank < args.size % ranks)

    comm.Barrier()
    start = time.perf_counter()
    inside = comm.reduce(count_inside(share, args.seed * 1_000_003 + rank), op=MPI.SUM, root=0)
    elapsed = time.perf_counter() - start

    if rank == 0:
        estimate = 4.0 * inside / args.size
        print(json.dumps({"time_s": elapsed, "result": estimate, "items": args.size, "moved_bytes": 8 * ranks,
                          "workers": ranks, "outcome": {"estimate": estimate, "inside": inside}}))


if __name__ == "__main__":
    main()
