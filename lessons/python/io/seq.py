"""io, one plain loop: --size requests, each waiting for a simulated network reply (a
sleep of 0.5x to 1.5x --latency-ms) and then doing a little work on it. One at a time,
the waits add up.

    python3 seq.py --size 50 --latency-ms 10
"""
import argparse
import json
import random
import time


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
    parser = argparse.ArgumentParser(description="requests that mostly wait, one at a time")
    parser.add_argument("--size", type=int, default=50, help="requests")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="mean latency of a request")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()
    mean_us = round(args.latency_ms * 1000)

    start = time.perf_counter()
    waited = sum(handle(item, mean_us, args.seed) for item in range(args.size))
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": waited / 1e6, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"latency_total_s": waited / 1e6}}))


if __name__ == "__main__":
    main()
