"""colmeans with a ThreadPoolExecutor: each thread makes and sums chunks of rows. numpy
releases the GIL inside its loops, so the threads overlap. At most 8 chunks (the
budget) are alive at once: a Semaphore makes extra threads wait for a free slot.

    pip install numpy
    python3 threads.py --size 1000000 --cols 64 --workers 2
"""
import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

SLOTS = 8
slots = threading.Semaphore(SLOTS)
alive = {"now": 0, "peak": 0}
tally = threading.Lock()


def chunk_sums(first, rows, cols, seed):
    """Column sums of rows first .. first+rows-1, made in a chunk and dropped after."""
    with slots:
        chunk = np.random.default_rng([seed, first]).random((rows, cols))
        with tally:
            alive["now"] += chunk.nbytes
            alive["peak"] = max(alive["peak"], alive["now"])
        sums = chunk.sum(axis=0)
        with tally:
            alive["now"] -= chunk.nbytes
        return sums


def main():
    parser = argparse.ArgumentParser(description="column means of a tall matrix in chunks, on threads")
    parser.add_argument("--size", type=int, default=1_000_000, help="rows")
    parser.add_argument("--cols", type=int, default=64, help="columns")
    parser.add_argument("--budget-mb", type=float, default=64, help="MiB of chunk buffers alive at once")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()
    chunk_rows = max(1, int(args.budget_mb * 2**20 / SLOTS / (8 * args.cols)))
    firsts = list(range(0, args.size, chunk_rows))
    rows = [min(chunk_rows, args.size - first) for first in firsts]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        sums = sum(pool.map(chunk_sums, firsts, rows, [args.cols] * len(firsts), [args.seed] * len(firsts)))
    elapsed = time.perf_counter() - start

    means = (sums / args.size).tolist()
    print(json.dumps({"time_s": elapsed, "result": sum(means) / args.cols, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"means": means, "buffers_peak_bytes": alive["peak"]}}))


if __name__ == "__main__":
    main()
