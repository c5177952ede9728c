"""Replay: re-evaluate a decision record under the edition versions it names, and say what differs.

``replay(record, under="wt2023")`` is a what-if: the same facts under another edition.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...criteria.catalogue import get_edition
from ...errors import EditionNotFound, InputError, Problem, ScrError
from ...facts import parse_facts
from ..evaluation import evaluate
from .records import DecisionRecord, facts_hash, parse_record, record_dict
from .stored import case_reference, edition_refs, objects_in


class Difference(BaseModel):
    """One thing a replay found changed: in ``edition``, ``what`` was ``before`` and is now ``after``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edition: str
    what: str = Field(description="'outcome', 'determination <id>', 'criterion <id>' or 'duty <id> due'.")
    before: str
    after: str


class ReplayResult(BaseModel):
    """The outcome of replaying one record.

    ``status``: ``same`` (the replay gives the recorded decision: the same outcomes, every
    determination's outcome, every criterion's status and every duty's due date),
    ``different`` (it does not: see ``differences``; in a what-if, the outcome would
    change) or ``error`` (the record could not be replayed: see ``error``). A ``same``
    replay whose explanation is otherwise worded differently says so in
    ``wording_changed`` and ``wording_differs_at`` (the JSON paths): that is never a
    different decision. ``editions`` are the record's own (``id@version``),
    ``replayed_under`` those actually applied.
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
    wording_changed: bool = Field(
        default=False, description="The explanation is worded differently; the decision itself is not.")
    wording_differs_at: tuple[str, ...] = Field(
        default=(), description="Where the wording differs (JSON paths such as editions[0].criteria[3].text).")
    error: str | None = None


# The decision's parts that make it the decision it is, as {(edition id, part id): value}. A
# stored record is JSON from anywhere (an old release, a hand-edited export): read it gently.

def _criteria_statuses(decision: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(str(e.get("edition")), str(c.get("id"))): c.get("status")
            for e in objects_in(decision.get("editions")) for c in objects_in(e.get("criteria"))}


def _determinations(decision: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Every determination but each edition's main one (that is the outcome, compared on its own)."""
    return {(str(e.get("edition")), str(d.get("id"))): d.get("outcome")
            for e in objects_in(decision.get("editions")) for d in objects_in(e.get("determinations"))[1:]}


_NO_SUCH_DUTY = "(no such duty)"


def _due_dates(decision: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Every duty's due date (None when its start is unknown), keyed by determination and duty."""
    return {(str(e.get("edition")), f"{d.get('id')}/{u.get('id')}"): u.get("due")
            for e in objects_in(decision.get("editions")) for d in objects_in(e.get("determinations"))
            for u in objects_in(d.get("duties"))}


_PARTS = (("determination {}", _determinations, "None"), ("criterion {}", _criteria_statuses, "None"),
          ("duty {} due", _due_dates, _NO_SUCH_DUTY))

# Parts of the explanation that may differ on a faithful replay: the engine that ran it,
# and the reason for the editions (a replay names them outright instead of choosing by date).
_NOT_COMPARED = ("engine_version", "editions_applied")


def _json_differences(before: Any, after: Any, path: str = "") -> list[str]:
    """The paths (``editions[0].criteria[3].text``) where two JSON values differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [p for key in sorted(set(before) | set(after), key=str)
                for p in _json_differences(before.get(key, _MISSING), after.get(key, _MISSING), f"{path}.{key}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after, strict=True))
                for p in _json_differences(b, a, f"{path}[{i}]")]
    return [] if before == after else [path.lstrip(".") or "(whole)"]


_MISSING = object()


def _worded(decision: dict[str, Any], recorded_facts: Any) -> dict[str, Any]:
    """The parts of a decision compared for wording: all but :data:`_NOT_COMPARED`.

    With ``recorded_facts`` (the recorded decision's ``facts``), fact fields the record does
    not hold and that are null here are left out: the fact model gained them after the
    record was made, and a fact no one knew then is still unknown.
    """
    out = {k: v for k, v in decision.items() if k not in _NOT_COMPARED}
    facts = out.get("facts")
    if isinstance(recorded_facts, dict) and isinstance(facts, dict):
        out["facts"] = {k: v for k, v in facts.items() if k in recorded_facts or v is not None}
    return out


def error_text(error: ScrError) -> str:
    """An error as one paragraph: the message, then each problem (for a table cell or a log line)."""
    parts = [error.message] + [str(p) for p in error.problems]
    return "; ".join(parts)


def _compare(edition_ids: list[str], before: dict[str, Any], old_outcomes: dict[str, str],
             now: dict[str, Any], new_outcomes: dict[str, str]) -> list[Difference]:
    """What makes the replayed decision another decision than the recorded one, for the given editions."""
    differences: list[Difference] = []
    for edition in edition_ids:
        old, new = old_outcomes.get(edition), new_outcomes.get(edition)
        if old != new:
            differences.append(Difference(edition=edition, what="outcome", before=str(old), after=str(new)))
    for what, table, absent in _PARTS:
        old_table, new_table = table(before), table(now)
        for key in sorted(set(old_table) | set(new_table)):
            old_value, new_value = old_table.get(key, _MISSING), new_table.get(key, _MISSING)
            if key[0] in edition_ids and old_value != new_value:
                differences.append(Difference(
                    edition=key[0], what=what.format(key[1]),
                    before=absent if old_value is _MISSING else str(old_value),
                    after=absent if new_value is _MISSING else str(new_value)))
    return differences


# Paths of the parts _compare reports as differences of the decision itself.
_DECISION_PART = re.compile(r"editions\[\d+\]\.(criteria\[\d+\]\.status|determinations\[\d+\]\.(outcome|duties\[\d+\]\.due))")


def _wording(before: dict[str, Any], now: dict[str, Any]) -> tuple[str, ...]:
    """Where the explanation is worded differently, leaving out the decision's own parts (:func:`_compare`'s)."""
    paths = _json_differences(_worded(before, None), _worded(now, before.get("facts")))
    return tuple(p for p in paths if not _DECISION_PART.fullmatch(p))


def replay(record: DecisionRecord | dict[str, Any], under: str | None = None) -> ReplayResult:
    """Re-evaluate a record under the edition versions it names (or, with ``under``, another edition) and compare.

    Without ``under`` the result is ``same`` when the outcomes, every determination's
    outcome, every criterion status and every duty's due date are as recorded; other
    differences in the explanation's words are reported (``wording_changed``) but do not
    make the decision a different one. Errors for
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
        # strict=False: a record is replayed on the facts it was made with; a cross-fact check added to the
        # fact model since then must not make an old record unreplayable.
        # The readings the caller chose when the decision was made are applied again (the others are defaults).
        decision = evaluate(parse_facts(parsed.facts, strict=False), as_of=parsed.as_of, editions=editions,
                            readings=parsed.readings or None)
    except ScrError as error:
        return ReplayResult(**base, status="error", what_if=bool(under), error=error_text(error))
    now = decision.model_dump(mode="json")
    new_outcomes = decision.outcomes
    applied = tuple(e.ref for e in decision.editions)
    base["deciding_facts"] = tuple(dict.fromkeys(f for e in decision.editions for f in e.primary.deciding_facts))
    if under:
        new_id = decision.editions[0].edition
        if new_id in parsed.outcomes:
            differences = _compare([new_id], parsed.decision, parsed.outcomes, now, new_outcomes)
            changed = any(d.what == "outcome" for d in differences)
        else:
            old = "; ".join(f"{k}: {v}" for k, v in parsed.outcomes.items())
            new = new_outcomes[new_id]
            changed = new not in parsed.outcomes.values()
            differences = [Difference(edition=new_id, what="outcome", before=old, after=f"{new_id}: {new}")]
        return ReplayResult(**base, status="different" if changed else "same", what_if=True,
                            replayed_under=applied, new_outcomes=new_outcomes, differences=tuple(differences))
    differences = _compare([e.id for e in parsed.editions], parsed.decision, parsed.outcomes, now, new_outcomes)
    wording = _wording(parsed.decision, now)
    return ReplayResult(**base, status="different" if differences else "same", replayed_under=applied,
                        new_outcomes=new_outcomes, differences=tuple(differences),
                        wording_changed=bool(wording), wording_differs_at=wording)


def _identify(raw: Any) -> dict[str, Any]:
    """What can be told about a record even if it is not valid (for the report's columns)."""
    if not isinstance(raw, dict):
        return {"record_id": "?"}
    outcomes = raw.get("outcomes")
    return {
        "record_id": str(raw.get("record_id", "?")),
        "case_reference": case_reference(raw),
        "made_at": raw.get("made_at") if isinstance(raw.get("made_at"), str) else None,
        "engine_version": raw.get("engine_version") if isinstance(raw.get("engine_version"), str) else None,
        "editions": edition_refs(raw),
        "old_outcomes": {str(k): str(v) for k, v in outcomes.items()} if isinstance(outcomes, dict) else {},
    }


__all__ = ["Difference", "ReplayResult", "error_text", "replay"]
