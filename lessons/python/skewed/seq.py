"""skewed, one plain loop: the rows of a Mandelbrot image (the upper half of the set,
--size rows of 2 x size pixels). A row costs as many iterations as its pixels need to
escape; rows that cross the set cost hundreds of times more than rows above it.

    python3 seq.py --size 60 --max-iter 1000
"""
import argparse
import json
import time

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
    parser = argparse.ArgumentParser(description="Mandelbrot rows of very unequal cost, one loop")
    parser.add_argument("--size", type=int, default=60, help="image rows")
    parser.add_argument("--max-iter", type=int, default=1000, help="iterations after which a pixel is inside")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=1, help="ignored: one loop is one worker")
    args = parser.parse_args()

    start = time.perf_counter()
    results = [row(r, args.size, args.max_iter) for r in range(args.size)]
    elapsed = time.perf_counter() - start

    iterations = sum(i for i, _ in results)
    inside = sum(n for _, n in results)
    area = 2.0 * inside / (args.size * 2 * args.size) * (X_MAX - X_MIN) * Y_TOP
    print(json.dumps({"time_s": elapsed, "result": area, "items": args.size, "moved_bytes": 0, "workers": 1,
                      "outcome": {"iterations": iterations, "area_estimate": area}}))


if __name__ == "__main__":
    main()
