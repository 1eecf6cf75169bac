"""bigresult, one plain loop: every item makes a side x side array of random values in
[0, 1) (numpy, 2 MB at side 500) and the outcome is their element-wise sum. Little
work per byte: what matters is what it costs to hand each array back.

    pip install numpy
    python3 seq.py --size 40 --side 500
"""
import argparse
import json
import time

import numpy as np


def make_array(item, side, seed):
    """The array of item `item`: side x side uniform values from a stream of its own."""
    return np.random.default_rng([seed, item]).random((side, side))


def main():
    parser = argparse.ArgumentParser(description="sum of big random arrays, one loop")
    parser.add_argument("--size", type=int, default=40, help="arrays")
    parser.add_argument("--side", type=int, default=500, help="each array is side x side float64")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    total = np.zeros((args.side, args.side))
    for item in range(args.size):
        total += make_array(item, args.side, args.seed)
    elapsed = time.perf_counter() - start

    value = float(total.sum())
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"sum": value}}))


if __name__ == "__main__":
    main()
