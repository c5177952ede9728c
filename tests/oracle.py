"""An independent plain-Python evaluator of the same criteria data: the oracle the engine is checked against.

It reads the edition's conditions directly and applies Kleene three-valued logic by hand,
with no durable_rules involved. It exists only in tests (and the benchmark compares against
it); the product always evaluates through durable_rules.
"""

from __future__ import annotations

from typing import Any

from scr_eligibility.criteria.loader import inline
from scr_eligibility.criteria.model import All, Any_, Condition, Edition, Leaf, Not
from scr_eligibility.engine.decision import Decision, EditionResult
from scr_eligibility.engine.readings import evaluate_under
from scr_eligibility.engine.selection import select_editions
from scr_eligibility.facts import Facts, parse_facts
from scr_eligibility.rules import ruleset_for

from oracle_explain import explained_edition_result

Truth = bool | None  # None = unknown


def leaf_truth(leaf: Leaf, facts: Facts) -> Truth:
    value = getattr(facts, leaf.fact)
    if value is None:
        return {"unknown": None, "met": True, "not_met": False}[leaf.unknown]
    target = leaf.value
    if leaf.op == "eq":
        return value == target
    if leaf.op == "ne":
        return value != target
    if leaf.op == "in":
        return value in target
    if leaf.op == "not_in":
        return value not in target
    if leaf.op == "lt":
        return value < target
    if leaf.op == "le":
        return value <= target
    if leaf.op == "gt":
        return value > target
    if leaf.op == "ge":
        return value >= target
    raise ValueError(leaf.op)


def truth(condition: Condition, facts: Facts) -> Truth:
    """Kleene logic: all is false if any is false, true if all are true, else unknown; any dually."""
    if isinstance(condition, Leaf):
        return leaf_truth(condition, facts)
    if isinstance(condition, Not):
        inner = truth(condition.item, facts)
        return None if inner is None else not inner
    values = [truth(item, facts) for item in condition.items]  # type: ignore[union-attr]
    if isinstance(condition, All):
        if False in values:
            return False
        return True if all(v is True for v in values) else None
    if isinstance(condition, Any_):
        if True in values:
            return True
        return False if all(v is False for v in values) else None
    raise TypeError(condition)


_TREES: dict[tuple[str, str], dict[str, Condition]] = {}


def _trees(edition: Edition) -> dict[str, Condition]:
    """Each criterion's condition with its references inlined, worked out once per edition version."""
    key = (edition.ref, edition.content_hash)
    if key not in _TREES:
        _TREES[key] = {c.id: inline(c.condition, edition) for c in edition.content.criteria}
    return _TREES[key]


def criterion_truths(facts: Facts, edition: Edition) -> dict[str, Truth]:
    return {cid: truth(tree, facts) for cid, tree in _trees(edition).items()}


def oracle_edition(facts: Facts, edition: Edition) -> EditionResult:
    """The full explained result, with every truth value computed here rather than by durable_rules."""
    compiled = ruleset_for(edition).compiled  # only for the leaf numbering the explanation reads the truths in
    criteria = {cid: t for cid, t in criterion_truths(facts, edition).items() if t is not None}
    leaves = {i: t for i, leaf in enumerate(compiled.leaves) if (t := leaf_truth(leaf, facts)) is not None}
    # The oracle's own explanation (tests/oracle_explain.py), written out directly: none of the engine's.
    return explained_edition_result(facts, edition, criteria, leaves)


def oracle_evaluate(facts: Facts | dict[str, Any], *, as_of: Any = None, editions: Any = None) -> Decision:
    case = parse_facts(facts)
    chosen, why, day = select_editions(case, as_of, editions)
    return Decision.model_construct(
        case_reference=case.case_reference, facts=case, editions_applied=why, as_of=day,
        # The readings' orchestration (options, alternatives, notes) is shared; every edition evaluated under it,
        # the alternatives included, is evaluated here by the oracle instead of the engine.
        editions=tuple(evaluate_under(case, e, {}, oracle_edition) for e in chosen), engine_version="oracle")


def outcome_walk(edition: Edition, statuses: dict[str, Truth]) -> dict[str, set[str]]:
    """Possible outcomes of each determination, worked out independently of the engine's walk."""
    result: dict[str, set[str]] = {}
    for determination in edition.content.determinations:
        possible: set[str] = set()
        for outcome in determination.outcomes:
            group = [statuses[c] for c in outcome.criteria]
            if not outcome.criteria or True in group:
                possible.add(outcome.id)
                break
            if None in group:
                possible.add(outcome.id)
        result[determination.id] = possible
    return result
