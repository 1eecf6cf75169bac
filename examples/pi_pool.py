"""Monte-Carlo pi with a multiprocessing Pool: the kind of script a learner brings.

Usage: python3 pi_pool.py WORKERS [DARTS]
Prints the estimate as `pi = 3.14...`, so `parlab run --cmd ... --check 'regex:pi = ([0-9.]+)'`
can check it at every worker count.
"""

import random
import sys
from multiprocessing import Pool


def darts(task):
    """Throws `n` darts with its own seeded generator; returns how many hit the circle."""
    seed, n = task
    rng = random.Random(seed)
    hits = 0
    for _ in range(n):
        x, y = rng.random(), rng.random()
        if x * x + y * y < 1.0:
            hits += 1
    return hits


if __name__ == "__main__":
    workers = int(sys.argv[1])
    total = int(float(sys.argv[2])) if len(sys.argv) > 2 else 4_000_000
    tasks = 64  # the same 64 tasks at every worker count, so the estimate does not change
    share = [total // tasks + (1 if i < total % tasks else 0) for i in range(tasks)]
    with Pool(workers) as pool:
        hits = sum(pool.map(darts, [(seed, n) for seed, n in enumerate(share)]))
    print(f"pi = {4 * hits / total:.6f}")
