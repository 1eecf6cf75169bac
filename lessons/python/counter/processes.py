"""counter on processes: processes share no memory, so each one increments a counter of
its own and sends its count back; the parent adds them up. No update can be lost, and
that is also the fix for threads (--sync partials there).

    python3 processes.py --size 1000000 --workers 2
"""
import argparse
import json
import multiprocessing
import time

count = 0


def add(increments):
    global count  # this process's own copy
    count = 0
    for _ in range(increments):
        count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description="increments of a counter, on processes")
    parser.add_argument("--size", type=int, default=1_000_000, help="increments in all")
    parser.add_argument("--sync", default="none", help="ignored: processes share no counter to race on")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="jobs sent to a process at a time")
    args = parser.parse_args()
    shares = [args.size // args.workers + (w < args.size % args.workers) for w in range(args.workers)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        final = sum(pool.map(add, shares, chunksize=args.chunksize))
    elapsed = time.perf_counter() - start

    print(json.dumps({"time_s": elapsed, "result": final, "items": args.size, "moved_bytes": 16 * args.workers,
                      "workers": args.workers, "start_method": multiprocessing.get_start_method(),
                      "outcome": {"expected": args.size, "final": final, "lost_updates": args.size - final}}))


if __name__ == "__main__":
    main()
