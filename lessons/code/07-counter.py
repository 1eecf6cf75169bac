"""Lesson 7: fix the racy counter.

Several threads add 1 to one shared counter. Each addition reads the counter, lets
other threads run (time.sleep(0), which is where CPython may switch threads, as it
may after any bytecode), then writes the value it read plus one. When another thread
wrote in between, its update is lost.

Run:  python3 07-counter.py --workers 2
It prints one JSON line: the final count ("result", which must equal "expected")
and the time taken.

TODO: make the count right at any number of workers. Either guard the
read-modify-write with a threading.Lock, or let every thread count on its own
(a local variable) and add the partial counts up at the end.
"""
import argparse
import json
import threading
import time

INCREMENTS = 5_000  # in total, shared out among the workers

counter = 0


def add(times):
    global counter
    for _ in range(times):
        current = counter  # read
        time.sleep(0)  # other threads may run here
        counter = current + 1  # write: an update made in between is lost


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
