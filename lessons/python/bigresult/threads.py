"""bigresult with a ThreadPoolExecutor: threads share memory, so an array a thread makes
is handed back as a reference, without copying a byte. numpy releases the GIL while it
fills a large array, so the threads overlap some of that work too.

    pip install numpy
    python3 threads.py --size 40 --side 500 --workers 2
"""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def make_array(item, side, seed):
    """The array of item `item`: side x side uniform values from a stream of its own."""
    return np.random.default_rng([seed, item]).random((side, side))


def main():
    parser = argparse.ArgumentParser(description="sum of big random arrays, on threads")
    parser.add_argument("--size", type=int, default=40, help="arrays")
    parser.add_argument("--side", type=int, default=500, help="each array is side x side float64")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()

    start = time.perf_counter()
    total = np.zeros((args.side, args.side))
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for array in pool.map(make_array, range(args.size), [args.side] * args.size, [args.seed] * args.size):
            total += array
    elapsed = time.perf_counter() - start

    value = float(total.sum())
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"sum": value}}))


if __name__ == "__main__":
    main()
