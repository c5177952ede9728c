"""What a stored decision record says the case owes: its duties (with whose they are and when due) and its advice.

Read from the record as stored (JSON from anywhere, read gently, as :mod:`.stored` does), so that
events can be checked against it and a timeline drawn from it. The duties a record lists are those
of the outcomes it reached; where a determination is undetermined, the duties of the outcomes
still possible are owed *perhaps* (unknown is not no), and are read from the edition the record
names. Duties that run from the partners' own decision (the LSCB Chair's decision not to
initiate an SCR, say) are owed only once that decision is recorded, and only for its outcome.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...errors import ScrError
from .stored import objects_in

#: Each duty an event can meet: the event kinds that, together, meet it (the latest of them
#: is the day it was met). The duties' ids are the editions'; a duty not named here is shown
#: but never met by an event. Ofsted *and* the LSCB, the Secretary of State *and* Ofsted: both
#: notifications are needed. The LSCB and the safeguarding partners are the same role in their
#: eras (the board, then the partners), so informing them is one kind of event.
MEETS: dict[str, tuple[str, ...]] = {
    "notify_panel": ("notified_panel",),
    "report_to_safeguarding_partners": ("informed_safeguarding_partners",),
    "rapid_review": ("rapid_review_sent",),
    "notify_secretary_of_state": ("notified_secretary_of_state",),
    "notify_secretary_of_state_and_ofsted": ("notified_secretary_of_state", "notified_ofsted"),
    "notify_secretary_of_state_and_ofsted_care_leaver": ("notified_secretary_of_state", "notified_ofsted"),
    "notify_ofsted_and_lscb": ("notified_ofsted", "informed_safeguarding_partners"),
    "tell_the_board_where_the_child_lives": ("informed_safeguarding_partners",),
    "lscb_decision": ("review_decision",),
    "decision_to_initiate": ("notified_panel",),
    "decision_not_to_initiate": ("notified_panel",),
}

#: Duties owed only after the partners' decision, and only for that decision's outcome.
AFTER_DECISION: dict[str, str] = {"decision_to_initiate": "review", "decision_not_to_initiate": "no_review"}

#: The engine's advice on a review, by (determination, outcome): what a partners' review decision
#: would follow. Other outcomes (an SCR that *may* be undertaken, undetermined, another board's
#: decision) advise neither way, so no decision departs from them.
REVIEW_ADVICE: dict[tuple[str, str], str] = {
    ("scr", "scr_required"): "review",
    ("scr", "not_met"): "no_review",
    ("local_review", "local_review_criteria_engaged"): "review",
    ("local_review", "not_engaged"): "no_review",
}


@dataclass(frozen=True)
class OwedDuty:
    """One duty a record says is owed (``certain``) or may be owed (an undetermined determination)."""

    edition: str  # id@version
    determination: str
    duty: str
    action: str
    by: str
    due: _dt.date | None
    deadline: str | None  # the deadline in words
    certain: bool
    rule: Any = None  # the edition's Deadline, for duties whose due date the record could not compute


@dataclass(frozen=True)
class Advice:
    """One edition's review determination in a record: its outcome and what it advises (or None)."""

    edition: str
    determination: str
    outcome: str
    label: str
    advice: str | None


def fact(record: dict[str, Any], name: str) -> Any:
    """A fact of the record (None when unknown or redacted)."""
    facts = record.get("facts")
    return facts.get(name) if isinstance(facts, dict) else None


def fact_date(record: dict[str, Any], name: str) -> _dt.date | None:
    value = fact(record, name)
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _date(value: Any) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _edition_outcomes(edition_id: str, version: int) -> dict[tuple[str, str], tuple[Any, ...]] | None:
    """{(determination, outcome): its duties} of a shipped edition version, or None if not installed."""
    from ...criteria.catalogue import get_edition

    try:
        edition = get_edition(edition_id, version)
    except ScrError:
        return None
    return {(d.id, o.id): tuple(o.duties) for d in edition.content.determinations for o in d.outcomes}


def _rules(edition_id: str, version: Any) -> dict[str, Any]:
    table = _edition_outcomes(edition_id, version) if isinstance(version, int) else None
    return {duty.id: duty.deadline for duties in (table or {}).values() for duty in duties}


def owed_duties(record: dict[str, Any]) -> list[OwedDuty]:
    """Every duty the record lists, and those its undetermined determinations may yet create."""
    owed: list[OwedDuty] = []
    decision = record.get("decision")
    if not isinstance(decision, dict):
        return owed
    for edition in objects_in(decision.get("editions")):
        edition_id, version = edition.get("edition"), edition.get("version")
        ref = f"{edition_id}@{version}"
        rules = _rules(str(edition_id), version)
        for determination in objects_in(edition.get("determinations")):
            det_id = str(determination.get("id"))
            for duty in objects_in(determination.get("duties")):
                duty_id = str(duty.get("id"))
                owed.append(OwedDuty(ref, det_id, duty_id, str(duty.get("action", "")), str(duty.get("by", "")),
                                     _date(duty.get("due")), duty.get("deadline"), True, rules.get(duty_id)))
            if determination.get("outcome") != "undetermined":
                continue
            table = _edition_outcomes(str(edition_id), version) if isinstance(version, int) else None
            for possible in objects_in(determination.get("possible")):
                for duty in (table or {}).get((det_id, str(possible.get("outcome"))), ()):
                    owed.append(OwedDuty(ref, det_id, duty.id, duty.action, duty.by, None, None, False,
                                         duty.deadline))
    return owed


def review_advice(record: dict[str, Any]) -> list[Advice]:
    """Each edition's review determination (an SCR, a local review) in the record, with its advice."""
    found = []
    decision = record.get("decision")
    for edition in objects_in(decision.get("editions") if isinstance(decision, dict) else None):
        for determination in objects_in(edition.get("determinations")):
            det_id, outcome = str(determination.get("id")), str(determination.get("outcome"))
            if det_id in ("scr", "local_review"):
                found.append(Advice(f"{edition.get('edition')}@{edition.get('version')}", det_id, outcome,
                                    str(determination.get("label", outcome)), REVIEW_ADVICE.get((det_id, outcome))))
    return found


def departs(advice: list[Advice], outcome: str | None) -> list[Advice]:
    """The editions whose definite advice the partners' review decision ``outcome`` goes against."""
    return [a for a in advice if outcome is not None and a.advice is not None and a.advice != outcome]


__all__ = ["AFTER_DECISION", "MEETS", "REVIEW_ADVICE", "Advice", "OwedDuty", "departs", "fact", "fact_date",
           "owed_duties", "review_advice"]
