"""Evaluate a case: run each edition chosen for it through durable_rules, build the decision.

The status of every criterion and every condition comes from the rule engine
(:mod:`scr_eligibility.rules`). This module only turns those statuses into outcomes,
possible outcomes, duties and evidence, using per-edition tables built once (a
:class:`_Plan`) and the edition's explanation caches keyed on the pattern of condition
results (:mod:`.explain`), so the per-case path is look-ups plus the case's own values.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._version import __version__
from ..rules.per_edition import PerEdition
from ..criteria.loader import inline
from ..criteria.model import Condition, Criterion, Edition, Leaf
from ..facts import Facts, label, parse_facts
from ..rules import Ruleset, ruleset_for
from .decision import Decision, EditionResult, Status
from .explain import Explainer
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
    criterion_ids: tuple[str, ...]
    explainer: Explainer  # the edition's caches of explanation by pattern


def _build_plan(edition: Edition) -> _Plan:
    ruleset = ruleset_for(edition)
    compiled = ruleset.compiled
    trees = {c.id: inline(c.condition, edition) for c in edition.content.criteria}
    leaf_number = {leaf.key: i for i, leaf in enumerate(compiled.leaves)}
    words = tuple(leaf_words(leaf) for leaf in compiled.leaves)
    return _Plan(
        edition=edition,
        ruleset=ruleset,
        criteria=edition.content.criteria,
        trees=trees,
        leaf_number=leaf_number,
        leaves=compiled.leaves,
        leaf_words=words,
        criterion_leaves=compiled.criterion_leaves,
        criterion_ids=tuple(c.id for c in edition.content.criteria),
        explainer=Explainer(edition, compiled.leaves, words, leaf_number, compiled.criterion_leaves, trees),
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
    )


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

    ``values`` are the facts the edition reads, when the caller has them already. The words come
    from the edition's pattern caches (:mod:`.explain`); only values and due dates are per case.
    """
    plan = _plan(edition)
    if values is None:
        values = {name: getattr(facts, name) for name in plan.ruleset.compiled.facts_read}
    statuses = statuses_of(plan, criteria_truth)
    return plan.explainer.explain(facts, statuses, leaf_truth, values)


def statuses_of(plan: _Plan, criteria_truth: Mapping[str, bool]) -> tuple[Status, ...]:
    """Each criterion's status (in edition order) from the engine's truths: a criterion neither rule fired for is unknown."""
    return tuple(_STATUS[criteria_truth[cid]] if cid in criteria_truth else "unknown" for cid in plan.criterion_ids)
