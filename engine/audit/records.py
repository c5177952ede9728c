"""Decision records: a self-contained, replayable account of one decision, and how to find them in a ledger.

A record holds the facts in canonical form and their hash, every edition used with its
version and content hash, the engine version, when it was made, the outcomes and the whole
explained decision (exactly what ``scr check --format json`` prints). :mod:`.replay`
re-evaluates one; :mod:`.redaction` removes its fact values; :mod:`.ledger` keeps them
without knowing their shape: :func:`record_filter` is the filter handed to it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...criteria.model import edition_ref
from ...errors import InputError, LogError, Problem, expected_from_pydantic
from ..decision import Decision
from .canonical import canonical_json
from .ledger import Ledger

RECORD_SCHEMA_VERSION = 1


class EditionRef(BaseModel):
    """One edition a decision applied: id, version and the sha256 of its file's bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    content_hash: str

    @property
    def ref(self) -> str:
        return edition_ref(self.id, self.version)


class DecisionRecord(BaseModel):
    """One decision, self-contained: enough to replay it under the rules then in force."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str = Field(description="A unique id (UUID4, hex).")
    schema_version: Literal[1] = 1
    made_at: str = Field(description="When the decision was made (UTC, ISO 8601 with Z).")
    engine_version: str = Field(description="The scr-eligibility version that made the decision.")
    case_reference: str | None = Field(default=None, description="The case's (pseudonymous) reference, if given.")
    editions: tuple[EditionRef, ...] = Field(description="Every edition applied: id, version, content hash.")
    as_of: _dt.date | None = Field(default=None, description="The date whose rules were applied (null when redacted).")
    editions_applied: str = Field(description="Why these editions (\"(redacted)\" when redacted: it names a date).")
    facts: dict[str, Any] | None = Field(description="The known facts, canonical (null in a redacted export).")
    facts_hash: str = Field(description="sha256 of the canonical JSON of the facts.")
    outcomes: dict[str, str] = Field(description="Edition id -> outcome of its main determination.")
    decision: dict[str, Any] = Field(description="The whole explained decision, as `scr check --format json`.")
    facts_redacted: bool = Field(default=False, description="True when every fact value was removed (see redact).")


def facts_hash(facts: dict[str, Any]) -> str:
    """``"sha256:"`` + the hex SHA-256 of the canonical JSON of ``facts``."""
    return "sha256:" + hashlib.sha256(canonical_json(facts).encode("utf-8")).hexdigest()


def make_record(decision: Decision, made_at: _dt.datetime | None = None) -> DecisionRecord:
    """The record of ``decision`` (``made_at`` defaults to now, UTC)."""
    when = (made_at or _dt.datetime.now(_dt.UTC)).astimezone(_dt.UTC)
    facts = decision.facts.known()
    return DecisionRecord(
        record_id=uuid.uuid4().hex,
        made_at=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        engine_version=decision.engine_version,
        case_reference=decision.case_reference,
        editions=tuple(EditionRef(id=e.edition, version=e.version, content_hash=e.content_hash)
                       for e in decision.editions),
        as_of=decision.as_of,
        editions_applied=decision.editions_applied,
        facts=facts,
        facts_hash=facts_hash(facts),
        outcomes=decision.outcomes,
        decision=decision.model_dump(mode="json"),
    )


def record_dict(record: DecisionRecord) -> dict[str, Any]:
    """The record as JSON-ready data (what the log stores)."""
    return record.model_dump(mode="json")


def parse_record(data: Any, source: str = "record") -> DecisionRecord:
    """Validate a stored record; a bad one is an InputError naming the field."""
    try:
        return DecisionRecord.model_validate(data)
    except ValidationError as error:
        raise InputError("not a valid decision record", [
            Problem(".".join(str(p) for p in e["loc"]) or "record", repr(e.get("input"))[:60], expected_from_pydantic(e))
            for e in error.errors()], source) from None


def append_to_log(log: str | Ledger, decision: Decision) -> int:
    """Append the record of ``decision`` to the decision log (a path or an open :class:`Ledger`); return its seq."""
    ledger = log if isinstance(log, Ledger) else Ledger(log)
    return ledger.append(record_dict(make_record(decision)))


# --------------------------------------------------------------------------- reading stored records
# Stored records are JSON data that may come from anywhere (an old release, a hand-edited
# export): these read them without assuming they are valid.


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


__all__ = ["RECORD_SCHEMA_VERSION", "DecisionRecord", "EditionRef", "append_to_log", "case_reference",
           "edition_refs", "facts_hash", "make_record", "objects_in", "parse_record", "record_dict", "record_filter"]
