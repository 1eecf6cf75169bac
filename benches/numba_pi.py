"""numba serial Monte-Carlo pi, darts/s (same shape as STACK.md's 62 M/s figure)."""
import sys, time
import numpy as np
from numba import njit

@njit(cache=False)
def pi_darts(n):
    inside = 0
    for _ in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return inside

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000_000
pi_darts(1000)  # compile
best = None
for _ in range(3):
    t = time.perf_counter()
    inside = pi_darts(n)
    dt = time.perf_counter() - t
    best = dt if best is None or dt < best else best
print(f"numba njit serial: {n} darts, best of 3 {best:.3f} s, {n / best / 1e6:.1f} M darts/s, pi ~ {4 * inside / n:.5f}")
