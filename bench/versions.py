"""What a new edition version costs: decisions per second under one version of an edition against another.

    python bench/versions.py [--cases N] [--seed S] [OLD NEW ...]

Defaults compare each edition's latest version with the one before it, on N generated cases (bench/cases.py),
each named edition outright, and print the ratio new / old (1.00: the same speed). The newer versions add the duty
owners, the clock starts, the sexual-abuse inference and the remand read as looked after (issue 12); records made
under the older ones still replay under them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import generate_cases  # noqa: E402

from scr_eligibility import evaluate  # noqa: E402
from scr_eligibility.criteria.catalogue import get_edition  # noqa: E402

PAIRS = (("wt2006@2", "wt2006@3"), ("wt2010@2", "wt2010@3"), ("wt2013@2", "wt2013@3"), ("wt2015@1", "wt2015@2"),
         ("wt2018@3", "wt2018@4"), ("wt2023@3", "wt2023@4"))


def rate(cases: list[dict], ref: str, repeat: int = 3) -> float:
    edition = get_edition(ref)
    evaluate(cases[0], editions=[edition])  # compile once, outside the timing
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        for case in cases:
            evaluate(case, editions=[edition])
        best = max(best, len(cases) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("refs", nargs="*", help="pairs of edition versions: OLD NEW ...")
    args = parser.parse_args()
    pairs = list(zip(args.refs[::2], args.refs[1::2], strict=True)) if args.refs else list(PAIRS)
    cases = list(generate_cases(args.cases, seed=args.seed))
    print(f"{'old':<10} {'new':<10} {'old/s':>8} {'new/s':>8} {'new/old':>8}")
    for old, new in pairs:
        a, b = rate(cases, old), rate(cases, new)
        print(f"{old:<10} {new:<10} {a:8.0f} {b:8.0f} {b / a:8.2f}")


if __name__ == "__main__":
    main()
