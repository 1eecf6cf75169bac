"""pi with a ThreadPoolExecutor: each thread throws its share of the darts.

The loop is pure Python, so on a CPython with a GIL only one thread runs it at a time:
expect no speedup. On a free-threaded build (python3.13t, 3.14t) the threads do run
side by side.

    python3 threads.py --size 1000000 --seed 42 --workers 2
"""
import argparse
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor


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
    parser = argparse.ArgumentParser(description="pi by Monte-Carlo darts on threads")
    parser.add_argument("--size", type=int, default=1_000_000, help="darts to throw")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()

    # One share per thread, each with its own random stream.
    shares = [args.size // args.workers + (w < args.size % args.workers) for w in range(args.workers)]
    seeds = [args.seed * 1_000_003 + w for w in range(args.workers)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        inside = sum(pool.map(count_inside, shares, seeds))
    elapsed = time.perf_counter() - start

    estimate = 4.0 * inside / args.size
    print(json.dumps({"time_s": elapsed, "result": estimate, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"estimate": estimate, "inside": inside}}))


if __name__ == "__main__":
    main()
