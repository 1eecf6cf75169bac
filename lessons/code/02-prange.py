"""Lesson 2: random walkers in parallel with Numba's prange.

Each walker takes STEPS steps of length 1 north, south, east or west; the mean of
the squared distance from the start is STEPS, however many walkers there are. The
walkers are independent, so they can be shared out among threads: Numba compiles the
function to machine code, and with parallel=True a prange loop is split among
numba.get_num_threads() threads, which run without a GIL.

Needs numba:  pip install numba
Run:  python3 02-prange.py --workers 2
It prints one JSON line: the mean squared distance ("result") and the time taken
(the compilation is done before the clock starts).

TODO: ask Numba for the parallel version: @njit(parallel=True) on
mean_square_distance, and `for w in prange(walkers):` instead of range. The sum
into `total` is a reduction, which Numba handles for you.
"""
import argparse
import json
import time

import numba
import numpy as np
from numba import njit, prange  # noqa: F401 (prange is for you)

WALKERS = 50_000
STEPS = 1_000


@njit
def square_distance(steps):
    """One walker: where it ends after `steps` steps, as its squared distance."""
    x = 0
    y = 0
    for _ in range(steps):
        direction = np.random.randint(0, 4)
        if direction == 0:
            x += 1
        elif direction == 1:
            x -= 1
        elif direction == 2:
            y += 1
        else:
            y -= 1
    return float(x * x + y * y)


@njit  # TODO: parallel=True
def mean_square_distance(walkers, steps):
    total = 0.0
    for w in range(walkers):  # TODO: prange
        total += square_distance(steps)
    return total / walkers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    numba.set_num_threads(min(args.workers, numba.config.NUMBA_NUM_THREADS))
    mean_square_distance(10, 10)  # compile before timing
    start = time.perf_counter()
    result = mean_square_distance(WALKERS, STEPS)
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": result, "time_s": elapsed, "workers": numba.get_num_threads()}))


if __name__ == "__main__":
    main()
