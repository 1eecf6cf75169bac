"""skewed with a multiprocessing Pool: the chunksize decides the balance. Pool.map cuts
the rows into chunks of --chunksize consecutive rows; with one big chunk per process
(--chunksize = rows / workers: a static split) the process that gets the rows crossing
the set works alone at the end, while with small chunks (--chunksize 1) a process that
finishes early takes the next row.

    python3 processes.py --size 60 --workers 2 --chunksize 1
    python3 processes.py --size 60 --workers 2 --chunksize 30
"""
import argparse
import json
import multiprocessing
import time

X_MIN, X_MAX, Y_TOP = -2.2, 0.8, 1.5


def row(job):
    """(iterations, pixels inside the set) of one (row, rows, max_iter) job."""
    r, rows, max_iter = job
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
    parser = argparse.ArgumentParser(description="Mandelbrot rows of very unequal cost, on processes")
    parser.add_argument("--size", type=int, default=60, help="image rows")
    parser.add_argument("--max-iter", type=int, default=1000, help="iterations after which a pixel is inside")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1, help="consecutive rows sent to a process at a time")
    args = parser.parse_args()
    jobs = [(r, args.size, args.max_iter) for r in range(args.size)]

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        results = pool.map(row, jobs, chunksize=args.chunksize)
    elapsed = time.perf_counter() - start

    iterations = sum(i for i, _ in results)
    inside = sum(n for _, n in results)
    area = 2.0 * inside / (args.size * 2 * args.size) * (X_MAX - X_MIN) * Y_TOP
    print(json.dumps({"time_s": elapsed, "result": area, "items": args.size, "moved_bytes": 40 * args.size,
                      "workers": args.workers, "chunksize": args.chunksize,
                      "start_method": multiprocessing.get_start_method(),
                      "outcome": {"iterations": iterations, "area_estimate": area}}))


if __name__ == "__main__":
    main()
