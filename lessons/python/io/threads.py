"""io with a ThreadPoolExecutor: time.sleep (like a blocking socket read) releases the
GIL, so while one thread waits another runs. With --workers 8, eight requests wait at
once, even on one core.

    python3 threads.py --size 50 --latency-ms 10 --workers 8
"""
import argparse
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor


def latency_us(item, mean_us, seed):
    """The simulated latency of request `item`: uniform in 0.5x .. 1.5x the mean."""
    return mean_us // 2 + random.Random(seed * 1_000_003 + item).randrange(mean_us + 1)


def handle(item, mean_us, seed):
    """One request: wait for the reply, then work on it. Returns the microseconds waited."""
    wait = latency_us(item, mean_us, seed)
    time.sleep(wait / 1e6)
    state = item
    for _ in range(2000):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return wait


def main():
    parser = argparse.ArgumentParser(description="requests that mostly wait, on threads")
    parser.add_argument("--size", type=int, default=50, help="requests")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="mean latency of a request")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=8, help="threads: requests waiting at once")
    args = parser.parse_args()
    mean_us = round(args.latency_ms * 1000)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        waited = sum(pool.map(handle, range(args.size), [mean_us] * args.size, [args.seed] * args.size))
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": waited / 1e6, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"latency_total_s": waited / 1e6}}))


if __name__ == "__main__":
    main()
