"""square with Pool.map and a chunksize: the list is cut into chunks of --chunksize
elements, and every chunk travels to a worker process and its results travel back,
pickled, through a pipe. With chunksize 1 each multiplication pays a whole round trip;
with a chunksize of a thousand the trip is shared by a thousand elements.

    python3 processes.py --size 100000 --workers 2 --chunksize 1
    python3 processes.py --size 100000 --workers 2 --chunksize 1000
"""
import argparse
import json
import multiprocessing
import pickle
import time


def square(x):
    return x * x


def main():
    parser = argparse.ArgumentParser(description="x -> x*x over a list, on processes")
    parser.add_argument("--size", type=int, default=100_000, help="list elements")
    parser.add_argument("--seed", type=int, default=42, help="ignored: nothing is random")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--chunksize", type=int, default=1000, help="list elements sent to a process at a time")
    args = parser.parse_args()

    start = time.perf_counter()
    with multiprocessing.Pool(processes=args.workers) as pool:
        squares = pool.map(square, range(args.size), chunksize=args.chunksize)
    elapsed_map = time.perf_counter() - start
    checksum = sum(squares) % 2**64
    elapsed = time.perf_counter() - start

    # What crossed the pipes: every chunk of inputs out, every chunk of results back.
    chunk = args.chunksize
    moved = sum(len(pickle.dumps(list(range(i, min(i + chunk, args.size))))) for i in range(0, args.size, chunk))
    moved += sum(len(pickle.dumps(squares[i:i + chunk])) for i in range(0, args.size, chunk))
    print(json.dumps({"time_s": elapsed, "map_s": elapsed_map, "result": checksum, "items": args.size,
                      "moved_bytes": moved, "workers": args.workers, "chunksize": chunk,
                      "start_method": multiprocessing.get_start_method(), "outcome": {"checksum": checksum}}))


if __name__ == "__main__":
    main()
