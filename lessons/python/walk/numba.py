"""walk with Numba: prange splits the walkers (the outer loop) across threads; the steps
of one walk (the inner loop) stay a chain. Compiled code runs without the GIL; the first
call compiles and is made before the clock starts.

    pip install numba
    NUMBA_NUM_THREADS=2 python3 numba.py --size 200000 --steps 1000 --workers 2
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
def squared_distances(walkers, steps, seed):
    """Sum over `walkers` walks of the squared distance from the start."""
    np.random.seed(seed)
    total = 0
    for _walker in prange(walkers):
        x = 0
        y = 0
        for _step in range(steps):
            x += 1 if np.random.random() < 0.5 else -1
            y += 1 if np.random.random() < 0.5 else -1
        total += x * x + y * y
    return total


def main():
    parser = argparse.ArgumentParser(description="2D random walks with numba prange")
    parser.add_argument("--size", type=int, default=200_000, help="walkers")
    parser.add_argument("--steps", type=int, default=1000, help="steps per walker")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="numba threads (at most NUMBA_NUM_THREADS)")
    args = parser.parse_args()

    set_num_threads(args.workers)
    squared_distances(10, 10, args.seed)  # compile before timing

    start = time.perf_counter()
    total = squared_distances(args.size, args.steps, args.seed)
    elapsed = time.perf_counter() - start

    msd = total / args.size
    print(json.dumps({"time_s": elapsed, "result": msd, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"msd": msd}}))


if __name__ == "__main__":
    main()
