"""pi, one plain loop: throw random darts at the unit square and count those that land
inside the quarter circle; 4 x (inside / darts) estimates pi.

    python3 seq.py --size 1000000 --seed 42

Prints one JSON line: the seconds the loop took, the estimate, the darts thrown.
"""
import argparse
import json
import random
import time


def count_inside(darts, seed):
    """Darts out of `darts` that land inside the quarter circle."""
    rng = random.Random(seed)
    inside = 0
    for _ in range(darts):
        x = rng.random()
        y = rng.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def main():
    parser = argparse.ArgumentParser(description="pi by Monte-Carlo darts, one loop")
    parser.add_argument("--size", type=int, default=1_000_000, help="darts to throw")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    inside = count_inside(args.size, args.seed)
    elapsed = time.perf_counter() - start

    estimate = 4.0 * inside / args.size
    print(json.dumps({"time_s": elapsed, "result": estimate, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"estimate": estimate, "inside": inside}}))


if __name__ == "__main__":
    main()
