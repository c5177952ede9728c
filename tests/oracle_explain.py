"""The oracle's own explanation: the words, quotes and evidence written out the plain way, case by case.

This is the explanation the engine built before issue 16, kept here unchanged in substance so that
the oracle shares no explanation code with the engine: the engine now builds its explanation from
per-edition caches keyed on the pattern of condition results (engine/explain.py), and the property
test comparing the two (tests/test_engine.py) checks that the cached one says exactly what this
direct one says. It walks every condition for every case and caches nothing.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any


from scr_eligibility.criteria.loader import inline
from scr_eligibility.criteria.model import All, Any_, Condition, Criterion, Determination, Edition, Leaf, Not
from scr_eligibility.engine.decision import (
    UNDETERMINED,
    CriterionResult,
    DeterminationResult,
    EditionResult,
    Evidence,
    PossibleOutcome,
)
from scr_eligibility.engine.duties import duty_result, owner_fields
from scr_eligibility.facts import Facts, label
from scr_eligibility.rules import ruleset_for

_STATUS = {True: "met", False: "not_met"}
_OP_WORDS = {"eq": "is", "ne": "is not", "in": "is", "not_in": "is not", "lt": "is under", "le": "is at most",
             "gt": "is over", "ge": "is at least"}


def leaf_words(leaf: Leaf) -> str:
    if leaf.says:
        return leaf.says
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return f"{leaf.fact.replace('_', ' ')} {_OP_WORDS[leaf.op]} " + " or ".join(label(v) for v in values)


class _Tables:
    def __init__(self, edition: Edition):
        compiled = ruleset_for(edition).compiled  # only the leaf numbering, which the truths are given in
        self.leaves = compiled.leaves
        self.number = {leaf.key: i for i, leaf in enumerate(compiled.leaves)}
        self.criterion_leaves = compiled.criterion_leaves
        self.trees = {c.id: inline(c.condition, edition) for c in edition.content.criteria}


def explained_edition_result(facts: Facts, edition: Edition, criteria_truth: dict[str, bool],
                             leaf_truth: dict[int, bool]) -> EditionResult:
    """The explained result of ``edition`` from the truth of each criterion and leaf (a missing key is unknown)."""
    tables = _Tables(edition)
    values = {leaf.fact: getattr(facts, leaf.fact) for leaf in tables.leaves}
    statuses = {c.id: _STATUS[criteria_truth[c.id]] if c.id in criteria_truth else "unknown"
                for c in edition.content.criteria}
    results = tuple(_criterion(tables, c, statuses[c.id], leaf_truth, values) for c in edition.content.criteria)
    by_id = {r.id: r for r in results}
    determinations = tuple(_determine(tables, d, statuses, by_id, leaf_truth, facts)
                           for d in edition.content.determinations)
    content = edition.content
    return EditionResult.model_construct(
        edition=content.id, version=content.version, content_hash=edition.content_hash, title=content.title,
        short_title=content.short_title, in_force_from=content.in_force.from_,
        in_force_until=content.in_force.until, determinations=determinations, criteria=results)


def _criterion(tables: _Tables, criterion: Criterion, status: str, leaf_truth: dict[int, bool],
               values: dict[str, Any]) -> CriterionResult:
    evidence = []
    missing: dict[str, None] = {}
    open_ = _open(tables.trees[criterion.id], tables, leaf_truth)
    for index in tables.criterion_leaves[criterion.id]:
        leaf = tables.leaves[index]
        value = values[leaf.fact]
        if leaf_truth.get(index) is None and index not in open_:  # under a settled part: cannot change it
            continue
        if value is None:
            missing[leaf.fact] = None
        truth = leaf_truth.get(index)
        leaf_status = "unknown" if truth is None else _STATUS[truth]
        if leaf_status == status or (status == "unknown" and value is None):
            evidence.append(Evidence.model_construct(
                fact=leaf.fact, condition=leaf_words(leaf), status=leaf_status,
                value=value.isoformat() if isinstance(value, _dt.date) else value,
                value_label=label(value), presumed=value is None and leaf_status != "unknown"))
    return CriterionResult.model_construct(
        id=criterion.id, kind=criterion.kind, title=criterion.title, status=status, text=criterion.text,
        citation=criterion.citation, reading=criterion.reading, variant=criterion.variant,
        evidence=tuple(evidence), missing_facts=tuple(missing))


def _settled(condition: Condition, tables: _Tables, leaf_truth: dict[int, bool]) -> bool | None:
    if isinstance(condition, Leaf):
        return leaf_truth.get(tables.number[condition.key])
    if isinstance(condition, Not):
        inner = _settled(condition.item, tables, leaf_truth)
        return None if inner is None else not inner
    values = [_settled(item, tables, leaf_truth) for item in condition.items]  # type: ignore[union-attr]
    decisive = isinstance(condition, Any_)
    if decisive in values:
        return decisive
    return (not decisive) if all(v is not None for v in values) else None


def _open(condition: Condition, tables: _Tables, leaf_truth: dict[int, bool]) -> set[int]:
    """The leaves of ``condition`` with no truth that no settled part above them holds."""
    if _settled(condition, tables, leaf_truth) is not None:
        return set()
    if isinstance(condition, Leaf):
        return {tables.number[condition.key]}
    if isinstance(condition, Not):
        return _open(condition.item, tables, leaf_truth)
    return set().union(*(_open(i, tables, leaf_truth) for i in condition.items))  # type: ignore[union-attr]


def _residue(condition: Condition, tables: _Tables, leaf_truth: dict[int, bool]) -> str | None:
    if _settled(condition, tables, leaf_truth) is not None:
        return None
    if isinstance(condition, Leaf):  # in the words of the edition's first leaf with the same comparison
        return leaf_words(tables.leaves[tables.number[condition.key]])
    if isinstance(condition, Not):
        return f"not ({_residue(condition.item, tables, leaf_truth)})"
    parts = list(dict.fromkeys(
        p for p in (_residue(i, tables, leaf_truth) for i in condition.items) if p))  # type: ignore[union-attr]
    if not parts:
        return None
    text = (" and " if isinstance(condition, All) else " or ").join(parts)
    return f"({text})" if len(parts) > 1 and isinstance(condition, Any_) else text


def _presumptions(decided_by: tuple[str, ...], results: dict[str, CriterionResult]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not decided_by:
        return (), ()
    presumed = {c: [e for e in results[c].evidence if e.presumed] for c in decided_by}
    if not all(presumed.values()):
        return (), ()
    caveats = tuple(
        f"{c} is met on a presumption while {', '.join(e.fact for e in evidence)} is unknown "
        f"({'; '.join(e.condition for e in evidence)}); an answer to the contrary would change it."
        for c, evidence in presumed.items())
    return caveats, tuple(dict.fromkeys(e.fact for evidence in presumed.values() for e in evidence))


def _determine(tables: _Tables, determination: Determination, statuses: dict[str, str],
               results: dict[str, CriterionResult], leaf_truth: dict[int, bool], facts: Facts) -> DeterminationResult:
    possible: list[tuple[Any, list[str]]] = []
    blocking: list[str] = []
    decided_by: tuple[str, ...] = ()
    for outcome in determination.outcomes:
        if not outcome.criteria:
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
        return DeterminationResult.model_construct(
            id=determination.id, title=determination.title, outcome=outcome.id, label=outcome.label,
            who_decides=determination.who_decides, decided_by=decided_by, possible=(), deciding_facts=presumed,
            duties=tuple(duty_result(d, facts) for d in outcome.duties), caveats=caveats, **owner_fields(outcome))
    options = []
    for position, (outcome, unknown) in enumerate(possible):
        lead = "" if position == 0 else "otherwise, "
        if unknown:
            when = lead + "if " + "; or if ".join(
                f"{_residue(tables.trees[c], tables, leaf_truth)} ({c})" for c in unknown)
        elif outcome.criteria:
            when = lead + "as " + ", ".join(decided_by) + " " + ("is" if len(decided_by) == 1 else "are") + " met"
        else:
            when = "otherwise" if position else "if none of the criteria is met"
        options.append(PossibleOutcome.model_construct(
            outcome=outcome.id, label=outcome.label, when=when,
            deciding_facts=tuple(dict.fromkeys(f for c in unknown for f in results[c].missing_facts)),
            criteria=tuple(unknown) or (decided_by if outcome.criteria else ())))
    return DeterminationResult.model_construct(
        id=determination.id, title=determination.title, outcome=UNDETERMINED,
        label=f"Undetermined: {' / '.join(o.label for o in options)}", who_decides=determination.who_decides,
        decided_by=(), possible=tuple(options), deciding_facts=deciding, duties=(), caveats=())
