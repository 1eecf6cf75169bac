"""integral, one plain loop: the trapezoid rule for f(x) = x^2 over [0, 100] with
--size trapezoids. The exact value is 100^3 / 3 = 333333.33...

    python3 seq.py --size 1000000
"""
import argparse
import json
import time

LOWER, UPPER = 0.0, 100.0


def interior_sum(first, last, h):
    """Sum of f(x) = x^2 at the interior points first .. last-1 (x = i h)."""
    total = 0.0
    for i in range(first, last):
        x = LOWER + i * h
        total += x * x
    return total


def main():
    parser = argparse.ArgumentParser(description="trapezoid rule for x^2 on [0, 100], one loop")
    parser.add_argument("--size", type=int, default=1_000_000, help="trapezoids")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()
    h = (UPPER - LOWER) / args.size

    start = time.perf_counter()
    inner = interior_sum(1, args.size, h)
    elapsed = time.perf_counter() - start

    value = h * (0.5 * LOWER**2 + inner + 0.5 * UPPER**2)
    print(json.dumps({"time_s": elapsed, "result": value, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"integral": value}}))


if __name__ == "__main__":
    main()
