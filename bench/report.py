"""How long `scr log report` takes over a log of 10,000 generated cases with their events.

Builds the log once (bench/events_log.py: the engine decides each case; plausible events are
added and checked as `scr event add` checks them), then times the report three times, each
run a fresh process as a user would run it (`scr log report LOG --from --to --html`), and, as
the yardstick the figure is read against, `scr log show` over the same log (every entry read
and listed) and `scr log verify` (every entry hashed). It prints the times and their ratios.

    python bench/report.py [--cases 10000] [--log /tmp/scr-report-bench.db]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from events_log import build_log  # this folder is on the path when run as a script (bench/bench.py shadows `bench`)

SCR = str(Path(sys.executable).with_name("scr"))


def timed(args: list[str], runs: int = 3) -> tuple[float, float]:
    """The median wall-clock and CPU (user + system) seconds of ``scr ARGS`` over ``runs`` fresh processes.

    The CPU time is the steadier figure on a shared machine: the wall clock also counts the time
    other processes held the cores."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([SCR, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--log", default="/tmp/scr-report-bench.db")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    log = Path(options.log)
    if log.exists():
        print(f"Using the log already at {log} (delete it to build a new one).")
    else:
        start = time.perf_counter()
        held = build_log(log, options.cases)
        print(f"Built {log} in {time.perf_counter() - start:.1f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(held.items())))
    size = os.path.getsize(log) / 1e6
    html = str(log.with_suffix(".html"))
    report = timed(["log", "report", str(log), "--from", "2006-01-01", "--to", "2024-12-31", "--as-of", "2025-06-01",
                    "--html", html], options.runs)
    show = timed(["log", "show", str(log)], options.runs)
    verify = timed(["log", "verify", str(log)], options.runs)
    print(f"log: {size:.0f} MB; median of {options.runs} runs; wall clock, and CPU (user + system)")
    print(f"scr log report --html: {report[0]:6.2f} s wall  {report[1]:6.2f} s CPU")
    print(f"scr log show:          {show[0]:6.2f} s wall  {show[1]:6.2f} s CPU   report / show   = "
          f"{report[0] / show[0]:.2f} wall, {report[1] / show[1]:.2f} CPU")
    print(f"scr log verify:        {verify[0]:6.2f} s wall  {verify[1]:6.2f} s CPU   report / verify = "
          f"{report[0] / verify[0]:.2f} wall, {report[1] / verify[1]:.2f} CPU")

if __name__ == "__main__":
    main()
