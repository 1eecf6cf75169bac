"""bigresult with a multiprocessing Pool: every array a worker makes must be pickled,
sent through a pipe and unpickled in the parent: 8 x side^2 bytes per item. Here
processes lose to threads, as Pool.map returning numpy arrays does.

    pip install numpy
    python3 processes.py --size 40 --side 500 --workers 2
"""
import argparse
import json
import multiprocessing
import time

import numpy as np


def make_array(job):
    """The array of one (item, side, seed) job: side x side uniform values."""
    item, side, seed = job
    return np.random.default_rng([seed, item]).random((side, side))


def main():
    parser = argparse.ArgumentParser(description="sum of big random arrays, on processes")
    parser.add_argument("--size", type=int, default=40, help="arrays")
    parser.add_argument("--side", type=int, default=500, help="each array is side x side float64")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="jobs sent to a process at a time")
    args = parser.parse_args()
    jobs = [(item, args.side, args.seed) for item in range(args.size)]

    start = time.perf_counter()
    total = np.zeros((args.side, args.side))
    moved = 0
    with multiprocessing.Pool(processes=args.workers) as pool:
        for array in pool.imap(make_array, jobs, chunksize=args.chunksize):
            total += array
            moved += array.nbytes
    elapsed = time.perf_counter() - start

    value = float(total.sum())
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": moved,
                      "workers": args.workers, "start_method": multiprocessing.get_start_method(),
                      "outcome": {"sum": value}}))


if __name__ == "__main__":
    main()
