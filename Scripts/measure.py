#!/usr/bin/env python3
"""Times commands for the benchmark scripts: each one ROUNDS times, interleaved (round 1 of every
command, then round 2...), stdout and stderr to /dev/null. Appends a line per run to OUT:

    NAME WALL_S CPU_S PEAK_KIB

Wall time comes from a monotonic clock (microseconds: `/usr/bin/time` counts in hundredths, which
rounds a small capture's run to 0), CPU time (user + system) and the peak resident set from the
child's rusage (`wait4`). A command that fails is still timed, and its exit status noted on stderr.

    Scripts/measure.py ROUNDS OUT NAME=COMMAND [NAME=COMMAND...]
"""
import os
import shlex
import subprocess
import sys
import time


def run(argv):
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen(argv, stdout=null, stderr=null)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, out = int(sys.argv[1]), sys.argv[2]
    commands = []
    for spec in sys.argv[3:]:
        name, _, command = spec.partition("=")
        commands.append((name, shlex.split(command)))
    with open(out, "a") as results:
        for _ in range(rounds):
            for name, argv in commands:
                wall, cpu, peak, status = run(argv)
                if status != 0:
                    print(f"measure: {name} exited with {status}", file=sys.stderr)
                results.write(f"{name} {wall:.6f} {cpu:.6f} {peak}\n")


if __name__ == "__main__":
    main()
