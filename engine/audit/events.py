"""Events: what was done about a decision, and when, kept in the same hash-chained log as the decisions.

The engine advises; people decide and act. An event records one act (the Panel notified, the
rapid review sent, the partners' decision on a review, a correction) against the decision
record it follows, with its date and an optional short note. It is an entry like any other
in the ledger (which neither knows nor needs to know the difference), so the chain, the head
and the signed checkpoints cover events exactly as they cover decisions. An event's body is
told from a record's by ``"entry": "event"`` (:func:`.stored.is_event`); records carry no
such key, so every record ever written reads as it did.

An event is checked against its record before it is written (:func:`make_event`): no event
before the incident or after today, no duty event on a decision that owes no such duty
(unless forced, with a note saying why), a review decision with its outcome and rationale,
a correction naming the record that replaces the old one, and a note that holds no names
and no dates of birth (:mod:`scr_eligibility.free_text`). Every problem is reported at once.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...dates import today
from ...errors import InputError, Problem, expected_from_pydantic, unknown_name
from ...free_text import MAX_NOTE, note_problems
from .owed import MEETS, departs, fact_date, owed_duties, review_advice
from .stored import ENTRY_EVENT, case_reference, is_event

EVENT_SCHEMA_VERSION = 1

#: Every kind of event, with what it records.
KINDS: dict[str, str] = {
    "notified_panel": "the Child Safeguarding Practice Review Panel (or, before it, the national panel) was notified",
    "notified_ofsted": "Ofsted was notified",
    "informed_safeguarding_partners": "the safeguarding partners (or the LSCB) were told of the incident",
    "notified_secretary_of_state": "the Secretary of State was notified",
    "rapid_review_sent": "the rapid review was completed and sent to the Panel",
    "review_decision": "the partners (or the LSCB Chair) decided whether to undertake a review: --outcome and the "
                       "rationale in --note",
    "panel_response": "the Panel responded to the rapid review or the decision",
    "review_published": "the review's report was published",
    "correction": "facts learned later: --replaced-by names the new decision record, which becomes current (both "
                  "are kept)",
}

#: The kinds that meet a duty: one on a decision that owes none of the duties it meets is refused unless forced.
DUTY_KINDS: dict[str, tuple[str, ...]] = {
    kind: tuple(duty for duty, kinds in MEETS.items() if kind in kinds)
    for kind in ("notified_panel", "notified_ofsted", "informed_safeguarding_partners",
                 "notified_secretary_of_state", "rapid_review_sent")
}

#: A review decision's outcomes.
REVIEW_OUTCOMES: dict[str, str] = {
    "review": "undertake a review (a local child safeguarding practice review, or an SCR)",
    "no_review": "not undertake a review",
}


class Event(BaseModel):
    """One event as stored (``scr schema`` does not print it; :func:`parse_event` checks an imported one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entry: Literal["event"] = ENTRY_EVENT
    schema_version: Literal[1] = 1
    event_id: str = Field(min_length=1)
    record_id: str = Field(min_length=1, description="The decision record the event follows.")
    case_reference: str | None = None
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    on: _dt.date
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    outcome: Literal["review", "no_review"] | None = None
    replaced_by: str | None = None
    forced: bool = False
    made_at: str
    engine_version: str
    note_redacted: bool = False


def parse_event(data: Any, source: str = "event") -> Event:
    """Validate a stored event; a bad one is an InputError naming the field."""
    try:
        return Event.model_validate(data)
    except ValidationError as error:
        raise InputError("not a valid event", [
            Problem(".".join(str(p) for p in e["loc"]) or "event", repr(e.get("input"))[:60], expected_from_pydantic(e))
            for e in error.errors()], source) from None


def parse_entry(data: Any, source: str = "entry") -> object:
    """Validate an imported line: a decision record or an event."""
    if isinstance(data, dict) and is_event(data):
        return parse_event(data, source)
    from .records import parse_record

    return parse_record(data, source)


def import_validator(known: set[str]) -> Any:
    """A ``validate(body, where)`` for :meth:`.ledger.Ledger.import_jsonl`: each line a valid record or event,
    and each event on a record already in the log (``known``, its record ids) or on an earlier line."""

    def validate(body: Any, where: str) -> object:
        parsed = parse_entry(body, where)
        if isinstance(parsed, Event):
            if parsed.record_id not in known:
                raise InputError("an event on a record that is neither in the log nor earlier in the file", [Problem(
                    "record_id", parsed.record_id[:8], "the id of a decision record in the log or on an earlier line",
                    "import the records with their events, as `scr log export` writes them")], where)
            if parsed.replaced_by is not None and parsed.replaced_by not in known:
                raise InputError("a correction naming a record that is neither in the log nor earlier in the file",
                                 [Problem("replaced_by", parsed.replaced_by[:8], "the id of a decision record in the "
                                          "log or on an earlier line")], where)
        else:
            known.add(str(body.get("record_id")))
        return parsed

    return validate


def _kind_problems(kind: str, outcome: str | None, note: str | None, replaced_by: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if kind == "review_decision":
        if outcome not in REVIEW_OUTCOMES:
            problems.append(unknown_name("--outcome", outcome or "(none)", list(REVIEW_OUTCOMES),
                                         "the decision's outcome: " + "; ".join(f"{k} ({v})" for k, v in
                                                                                   REVIEW_OUTCOMES.items())))
        if not note:
            problems.append(Problem("--note", "none", "the rationale for the decision, in a sentence or two"))
    elif outcome is not None:
        problems.append(Problem("--outcome", repr(outcome), "no outcome: only a review_decision has one"))
    if kind == "correction" and not replaced_by:
        problems.append(Problem("--replaced-by", "none", "the id of the new decision record (made with the "
                                "corrected facts, e.g. by `scr check CASE --log LOG`) that replaces this one"))
    elif kind != "correction" and replaced_by:
        problems.append(Problem("--replaced-by", repr(replaced_by), "nothing: only a correction names a new record"))
    return problems


def _date_problems(record: dict[str, Any], on: _dt.date, now: _dt.date) -> list[Problem]:
    problems = []
    incident = fact_date(record, "incident_date")
    if incident is not None and on < incident:
        problems.append(Problem("--on", on.isoformat(), f"a date on or after the incident ({incident.isoformat()}): "
                                "nothing can be done about a case before it happens"))
    if on > now:
        problems.append(Problem("--on", on.isoformat(), f"a date that has come (today is {now.isoformat()}): "
                                "record an event once it has happened"))
    return problems


def owes_none(record: dict[str, Any], kind: str) -> bool:
    """Whether ``kind`` is a duty event and the record owes (or may owe) none of the duties it meets."""
    meets = DUTY_KINDS.get(kind)
    return meets is not None and not [d for d in owed_duties(record) if d.duty in meets]


def _duty_problems(record: dict[str, Any], kind: str, note: str | None, force: bool) -> list[Problem]:
    if not owes_none(record, kind):
        return []
    meets = DUTY_KINDS[kind]
    whose = "; ".join(f"{duty} (a duty of {by[:1].lower() + by[1:]})" for duty, by in _owners(meets))
    if not force:
        return [Problem("--kind", kind, f"an event for a duty this decision owes: {kind} meets {whose}, and the "
                        "decision owes none of them", "if it was done anyway, give --force with a --note saying why")]
    if not note:
        return [Problem("--note", "none", "with --force, a note saying why the event is recorded on a decision "
                        "that owes no such duty")]
    return []


def _owners(duties: tuple[str, ...]) -> list[tuple[str, str]]:
    """Whose each duty is, in the editions' words (never "no duty" without saying whose)."""
    from ...criteria.catalogue import all_editions

    by: dict[str, str] = {}
    for edition in all_editions():
        for determination in edition.content.determinations:
            for outcome in determination.outcomes:
                for duty in outcome.duties:
                    if duty.id in duties:
                        by.setdefault(duty.id, duty.by.rstrip("."))
    return [(duty, by.get(duty, "its duty-holder")) for duty in duties]


def make_event(record: dict[str, Any], kind: str, on: _dt.date, *, note: str | None = None,
               outcome: str | None = None, force: bool = False, replaced_by: dict[str, Any] | None = None,
               replaced_by_ref: str | None = None, already_replaced: Iterable[str] = (),
               made_at: _dt.datetime | None = None) -> dict[str, Any]:
    """The event ``kind`` on ``record`` (a stored decision record), checked; InputError with every problem.

    ``replaced_by`` is the new record of a correction (as found in the log; ``replaced_by_ref``
    the id it was asked for by, to name it when it was not found); ``already_replaced`` the
    ids of records an earlier correction replaced.
    """
    from ..._version import __version__

    note = note if note else None
    problems = []
    if kind not in KINDS:
        problems.append(unknown_name("--kind", kind, list(KINDS), "one of " + ", ".join(KINDS)))
    else:
        problems += _kind_problems(kind, outcome, note, replaced_by_ref or (replaced_by or {}).get("record_id"))
    problems += note_problems(note, "--note") if note is not None else []
    problems += _date_problems(record, on, today())
    problems += _duty_problems(record, kind, note, force)
    record_id = str(record.get("record_id"))
    if record_id in set(already_replaced):
        problems.append(Problem("RECORD_ID", record_id[:8], "the case's current record: a correction replaced this "
                                "one", "add the event to the record that replaced it (`scr timeline` shows it)"))
    if kind == "correction" and replaced_by_ref and replaced_by is None:
        problems.append(Problem("--replaced-by", replaced_by_ref, "the id of a decision record in this log"))
    if kind == "correction" and replaced_by is not None:
        new_id = str(replaced_by.get("record_id"))
        if new_id == record_id:
            problems.append(Problem("--replaced-by", new_id[:8], "another record than the one corrected"))
        elif case_reference(replaced_by) != case_reference(record):
            problems.append(Problem("--replaced-by", f"{new_id[:8]} (case {case_reference(replaced_by)})",
                                    f"a record of the same case ({case_reference(record)})"))
        elif new_id in set(already_replaced):
            problems.append(Problem("--replaced-by", new_id[:8], "a current record: a correction already replaced it"))
    if problems:
        what = f"the {kind} event" if kind in KINDS else "the event"
        raise InputError(f"{what} cannot be recorded on record {record_id[:8]}; nothing was written",
                         problems)
    when = (made_at or _dt.datetime.now(_dt.UTC)).astimezone(_dt.UTC)
    return Event(
        event_id=uuid.uuid4().hex, record_id=record_id, case_reference=case_reference(record), kind=kind, on=on,
        note=note, outcome=outcome, replaced_by=str(replaced_by["record_id"]) if replaced_by else None,
        forced=force and owes_none(record, kind),
        made_at=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), engine_version=__version__,
    ).model_dump(mode="json")


def find_records(ledger: Any, *refs: str) -> tuple[list[dict[str, Any] | None], set[str]]:
    """The decision records of ``ledger`` that ``refs`` name (a whole id, or its first 8 or more characters),
    None for a ref that names none, and the ids of the records a correction has replaced.

    One pass over the log; the ledger is handed a filter and never learns what a record is.
    InputError for a ref that is too short or names more than one record.
    """
    problems = [Problem("RECORD_ID", repr(ref), "a record id, or its first 8 characters or more (as `scr log "
                        "show` prints them)") for ref in refs if len(ref) < 8]
    if problems:
        raise InputError("a record id is too short to name one record", problems)
    found: dict[str, list[dict[str, Any]]] = {ref: [] for ref in refs}
    replaced: set[str] = set()

    def where(seq: int, body: dict[str, Any]) -> bool:
        if is_event(body):
            if body.get("kind") == "correction":
                replaced.add(str(body.get("record_id")))
            return False
        record_id = str(body.get("record_id", ""))
        return any(record_id.startswith(ref.lower()) for ref in refs)

    for _seq, body in ledger.numbered_entries(where):
        for ref in found:  # each ref once, though a correction may name the same record twice
            if str(body.get("record_id", "")).startswith(ref.lower()):
                found[ref].append(body)
    ambiguous = [Problem("RECORD_ID", ref, "an id naming one record", f"it names {len(bodies)}: give more of it")
                 for ref, bodies in found.items() if len(bodies) > 1]
    if ambiguous:
        raise InputError("a record id names more than one record", ambiguous)
    return [found[ref][0] if found[ref] else None for ref in refs], replaced


def add_event(ledger: Any, record_ref: str, kind: str, on: _dt.date, *, note: str | None = None,
              outcome: str | None = None, force: bool = False, replaced_by: str | None = None) -> tuple[int, dict[str, Any]]:
    """Check the event against its record in ``ledger`` and append it in one transaction: (seq, event)."""
    refs = (record_ref, replaced_by) if replaced_by else (record_ref,)
    records, replaced = find_records(ledger, *refs)
    record = records[0]
    if record is None:
        raise InputError("there is no such decision record in the log; nothing was written",
                         [Problem("RECORD_ID", record_ref, "the id of a decision record in this log",
                                  "`scr log show LOG` lists them")], ledger.path)
    event = make_event(record, kind, on, note=note, outcome=outcome, force=force,
                       replaced_by=records[1] if replaced_by else None, replaced_by_ref=replaced_by,
                       already_replaced=replaced)
    return ledger.append(event), event


def departed(record: dict[str, Any], event: dict[str, Any]) -> list[str]:
    """The editions (id@version) whose advice a review decision event goes against."""
    return [a.edition for a in departs(review_advice(record), event.get("outcome"))]


__all__ = ["DUTY_KINDS", "EVENT_SCHEMA_VERSION", "KINDS", "REVIEW_OUTCOMES", "Event", "add_event", "departed",
           "find_records", "import_validator", "make_event",
           "parse_entry", "parse_event"]
