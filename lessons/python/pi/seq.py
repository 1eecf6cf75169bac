"""Monte Carlo pi, the plain loop: the Python that parlab's `seq` backend stands for.

Throw darts at the unit square; the share that lands inside the quarter circle is
pi / 4. Only the loop is timed.

Run:  python3 seq.py --size 1000000 --seed 42 --workers 1
"""
import argparse
import json
import random
import time


def count_inside(darts, seed):
    rng = random.Random(seed)
    inside = 0
    for _ in range(darts):
        x = rng.random()
        y = rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="darts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop")
    args = parser.parse_args()
    start = time.perf_counter()
    inside = count_inside(args.size, args.seed)
    elapsed = time.perf_counter() - start
    print(json.dumps({"kernel": "pi", "variant": "seq", "result": 4 * inside / args.size, "time_s": elapsed,
                      "workers": 1, "bytes_moved": 0}))


if __name__ == "__main__":
    main()
