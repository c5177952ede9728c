"""Decision records: a self-contained, replayable account of one decision, and how to find them in a ledger.

A record holds the facts in canonical form and their hash, every edition used with its
version and content hash, the engine version, when it was made, the outcomes and the whole
explained decision (exactly what ``scr check --format json`` prints). :mod:`.replay`
re-evaluates one; :mod:`.redaction` removes its fact values; :mod:`.ledger` keeps them
without knowing their shape (:mod:`.stored` reads them as stored, and filters them).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...criteria.model import edition_ref
from ...errors import InputError, Problem, expected_from_pydantic
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
    # Left out when empty: a record made under the default readings is as it was before readings could be chosen.
    readings: dict[str, str] = Field(default_factory=dict, exclude_if=lambda v: not v, description=(
        "The options of declared readings the caller chose (reading id -> option id): a replay applies them."))


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
        **({"readings": dict(decision.readings)} if decision.readings else {}),
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


__all__ = ["RECORD_SCHEMA_VERSION", "DecisionRecord", "EditionRef", "append_to_log", "facts_hash", "make_record",
           "parse_record", "record_dict"]
