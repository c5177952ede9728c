"""The timeliness report: for a period, the cases by outcome and edition, each duty's record of timeliness, and
the decisions that departed from the engine's advice.

A case is in the period when the day its current record says the authority became aware falls in it
(that is when its duties start); a case whose awareness date is not known (a redacted record, say)
counts by the day its record was made. The duties are judged as of ``as_of`` (:mod:`.timeline`).
"""

from __future__ import annotations

import datetime as _dt
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from .stored import is_event
from .timeline import CaseTimeline, case_timeline, gather


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeCount(_Model):
    edition: str
    outcome: str
    cases: int


class DutyStats(_Model):
    """One duty across the period's cases. ``owed`` counts the cases owing it; the rest split it."""

    duty: str
    action: str
    by: str
    owed: int
    on_time: int
    late: int
    met_no_due_date: int
    outstanding_overdue: int
    outstanding_not_yet_due: int
    outstanding_no_due_date: int
    may_be_owed: int
    median_working_days: float | None


class Departure(_Model):
    case_reference: str
    on: _dt.date
    outcome: str
    advice: str
    editions: tuple[str, ...]
    rationale: str | None


class Report(_Model):
    period_from: _dt.date
    period_to: _dt.date
    as_of: _dt.date
    cases: int
    events: int
    corrections: int
    by_outcome: tuple[OutcomeCount, ...]
    duties: tuple[DutyStats, ...]
    departures: tuple[Departure, ...]


def _in_period(case: CaseTimeline, made: dict[str, str], start: _dt.date, end: _dt.date) -> bool:
    day = case.awareness_date
    if day is None:
        try:
            day = _dt.datetime.fromisoformat(made.get(case.current_record, "")).date()
        except ValueError:
            return False
    return start <= day <= end


def _duty_stats(cases: list[CaseTimeline]) -> list[DutyStats]:
    lines: dict[str, list[Any]] = {}
    for case in cases:
        for duty in case.duties:
            lines.setdefault(duty.duty, []).append(duty)
    stats = []
    for duty_id, found in lines.items():
        status = Counter(
            "outstanding_overdue" if d.status == "outstanding" and d.overdue else
            "outstanding_no_due_date" if d.status == "outstanding" and d.due is None else
            "outstanding_not_yet_due" if d.status == "outstanding" else
            "met_no_due_date" if d.status == "met" else d.status for d in found)
        days = [d.working_days for d in found if d.working_days is not None and d.status in ("on_time", "late", "met")]
        certain = [d for d in found if d.status != "may_be_owed"]
        stats.append(DutyStats(
            duty=duty_id, action=found[0].action, by=found[0].by, owed=len(certain), on_time=status["on_time"],
            late=status["late"], met_no_due_date=status["met_no_due_date"],
            outstanding_overdue=status["outstanding_overdue"],
            outstanding_not_yet_due=status["outstanding_not_yet_due"],
            outstanding_no_due_date=status["outstanding_no_due_date"], may_be_owed=status["may_be_owed"],
            median_working_days=float(statistics.median(days)) if days else None))
    return sorted(stats, key=lambda s: (-s.owed, s.duty))


def build_report(entries: Iterable[tuple[int, dict[str, Any]]], start: _dt.date, end: _dt.date,
                 as_of: _dt.date) -> Report:
    """The report over the cases of ``entries`` whose awareness date falls from ``start`` to ``end``."""
    made: dict[str, str] = {}

    def noting(items: Iterable[tuple[int, dict[str, Any]]]) -> Iterable[tuple[int, dict[str, Any]]]:
        for seq, body in items:
            if isinstance(body.get("made_at"), str) and not is_event(body):  # an event names its record's id too
                made[str(body.get("record_id"))] = body["made_at"]
            yield seq, body

    cases = [t for key, found in gather(noting(entries)).items() if (t := case_timeline(key, found, as_of))]
    chosen = [c for c in cases if _in_period(c, made, start, end)]
    editions_of = {c.case_reference: {ref.partition("@")[0]: ref for ref in c.editions} for c in chosen}
    outcomes = Counter((editions_of[c.case_reference].get(edition, edition), outcome)
                       for c in chosen for edition, outcome in c.outcomes.items())
    departures = [Departure(case_reference=c.case_reference, on=d.on, outcome=d.outcome,
                            advice="; ".join(f"{a.edition}: {a.label}" for a in d.advice if a.edition in d.departs_from),
                            editions=d.departs_from, rationale=d.rationale)
                  for c in chosen for d in c.decisions if d.departs_from]
    return Report(
        period_from=start, period_to=end, as_of=as_of, cases=len(chosen),
        events=sum(len(c.events) for c in chosen), corrections=sum(len(c.corrections) for c in chosen),
        by_outcome=tuple(OutcomeCount(edition=e, outcome=o, cases=n)
                         for (e, o), n in sorted(outcomes.items(), key=lambda item: (item[0][0], -item[1]))),
        duties=tuple(_duty_stats(chosen)), departures=tuple(departures))


__all__ = ["Departure", "DutyStats", "OutcomeCount", "Report", "build_report"]
