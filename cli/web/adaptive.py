"""The form follows the case (issue 14.5): the dates first, then only the questions that can matter.

The questions come from the engine, as `scr ask` asks them: those whose answer can still change
a determination under the editions the dates choose (:func:`~scr_eligibility.engine.questions.
decisive_questions`) come first; the other facts those editions read follow, folded away; facts
no edition in force reads are left out (a "Show all questions" button shows every question).
An answer already given is always shown, so nothing typed is hidden. A saved case file can be
loaded into the form (:func:`case_values`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ...engine.questions import EDITION_DATES, decisive_questions
from ...engine.selection import select_editions
from ...errors import ScrError
from ...facts import FACT_NAMES, Facts, parse_facts
from ...parsing import decode, parse_text
from ...rules import ruleset_for

#: The first step: the case reference, and what chooses the rules: the deciding body's nation and the dates.
FIRST_STEP: tuple[str, ...] = ("case_reference", "deciding_nation", *EDITION_DATES)
#: The field that asks for every question.
SHOW_ALL = "show_all"

Mode = Literal["dates", "case", "all"]


@dataclass(frozen=True)
class Relevance:
    """Which questions the form shows: ``now`` first, ``more`` folded away, the rest left out."""

    mode: Mode
    now: frozenset[str]
    more: frozenset[str]

    def place(self, name: str) -> str:
        """``now``, ``more`` or ``hidden``."""
        if self.mode == "all" or name in self.now:
            return "now"
        return "more" if name in self.more else "hidden"


ALL = Relevance("all", frozenset(FACT_NAMES), frozenset())


def _answered(values: Mapping[str, list[str]]) -> frozenset[str]:
    return frozenset(n for n in FACT_NAMES if (values.get(n) or [""])[0].strip().lower() not in ("", "unknown"))


def relevance(values: Mapping[str, list[str]], facts: Facts | None, as_of: _dt.date | None,
              editions: list[str] | None) -> Relevance:
    """What the form shows for the answers so far (``facts`` None: they are not valid, so show everything)."""
    if (values.get(SHOW_ALL) or [""])[0] == "1" or facts is None:
        return ALL
    answered = _answered(values)
    if as_of is None and editions is None and not any(getattr(facts, d) for d in EDITION_DATES):
        return Relevance("dates", frozenset(FIRST_STEP) | answered, frozenset())
    try:
        questions = decisive_questions(facts, as_of=as_of, editions=editions)
        chosen, _, _ = select_editions(facts, as_of, editions)
    except ScrError:
        return ALL
    read = frozenset(name for edition in chosen for name in ruleset_for(edition).compiled.facts_read)
    now = frozenset(FIRST_STEP) | answered | {q.fact for q in questions}
    return Relevance("case", now, read - now)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def case_values(data: bytes, name: str) -> dict[str, list[str]]:
    """The form's fields from a saved case file (YAML or JSON), checked as `scr check` checks it."""
    source = name or "the uploaded case"
    facts = parse_facts(parse_text(decode(data, source), source), source)
    known = facts.model_dump(exclude_none=True)
    return {n: [_form_value(known[n])] for n in FACT_NAMES if n in known}


__all__ = ["ALL", "FIRST_STEP", "SHOW_ALL", "Relevance", "case_values", "relevance"]
