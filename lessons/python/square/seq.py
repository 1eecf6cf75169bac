"""square, one plain loop: x -> x * x over the list 0, 1, ..., size-1, summed (modulo
2^64, as a 64-bit counter wraps). Each item is a single multiplication.

    python3 seq.py --size 1000000
"""
import argparse
import json
import time


def square(x):
    return x * x


def main():
    parser = argparse.ArgumentParser(description="x -> x*x over a list, one loop")
    parser.add_argument("--size", type=int, default=1_000_000, help="list elements")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    checksum = sum(map(square, range(args.size))) % 2**64
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": checksum, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"checksum": checksum}}))


if __name__ == "__main__":
    main()
