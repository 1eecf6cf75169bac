"""pi with Numba: the loop compiled to machine code by @njit, split across threads by
prange. Compiled code does not hold the GIL, so the threads really run side by side.
The first call compiles the function; it is made once before the clock starts.

    pip install numba
    NUMBA_NUM_THREADS=2 python3 numba.py --size 100000000 --seed 42 --workers 2
"""
import os
import sys

# This file is called numba.py: take its folder off the import path, or "import numba"
# below would import this file instead of the package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numba import njit, prange, set_num_threads  # noqa: E402


@njit(parallel=True)
def count_inside(darts, seed):
    """Darts out of `darts` that land inside the quarter circle."""
    np.random.seed(seed)  # each thread of the prange gets a stream of its own
    inside = 0
    for _ in prange(darts):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def main():
    parser = argparse.ArgumentParser(description="pi by Monte-Carlo darts with numba prange")
    parser.add_argument("--size", type=int, default=10_000_000, help="darts to throw")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="numba threads (at most NUMBA_NUM_THREADS)")
    args = parser.parse_args()

    set_num_threads(args.workers)
    count_inside(1000, args.seed)  # compile before timing

    start = time.perf_counter()
    inside = count_inside(args.size, args.seed)
    elapsed = time.perf_counter() - start

    estimate = 4.0 * inside / args.size
    print(json.dumps({"time_s": elapsed, "result": estimate, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"estimate": estimate, "inside": int(inside)}}))


if __name__ == "__main__":
    main()
