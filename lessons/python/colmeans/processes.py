"""colmeans with a multiprocessing Pool: each process makes and sums chunks of rows and
sends back only the column sums (cols x 8 bytes), never the chunk. Each process holds
one chunk at a time; the peak reported is that of one process.

    pip install numpy
    python3 processes.py --size 1000000 --cols 64 --workers 2
"""
import argparse
import json
import multiprocessing
import time

import numpy as np

SLOTS = 8


def chunk_sums(job):
    """Column sums of one (first, rows, cols, seed) chunk, made and dropped here."""
    first, rows, cols, seed = job
    chunk = np.random.default_rng([seed, first]).random((rows, cols))
    return chunk.sum(axis=0), chunk.nbytes


def main():
    parser = argparse.ArgumentParser(description="column means of a tall matrix in chunks, on processes")
    parser.add_argument("--size", type=int, default=1_000_000, help="rows")
    parser.add_argument("--cols", type=int, default=64, help="columns")
    parser.add_argument("--budget-mb", type=float, default=64, help="MiB of chunk buffers alive at once")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="chunks sent to a process at a time")
    args = parser.parse_args()
    chunk_rows = max(1, int(args.budget_mb * 2**20 / SLOTS / (8 * args.cols)))
    jobs = [(first, min(chunk_rows, args.size - first), args.cols, args.seed)
            for first in range(0, args.size, chunk_rows)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        results = pool.map(chunk_sums, jobs, chunksize=args.chunksize)
    elapsed = time.perf_counter() - start

    sums = sum(part for part, _ in results)
    means = (sums / args.size).tolist()
    print(json.dumps({"time_s": elapsed, "result": sum(means) / args.cols, "items": args.size,
                      "moved_bytes": 8 * args.cols * len(jobs), "workers": args.workers,
                      "start_method": multiprocessing.get_start_method(),
                      "outcome": {"means": means, "buffers_peak_bytes": max(nbytes for _, nbytes in results)}}))


if __name__ == "__main__":
    main()
