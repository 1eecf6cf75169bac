"""skewed with a ThreadPoolExecutor: one task per row, handed out as threads come free,
so the load balances itself; but the rows are pure Python and, with a GIL, the threads
take turns.

    python3 threads.py --size 60 --workers 2
"""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

X_MIN, X_MAX, Y_TOP = -2.2, 0.8, 1.5


def row(r, rows, max_iter):
    """(iterations, pixels inside the set) of row r."""
    columns = 2 * rows
    cy = Y_TOP * (1.0 - (r + 0.5) / rows)
    dx = (X_MAX - X_MIN) / columns
    iterations = inside = 0
    for column in range(columns):
        cx = X_MIN + (column + 0.5) * dx
        x = y = 0.0
        n = 0
        while n < max_iter:
            xx, yy = x * x, y * y
            if xx + yy > 4.0:
                break
            y = 2.0 * x * y + cy
            x = xx - yy + cx
            n += 1
        iterations += n
        inside += n == max_iter
    return iterations, inside


def main():
    parser = argparse.ArgumentParser(description="Mandelbrot rows of very unequal cost, on threads")
    parser.add_argument("--size", type=int, default=60, help="image rows")
    parser.add_argument("--max-iter", type=int, default=1000, help="iterations after which a pixel is inside")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="threads")
    args = parser.parse_args()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(row, range(args.size), [args.size] * args.size, [args.max_iter] * args.size))
    elapsed = time.perf_counter() - start

    iterations = sum(i for i, _ in results)
    inside = sum(n for _, n in results)
    area = 2.0 * inside / (args.size * 2 * args.size) * (X_MAX - X_MIN) * Y_TOP
    print(json.dumps({"time_s": elapsed, "result": area, "items": args.size, "moved_bytes": 0,
                      "workers": args.workers, "outcome": {"iterations": iterations, "area_estimate": area}}))


if __name__ == "__main__":
    main()
