"""colmeans, one plain loop: the mean of every column of a tall matrix (--size rows of
--cols float64), streamed in chunks of rows so that memory stays bounded: make a chunk,
add its columns into running sums, drop it, take the next. Each chunk is budget / 8
bytes (numpy).

    pip install numpy
    python3 seq.py --size 1000000 --cols 64 --budget-mb 64
"""
import argparse
import json
import time

import numpy as np


def chunk_sums(first, rows, cols, seed):
    """Column sums of rows first .. first+rows-1, made in a chunk and dropped after."""
    chunk = np.random.default_rng([seed, first]).random((rows, cols))
    return chunk.sum(axis=0), chunk.nbytes


def main():
    parser = argparse.ArgumentParser(description="column means of a tall matrix in chunks, one loop")
    parser.add_argument("--size", type=int, default=1_000_000, help="rows")
    parser.add_argument("--cols", type=int, default=64, help="columns")
    parser.add_argument("--budget-mb", type=float, default=64, help="MiB of chunk buffers alive at once")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()
    chunk_rows = max(1, int(args.budget_mb * 2**20 / 8 / (8 * args.cols)))

    start = time.perf_counter()
    sums = np.zeros(args.cols)
    peak = 0
    for first in range(0, args.size, chunk_rows):
        part, nbytes = chunk_sums(first, min(chunk_rows, args.size - first), args.cols, args.seed)
        sums += part
        peak = max(peak, nbytes)
    elapsed = time.perf_counter() - start

    means = (sums / args.size).tolist()
    print(json.dumps({"time_s": elapsed, "result": sum(means) / args.cols, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"means": means, "buffers_peak_bytes": peak}}))


if __name__ == "__main__":
    main()
