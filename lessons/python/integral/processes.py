"""integral with a ProcessPoolExecutor: the trapezoids are cut into four blocks per
process, and each process takes the next block when it finishes one (as Pool.map cuts a
list into about four chunks per process), so a process on a faster core sums more.

Each process has its own interpreter and GIL, so the blocks run side by side. The time
includes starting the processes. The `if __name__ == "__main__":` guard keeps the
workers (which import this file under spawn and forkserver) from starting pools of
their own.

    python3 processes.py --size 1000000 --workers 2
"""
import argparse
import json
import multiprocessing
import pickle
import time
from concurrent.futures import ProcessPoolExecutor

LOWER, UPPER = 0.0, 100.0


def interior_sum(first, last, h):
    """Sum of f(x) = x^2 at the interior points first .. last-1 (x = i h)."""
    total = 0.0
    for i in range(first, last):
        x = LOWER + i * h
        total += x * x
    return total


def main():
    parser = argparse.ArgumentParser(description="trapezoid rule for x^2 on [0, 100], on processes")
    parser.add_argument("--size", type=int, default=1_000_000, help="trapezoids")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="blocks sent to a process at a time")
    args = parser.parse_args()
    h = (UPPER - LOWER) / args.size
    blocks = 4 * args.workers
    bounds = [1 + b * (args.size - 1) // blocks for b in range(blocks + 1)]

    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        sums = list(pool.map(interior_sum, bounds[:-1], bounds[1:], [h] * blocks, chunksize=args.chunksize))
    elapsed = time.perf_counter() - start

    value = h * (0.5 * LOWER**2 + sum(sums) + 0.5 * UPPER**2)
    moved = len(pickle.dumps((bounds, h))) + len(pickle.dumps(sums))
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": moved,
                      "workers": args.workers, "start_method": multiprocessing.get_start_method(),
                      "outcome": {"integral": value}}))


if __name__ == "__main__":
    main()
