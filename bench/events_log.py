"""A decision log of generated cases with plausible events, for the report's benchmark and its test at scale.

Each case from :mod:`bench.cases` is decided by the engine and recorded; then, with a seeded
random draw, the duties its decision owes are met (most on time, some late, some not yet),
the partners decide on a review where the engine advises one way or the other (mostly as
advised; a departure carries a rationale), the Panel responds to some rapid reviews, and a
few cases are corrected (a new record of the same facts replaces the old). Every event goes
through :func:`scr_eligibility.engine.audit.events.make_event`, so each passes the checks an
event typed at the command line would. Everything is written in one transaction (a JSON
Lines import), so building the log costs one commit, not one per entry.
"""

from __future__ import annotations

import datetime as _dt
import io
import random
from collections import Counter
from pathlib import Path
from typing import Any

from scr_eligibility.engine import deadlines
from scr_eligibility.engine.audit.canonical import canonical_json
from scr_eligibility.engine.audit.events import DUTY_KINDS, make_event
from scr_eligibility.engine.audit.ledger import Ledger
from scr_eligibility.engine.audit.owed import MEETS, owed_duties, review_advice
from scr_eligibility.engine.audit.records import make_record, record_dict
from scr_eligibility.engine.audit.timeline import working_days_between
from scr_eligibility.engine.evaluation import evaluate
from scr_eligibility.errors import ScrError
from scr_eligibility.facts import parse_facts

try:
    from bench.cases import generate_cases
except ImportError:  # imported by a script in bench/, where bench/bench.py shadows the folder
    from cases import generate_cases  # type: ignore[no-redef]

MADE_AT = _dt.datetime(2025, 6, 1, 9, 0, tzinfo=_dt.UTC)
RATIONALES = ("Learning is being taken forward through a single-agency review",
              "The rapid review found practice that a local review should examine",
              "A review is already under way in the neighbouring area")


def _events_for(rng: random.Random, record: dict[str, Any]) -> list[dict[str, Any]]:
    facts = record.get("facts") or {}
    aware = facts.get("awareness_date")
    if not isinstance(aware, str):
        return []
    start = _dt.date.fromisoformat(aware)
    wanted: dict[str, _dt.date] = {}
    for owed in owed_duties(record):
        if not owed.certain or owed.duty not in MEETS or MEETS[owed.duty] == ("review_decision",):
            continue
        if rng.random() < 0.1:
            continue  # never done: outstanding
        if owed.due is not None:
            allowed = working_days_between(start, owed.due)
            on = deadlines.add_working_days(start, rng.randint(0, allowed)) if rng.random() < 0.75 else \
                deadlines.add_working_days(owed.due, rng.randint(1, 10))
        else:
            on = deadlines.add_working_days(start, rng.randint(1, 20))  # no timescale: met some day
        for kind in MEETS[owed.duty]:
            if kind in DUTY_KINDS and kind not in wanted:
                wanted[kind] = on
    events = [make_event(record, kind, on, made_at=MADE_AT) for kind, on in wanted.items()]
    definite = [a for a in review_advice(record) if a.advice is not None]
    if definite and rng.random() < 0.7:
        advice = definite[0].advice
        outcome = advice if rng.random() < 0.9 else ("no_review" if advice == "review" else "review")
        on = deadlines.add_working_days(start, rng.randint(10, 30))
        events.append(make_event(record, "review_decision", on, outcome=outcome, note=rng.choice(RATIONALES),
                                 made_at=MADE_AT))
    if "rapid_review_sent" in wanted and rng.random() < 0.5:
        on = wanted["rapid_review_sent"] + _dt.timedelta(days=rng.randint(7, 40))
        events.append(make_event(record, "panel_response", on, made_at=MADE_AT))
    return events


def build_log(path: str | Path, count: int = 10_000, seed: int = 2026) -> Counter[str]:
    """Write a new log at ``path`` of ``count`` generated cases with their events; return what it holds."""
    rng = random.Random(seed)
    held: Counter[str] = Counter()
    lines = io.StringIO()
    for case in generate_cases(count, seed):
        try:
            decision = evaluate(parse_facts(case))
        except ScrError:
            held["refused"] += 1  # a generated case the engine cannot decide (no date, say): not logged
            continue
        record = record_dict(make_record(decision, made_at=MADE_AT))
        lines.write(canonical_json(record) + "\n")
        held["records"] += 1
        for event in _events_for(rng, record):
            lines.write(canonical_json(event) + "\n")
            held[event["kind"]] += 1
        if rng.random() < 0.02:
            replacement = record_dict(make_record(decision, made_at=MADE_AT))
            correction = make_event(record, "correction", _dt.date(2025, 5, 1), replaced_by=replacement,
                                    note="Facts confirmed at the strategy meeting", made_at=MADE_AT)
            lines.write(canonical_json(replacement) + "\n" + canonical_json(correction) + "\n")
            held["records"] += 1
            held["correction"] += 1
    Ledger(path).import_jsonl(lines.getvalue(), source="generated")
    return held
