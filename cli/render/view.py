"""The presentation model of a decision: what the table, Markdown and HTML renderers show, worked out once.

A renderer words and lays out what is here. It never reads an edition again and never parses
the engine's prose: everything it needs comes from the decision, through :func:`decision_view`.
The one look at an edition is here, in :mod:`.reasons`: the shape of a criterion's condition
(never its words), to choose which of the engine's evidence decided it; without the edition the
evidence is shown as the engine gave it. "What to do now" is worked out in :mod:`.todo`.
The status words and the in-force wording live here too, so every output says them alike.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Literal

from ...engine.decision import CriterionResult, Decision, DeterminationResult, DutyResult, EditionResult, Evidence
from ...facts import FACT_NAMES
from .reasons import Reason, condition_verdict, deciding
from .todo import WhatToDo, what_to_do

#: The age at which "the child" is an adult, "the person" (the guidance: a child is a person under 18).
ADULT_AGE = 18
#: How strongly an answer calls for action: strong (must act), some (may act), none (nothing owed), open.
Tone = Literal["strong", "some", "none", "open"]
#: How one condition of a criterion stood for the case.
Verdict = Literal["unknown", "presumed", "presumed not", "yes", "no"]


@dataclass(frozen=True)
class StatusWords:
    """A criterion status in words."""

    #: For the web page: "Met", "Not met", "Unknown".
    plain: str
    #: For the terminal and Markdown, which have no colour: the statuses that need a reader's eye shout.
    loud: str
    #: The tone of the status's badge.
    tone: Tone


STATUS_WORDS: dict[str, StatusWords] = {
    "met": StatusWords("Met", "MET", "strong"),
    "not_met": StatusWords("Not met", "not met", "none"),
    "unknown": StatusWords("Unknown", "UNKNOWN", "open"),
}


def period_words(start: _dt.date, until: _dt.date | None) -> str:
    """``2018-06-29 to now``: the days an edition is in force."""
    return f"{start.isoformat()} to {until.isoformat() if until else 'now'}"


def in_force_words(start: _dt.date, until: _dt.date | None) -> str:
    """``in force 2018-06-29 to now``."""
    return f"in force {period_words(start, until)}"


def verdict(item: Evidence) -> Verdict:
    """How a condition stood (see :func:`reasons.condition_verdict`)."""
    return condition_verdict(item)  # type: ignore[return-value]


@dataclass(frozen=True)
class DeterminationView:
    """One determination as every renderer shows it."""

    result: DeterminationResult
    #: The answer in a line for the table and Markdown: ``SCR REQUIRED (met: M1)``, ``UNDETERMINED: A / B``.
    headline: str
    #: The answer as a heading: the outcome's label, or "Undetermined".
    answer: str
    tone: Tone
    #: The criteria met that decided the answer.
    met: tuple[CriterionResult, ...]
    #: Decided: the criteria that decided it (those met, or, for the default, every criterion not met).
    why: tuple[CriterionResult, ...]
    #: Whether :attr:`why` holds the criteria met (else none of them is met).
    why_met: bool
    #: Undetermined: the criteria still unknown that could lead to one of the possible outcomes, by id.
    open: tuple[CriterionResult, ...]

    @property
    def decided(self) -> bool:
        return self.result.decided

    @property
    def duties(self) -> tuple[DutyResult, ...]:
        return self.result.duties


@dataclass(frozen=True)
class EditionView:
    """One edition's answers as every renderer shows them."""

    result: EditionResult
    #: ``in force 2006-04-01 to 2019-09-29``.
    in_force: str
    #: The title of the edition's outcome card: its short title, with the main question when that is not in it.
    card_title: str
    determinations: tuple[DeterminationView, ...]
    #: The criteria to quote in the words of the law: those met that decided an answer, and those still open
    #: whose unknown facts could change one, in edition order.
    quoted: tuple[CriterionResult, ...]
    #: Every duty of every determination, in order.
    duties: tuple[DutyResult, ...]
    #: Per criterion id, the conditions that decided its status, in words (issue 14.2).
    reasons: dict[str, tuple[Reason, ...]]

    @property
    def primary(self) -> DeterminationView:
        return self.determinations[0]


@dataclass(frozen=True)
class DecisionView:
    """A decision as every renderer shows it."""

    decision: Decision
    editions: tuple[EditionView, ...]
    #: Every unknown fact whose answer could change some answer, in first-seen order.
    deciding_facts: tuple[str, ...]
    #: The known facts, ``(name, value)`` in the fact model's order.
    given: tuple[tuple[str, Any], ...]
    #: "What to do now" (issue 14.1): what every output opens with.
    to_do: WhatToDo
    #: "the person" for an adult (a care leaver, anyone 18 or over at the incident), else "the child".
    person: str = "the child"


def tone(determination: DeterminationResult, by_id: dict[str, CriterionResult]) -> Tone:
    """How strongly a decided answer calls for action, from the criteria that decided it.

    The default outcome (no criterion met) calls for none; an outcome met only through
    discretionary criteria ("an SCR may be undertaken") for some; any other met outcome (a
    mandatory criterion, a statutory duty, a notification, criteria engaged) for strong action.
    On the shipped editions this is the outcome's rank (first strong, last none, between some), which
    a test checks for every edition, so no renderer needs the edition to rank outcomes.
    """
    if not determination.decided:
        return "open"
    met = [by_id[c] for c in determination.decided_by if c in by_id and by_id[c].status == "met"]
    if not met:
        return "none"
    return "some" if all(c.kind == "discretionary" for c in met) else "strong"


def _headline(determination: DeterminationResult, met: tuple[CriterionResult, ...]) -> str:
    if determination.decided:
        by = f" (met: {', '.join(c.id for c in met)})" if met else " (none of its criteria is met)"
        return f"{determination.label.upper()}{by}"
    return "UNDETERMINED: " + " / ".join(p.label for p in determination.possible)


def determination_view(determination: DeterminationResult, by_id: dict[str, CriterionResult]) -> DeterminationView:
    met = tuple(by_id[c] for c in determination.decided_by if c in by_id and by_id[c].status == "met")
    why = tuple(by_id[c] for c in determination.decided_by if c in by_id) if determination.decided else ()
    open_ids = {c for p in determination.possible for c in p.criteria if c in by_id and by_id[c].status == "unknown"}
    return DeterminationView(
        result=determination,
        headline=_headline(determination, met),
        answer=determination.label if determination.decided else "Undetermined",
        tone=tone(determination, by_id),
        met=met,
        why=why,
        why_met=any(c.status == "met" for c in why),
        open=tuple(by_id[c] for c in sorted(open_ids)),
    )


def _quoted(edition: EditionResult) -> tuple[CriterionResult, ...]:
    ids = {c for d in edition.determinations for c in d.decided_by}
    deciding = {f for d in edition.determinations for f in d.deciding_facts}
    ids |= {c.id for c in edition.criteria if c.status == "unknown" and set(c.missing_facts) & deciding}
    return tuple(c for c in edition.criteria if c.id in ids and c.status != "not_met")


def person_words(text: str, person: str) -> str:
    """``text`` with "the child" said as ``person`` ("the person", for an adult)."""
    if person == "the child":
        return text
    return text.replace("the child", person).replace("The child", person[:1].upper() + person[1:])


def _reasons(edition: EditionResult, person: str) -> dict[str, tuple[Reason, ...]]:
    out = {}
    for criterion in edition.criteria:
        out[criterion.id] = tuple(
            Reason(person_words(r.condition, person), r.verdict, person_words(r.answer, person), r.fact)
            for r in deciding(criterion, edition))
    return out


def edition_view(edition: EditionResult, person: str = "the child") -> EditionView:
    by_id = {c.id: c for c in edition.criteria}
    primary = edition.primary
    card_title = edition.short_title if primary.title.lower() in edition.short_title.lower() else (
        f"{edition.short_title} – {primary.title}")
    return EditionView(
        result=edition,
        in_force=in_force_words(edition.in_force_from, edition.in_force_until),
        card_title=card_title,
        determinations=tuple(determination_view(d, by_id) for d in edition.determinations),
        quoted=_quoted(edition),
        duties=tuple(duty for d in edition.determinations for duty in d.duties),
        reasons=_reasons(edition, person),
    )


def decision_view(decision: Decision) -> DecisionView:
    """The presentation model of ``decision``."""
    known = decision.facts.known()
    age = decision.facts.age
    person = "the person" if age is not None and age >= ADULT_AGE else "the child"
    return DecisionView(
        decision=decision,
        editions=tuple(edition_view(e, person) for e in decision.editions),
        deciding_facts=decision.deciding_facts(),
        given=tuple((name, getattr(decision.facts, name)) for name in FACT_NAMES if name in known),
        to_do=what_to_do(decision),
        person=person,
    )


__all__ = ["STATUS_WORDS", "DecisionView", "DeterminationView", "EditionView", "StatusWords", "Tone",
           "decision_view", "in_force_words", "period_words", "person_words", "tone", "verdict"]
