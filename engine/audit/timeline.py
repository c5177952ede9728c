"""A case's timeline: each duty with its due date and the event that met it, the partners' decisions beside the
engine's advice, and the corrections, as of a given day.

Built from a log's entries (decision records and events, :mod:`.events`) without assuming they
are valid: a part of another shape is skipped. A case is its case reference (a record without
one is a case of its own). Its *current* record is the last one logged that no correction has
replaced; the duties are the current record's, and every event on any of the case's records
counts (a notification made before a correction was still made).

How a duty is judged, as of the day asked about (events after it are not yet known):

* met: every event kind that meets it (:data:`.owed.MEETS`) has happened; the day it was met is
  the latest of their first occurrences (a duty that runs from the partners' decision is met
  only by events on or after that decision);
* working days taken: from its start (the awareness date; the notification date, from the case
  file or else the day the board was told; or the decision) to that day, counted as :mod:`..deadlines` counts (the start is day 0; weekends
  and England and Wales bank holidays are not counted);
* ``on_time`` (met on or before the due date), ``late`` (met after it), ``met`` (no timescale
  to judge), ``outstanding`` (not met; ``overdue`` once the due date has passed), ``may_be_owed``
  (the outcome creating it is undetermined).
"""

from __future__ import annotations

import datetime as _dt
import gc
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ...errors import ScrError
from .. import deadlines
from .owed import AFTER_DECISION, MEETS, OwedDuty, departs, fact_date, owed_duties, review_advice
from .stored import case_reference, is_event, objects_in

Status = Literal["on_time", "late", "met", "outstanding", "may_be_owed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DutyLine(_Model):
    """One duty of the case's current record and how it stands."""

    edition: str
    duty: str
    action: str
    by: str
    deadline: str | None
    start: _dt.date | None
    due: _dt.date | None
    met_on: _dt.date | None
    met_by: tuple[str, ...]  # the event kinds that met it
    working_days: int | None
    status: Status
    overdue: bool = False
    working_days_overdue: int | None = None


class EventLine(_Model):
    """One event, as the timeline shows it."""

    on: _dt.date
    kind: str
    record_id: str
    note: str | None = None
    outcome: str | None = None
    replaced_by: str | None = None
    forced: bool = False


class AdviceLine(_Model):
    edition: str
    determination: str
    outcome: str
    label: str
    advice: str | None


class DecisionLine(_Model):
    """A partners' review decision beside the engine's advice on the record it was made on."""

    on: _dt.date
    outcome: str
    rationale: str | None
    advice: tuple[AdviceLine, ...]
    departs_from: tuple[str, ...]  # the editions whose advice it goes against


class CorrectionLine(_Model):
    on: _dt.date
    old_record: str
    new_record: str
    note: str | None
    old_outcomes: dict[str, str]
    new_outcomes: dict[str, str]


class CaseTimeline(_Model):
    case_reference: str
    current_record: str
    records: tuple[str, ...]
    outcomes: dict[str, str]
    editions: tuple[str, ...]
    incident_date: _dt.date | None
    awareness_date: _dt.date | None
    duties: tuple[DutyLine, ...]
    advice: tuple[AdviceLine, ...]
    decisions: tuple[DecisionLine, ...]
    corrections: tuple[CorrectionLine, ...]
    events: tuple[EventLine, ...]


class Timeline(_Model):
    as_of: _dt.date
    cases: tuple[CaseTimeline, ...]


def working_days_between(start: _dt.date, end: _dt.date) -> int:
    """The working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``).

    Counted as :func:`..deadlines.add_working_days` counts (``working_days_between(s, add_working_days(s, n))
    == n``), but by arithmetic: the weekdays in the span less the bank holidays on them, so that a duty
    overdue for years (a report over old cases) costs no more than one due this week.
    """
    if end <= start:
        return 0
    deadlines.is_working_day(start)  # the calendar's years, checked (an InputError outside them)
    deadlines.is_working_day(end)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5 + sum(1 for i in range(1, rest + 1) if (start.weekday() + i) % 7 < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in _weekday_holidays(year) if start < day <= end)
    return count


@lru_cache(maxsize=None)
def _weekday_holidays(year: int) -> tuple[_dt.date, ...]:
    return tuple(day for day in deadlines.bank_holidays(year) if day.weekday() < 5)


def _day(value: Any) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def case_key(body: dict[str, Any]) -> str:
    """The case an entry belongs to: its case reference, or its record's own id for a record without one."""
    reference = case_reference(body)
    return reference if reference else f"record {str(body.get('record_id', '?'))[:8]}"


class _Case:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []


def gather(entries: Iterable[tuple[int, dict[str, Any]]]) -> dict[str, _Case]:
    """The log's entries grouped by case, in log order (an event goes with its record's case)."""
    # Parsing thousands of records allocates millions of dicts and lists, none of them in a cycle; the
    # cyclic collector, run again and again meanwhile, found nothing and cost a third of a report's time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _gather(entries)
    finally:
        if enabled:
            gc.enable()


def _gather(entries: Iterable[tuple[int, dict[str, Any]]]) -> dict[str, _Case]:
    cases: dict[str, _Case] = {}
    record_case: dict[str, str] = {}
    for _seq, body in entries:
        if is_event(body):
            key = record_case.get(str(body.get("record_id")), case_key(body))
            cases.setdefault(key, _Case()).events.append(body)
        else:
            key = case_key(body)
            record_case[str(body.get("record_id"))] = key
            cases.setdefault(key, _Case()).records.append(_slim(body))
    return cases


_FACTS_USED = ("incident_date", "awareness_date", "notification_date")
_DETERMINATION_PARTS = ("id", "outcome", "label", "possible", "duties")


def _slim(record: dict[str, Any]) -> dict[str, Any]:
    """The parts of a record a timeline reads. A record is mostly its criteria's words; a report over
    thousands of cases keeps only this much of each (a tenth of the memory, and of the collector's work)."""
    facts = record.get("facts")
    decision = record.get("decision")
    slim: dict[str, Any] = {k: record.get(k) for k in ("record_id", "case_reference", "made_at", "outcomes",
                                                       "editions")}
    slim["facts"] = {k: facts.get(k) for k in _FACTS_USED} if isinstance(facts, dict) else None
    if isinstance(decision, dict):
        slim["decision"] = {"case_reference": decision.get("case_reference"), "editions": [
            {"edition": e.get("edition"), "version": e.get("version"),
             "determinations": [{k: d.get(k) for k in _DETERMINATION_PARTS}
                                for d in objects_in(e.get("determinations"))]}
            for e in objects_in(decision.get("editions"))]}
    return slim


def _event_line(event: dict[str, Any], on: _dt.date) -> EventLine:
    return EventLine(on=on, kind=str(event.get("kind")), record_id=str(event.get("record_id")),
                     note=event.get("note") if isinstance(event.get("note"), str) else None,
                     outcome=event.get("outcome") if isinstance(event.get("outcome"), str) else None,
                     replaced_by=event.get("replaced_by") if isinstance(event.get("replaced_by"), str) else None,
                     forced=event.get("forced") is True)


def _advice_lines(record: dict[str, Any]) -> tuple[AdviceLine, ...]:
    return tuple(AdviceLine(edition=a.edition, determination=a.determination, outcome=a.outcome, label=a.label,
                            advice=a.advice) for a in review_advice(record))


def _duty_line(owed: OwedDuty, record: dict[str, Any], events: list[EventLine], decision: EventLine | None,
               as_of: _dt.date) -> DutyLine | None:
    start, due = fact_date(record, "awareness_date"), owed.due
    after = AFTER_DECISION.get(owed.duty)
    if after is not None:
        if decision is None or decision.outcome != after:
            return None  # owed only once the partners have decided so
        start = decision.on
    rule = owed.rule
    if rule is not None and rule.from_ == "notification_date":
        # The notification the LSCB's month runs from is the local authority's to the board: the fact if the
        # case file gives it, else the day the event says the board was told.
        told = [e.on for e in events if e.kind == "informed_safeguarding_partners"]
        start = fact_date(record, "notification_date") or (min(told) if told else None)
    if due is None and rule is not None and start is not None:
        # A duty running from the notification or the decision: the record could not date it, the events can.
        try:
            due = deadlines.due_date(start, rule)
        except ScrError:  # a date outside the calendar: shown without a due date rather than failing
            due = None
    kinds = MEETS.get(owed.duty, ())
    firsts = []
    for kind in kinds:
        times = [e.on for e in events if e.kind == kind and (after is None or e.on >= start)]  # type: ignore[operator]
        if times:
            firsts.append(min(times))
    met_on = max(firsts) if kinds and len(firsts) == len(kinds) else None
    days = working_days_between(start, met_on) if met_on is not None and start is not None else None
    if not owed.certain:
        status: Status = "may_be_owed"
    elif met_on is not None:
        status = "met" if due is None else ("on_time" if met_on <= due else "late")
    else:
        status = "outstanding"
    overdue = status == "outstanding" and due is not None and as_of > due
    return DutyLine(edition=owed.edition, duty=owed.duty, action=owed.action, by=owed.by, deadline=owed.deadline,
                    start=start, due=due, met_on=met_on, met_by=kinds if met_on is not None else (),
                    working_days=days, status=status, overdue=overdue,
                    working_days_overdue=working_days_between(due, as_of) if overdue and due is not None else None)


def case_timeline(key: str, case: _Case, as_of: _dt.date) -> CaseTimeline | None:
    """One case's timeline as of ``as_of`` (None for a case with events but no record)."""
    if not case.records:
        return None
    by_id = {str(r.get("record_id")): r for r in case.records}
    events = sorted(((on, e) for e in case.events if (on := _day(e.get("on"))) is not None and on <= as_of),
                    key=lambda pair: pair[0])
    lines = [_event_line(e, on) for on, e in events]
    replaced = {line.record_id: line for line in lines if line.kind == "correction"}
    current = next((r for r in reversed(case.records) if str(r.get("record_id")) not in replaced), case.records[-1])
    decisions = []
    for line in lines:
        if line.kind == "review_decision" and line.outcome:
            made_on = by_id.get(line.record_id, current)
            advice = _advice_lines(made_on)
            decisions.append(DecisionLine(
                on=line.on, outcome=line.outcome, rationale=line.note, advice=advice,
                departs_from=tuple(a.edition for a in departs(review_advice(made_on), line.outcome))))
    last_decision = next((line for line in reversed(lines) if line.kind == "review_decision" and line.outcome), None)
    duties = [d for owed in owed_duties(current) if (d := _duty_line(owed, current, lines, last_decision, as_of))]
    corrections = []
    for line in lines:
        if line.kind == "correction" and line.replaced_by:
            old, new = by_id.get(line.record_id, {}), by_id.get(line.replaced_by, {})
            corrections.append(CorrectionLine(on=line.on, old_record=line.record_id, new_record=line.replaced_by,
                                              note=line.note, old_outcomes=_outcomes(old), new_outcomes=_outcomes(new)))
    editions = tuple(f"{e.get('id')}@{e.get('version')}" for e in current.get("editions") or [] if isinstance(e, dict))
    return CaseTimeline(
        case_reference=key, current_record=str(current.get("record_id")), records=tuple(by_id),
        outcomes=_outcomes(current), editions=editions, incident_date=fact_date(current, "incident_date"),
        awareness_date=fact_date(current, "awareness_date"), duties=tuple(duties), advice=_advice_lines(current),
        decisions=tuple(decisions), corrections=tuple(corrections), events=tuple(lines))


def _outcomes(record: dict[str, Any]) -> dict[str, str]:
    outcomes = record.get("outcomes")
    return {str(k): str(v) for k, v in outcomes.items()} if isinstance(outcomes, dict) else {}


def build_timeline(entries: Iterable[tuple[int, dict[str, Any]]], as_of: _dt.date,
                   case: str | None = None) -> Timeline:
    """The timeline of every case in ``entries`` (or of the case ``case`` only), as of ``as_of``."""
    cases = gather(entries)
    chosen = [(key, found) for key, found in cases.items() if case is None or key == case]
    return Timeline(as_of=as_of, cases=tuple(t for key, found in chosen if (t := case_timeline(key, found, as_of))))


__all__ = ["CaseTimeline", "DutyLine", "Timeline", "build_timeline", "case_key", "case_timeline", "gather",
           "working_days_between"]
