"""pi with a multiprocessing Pool: the darts are cut into four shares per process, and a
process takes the next share when it finishes one (as Pool.map cuts a list into about four
chunks per process), so a process on a faster core throws more.

Every process has its own interpreter and its own GIL, so the shares really run side by
side. The time includes starting the pool: that is part of what processes cost.
The `if __name__ == "__main__":` guard is required: with the spawn and forkserver start
methods every worker imports this file, and without the guard each would start a pool.

    python3 processes.py --size 1000000 --seed 42 --workers 2
"""
import argparse
import json
import multiprocessing
import pickle
import random
import time


def count_inside(job):
    """Darts out of `darts` that land inside the quarter circle, for one (darts, seed)."""
    darts, seed = job
    rng = random.Random(seed)
    inside = 0
    for _ in range(darts):
        x = rng.random()
        y = rng.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def main():
    parser = argparse.ArgumentParser(description="pi by Monte-Carlo darts on processes")
    parser.add_argument("--size", type=int, default=1_000_000, help="darts to throw")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="jobs sent to a process at a time")
    args = parser.parse_args()

    shares = 4 * args.workers
    jobs = [(args.size // shares + (w < args.size % shares), args.seed * 1_000_003 + w)
            for w in range(shares)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        counts = pool.map(count_inside, jobs, chunksize=args.chunksize)
    elapsed = time.perf_counter() - start

    inside = sum(counts)
    moved = len(pickle.dumps(jobs)) + len(pickle.dumps(counts))
    estimate = 4.0 * inside / args.size
    print(json.dumps({"time_s": elapsed, "result": estimate, "items": args.size, "moved_bytes": moved,
                      "workers": args.workers, "start_method": multiprocessing.get_start_method(),
                      "outcome": {"estimate": estimate, "inside": inside}}))


if __name__ == "__main__":
    main()
