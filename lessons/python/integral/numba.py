"""integral with Numba: the trapezoid loop compiled by @njit and split across threads by
prange, with the sum as a reduction. Compiled code runs without the GIL. The first call
compiles; it is made once before the clock starts.

    pip install numba
    NUMBA_NUM_THREADS=2 python3 numba.py --size 100000000 --workers 2
"""
import os
import sys

# This file is called numba.py: take its folder off the import path, or "import numba"
# below would import this file instead of the package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

from numba import njit, prange, set_num_threads  # noqa: E402

LOWER, UPPER = 0.0, 100.0


@njit(parallel=True)
def interior_sum(trapezoids, h):
    """Sum of f(x) = x^2 at the interior points 1 .. trapezoids-1 (x = i h)."""
    total = 0.0
    for i in prange(1, trapezoids):
        x = LOWER + i * h
        total += x * x
    return total


def main():
    parser = argparse.ArgumentParser(description="trapezoid rule for x^2 on [0, 100] with numba prange")
    parser.add_argument("--size", type=int, default=100_000_000, help="trapezoids")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="numba threads (at most NUMBA_NUM_THREADS)")
    args = parser.parse_args()
    h = (UPPER - LOWER) / args.size

    set_num_threads(args.workers)
    interior_sum(1000, h)  # compile before timing

    start = time.perf_counter()
    inner = interior_sum(args.size, h)
    elapsed = time.perf_counter() - start

    value = h * (0.5 * LOWER**2 + inner + 0.5 * UPPER**2)
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"integral": value}}))


if __name__ == "__main__":
    main()
