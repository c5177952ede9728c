"""Decision records: a self-contained, replayable account of one decision, and replay itself.

A record holds the facts in canonical form and their hash, every edition used with its
version and content hash, the engine version, when it was made, the outcomes and the whole
explained decision. Replay re-evaluates the facts under the edition versions the record
names (or another edition, for a what-if) and says what, if anything, differs.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._version import __version__
from ..criteria.loader import get_edition
from ..errors import EditionNotFound, InputError, Problem, ScrError
from ..facts import parse_facts
from .decision import Decision
from .evaluate import evaluate

RECORD_SCHEMA_VERSION = 1


class EditionRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    content_hash: str


class DecisionRecord(BaseModel):
    """One decision, self-contained: enough to replay it under the rules then in force."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str = Field(description="A unique id (UUID4, hex).")
    schema_version: Literal[1] = RECORD_SCHEMA_VERSION
    made_at: str = Field(description="When the decision was made (UTC, ISO 8601 with Z).")
    engine_version: str
    editions: tuple[EditionRef, ...]
    as_of: _dt.date | None = None
    editions_applied: str
    facts: dict[str, Any] | None = Field(description="The known facts, canonical (null in a redacted export).")
    facts_hash: str = Field(description="sha256 of the canonical JSON of the facts.")
    outcomes: dict[str, str] = Field(description="Edition id -> outcome of its main determination.")
    decision: dict[str, Any] = Field(description="The whole explained decision, as `scr check --format json`.")
    facts_redacted: bool = False


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def facts_hash(facts: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(facts).encode("utf-8")).hexdigest()


def make_record(decision: Decision, made_at: _dt.datetime | None = None) -> DecisionRecord:
    """The record of ``decision`` (``made_at`` defaults to now, UTC)."""
    when = (made_at or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    facts = decision.facts.known()
    return DecisionRecord(
        record_id=uuid.uuid4().hex,
        made_at=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        engine_version=decision.engine_version,
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
    return record.model_dump(mode="json")


def parse_record(data: Any, source: str = "record") -> DecisionRecord:
    """Validate a stored record; a bad one is an InputError naming the field."""
    try:
        return DecisionRecord.model_validate(data)
    except ValidationError as error:
        raise InputError("not a valid decision record", [
            Problem(".".join(str(p) for p in e["loc"]) or "record", repr(e.get("input"))[:60], e["msg"])
            for e in error.errors()], source) from None


def append_to_log(path: str, decision: Decision) -> int:
    """Append the record of ``decision`` to the decision log at ``path``; returns its sequence number."""
    from .log import DecisionLog

    return DecisionLog(path).append(record_dict(make_record(decision)))


class Difference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    edition: str
    what: str
    before: str
    after: str


class ReplayResult(BaseModel):
    """The outcome of replaying one record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str
    status: Literal["same", "different", "error"]
    replayed_under: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()
    error: str | None = None


def _criteria_statuses(decision: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(e["edition"], c["id"]): c["status"] for e in decision.get("editions", []) for c in e.get("criteria", [])}


def _determinations(decision: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(e["edition"], d["id"]): d["outcome"]
            for e in decision.get("editions", []) for d in e.get("determinations", [])}


def replay(record: DecisionRecord | dict[str, Any], under: str | None = None) -> ReplayResult:
    """Re-evaluate a record under the edition versions it names (or ``under``) and compare.

    Errors for this record (an edition version this installation does not have, an edition
    file changed since the record was made, redacted facts) come back as an ``error`` result.
    """
    record_id = str(record.get("record_id", "?")) if isinstance(record, dict) else record.record_id
    try:
        parsed = record if isinstance(record, DecisionRecord) else parse_record(record)
        if parsed.facts is None:
            raise InputError("the record's facts were redacted, so it cannot be replayed")
        if under:
            editions = [get_edition(under)]
        else:
            editions = []
            for ref in parsed.editions:
                edition = get_edition(ref.id, ref.version)
                if edition.content_hash != ref.content_hash:
                    raise EditionNotFound("the edition file differs from the one the record was made with", [Problem(
                        f"{ref.id}@{ref.version}", edition.content_hash, ref.content_hash,
                        "released editions must not change: ship a new version instead")])
                editions.append(edition)
        facts = parse_facts(parsed.facts)
        now = evaluate(facts, as_of=parsed.as_of, editions=editions).model_dump(mode="json")
    except ScrError as error:
        return ReplayResult(record_id=record_id, status="error", error=str(error))
    before_d = _determinations(parsed.decision)
    after_d = _determinations(now)
    before_c = _criteria_statuses(parsed.decision)
    after_c = _criteria_statuses(now)
    differences: list[Difference] = []
    if under:
        old = ", ".join(f"{k}: {v}" for k, v in parsed.outcomes.items())
        for e in now["editions"]:
            differences.append(Difference(edition=e["edition"], what="outcome", before=old,
                                          after=e["determinations"][0]["outcome"]))
        changed = any(d.after not in parsed.outcomes.values() for d in differences)
        return ReplayResult(record_id=record_id, status="different" if changed else "same",
                            replayed_under=tuple(e.ref for e in editions), differences=tuple(differences))
    for key in sorted(set(before_d) | set(after_d)):
        if before_d.get(key) != after_d.get(key):
            differences.append(Difference(edition=key[0], what=f"determination {key[1]}",
                                          before=str(before_d.get(key)), after=str(after_d.get(key))))
    for key in sorted(set(before_c) | set(after_c)):
        if before_c.get(key) != after_c.get(key):
            differences.append(Difference(edition=key[0], what=f"criterion {key[1]}",
                                          before=str(before_c.get(key)), after=str(after_c.get(key))))
    return ReplayResult(record_id=record_id, status="different" if differences else "same",
                        replayed_under=tuple(e.ref for e in editions), differences=tuple(differences))


__all__ = ["DecisionRecord", "EditionRef", "ReplayResult", "append_to_log", "make_record", "parse_record",
           "replay"]
