""""What to do now" (issue 14.1): the section every decision output opens with.

Worked out once, from the decision, for every renderer: the duties that apply in due-date order
(who, by when, how, the source), then what is still open and the one or two facts that would
settle it, then what falls on another body, named. When nothing is owed it says so, and what
the authority may still choose to do. The wording of a duty without a date is here too, so that
every output says it alike (issue 14.3).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ...dates import today
from ...engine.deadlines import is_working_day
from ...engine.decision import Decision, DutyResult, EditionResult
from ...facts import fact_text
from .reasons import met_but_for

#: How a duty is done, by duty id, where the practice is known: the Panel's notification is made through the
#: DfE's online notification system (gov.uk, "Report a serious child safeguarding incident"), which also
#: carries the notification of a looked after child's death to the Secretary of State and Ofsted.
HOW: dict[str, str] = {
    "notify_panel": "the Panel's online notification (the child safeguarding incident notification system, "
                    "gov.uk: \"Report a serious child safeguarding incident\")",
    "notify_secretary_of_state_and_ofsted": "the Panel's online notification system, which local authorities can also "
                                            "use to notify Ofsted and the Secretary of State (gov.uk: \"Report a "
                                            "serious child safeguarding incident\")",
    "notify_ofsted_and_lscb": "the Ofsted notification (a serious incident notification), and a report to the LSCB",
}
#: The words for the basis of a duty when it sets no time limit.
_BASIS = {"statute": "the statute", "regulations": "the regulations", "guidance": "the guidance"}
#: The heading of the inferences, in every output.
INFERRED = "Read from other facts (an inference, not an answer: record the fact to replace it):"
#: Facts named under one open question at most ("the one or two facts that would settle it").
OPEN_FACTS = 2


def undated_words(duty: DutyResult) -> str:
    """The one wording of a duty without a date (issue 14.3), with the reason."""
    if duty.deadline is None:
        return f"no time limit: {_BASIS.get(duty.basis, 'the ' + duty.basis)} sets no time limit for this"
    return "no date yet: the date it counts from is not yet known"


def working_days_left(due: _dt.date, now: _dt.date) -> int:
    """Working days after ``now`` up to and including ``due`` (weekends and bank holidays not counted)."""
    day, left = now, 0
    while day < due:
        day += _dt.timedelta(days=1)
        left += is_working_day(day)
    return left


def when_words(due: _dt.date | None, duty: DutyResult, now: _dt.date) -> str:
    """``Tuesday 9 May 2017 (2017-05-09), 3 working days from today``, or the undated wording."""
    if due is None:
        return undated_words(duty)
    words = f"{due:%A} {due.day} {due:%B %Y} ({due.isoformat()})"
    if due < now:
        return words + ", a date already passed"
    if due == now:
        return words + ", today"
    left = working_days_left(due, now)
    return words + f", {left} working day{'s' if left != 1 else ''} from today"


@dataclass(frozen=True)
class Step:
    """A duty that applies, or a step this authority should take about another body's duty: what, who, by when,
    how, and where it comes from."""

    what: str
    who: str
    due: _dt.date | None
    when: str
    how: str | None
    source: str
    edition: str
    #: The duty (None for a next step about another body's duty).
    duty: DutyResult | None
    #: The source as cited (the duty's, or the other body's duty the step serves).
    cite: str = ""


@dataclass(frozen=True)
class Open:
    """An answer still open, and the facts that would settle it."""

    question: str
    edition: str
    possible: tuple[str, ...]
    #: The one or two facts to find out first, as questions.
    facts: tuple[str, ...]
    #: How many more facts bear on it.
    more: int


@dataclass(frozen=True)
class Elsewhere:
    """What falls on another body, with the body named."""

    body: str
    what: str
    source: str
    #: "duty" (a duty this authority would have had, another's here), "decision" (another body decides) or "note".
    kind: str = "note"
    #: The edition it comes from (its ref).
    edition: str = ""


@dataclass(frozen=True)
class Inferred:
    """A fact not answered that the edition read from another (an inference, not an answer)."""

    title: str
    text: str
    source: str
    edition: str


@dataclass(frozen=True)
class WhatToDo:
    steps: tuple[Step, ...]
    open: tuple[Open, ...]
    elsewhere: tuple[Elsewhere, ...]
    #: Said when nothing is owed (else None).
    nothing_owed: str | None
    #: What the authority may still choose to do, when nothing is owed.
    may_choose: tuple[str, ...]
    #: Facts read from other facts: shown beside the steps that rest on them, not among other processes.
    inferred: tuple[Inferred, ...] = ()


#: When a next step is due: the law sets none, but the other body's duty may be running (issue 12.2).
NEXT_STEP_WHEN = "no time limit is set for this step, but the other body's duty may already be running: do it promptly"


def _steps(decision: Decision, now: _dt.date) -> list[Step]:
    steps = []
    for edition in decision.editions:
        where = f"{edition.short_title} ({edition.ref})"
        for determination in edition.determinations:
            for duty in determination.duties:
                steps.append(Step(duty.action, duty.by, duty.due, when_words(duty.due, duty, now), HOW.get(duty.id),
                                  f"{duty.basis}: {duty.source}", where, duty, duty.source))
            for step in determination.next_steps:  # this authority's own step about another body's duty
                steps.append(Step(step.action, step.by, None, NEXT_STEP_WHEN, None, step.source, where, None,
                                  step.source))
    # Due-date order; the undated last, in the order the editions give them.
    return sorted(steps, key=lambda s: (s.due is None, s.due or _dt.date.max))


def _open(decision: Decision) -> list[Open]:
    out = []
    for edition in decision.editions:
        for determination in edition.determinations:
            if determination.decided:
                continue
            facts = determination.deciding_facts
            out.append(Open(determination.title, f"{edition.short_title} ({edition.ref})",
                            tuple(p.label for p in determination.possible),
                            tuple(fact_text(f)[1] for f in facts[:OPEN_FACTS]), max(0, len(facts) - OPEN_FACTS)))
    return out


def _another_authority(edition: EditionResult) -> Elsewhere | None:
    """A death or serious harm elsewhere in England: the duty to notify is that area's authority's (s16C(1)(a))."""
    by_id = {c.id: c for c in edition.criteria}
    panel = next((d for d in edition.determinations if d.id == "panel_notification"), None)
    local = by_id.get("s16C-1a")
    if panel is None or local is None or panel.outcome != "no_duty" or local.status != "not_met":
        return None
    place = next((e for e in local.evidence if e.fact == "location"), None)
    if place is None or place.value != "elsewhere_in_england" or not met_but_for(local, edition, "location"):
        return None
    return Elsewhere(
        "The local authority for the area in England where it happened",
        "must notify the Child Safeguarding Practice Review Panel, and its safeguarding partners carry out the rapid "
        "review; make sure that authority knows (this authority may still need to work with it)",
        "Children Act 2004 s16C(1)(a), as read by this edition (see s16C-1a)", "duty", edition.ref)


def _elsewhere(decision: Decision) -> list[Elsewhere]:
    out = []
    for edition in decision.editions:
        owners = [d for d in edition.determinations if d.owed_by is not None or d.next_steps]
        for determination in owners:  # the edition names the body that owes the duty, and the next step
            # The duty itself is the other body's; what this authority should do about it is among the steps.
            source = determination.next_steps[0].source if determination.next_steps else \
                f"{edition.short_title} ({edition.ref})"
            out.append(Elsewhere(determination.owed_by or "", determination.label, source, "duty", edition.ref))
        # An edition that does not name the owner (a version made before owners were part of the rules).
        other = None if owners else _another_authority(edition)
        if other is not None:
            out.append(other)
        by_id = {c.id: c for c in edition.criteria}
        for determination in edition.determinations[1:]:
            if determination in owners:
                continue  # listed above, with the body that owes it
            met = [c for c in determination.decided_by if c in by_id and by_id[c].status == "met"]
            if determination.decided and met and not determination.duties and determination.who_decides:
                out.append(Elsewhere(determination.label, determination.who_decides,
                                     f"{edition.short_title} ({edition.ref}), {', '.join(met)}", "decision", edition.ref))
        for note in edition.notes:
            if note.kind != "inference":
                out.append(Elsewhere(note.title, note.text, note.source, "note", edition.ref))
    return out


def _inferred(decision: Decision) -> list[Inferred]:
    out: dict[tuple[str, str], Inferred] = {}
    for edition in decision.editions:
        for note in edition.notes:
            if note.kind == "inference":  # the same inference under two editions is told once
                out.setdefault((note.title, note.text), Inferred(note.title, note.text, note.source,
                                                                 f"{edition.short_title} ({edition.ref})"))
    return list(out.values())


def _may_choose(decision: Decision) -> list[str]:
    out = []
    for edition in decision.editions:
        ids = {d.id for d in edition.determinations}
        if "local_review" in ids:
            out.append("The safeguarding partners may still choose to review the case locally for the learning "
                       "it offers (a local learning review below the criteria is theirs to decide, not this tool's) "
                       f"({edition.short_title}).")
        elif "scr" in ids:
            out.append("The LSCB may still decide on a review of a case that does not meet the Serious Case Review "
                       f"criteria (a local learning review) ({edition.short_title}).")
    return list(dict.fromkeys(out))


def what_to_do(decision: Decision, now: _dt.date | None = None) -> WhatToDo:
    """The "What to do now" section of ``decision``, with working days counted from ``now`` (default today)."""
    now = now or today()
    steps = _steps(decision, now)
    nothing = None
    may: list[str] = []
    if not any(s.duty is not None for s in steps):
        answers = "; ".join(f"{e.primary.label} ({e.short_title})" for e in decision.editions if e.primary.decided)
        open_main = any(not e.primary.decided for e in decision.editions)
        if open_main:
            nothing = "Nothing is owed yet on the facts given: the main answer is still open (below)."
        elif steps:
            nothing = f"This authority owes no duty of its own under the rules applied: {answers}."
        elif decision.editions:
            nothing = f"Nothing is owed under the rules applied: {answers}."
        else:
            nothing = "No rules applied: give the date the authority became aware, or choose an edition."
        may = [] if open_main else _may_choose(decision)
    return WhatToDo(tuple(steps), tuple(_open(decision)), tuple(_elsewhere(decision)), nothing, tuple(may),
                    tuple(_inferred(decision)))


__all__ = ["HOW", "INFERRED", "NEXT_STEP_WHEN", "Elsewhere", "Inferred", "Open", "Step", "WhatToDo", "undated_words", "what_to_do", "when_words",
           "working_days_left"]
