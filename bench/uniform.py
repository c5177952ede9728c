"""A uniform random mix of cases: every fact unknown or any allowed value with equal odds.

bench/cases.py draws plausible cases (most of them deaths or serious harm with abuse or neglect
known or suspected); this draws each fact on its own, uniformly over "unknown" and its allowed
values (the age 0..25, dates in the shipped editions' range; the deciding nation always England, whose editions
the benchmark measures), so the benchmark also runs on
cases the plausible generator rarely makes. A draw the fact model refuses as a contradiction
(custody after no death, a care leaver still looked after...) is dropped and drawn again: the
mix is uniform over the fact sets the model accepts.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterator
from typing import Any

from scr_eligibility.errors import InputError
from scr_eligibility.facts import BOOL_FACTS, DATE_FACTS, FACT_NAMES, INT_FACTS, Facts, allowed_values, parse_facts

#: Facts this mix leaves unknown: text, and the months of an infant's age (the age itself is drawn).
_NOT_DRAWN = ("case_reference", "deciding_authority", "age_months")


def _draw(rng: random.Random, name: str, start: _dt.date, end: _dt.date) -> Any:
    if name in BOOL_FACTS:
        return rng.choice((None, True, False))
    if name in INT_FACTS:
        return None if rng.random() < 0.5 else rng.randint(0, 25)
    if name in DATE_FACTS:
        return None if rng.random() < 0.5 else start + _dt.timedelta(days=rng.randint(0, (end - start).days))
    if name == "deciding_nation":  # England's editions are measured: another nation's, or all with it unknown, are not
        return "england"
    return rng.choice((None, *(allowed_values(name) or ())))


def iter_uniform(count: int, seed: int = 2026, dates: tuple[_dt.date, _dt.date] | None = None,
                 tries: list[int] | None = None) -> Iterator[Facts]:
    """``count`` parsed fact sets, the same for the same seed; ``tries`` (if given) gets the number of draws."""
    rng = random.Random(seed)
    start, end = dates or (_dt.date(2006, 4, 1), _dt.date(2024, 12, 31))
    names = [n for n in FACT_NAMES if n not in _NOT_DRAWN]
    made = drawn = 0
    while made < count:
        drawn += 1
        raw = {name: value for name in names if (value := _draw(rng, name, start, end)) is not None}
        raw["case_reference"] = f"UNI-{made + 1:07d}"
        try:
            facts = parse_facts(raw)
        except InputError:
            continue  # a contradiction the model refuses: not a case anyone could record
        made += 1
        yield facts
    if tries is not None:
        tries.append(drawn)


def uniform_cases(count: int, seed: int = 2026) -> tuple[list[Facts], float]:
    """A list of :func:`iter_uniform` and the share of draws the fact model accepted."""
    tries: list[int] = []
    cases = list(iter_uniform(count, seed, tries=tries))
    return cases, count / tries[0] if tries else 1.0
