"""integral with mpi4py: every rank sums one block of the trapezoids and a reduce adds
the blocks on rank 0. Start it under an MPI launcher, one process per rank:

    pip install mpi4py
    mpirun -n 2 python3 mpi4py.py --size 1000000

(--workers is only checked against the number of ranks.)
"""
import os
import sys

# This file is called mpi4py.py: take its folder off the import path, or "import mpi4py"
# below would import this file instead of the package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

from mpi4py import MPI  # noqa: E402

LOWER, UPPER = 0.0, 100.0


def interior_sum(first, last, h):
    """Sum of f(x) = x^2 at the interior points first .. last-1 (x = i h)."""
    total = 0.0
    for i in range(first, last):
        x = LOWER + i * h
        total += x * x
    return total


def main():
    parser = argparse.ArgumentParser(description="trapezoid rule for x^2 on [0, 100] on MPI ranks")
    parser.add_argument("--size", type=int, default=1_000_000, help="trapezoids")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=0, help="expected number of ranks (0: any)")
    args = parser.parse_args()

    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    if args.workers and args.workers != ranks:
        sys.exit(f"--workers {args.workers} but mpirun started {ranks} ranks")
    h = (UPPER - LOWER) / args.size
    first = 1 + rank * (args.size - 1) // ranks
    last = 1 + (rank + 1) * (args.size - 1) // ranks

    comm.Barrier()
    start = time.perf_counter()
    inner = comm.reduce(interior_sum(first, last, h), op=MPI.SUM, root=0)
    elapsed = time.perf_counter() - start

    if rank == 0:
        value = h * (0.5 * LOWER**2 + inner + 0.5 * UPPER**2)
        print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 8 * ranks,
                          "workers": ranks, "outcome": {"integral": value}}))


if __name__ == "__main__":
    main()
