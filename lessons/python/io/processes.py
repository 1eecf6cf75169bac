"""io with a multiprocessing Pool: it works, since every process can wait, but a process
is a heavy way to wait: each costs an interpreter, and they take time to start. Threads
or asyncio wait just as well.

    python3 processes.py --size 50 --latency-ms 10 --workers 8
"""
import argparse
import json
import multiprocessing
import random
import time


def latency_us(item, mean_us, seed):
    """The simulated latency of request `item`: uniform in 0.5x .. 1.5x the mean."""
    return mean_us // 2 + random.Random(seed * 1_000_003 + item).randrange(mean_us + 1)


def handle(job):
    """One (item, mean_us, seed) request: wait, then work. Returns the microseconds waited."""
    item, mean_us, seed = job
    wait = latency_us(item, mean_us, seed)
    time.sleep(wait / 1e6)
    state = item
    for _ in range(2000):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return wait


def main():
    parser = argparse.ArgumentParser(description="requests that mostly wait, on processes")
    parser.add_argument("--size", type=int, default=50, help="requests")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="mean latency of a request")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=8, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="requests sent to a process at a time")
    args = parser.parse_args()
    mean_us = round(args.latency_ms * 1000)
    jobs = [(item, mean_us, args.seed) for item in range(args.size)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        waited = sum(pool.map(handle, jobs, chunksize=args.chunksize))
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": waited / 1e6, "items": args.size, "moved_bytes": 40 * args.size,
                      "workers": args.workers, "start_method": multiprocessing.get_start_method(),
                      "outcome": {"latency_total_s": waited / 1e6}}))


if __name__ == "__main__":
    main()
