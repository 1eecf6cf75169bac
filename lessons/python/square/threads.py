"""square with ThreadPoolExecutor.map: one task per list element. The work per task (one
multiplication) is far smaller than what the pool spends handing it out, and the GIL
lets one thread run Python at a time: expect threads to be much slower than the loop.

    python3 threads.py --size 100000 --workers 2
"""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor


def square(x):
    return x * x


def main():
    parser = argparse.ArgumentParser(description="x -> x*x over a list, on threads")
    parser.add_argument("--size", type=int, default=100_000, help="list elements")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        checksum = sum(pool.map(square, range(args.size))) % 2**64
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": checksum, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"checksum": checksum}}))


if __name__ == "__main__":
    main()
