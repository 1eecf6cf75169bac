"""Lesson 6: share the darts out with multiprocessing.Pool.map.

Monte Carlo pi: throw darts at the unit square and count those that land inside the
quarter circle; 4 * inside / darts approaches pi. The darts are already split into
one task per worker (count_inside(darts, seed)), but the tasks run one after the
other in this process, so a second worker changes nothing.

Run:  python3 06-pool.py --workers 2
It prints one JSON line: the estimate ("result") and the time taken.

TODO: run the tasks in a multiprocessing.Pool of args.workers processes, with
pool.map(count_inside_task, tasks) in place of the built-in map. Keep the pool
inside the `if __name__ == "__main__":` part of the file.
"""
import argparse
import json
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
    counts = list(map(count_inside_task, tasks))  # TODO: a Pool of args.workers processes
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": 4 * sum(counts) / DARTS, "time_s": elapsed, "workers": args.workers}))


if __name__ == "__main__":
    main()
