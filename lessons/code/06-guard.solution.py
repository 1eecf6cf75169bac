"""Lesson 6: the `if __name__ == "__main__":` guard that spawn and forkserver need (reference solution).

With the spawn start method (the default on macOS and Windows; forkserver is
Python 3.14's default on Linux) every worker is a fresh Python that imports this file
before it runs a task. Whatever the file does at the top level, it does again in
every worker: here that includes starting a pool of its own, which Python refuses
("An attempt has been made to start a new process before the current process has
finished its bootstrapping phase"), and the pool breaks.

Run:  python3 06-guard.py --workers 2
It prints one JSON line: the integral of 4 / (1 + x^2) over [0, 1] ("result",
which is pi) and the time taken.

The work is in main(), which only the program started from the command line calls.
"""
import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

STEPS = 1_000_000


def integrate(part):
    """Trapezoid rule for 4 / (1 + x^2) over slice `part` of `parts` of [0, 1]."""
    index, parts = part
    h = 1.0 / STEPS
    first = index * STEPS // parts
    last = (index + 1) * STEPS // parts
    total = 0.0
    for i in range(first, last):
        x0 = i * h
        x1 = x0 + h
        total += (4.0 / (1.0 + x0 * x0) + 4.0 / (1.0 + x1 * x1)) * h / 2
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    spawn = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, mp_context=spawn) as pool:
        result = sum(pool.map(integrate, [(i, args.workers) for i in range(args.workers)]))
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": result, "time_s": elapsed, "workers": args.workers, "start_method": "spawn"}))


# A worker that spawn starts imports this file as "__mp_main__": main() does not run there.
if __name__ == "__main__":
    main()
