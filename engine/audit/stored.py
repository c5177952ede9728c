"""Decision records as stored: JSON that may come from anywhere, read without assuming it is valid.

A stored record may come from an old release or a hand-edited export, so these helpers read
it gently (a part of another shape is skipped, never a KeyError). :func:`record_filter` is the
filter `scr log show` hands to the ledger. Nothing here loads the record model or the engine,
so listing a log stays quick.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from ...criteria.model import edition_ref
from ...errors import LogError, Problem

#: The ``entry`` of an event's body. Decision records have no ``entry`` key (they were the only entries
#: before events), so every record ever written is still a record.
ENTRY_EVENT = "event"


def is_event(body: dict[str, Any]) -> bool:
    """Whether a stored entry is an event (:mod:`.events`) rather than a decision record."""
    return body.get("entry") == ENTRY_EVENT


def objects_in(value: Any) -> list[dict[str, Any]]:
    """The JSON objects in ``value`` if it is a list (others skipped), else none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def case_reference(record: dict[str, Any]) -> str | None:
    """The record's case reference, or None (older records keep it only inside the decision)."""
    case = record.get("case_reference")
    decision = record.get("decision")
    if case is None and isinstance(decision, dict):
        case = decision.get("case_reference")
    return case if isinstance(case, str) else None


def edition_refs(record: dict[str, Any]) -> tuple[str, ...]:
    """``id@version`` of every edition the record names, in its order."""
    return tuple(edition_ref(e.get("id"), e.get("version")) for e in objects_in(record.get("editions")))


def _edition_ids(record: dict[str, Any]) -> set[str]:
    return {e["id"] for e in objects_in(record.get("editions")) if isinstance(e.get("id"), str)}


def _made_on(record: dict[str, Any], seq: int) -> _dt.date:
    """The UTC date of ``made_at``; LogError if it is not an ISO 8601 date-time."""
    made_at = record.get("made_at")
    try:
        if not isinstance(made_at, str):
            raise ValueError("not a string")
        when = _dt.datetime.fromisoformat(made_at)
    except ValueError as exc:
        raise LogError(
            f"entry {seq} has no readable made_at, so it cannot be filtered by date",
            [Problem(f"entry {seq}: made_at", repr(made_at)[:100], "an ISO 8601 date-time such as 2026-11-26T10:00:00Z")],
        ) from exc
    if when.tzinfo is not None:
        when = when.astimezone(_dt.UTC)
    return when.date()


def record_filter(
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    edition: str | None = None,
    outcome: str | None = None,
) -> Callable[[int, dict[str, Any]], bool]:
    """The ledger filter ``where(seq, record)`` keeping the records that match every filter given.

    ``since`` and ``until`` (inclusive) compare with the date of ``made_at`` in UTC (a
    ``made_at`` without an offset is taken as written). ``edition`` keeps records that name
    that edition id in ``editions``. ``outcome`` keeps records where some edition's outcome
    equals it; given with ``edition``, it must be *that* edition's outcome. A record whose
    ``made_at`` cannot be read while a date filter is given raises :class:`LogError` rather
    than being silently dropped or kept.
    """
    for bound in (since, until):
        if isinstance(bound, _dt.datetime):
            # datetime is a date subclass; comparing it with a date raises, and truncating
            # it silently would surprise: filters are whole days.
            raise TypeError("since/until take a datetime.date, not a datetime")

    def where(seq: int, record: dict[str, Any]) -> bool:
        if since is not None or until is not None:
            day = _made_on(record, seq)
            if (since is not None and day < since) or (until is not None and day > until):
                return False
        if edition is not None and edition not in _edition_ids(record):
            return False
        if outcome is not None:
            outcomes = record.get("outcomes")
            if not isinstance(outcomes, dict):
                return False
            if edition is not None:
                return outcomes.get(edition) == outcome
            return outcome in outcomes.values()
        return True

    return where



__all__ = ["ENTRY_EVENT", "case_reference", "is_event", "edition_refs", "objects_in", "record_filter"]
