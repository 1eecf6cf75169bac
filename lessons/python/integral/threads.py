"""integral with a ThreadPoolExecutor: each thread sums one block of the trapezoids.

Pure-Python arithmetic holds the GIL: on a CPython with a GIL the threads take turns
and two threads take as long as one (or longer). A free-threaded build runs them side
by side.

    python3 threads.py --size 1000000 --workers 2
"""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

LOWER, UPPER = 0.0, 100.0


def interior_sum(first, last, h):
    """Sum of f(x) = x^2 at the interior points first .. last-1 (x = i h)."""
    total = 0.0
    for i in range(first, last):
        x = LOWER + i * h
        total += x * x
    return total


def main():
    parser = argparse.ArgumentParser(description="trapezoid rule for x^2 on [0, 100], on threads")
    parser.add_argument("--size", type=int, default=1_000_000, help="trapezoids")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()
    h = (UPPER - LOWER) / args.size
    # Interior points 1 .. size-1, cut into one block per thread.
    bounds = [1 + w * (args.size - 1) // args.workers for w in range(args.workers + 1)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        inner = sum(pool.map(interior_sum, bounds[:-1], bounds[1:], [h] * args.workers))
    elapsed = time.perf_counter() - start

    value = h * (0.5 * LOWER**2 + inner + 0.5 * UPPER**2)
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"integral": value}}))


if __name__ == "__main__":
    main()
