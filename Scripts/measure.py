#!/usr/bin/env python3
"""Times commands for the benchmark scripts: each one ROUNDS times, interleaved (round 1 of every
command, then round 2...), stdout and stderr to /dev/null. Appends a line per run to OUT:

    NAME WALL_S CPU_S PEAK_KIB

Wall time comes from a monotonic clock (microseconds: `/usr/bin/time` counts in hundredths, which
rounds a small capture's run to 0). CPU time (user + system) and the peak resident set come from
`/usr/bin/time`, which starts the command: a child forked from Python would count Python's own
pages (about 14 MiB) in its peak. A command that fails is still timed, and its status noted on stderr.

    Scripts/measure.py ROUNDS OUT NAME=COMMAND [NAME=COMMAND...]
"""
import os
import shlex
import subprocess
import sys
import tempfile
import time


def run(argv):
    with tempfile.NamedTemporaryFile("r") as usage, open(os.devnull, "wb") as null:
        start = time.perf_counter()
        # (/usr/bin/time exits with the command's status.)
        status = subprocess.call(["/usr/bin/time", "-f", "%U %S %M", "-o", usage.name] + argv, stdout=null, stderr=null)
        wall = time.perf_counter() - start
        # The last line (a command that failed gets a line of its own before it).
        user, system, peak = usage.read().split("\n")[-2].split()
    return wall, float(user) + float(system), int(peak), status


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
