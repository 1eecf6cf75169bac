"""Lesson 5: wait for many things at once with asyncio.gather (reference solution).

fetch() stands for a request to a slow server: it waits WAIT_S seconds (the CPU
does nothing meanwhile) and returns a number. The loop below awaits each fetch
before it starts the next, so REQUESTS waits take REQUESTS * WAIT_S seconds, although
nothing stops them from overlapping.

Run:  python3 05-gather.py --workers 2
It prints one JSON line: the sum of the answers ("result") and the time taken.
asyncio runs every wait on one thread, so --workers is accepted and not used.

gather starts every fetch, then waits for all of them: the waits overlap.
"""
import argparse
import asyncio
import json
import time

REQUESTS = 10
WAIT_S = 0.2


async def fetch(i):
    await asyncio.sleep(WAIT_S)  # the server thinks; this thread is free meanwhile
    return i * i


async def fetch_all():
    return await asyncio.gather(*(fetch(i) for i in range(REQUESTS)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    answers = asyncio.run(fetch_all())
    elapsed = time.perf_counter() - start
    print(json.dumps({"result": sum(answers), "time_s": elapsed, "workers": args.workers, "wait_s": WAIT_S,
                      "requests": REQUESTS}))


if __name__ == "__main__":
    main()
