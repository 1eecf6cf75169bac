"""Cancel latency of the `mpi` backend (BENCHMARKS.md, "Cancel latency").

Starts `mpirun -n 2 parlab run pi --backends mpi --size 2e9 --reps 5`, sends SIGINT to
rank 0 four seconds in (in the middle of a repetition: the sequential reference takes
about 2 s here, an mpi repetition about 1.2 s) and prints the milliseconds from the
signal to rank 0's "interrupted" line: rank 0 has stopped, told rank 1, gathered and
printed. Needs a parlab built with `--features mpi` and Open MPI.

    python3 benches/mpi_cancel.py target/release/parlab [TRIALS]
"""

import os
import signal
import subprocess
import sys
import time

ENV = dict(
    os.environ,
    OMPI_ALLOW_RUN_AS_ROOT="1",
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
    OMPI_MCA_rmaps_base_oversubscribe="1",
)


def rank0():
    """The pid of the parlab process that is MPI rank 0."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        if exe.endswith("parlab") and b"OMPI_COMM_WORLD_RANK=0" in environ:
            return int(pid)
    raise SystemExit("no rank 0 found")


def trial(parlab):
    args = ["mpirun", "-n", "2", parlab, "run", "pi", "--backends", "mpi", "--size", "2e9"]
    args += ["--reps", "5", "--warmup", "0", "-q"]
    run = subprocess.Popen(args, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(4.0)
    sent = time.monotonic()
    os.kill(rank0(), signal.SIGINT)
    took = None
    for line in run.stderr:
        if took is None and b"interrupted" in line:
            took = time.monotonic() - sent
    run.wait()
    return took


def main():
    parlab = sys.argv[1]
    for number in range(int(sys.argv[2]) if len(sys.argv) > 2 else 5):
        took = trial(parlab)
        print(f"trial {number}: " + ("no 'interrupted' line" if took is None else f"{took * 1000:.0f} ms"))


if __name__ == "__main__":
    main()
