"""walk with a ThreadPoolExecutor: each thread walks its share of the walkers. Each walk
is a chain of steps, but the walkers are independent. Pure Python holds the GIL, so
with a GIL the threads take turns.

    python3 threads.py --size 2000 --steps 1000 --workers 2
"""
import argparse
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor


def squared_distances(walkers, steps, seed):
    """Sum over `walkers` walks of the squared distance from the start."""
    rng = random.Random(seed)
    total = 0
    for _ in range(walkers):
        x = y = 0
        for _ in range(steps):
            x += 1 if rng.random() < 0.5 else -1
            y += 1 if rng.random() < 0.5 else -1
        total += x * x + y * y
    return total


def main():
    parser = argparse.ArgumentParser(description="2D random walks on threads")
    parser.add_argument("--size", type=int, default=2000, help="walkers")
    parser.add_argument("--steps", type=int, default=1000, help="steps per walker")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()
    shares = [args.size // args.workers + (w < args.size % args.workers) for w in range(args.workers)]
    seeds = [args.seed * 1_000_003 + w for w in range(args.workers)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        total = sum(pool.map(squared_distances, shares, [args.steps] * args.workers, seeds))
    elapsed = time.perf_counter() - start

    msd = total / args.size
    print(json.dumps({"time_s": elapsed, "result": msd, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"msd": msd}}))


if __name__ == "__main__":
    main()
