"""Decision records: a self-contained, replayable account of one decision, and replay itself.

A record holds the facts in canonical form and their hash, every edition used with its
version and content hash, the engine version, when it was made, the outcomes and the whole
explained decision (exactly what ``scr check --format json`` prints). Replay re-evaluates
the facts under the edition versions the record names and says what, if anything, differs;
``replay(record, under="wt2023")`` is a what-if: the same facts under another edition.

:func:`redact` removes every fact value from a record (for sharing outside the
partnership); a redacted record keeps its ``facts_hash``, outcomes, criteria statuses and
editions, but can no longer be replayed.

Modules stay acyclic at import time: this module imports :mod:`.log` only inside
:func:`append_to_log`, and :mod:`.log` imports :func:`redact` only inside its redacting export.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..criteria.catalogue import get_edition
from ..errors import EditionNotFound, InputError, Problem, ScrError, expected_from_pydantic
from ..facts import parse_facts
from .decision import Decision
from .evaluation import evaluate

RECORD_SCHEMA_VERSION = 1

#: What a redacted value's words become (``value_label``, ``editions_applied``).
REDACTED = "(redacted)"


class EditionRef(BaseModel):
    """One edition a decision applied: id, version and the sha256 of its file's bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    content_hash: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


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


def canonical(data: Any) -> str:
    """The canonical JSON text of ``data`` (sorted keys, no spaces): what ``facts_hash`` hashes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def facts_hash(facts: dict[str, Any]) -> str:
    """``"sha256:"`` + the hex SHA-256 of the canonical JSON of ``facts``."""
    return "sha256:" + hashlib.sha256(canonical(facts).encode("utf-8")).hexdigest()


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


def append_to_log(path: str, decision: Decision) -> int:
    """Append the record of ``decision`` to the decision log at ``path``; returns its sequence number."""
    from .log import DecisionLog

    return DecisionLog(path).append(record_dict(make_record(decision)))


# --------------------------------------------------------------------------- redaction


def redact(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` (a record as JSON data) with every fact value removed.

    Removed: ``facts`` and ``decision.facts`` (null), each criterion's evidence ``value``
    (null) and ``value_label`` ("(redacted)"), and what is computed from the case's dates
    and would give them away: ``as_of`` (null), ``editions_applied`` ("(redacted)": it
    names the awareness or incident date) and each duty's ``due`` date (null) and the
    ``skipped`` days before it (empty). Kept: ``facts_hash`` (an auditor holding the facts
    can check them against it), ``case_reference`` (pseudonymous), the outcomes, every
    determination and criterion status, the editions and the criteria's words.
    ``facts_redacted`` is set true. Works on any JSON object: a part that is missing or of
    another shape is left as it is (only keys already present are changed, besides
    ``facts`` and ``facts_redacted``). The input is not changed.
    """
    out = copy.deepcopy(record)
    out["facts"] = None
    out["facts_redacted"] = True
    _redact_dates(out)
    decision = out.get("decision")
    if isinstance(decision, dict):
        if "facts" in decision:
            decision["facts"] = None
        _redact_dates(decision)
        for edition in _dicts(decision.get("editions")):
            for criterion in _dicts(edition.get("criteria")):
                for evidence in _dicts(criterion.get("evidence")):
                    if "value" in evidence:
                        evidence["value"] = None
                    if "value_label" in evidence:
                        evidence["value_label"] = REDACTED
            for determination in _dicts(edition.get("determinations")):
                for duty in _dicts(determination.get("duties")):
                    if "due" in duty:
                        duty["due"] = None
                    if "skipped" in duty:
                        duty["skipped"] = []
    return out


def _redact_dates(part: dict[str, Any]) -> None:
    if "as_of" in part:
        part["as_of"] = None
    if "editions_applied" in part:
        part["editions_applied"] = REDACTED


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --------------------------------------------------------------------------- replay


class Difference(BaseModel):
    """One thing a replay found changed: in ``edition``, ``what`` was ``before`` and is now ``after``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edition: str
    what: str = Field(description="'outcome', 'determination <id>', 'criterion <id>' or 'explanation'.")
    before: str
    after: str


class ReplayResult(BaseModel):
    """The outcome of replaying one record.

    ``status``: ``same`` (the replay gives the recorded decision), ``different`` (it does
    not: see ``differences``; in a what-if, the outcome would change) or ``error`` (the
    record could not be replayed: see ``error``). ``editions`` are the record's own
    (``id@version``), ``replayed_under`` those actually applied.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str
    status: Literal["same", "different", "error"]
    case_reference: str | None = None
    made_at: str | None = None
    editions: tuple[str, ...] = ()
    engine_version: str | None = None
    what_if: bool = False
    replayed_under: tuple[str, ...] = ()
    old_outcomes: dict[str, str] = Field(default_factory=dict)
    new_outcomes: dict[str, str] = Field(default_factory=dict)
    deciding_facts: tuple[str, ...] = Field(
        default=(), description="Unknown facts whose answers could change a replayed main outcome.")
    differences: tuple[Difference, ...] = ()
    error: str | None = None


def _criteria_statuses(decision: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(e["edition"], c["id"]): c["status"] for e in decision.get("editions", []) for c in e.get("criteria", [])}


def _determinations(decision: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Every determination but each edition's main one (that is the outcome, compared on its own)."""
    return {(e["edition"], d["id"]): d["outcome"]
            for e in decision.get("editions", []) for d in e.get("determinations", [])[1:]}


# Parts of the explanation that may differ on a faithful replay: the engine that ran it,
# and the reason for the editions (a replay names them outright instead of choosing by date).
_NOT_COMPARED = ("engine_version", "editions_applied")


def _json_differences(before: Any, after: Any, path: str = "") -> list[str]:
    """The paths (``editions[0].criteria[3].text``) where two JSON values differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [p for key in sorted(set(before) | set(after), key=str)
                for p in _json_differences(before.get(key, _MISSING), after.get(key, _MISSING), f"{path}.{key}")]
    if before is _MISSING and after is None and path.startswith(".facts."):
        return []  # a fact added to the model after the record was made: unknown then, unknown now
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after, strict=True))
                for p in _json_differences(b, a, f"{path}[{i}]")]
    return [] if before == after else [path.lstrip(".") or "(whole)"]


_MISSING = object()


def error_text(error: ScrError) -> str:
    """An error as one paragraph: the message, then each problem (for a table cell or a log line)."""
    parts = [error.message] + [str(p) for p in error.problems]
    return "; ".join(parts)


def _compare(edition_ids: list[str], before: dict[str, Any], old_outcomes: dict[str, str],
             now: dict[str, Any], new_outcomes: dict[str, str], *, explanation: bool) -> list[Difference]:
    """What differs between the recorded decision and the replayed one, for the given editions."""
    differences: list[Difference] = []
    for edition in edition_ids:
        old, new = old_outcomes.get(edition), new_outcomes.get(edition)
        if old != new:
            differences.append(Difference(edition=edition, what="outcome", before=str(old), after=str(new)))
    for kind, table in (("determination", _determinations), ("criterion", _criteria_statuses)):
        old_table, new_table = table(before), table(now)
        for key in sorted(set(old_table) | set(new_table)):
            if key[0] in edition_ids and old_table.get(key) != new_table.get(key):
                differences.append(Difference(edition=key[0], what=f"{kind} {key[1]}",
                                              before=str(old_table.get(key)), after=str(new_table.get(key))))
    if explanation and not differences:
        # Same outcomes and statuses, but the explanation may still have changed (wording,
        # duties, due dates): an auditor must hear of that too.
        paths = _json_differences({k: v for k, v in before.items() if k not in _NOT_COMPARED},
                                  {k: v for k, v in now.items() if k not in _NOT_COMPARED})
        if paths:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            differences.append(Difference(edition=", ".join(edition_ids), what="explanation",
                                          before="as recorded", after=f"differs at {shown}"))
    return differences


def replay(record: DecisionRecord | dict[str, Any], under: str | None = None) -> ReplayResult:
    """Re-evaluate a record under the edition versions it names (or, with ``under``, another edition) and compare.

    Without ``under`` the result is ``same`` only if the outcomes, every determination,
    every criterion status and the rest of the explanation are as recorded. Errors for
    this record come back as an ``error`` result, never raised: an edition version this
    installation does not have, an edition file that differs from the one the record
    was made with (its content hash), facts that do not match ``facts_hash``, redacted
    facts, or a record that is not valid.

    With ``under`` (``"wt2023"`` or ``"wt2023@1"``) the facts are evaluated under that
    edition alone: a what-if. If the record applied the same edition id, that edition is
    compared like for like; otherwise ``different`` means the main outcome would change
    (the new outcome is not among the record's outcomes).
    """
    raw = record_dict(record) if isinstance(record, DecisionRecord) else record
    base = _identify(raw)
    try:
        parsed = record if isinstance(record, DecisionRecord) else parse_record(record)
        if parsed.facts is None:
            raise InputError("the record's facts were redacted, so it cannot be replayed "
                             "(replay the unredacted log or export instead)")
        if facts_hash(parsed.facts) != parsed.facts_hash:
            raise InputError("the record's facts do not match its facts_hash: they were changed after it was made",
                             [Problem("facts", f"facts hashing to {facts_hash(parsed.facts)[:19]}...",
                                      f"{parsed.facts_hash[:19]}... as recorded")])
        if under:
            editions = [get_edition(under)]
        else:
            editions = []
            for ref in parsed.editions:
                edition = get_edition(ref.id, ref.version)
                if edition.content_hash != ref.content_hash:
                    # Short hashes: this goes into a table cell; the record and `scr editions` hold them in full.
                    raise EditionNotFound(
                        f"the edition file {ref.ref} differs from the one the record was made with", [Problem(
                            ref.ref, f"content hash {edition.content_hash[:19]}... in this installation",
                            f"{ref.content_hash[:19]}... as recorded",
                            "released editions must not change: ship a new version instead")])
                editions.append(edition)
        decision = evaluate(parse_facts(parsed.facts), as_of=parsed.as_of, editions=editions)
    except ScrError as error:
        return ReplayResult(**base, status="error", what_if=bool(under), error=error_text(error))
    now = decision.model_dump(mode="json")
    new_outcomes = decision.outcomes
    applied = tuple(e.ref for e in decision.editions)
    base["deciding_facts"] = tuple(dict.fromkeys(f for e in decision.editions for f in e.primary.deciding_facts))
    if under:
        new_id = decision.editions[0].edition
        if new_id in parsed.outcomes:
            differences = _compare([new_id], parsed.decision, parsed.outcomes, now, new_outcomes, explanation=False)
            changed = any(d.what == "outcome" for d in differences)
        else:
            old = "; ".join(f"{k}: {v}" for k, v in parsed.outcomes.items())
            new = new_outcomes[new_id]
            changed = new not in parsed.outcomes.values()
            differences = [Difference(edition=new_id, what="outcome", before=old, after=f"{new_id}: {new}")]
        return ReplayResult(**base, status="different" if changed else "same", what_if=True,
                            replayed_under=applied, new_outcomes=new_outcomes, differences=tuple(differences))
    differences = _compare([e.id for e in parsed.editions], parsed.decision, parsed.outcomes, now, new_outcomes,
                           explanation=True)
    return ReplayResult(**base, status="different" if differences else "same", replayed_under=applied,
                        new_outcomes=new_outcomes, differences=tuple(differences))


def _identify(raw: Any) -> dict[str, Any]:
    """What can be told about a record even if it is not valid (for the report's columns)."""
    if not isinstance(raw, dict):
        return {"record_id": "?"}
    editions = raw.get("editions")
    outcomes = raw.get("outcomes")
    decision = raw.get("decision")
    case = raw.get("case_reference")
    if case is None and isinstance(decision, dict):
        case = decision.get("case_reference")  # records made before case_reference was copied to the top
    return {
        "record_id": str(raw.get("record_id", "?")),
        "case_reference": case if isinstance(case, str) else None,
        "made_at": raw.get("made_at") if isinstance(raw.get("made_at"), str) else None,
        "engine_version": raw.get("engine_version") if isinstance(raw.get("engine_version"), str) else None,
        "editions": tuple(f"{e.get('id')}@{e.get('version')}" for e in _dicts(editions)),
        "old_outcomes": {str(k): str(v) for k, v in outcomes.items()} if isinstance(outcomes, dict) else {},
    }


__all__ = ["REDACTED", "DecisionRecord", "Difference", "EditionRef", "ReplayResult",
           "append_to_log", "canonical", "error_text", "facts_hash", "make_record", "parse_record", "record_dict",
           "redact", "replay"]
