"""Lesson 7: fix the racy counter (reference solution: a lock).

Several threads add 1 to one shared counter. Each addition reads the counter, lets
other threads run (time.sleep(0), which is where CPython may switch threads, as it
may after any bytecode), then writes the value it read plus one. When another thread
wrote in between, its update is lost.

Run:  python3 07-counter.py --workers 2
It prints one JSON line: the final count ("result", which must equal "expected")
and the time taken.

The lock below makes each read-modify-write happen as one step.
"""
import argparse
import json
import threading
import time

INCREMENTS = 5_000  # in total, shared out among the workers

counter = 0
counter_lock = threading.Lock()


def add(times):
    global counter
    for _ in range(times):
        # Only one thread at a time may read, wait and write: nothing is lost.
        # (Partial counts work too: count in a local variable, add the totals at the end.)
        with counter_lock:
            current = counter
            time.sleep(0)
            counter = current + 1


def main():
    global counter
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    counter = 0
    shares = [INCREMENTS // args.workers + (i < INCREMENTS % args.workers) for i in range(args.workers)]
    threads = [threading.Thread(target=add, args=(share,)) for share in shares]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": counter, "expected": INCREMENTS, "lost_updates": INCREMENTS - counter,
                      "time_s": elapsed, "workers": args.workers}))


if __name__ == "__main__":
    main()
