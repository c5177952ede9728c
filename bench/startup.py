"""Start-up cost of the `scr` command, as ratios to `python -c pass` measured in the same run.

Each command runs in a fresh process, alternating with the baseline so that load on the
machine affects both alike; the figure is the median wall time of the repeats.

    python bench/startup.py [--repeat 15]

Targets (issue 15): `scr --version` under 5x, `scr check` on an example under 15x.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"


def _scr() -> list[str]:
    found = shutil.which("scr", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "scr_eligibility.cli.main"]


COMMANDS: dict[str, tuple[list[str], float | None]] = {
    "scr --version": (["--version"], 5.0),
    "scr --help": (["--help"], None),
    "scr editions": (["editions"], None),
    "scr check EXAMPLE": (["check", str(EXAMPLE)], 15.0),
}


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(repeat: int, only: tuple[str, ...] | None = None) -> list[list[str]]:
    """One row per command (or per command named in ``only``): median ms, the baseline's median, the ratio, the target."""
    baseline = [sys.executable, "-c", "pass"]
    rows = []
    for label, (args, target) in COMMANDS.items():
        if only is not None and label not in only:
            continue
        argv = _scr() + args
        _time(argv)  # warm the file cache
        ours, base = [], []
        for _ in range(repeat):
            base.append(_time(baseline))
            ours.append(_time(argv))
        ratio = statistics.median(ours) / statistics.median(base)
        rows.append([label, f"{statistics.median(ours) * 1000:.0f}", f"{statistics.median(base) * 1000:.0f}",
                     f"{ratio:.1f}x", f"< {target:g}x" if target else "",
                     ("yes" if ratio < target else "NO") if target else ""])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, {sys.executable}")
    print(tabulate(measure(options.repeat), headers=["Command", "ms (median)", "python -c pass, ms", "Ratio",
                                                      "Target", "Met"], tablefmt="github"))


if __name__ == "__main__":
    main()
