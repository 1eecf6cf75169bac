"""walk, one plain loop: --size random walkers each take --steps steps of +-1 on both
axes. The mean squared distance from the start should be 2 x steps.

    python3 seq.py --size 2000 --steps 1000
"""
import argparse
import json
import random
import time


def squared_distances(walkers, steps, seed):
    """Sum over `walkers` walks of the squared distance from the start."""
    rng = random.Random(seed)
    total = 0
    for _ in range(walkers):
        x = y = 0
        for _ in range(steps):
            x += 1 if rng.random() < 0.5 else -1
            y += 1 if rng.random() < 0.5 else -1
        total += x * x + y * y
    return total


def main():
    parser = argparse.ArgumentParser(description="2D random walks, one loop")
    parser.add_argument("--size", type=int, default=2000, help="walkers")
    parser.add_argument("--steps", type=int, default=1000, help="steps per walker")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    total = squared_distances(args.size, args.steps, args.seed)
    elapsed = time.perf_counter() - start

    msd = total / args.size
    print(json.dumps({"time_s": elapsed, "result": msd, "items": args.size, "moved_bytes": 0,
                      "workers": 1, "outcome": {"msd": msd}}))


if __name__ == "__main__":
    main()
