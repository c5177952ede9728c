"""The duties an outcome creates, with their due dates, and the full schedule of an edition's duties."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

from ..criteria.model import Deadline, Duty, Edition, OutcomeDef
from ..facts import Facts
from . import deadlines
from .decision import DutyResult, DutyStart, NextStepResult


def duty_result(duty: Duty, known: Facts | _dt.date | None) -> DutyResult:
    """``duty`` with its deadline in words and, when it runs from a known date, its due date.

    ``known`` is the case's facts (or, for a schedule, the awareness date alone). Which date starts the clock is
    the rule's ``from``: the awareness date; the date the authority knew or suspected abuse or neglect (the fact
    ``abuse_or_neglect_awareness_date`` when it is given, else the awareness date: known from the start); or the
    date of notification. When the start is not plainly the awareness date the result says which date started it.
    """
    due = None
    skipped: tuple[str, ...] = ()
    rule = duty.deadline
    start = _start(rule, known) if rule is not None else None
    if rule is not None and start is not None:
        due = deadlines.due_date(start.date, rule)
        if rule.unit == "working_days":
            # The edition's nation's bank holidays (rule.calendar): St Andrew's Day is skipped in Scotland only.
            skipped = tuple(f"{d.isoformat()} {why}"
                            for d, why in deadlines.skipped_days(start.date, due, rule.calendar))
    extra = {"started": start} if start is not None and rule is not None and rule.from_ != "awareness_date" else {}
    return DutyResult.build(
        id=duty.id, action=duty.action, by=duty.by, basis=duty.basis, source=duty.source,
        deadline=deadlines.describe(rule) if rule is not None else None, due=due, skipped=skipped, note=duty.note,
        **extra)


_STARTS = {
    "awareness_date": "the date the local authority became aware of the incident",
    "abuse_or_neglect_awareness_date": "the date the local authority first knew or suspected abuse or neglect",
    "notification_date": "the date the incident was notified",
}


def _start(rule: Deadline, known: Facts | _dt.date | None) -> DutyStart | None:
    """The date that starts ``rule``'s clock for this case, and which fact gave it (None when it is not known)."""
    if known is None or isinstance(known, _dt.date):  # a schedule from an awareness date alone
        if known is None or rule.from_ not in ("awareness_date", "abuse_or_neglect_awareness_date"):
            return None
        return DutyStart.build(fact="awareness_date", date=known, words=f"{_STARTS['awareness_date']} ({known.isoformat()})")
    fact = rule.from_
    day = getattr(known, fact, None) if fact in _STARTS else None
    if fact == "abuse_or_neglect_awareness_date" and day is None:
        # Known or suspected from the start: the clock runs from the awareness date.
        day = known.awareness_date
        if day is None:
            return None
        return DutyStart.build(fact="awareness_date", date=day, words=(
            f"{_STARTS['awareness_date']} ({day.isoformat()}): abuse or neglect was known or suspected from then "
            "(no later date of abuse_or_neglect_awareness_date is given)"))
    if day is None:
        return None
    return DutyStart.build(fact=fact, date=day, words=f"{_STARTS[fact]} ({day.isoformat()}, {fact})")


def owner_fields(outcome: OutcomeDef) -> dict[str, Any]:
    """Who owes the duty and the deciding body's next steps, when ``outcome`` puts the duty on another body.

    Empty for every other outcome, so that its result is built (and dumps) as before these existed.
    """
    if outcome.owed_by is None and not outcome.next_steps:
        return {}
    return {"owed_by": outcome.owed_by, "next_steps": tuple(
        NextStepResult.build(id=s.id, action=s.action, by=s.by, source=s.source, note=s.note)
        for s in outcome.next_steps)}


def schedule(aware_on: _dt.date, editions: Iterable[Edition]) -> list[tuple[Edition, str, DutyResult]]:
    """Every duty the editions can create, once each, due from ``aware_on``: (edition, outcome label, duty).

    A determination another law had replaced by ``aware_on`` creates none.
    """
    rows: list[tuple[Edition, str, DutyResult]] = []
    for edition in editions:
        seen: set[str] = set()
        for determination in edition.content.determinations:
            if determination.replaced is not None and aware_on >= determination.replaced.from_:
                continue  # another law replaced it by that day (the WT2015 notification, from 29 June 2018)
            for outcome in determination.outcomes:
                for duty in outcome.duties:
                    if duty.id not in seen:
                        seen.add(duty.id)
                        rows.append((edition, outcome.label, duty_result(duty, aware_on)))
    return rows
