"""Redaction: a decision record without its fact values, for sharing outside the partnership.

A redacted record keeps its ``facts_hash``, outcomes, criteria statuses and editions, but can
no longer be replayed. The ledger applies :func:`redact` when asked to (``export_jsonl``)
without knowing what it removes.
"""

from __future__ import annotations

import copy
from typing import Any

from .stored import is_event, objects_in

#: What a redacted value's words become (``value_label``, ``editions_applied``).
REDACTED = "(redacted)"

def redact(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` (a record as JSON data) with every fact value removed (an event: its note).

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
    if is_event(record):
        return redact_event(record)
    out = copy.deepcopy(record)
    out["facts"] = None
    out["facts_redacted"] = True
    _redact_dates(out)
    decision = out.get("decision")
    if isinstance(decision, dict):
        if "facts" in decision:
            decision["facts"] = None
        _redact_dates(decision)
        for edition in objects_in(decision.get("editions")):
            for criterion in objects_in(edition.get("criteria")):
                for evidence in objects_in(criterion.get("evidence")):
                    if "value" in evidence:
                        evidence["value"] = None
                    if "value_label" in evidence:
                        evidence["value_label"] = REDACTED
            for determination in objects_in(edition.get("determinations")):
                for duty in objects_in(determination.get("duties")):
                    if "due" in duty:
                        duty["due"] = None
                    if "skipped" in duty:
                        duty["skipped"] = []
    return out


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of an event (:mod:`.events`) without its note, the one free text it holds.

    Kept: its kind, date, outcome and the records it links, so that a redacted export still
    supports a timeliness audit. ``note_redacted`` is set true. The input is not changed.
    """
    out = copy.deepcopy(event)
    out["note"] = None
    out["note_redacted"] = True
    return out


def _redact_dates(part: dict[str, Any]) -> None:
    if "as_of" in part:
        part["as_of"] = None
    if "editions_applied" in part:
        part["editions_applied"] = REDACTED


__all__ = ["REDACTED", "redact", "redact_event"]
