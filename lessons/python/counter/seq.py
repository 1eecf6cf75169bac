"""counter, one plain loop: --size increments of one counter. Alone, no update can be
lost: the final count is the number of increments.

    python3 seq.py --size 1000000
"""
import argparse
import json
import time

count = 0


def add(increments):
    global count
    for _ in range(increments):
        count += 1


def main():
    parser = argparse.ArgumentParser(description="increments of one counter, one loop")
    parser.add_argument("--size", type=int, default=1_000_000, help="increments")
    parser.add_argument("--sync", default="none", help="ignored: one loop needs no synchronisation")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    add(args.size)
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": count, "items": args.size, "moved_bytes": 0, "workers": 1,
                      "outcome": {"expected": args.size, "final": count, "lost_updates": args.size - count}}))


if __name__ == "__main__":
    main()
