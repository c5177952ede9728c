"""How many questions `scr ask` asks to reach each example's decision, starting from an empty case.

Each example case (examples/*.yaml, and the test's own cases) is told to the interview one
answer at a time, exactly as tests/test_ask.py does it (through click's CliRunner; a fact the
example does not know is answered "unknown"). Prints a table:

* asked: questions asked until nothing still unknown could change any answer of any edition;
* main settled after: questions asked until every edition's main answer had its final value;
* together: questions asked because they matter only together with other answers;
* known in file: facts the case holds (counting its case reference, and an age worked out from its dates).

Usage: python bench/ask_counts.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_ask import OWN_CASES, Interview

from scr_eligibility import evaluate, load_case, parse_facts
from scr_eligibility.errors import EditionNotFound


def count(name: str, truth: object) -> list[object]:
    """One row of the table for one case."""
    try:
        final = evaluate(truth)  # type: ignore[arg-type]
    except EditionNotFound:
        return [name, "-", "-", "-", "-", "no edition shipped for its date"]
    interview = Interview(truth)  # type: ignore[arg-type]
    interview.run()
    main_settled = len(interview.asked)
    for number in range(len(interview.asked), -1, -1):  # the last point at which the main answers were final
        known = interview.asked[number][1] if number < len(interview.asked) else interview.known
        if evaluate(parse_facts(known)).outcomes != final.outcomes:
            break
        main_settled = number
    if "undetermined" in final.outcomes.values():
        main_settled = "(stays open)"  # type: ignore[assignment]
    joint = sum(1 for a in interview.asked if a[3])
    outcomes = ", ".join(f"{e}: {o}" for e, o in final.outcomes.items())
    return [name, len(interview.asked), main_settled, joint, len(truth.known()), outcomes]  # type: ignore[attr-defined]


def main() -> None:
    rows = [count(p.name, load_case(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    rows += [count(name, parse_facts(facts)) for name, facts in OWN_CASES.items()]
    print(tabulate(rows, headers=["case", "asked", "main settled after", "together", "known in file", "outcome"],
                   tablefmt="github"))


if __name__ == "__main__":
    main()
