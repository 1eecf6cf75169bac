"""walk with a multiprocessing Pool: the walkers are cut into four shares per process, each
share with a random stream of its own, and a process takes the next share when it
finishes one (as Pool.map cuts a list into about four chunks per process). The time
includes starting the pool.

    python3 processes.py --size 2000 --steps 1000 --workers 2
"""
import argparse
import json
import multiprocessing
import pickle
import random
import time


def squared_distances(job):
    """Sum over the walks of one (walkers, steps, seed) job of the squared distance."""
    walkers, steps, seed = job
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
    parser = argparse.ArgumentParser(description="2D random walks on processes")
    parser.add_argument("--size", type=int, default=2000, help="walkers")
    parser.add_argument("--steps", type=int, default=1000, help="steps per walker")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="jobs sent to a process at a time")
    args = parser.parse_args()
    shares = 4 * args.workers
    jobs = [(args.size // shares + (w < args.size % shares), args.steps, args.seed * 1_000_003 + w)
            for w in range(shares)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        totals = pool.map(squared_distances, jobs, chunksize=args.chunksize)
    elapsed = time.perf_counter() - start

    msd = sum(totals) / args.size
    moved = len(pickle.dumps(jobs)) + len(pickle.dumps(totals))
    print(json.dumps({"time_s": elapsed, "result": msd, "items": args.size, "moved_bytes": moved,
                      "workers": args.workers, "outcome": {"msd": msd}}))


if __name__ == "__main__":
    main()
