"""Lesson 6: share the darts out with multiprocessing.Pool.map (reference solution).

Monte Carlo pi: throw darts at the unit square and count those that land inside the
quarter circle; 4 * inside / darts approaches pi. The darts are already split into
one task per worker (count_inside(darts, seed)), but the tasks run one after the
other in this process, so a second worker changes nothing.

Run:  python3 06-pool.py --workers 2
It prints one JSON line: the estimate ("result") and the time taken.

The tasks run in a Pool of args.workers processes: each process counts its share.
"""
import argparse
import json
import multiprocessing
import random
import time

DARTS = 3_000_000


def count_inside(darts, seed):
    rng = random.Random(seed)
    inside = 0
    for _ in range(darts):
        x = rng.random()
        y = rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside


def count_inside_task(task):
    darts, seed = task
    return count_inside(darts, seed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    tasks = [(DARTS // args.workers + (i < DARTS % args.workers), 42 + i) for i in range(args.workers)]
    start = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        counts = pool.map(count_inside_task, tasks)
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": 4 * sum(counts) / DARTS, "time_s": elapsed, "workers": args.workers}))


if __name__ == "__main__":
    main()
