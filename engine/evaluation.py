"""Evaluate a case: run each edition chosen for it through durable_rules, build the decision.

The status of every criterion and every condition comes from the rule engine
(:mod:`scr_eligibility.rules`). This module only turns those statuses into outcomes,
possible outcomes, duties and evidence, using per-edition tables built once (a
:class:`_Plan`), so the per-case path is table look-ups.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._version import __version__
from ..rules.per_edition import PerEdition
from ..criteria.loader import inline
from ..criteria.model import All, Any_, Condition, Criterion, Determination, Edition, Leaf, Not
from ..facts import Facts, label, parse_facts
from ..rules import Ruleset, ruleset_for
from .decision import (
    UNDETERMINED,
    CriterionResult,
    Decision,
    DeterminationResult,
    EditionResult,
    Evidence,
    PossibleOutcome,
    Status,
)
from .duties import duty_result, owner_fields
from .readings import check_options, evaluate_under
from .selection import select_editions

_STATUS: dict[bool, Status] = {True: "met", False: "not_met"}


@dataclass(frozen=True)
class _Plan:
    """Everything about an edition that does not depend on the case, computed once."""

    edition: Edition
    ruleset: Ruleset
    criteria: tuple[Criterion, ...]
    trees: dict[str, Condition]  # criterion id -> inlined condition
    leaf_number: dict[tuple[str, str, str, str], int]
    leaves: tuple[Leaf, ...]
    leaf_words: tuple[str, ...]
    criterion_leaves: dict[str, tuple[int, ...]]


def _build_plan(edition: Edition) -> _Plan:
    ruleset = ruleset_for(edition)
    compiled = ruleset.compiled
    return _Plan(
        edition=edition,
        ruleset=ruleset,
        criteria=edition.content.criteria,
        trees={c.id: inline(c.condition, edition) for c in edition.content.criteria},
        leaf_number={leaf.key: i for i, leaf in enumerate(compiled.leaves)},
        leaves=compiled.leaves,
        leaf_words=tuple(leaf_words(leaf) for leaf in compiled.leaves),
        criterion_leaves=compiled.criterion_leaves,
    )


_plan: PerEdition[_Plan] = PerEdition(_build_plan)


_OP_WORDS = {"eq": "is", "ne": "is not", "in": "is", "not_in": "is not", "lt": "is under", "le": "is at most",
             "gt": "is over", "ge": "is at least"}


def leaf_words(leaf: Leaf) -> str:
    """A condition in words: its own ``says`` text, or one made from the fact and value."""
    if leaf.says:
        return leaf.says
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return f"{leaf.fact.replace('_', ' ')} {_OP_WORDS[leaf.op]} " + " or ".join(label(v) for v in values)


def evaluate(
    facts: Facts | dict[str, Any],
    *,
    as_of: _dt.date | None = None,
    editions: Iterable[str | Edition] | None = None,
    readings: Mapping[str, str] | None = None,
) -> Decision:
    """Decide a case. ``facts`` is a :class:`Facts` or a mapping (validated here).

    By default the case is evaluated under every edition in force on the date the
    authority became aware (else the incident date, else today's editions); ``as_of``
    names another date and ``editions`` names the editions outright. ``readings``
    chooses options of the editions' declared readings (``{"lscb-discretionary-list":
    "seed"}``); the others take their defaults, and the decision shows what the
    alternatives that could change an answer would give (:mod:`.readings`).
    """
    case = parse_facts(facts)
    chosen, why, day = select_editions(case, as_of, editions)
    options = check_options(readings, chosen)
    results = tuple(evaluate_under(case, edition, options, evaluate_edition) for edition in chosen)
    return Decision.build(
        case_reference=case.case_reference,
        facts=case,
        editions_applied=why,
        as_of=day,
        editions=results,
        engine_version=__version__,
        **_used(options, chosen),
    )


def _used(options: Mapping[str, str], chosen: Iterable[Edition]) -> dict[str, Any]:
    """The options chosen of readings the editions applied declare (for the decision and its record), if any.

    A reading no edition applied declares had no effect on the decision, so it is not part of it.
    """
    declared = {r.id for edition in chosen for r in edition.content.readings}
    used = {r: o for r, o in options.items() if r in declared}
    return {"readings": used} if used else {}


def evaluate_edition(facts: Facts, edition: Edition) -> EditionResult:
    """Everything ``edition`` says about ``facts``."""
    plan = _plan(edition)
    values = {name: getattr(facts, name) for name in plan.ruleset.compiled.facts_read}
    known = {name: value for name, value in values.items() if value is not None}
    criteria_truth, leaf_truth = plan.ruleset.evaluate(known, facts.case_reference)
    return build_edition_result(facts, edition, criteria_truth, leaf_truth, values)


def build_edition_result(facts: Facts, edition: Edition, criteria_truth: dict[str, bool],
                         leaf_truth: dict[int, bool], values: dict[str, Any] | None = None) -> EditionResult:
    """The explained result from the truth of each criterion and leaf (a missing key is unknown).

    ``values`` are the facts the edition reads, when the caller has them already.
    """
    plan = _plan(edition)
    if values is None:
        values = {name: getattr(facts, name) for name in plan.ruleset.compiled.facts_read}
    statuses: dict[str, Status] = {
        c.id: _STATUS[criteria_truth[c.id]] if c.id in criteria_truth else "unknown" for c in plan.criteria}
    results = tuple(_criterion_result(plan, c, statuses[c.id], leaf_truth, values) for c in plan.criteria)
    by_id = {r.id: r for r in results}
    determinations = tuple(
        _determine(plan, d, statuses, by_id, leaf_truth, facts) for d in edition.content.determinations)
    content = edition.content
    return EditionResult.build(
        edition=content.id,
        version=content.version,
        content_hash=edition.content_hash,
        title=content.title,
        short_title=content.short_title,
        in_force_from=content.in_force.from_,
        in_force_until=content.in_force.until,
        determinations=determinations,
        criteria=results,
    )


def _leaf_status(index: int, leaf_truth: dict[int, bool]) -> Status:
    truth = leaf_truth.get(index)
    return "unknown" if truth is None else _STATUS[truth]


def _criterion_result(plan: _Plan, criterion: Criterion, status: Status, leaf_truth: dict[int, bool],
                      values: dict[str, Any]) -> CriterionResult:
    evidence = []
    missing: dict[str, None] = {}
    for index in plan.criterion_leaves[criterion.id]:
        leaf = plan.leaves[index]
        value = values[leaf.fact]
        if value is None:
            missing[leaf.fact] = None
        leaf_status = _leaf_status(index, leaf_truth)
        # Met: the conditions that were met; not met: those that failed; unknown: those not yet known.
        if leaf_status == status or (status == "unknown" and value is None):
            evidence.append(Evidence.build(
                fact=leaf.fact, condition=plan.leaf_words[index], status=leaf_status,
                value=value.isoformat() if isinstance(value, _dt.date) else value,
                value_label=label(value), presumed=value is None and leaf_status != "unknown"))
    return CriterionResult.build(
        id=criterion.id, kind=criterion.kind, title=criterion.title, status=status, text=criterion.text,
        citation=criterion.citation, reading=criterion.reading, variant=criterion.variant,
        evidence=tuple(evidence), missing_facts=tuple(missing))


def _settled(condition: Condition, plan: _Plan, leaf_truth: dict[int, bool]) -> bool | None:
    """Whether a part of a condition is already settled true or false by the engine's leaf results.

    Only for wording the explanation: which branches of a still-open criterion can drop out.
    The criterion's own status always comes from the engine.
    """
    if isinstance(condition, Leaf):
        return leaf_truth.get(plan.leaf_number[condition.key])
    if isinstance(condition, Not):
        inner = _settled(condition.item, plan, leaf_truth)
        return None if inner is None else not inner
    values = [_settled(item, plan, leaf_truth) for item in condition.items]  # type: ignore[union-attr]
    decisive = isinstance(condition, Any_)  # True settles an any; False settles an all
    if decisive in values:
        return decisive
    return (not decisive) if all(v is not None for v in values) else None


def residue(condition: Condition, plan: _Plan, leaf_truth: dict[int, bool]) -> str | None:
    """What is still unknown in ``condition``, in words ("abuse or neglect is known or suspected and ...").

    Parts already settled drop out (a met part of an ``all``, a failed branch of an ``any``);
    ``None`` means nothing unknown remains.
    """
    if _settled(condition, plan, leaf_truth) is not None:
        return None
    if isinstance(condition, Leaf):
        return plan.leaf_words[plan.leaf_number[condition.key]]
    if isinstance(condition, Not):
        return f"not ({residue(condition.item, plan, leaf_truth)})"
    parts = list(dict.fromkeys(  # the same words once, even when two branches share a condition
        p for p in (residue(i, plan, leaf_truth) for i in condition.items) if p))  # type: ignore[union-attr]
    if not parts:
        return None
    joiner = " and " if isinstance(condition, All) else " or "
    text = joiner.join(parts)
    return f"({text})" if len(parts) > 1 and isinstance(condition, Any_) else text


def _presumptions(decided_by: tuple[str, ...],
                  results: dict[str, CriterionResult]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Caveats for an outcome that rests only on presumptions, and the unknown facts that could defeat them.

    M2, for one, is met while inter-agency working is unknown ("unless there is definitive evidence that
    there are no concerns"): the outcome stands in law, but the answer to that fact could still change it.
    """
    if not decided_by:
        return (), ()
    presumed = {c: [e for e in results[c].evidence if e.presumed] for c in decided_by}
    if not all(presumed.values()):
        return (), ()
    caveats = tuple(
        f"{c} is met on a presumption while {', '.join(e.fact for e in evidence)} is unknown "
        f"({'; '.join(e.condition for e in evidence)}); an answer to the contrary would change it."
        for c, evidence in presumed.items())
    facts = tuple(dict.fromkeys(e.fact for evidence in presumed.values() for e in evidence))
    return caveats, facts


def _determine(plan: _Plan, determination: Determination, statuses: dict[str, Status],
               results: dict[str, CriterionResult], leaf_truth: dict[int, bool], facts: Facts) -> DeterminationResult:
    """Walk the outcomes in priority order: the first whose criteria are met wins; unknowns keep later ones open."""
    possible: list[tuple[Any, list[str]]] = []  # (outcome definition, unknown criteria that would lead to it)
    blocking: list[str] = []  # unknown criteria of earlier outcomes, which would have to be not met
    decided_by: tuple[str, ...] = ()
    for outcome in determination.outcomes:
        if not outcome.criteria:  # the default: reached only if nothing before it can be met
            possible.append((outcome, []))
            break
        met = [c for c in outcome.criteria if statuses[c] == "met"]
        unknown = [c for c in outcome.criteria if statuses[c] == "unknown"]
        if met:
            possible.append((outcome, []))
            decided_by = tuple(met)
            break
        if unknown:
            possible.append((outcome, unknown))
            blocking.extend(unknown)
    deciding = tuple(dict.fromkeys(f for c in blocking for f in results[c].missing_facts))
    if len(possible) == 1:
        outcome = possible[0][0]
        if not outcome.criteria:
            decided_by = tuple(c for o in determination.outcomes for c in o.criteria)
        caveats, presumed = _presumptions(decided_by if outcome.criteria else (), results)
        return DeterminationResult.build(
            id=determination.id, title=determination.title, outcome=outcome.id, label=outcome.label,
            who_decides=determination.who_decides, decided_by=decided_by, possible=(), deciding_facts=presumed,
            duties=tuple(duty_result(d, facts) for d in outcome.duties), caveats=caveats,
            **owner_fields(outcome))
    options = []
    for position, (outcome, unknown) in enumerate(possible):
        lead = "" if position == 0 else "otherwise, "
        if unknown:
            conditions = [f"{residue(plan.trees[c], plan, leaf_truth)} ({c})" for c in unknown]
            when = lead + "if " + "; or if ".join(conditions)
        elif outcome.criteria:
            when = lead + "as " + ", ".join(decided_by) + " " + ("is" if len(decided_by) == 1 else "are") + " met"
        else:
            when = "otherwise" if position else "if none of the criteria is met"
        options.append(PossibleOutcome.build(
            outcome=outcome.id, label=outcome.label, when=when,
            deciding_facts=tuple(dict.fromkeys(f for c in unknown for f in results[c].missing_facts)),
            criteria=tuple(unknown) or (decided_by if outcome.criteria else ())))
    return DeterminationResult.build(
        id=determination.id, title=determination.title, outcome=UNDETERMINED,
        label=f"Undetermined: {' / '.join(o.label for o in options)}", who_decides=determination.who_decides,
        decided_by=(), possible=tuple(options), deciding_facts=deciding, duties=(), caveats=())
