"""The duties an outcome creates, with their due dates, and the full schedule of an edition's duties."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from ..criteria.model import Duty, Edition
from . import deadlines
from .decision import DutyResult


def duty_result(duty: Duty, awareness_date: _dt.date | None) -> DutyResult:
    """``duty`` with its deadline in words and, when it runs from a known date, its due date."""
    due = None
    skipped: tuple[str, ...] = ()
    rule = duty.deadline
    if rule is not None and rule.from_ == "awareness_date" and awareness_date is not None:
        due = deadlines.due_date(awareness_date, rule)
        if rule.unit == "working_days":
            # The edition's nation's bank holidays (rule.calendar): St Andrew's Day is skipped in Scotland only.
            skipped = tuple(f"{d.isoformat()} {why}"
                            for d, why in deadlines.skipped_days(awareness_date, due, rule.calendar))
    return DutyResult.build(
        id=duty.id, action=duty.action, by=duty.by, basis=duty.basis, source=duty.source,
        deadline=deadlines.describe(rule) if rule is not None else None, due=due, skipped=skipped, note=duty.note)


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
