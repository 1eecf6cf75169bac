"""Lesson 9: many small tasks, and the chunksize that makes them pay.

Every item is a small task (the sum of squares below n). Pool.map sends the items to
the workers in chunks of `chunksize` items: each chunk is one message out and one
back. With chunksize=1 every tiny task pays a whole round trip between processes, and
that cost, not the arithmetic, sets the time.

Run:  python3 09-chunksize.py --workers 2
It prints one JSON line: the total ("result"), the pool's time ("time_s") and the
plain loop's ("seq_time_s").

TODO: choose a chunksize that makes the messages few and large (for example the
items divided by four times the workers), so that the pool of two workers beats the plain loop
("seq_time_s") instead of taking many times as long.
"""
import argparse
import json
import multiprocessing
import time

ITEMS = 20_000


def small_task(n):
    return sum(i * i for i in range(n % 500))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    chunksize = 1  # TODO: fewer, larger messages
    # The plain loop, for comparison: the pool must beat it.
    start = time.perf_counter()
    expected = sum(small_task(n) for n in range(ITEMS))
    seq_time = time.perf_counter() - start
    start = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        total = sum(pool.map(small_task, range(ITEMS), chunksize=chunksize))
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": total, "time_s": elapsed, "workers": args.workers, "chunksize": chunksize,
                      "seq_time_s": seq_time, "expected": expected}))


if __name__ == "__main__":
    main()
