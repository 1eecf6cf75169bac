"""io with asyncio: one thread, many requests in flight. Each request awaits its reply
(asyncio.sleep stands in for a network read); while it waits the event loop runs the
others. asyncio.gather starts them all; a Semaphore keeps at most --workers in flight.

    python3 asyncio.py --size 50 --latency-ms 10 --workers 8
"""
import os
import sys

# This file is called asyncio.py: take its folder off the import path, or "import asyncio"
# below would import this file instead of the standard library's module.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402


def latency_us(item, mean_us, seed):
    """The simulated latency of request `item`: uniform in 0.5x .. 1.5x the mean."""
    return mean_us // 2 + random.Random(seed * 1_000_003 + item).randrange(mean_us + 1)


async def handle(item, mean_us, seed, in_flight):
    """One request: wait for the reply, then work on it. Returns the microseconds waited."""
    async with in_flight:
        wait = latency_us(item, mean_us, seed)
        await asyncio.sleep(wait / 1e6)
        state = item
        for _ in range(2000):
            state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        return wait


async def run_all(requests, mean_us, seed, workers):
    in_flight = asyncio.Semaphore(workers)
    waits = await asyncio.gather(*(handle(item, mean_us, seed, in_flight) for item in range(requests)))
    return sum(waits)


def main():
    parser = argparse.ArgumentParser(description="requests that mostly wait, with asyncio")
    parser.add_argument("--size", type=int, default=50, help="requests")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="mean latency of a request")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=8, help="requests in flight at once")
    args = parser.parse_args()
    mean_us = round(args.latency_ms * 1000)

    start = time.perf_counter()
    waited = asyncio.run(run_all(args.size, mean_us, args.seed, args.workers))
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": waited / 1e6, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"latency_total_s": waited / 1e6}}))


if __name__ == "__main__":
    main()
