"""counter on threads: every thread does `count += 1` on one shared global.

`count += 1` is a read, an add and a write. If the interpreter switches threads between
the read and the write, the other thread's increments made meanwhile are overwritten.
How often that happens depends on the interpreter: CPython 3.10 and later with a GIL
switch threads only at certain points (a loop's jump back, a call), so this exact loop
seldom loses an update there; a free-threaded build (python3.13t) loses many. The fixes
never depend on luck: a Lock around the increment (--sync mutex), or each thread
counting alone and the counts added at the end (--sync partials).

    python3 threads.py --size 1000000 --workers 2 --sync none
"""
import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

count = 0
lock = threading.Lock()


def add_unsafely(increments):
    global count
    for _ in range(increments):
        count += 1
    return 0


def add_with_lock(increments):
    global count
    for _ in range(increments):
        with lock:
            count += 1
    return 0


def add_alone(increments):
    mine = 0
    for _ in range(increments):
        mine += 1
    return mine


def main():
    parser = argparse.ArgumentParser(description="increments of one shared counter, on threads")
    parser.add_argument("--size", type=int, default=1_000_000, help="increments in all")
    parser.add_argument("--sync", default="none", choices=["none", "atomic", "mutex", "partials"],
                        help="none: count += 1; mutex (and atomic: Python has no atomic add): a Lock; "
                             "partials: each thread counts alone")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()
    work = {"none": add_unsafely, "atomic": add_with_lock, "mutex": add_with_lock, "partials": add_alone}[args.sync]
    shares = [args.size // args.workers + (w < args.size % args.workers) for w in range(args.workers)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        partials = sum(pool.map(work, shares))
    elapsed = time.perf_counter() - start

    final = count + partials
    print(json.dumps({"time_s": elapsed, "result": final, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers,
                      "outcome": {"expected": args.size, "final": final, "lost_updates": args.size - final}}))


if __name__ == "__main__":
    main()
