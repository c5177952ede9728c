"""The verdict: what a decision decides, without its explanation, for the interview and any look-ahead.

A :class:`Verdict` holds, per edition applied, each criterion's status (with the unknown facts it
reads and those it presumes) and each determination's outcome, label and possible outcomes with
the criteria that lead to them: the same answers :func:`.evaluation.evaluate` gives, through the
same durable_rules evaluation and the same options of the readings, replacements and "does not apply"
rules, but no words are built for the case, no values are quoted and no due dates counted.
The determinations are the edition's cached ones (:mod:`.explain`): identical to the decision's
except that a duty carries no due date. ``tests/test_verdict.py`` checks that a verdict and the
decision agree on every status, outcome and possible outcome.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..criteria.model import Edition
from ..criteria.model import edition_ref
from ..facts import Facts, parse_facts
from .decision import DeterminationResult, deciding_facts_of
from .evaluation import _plan, statuses_of
from .explain import CriterionPattern
from .readings import check_options, readings_apply, under_options
from .selection import select_editions


@dataclass(frozen=True, slots=True)
class EditionVerdict:
    """One edition's verdict: ``criteria`` (id, status, missing_facts, presumed) and ``determinations``."""

    edition: str  # the edition id
    ref: str
    criteria: tuple[CriterionPattern, ...]
    determinations: tuple[DeterminationResult, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict on one case under every edition applied (in the order of the decision's editions)."""

    editions: tuple[EditionVerdict, ...]

    @property
    def outcomes(self) -> dict[str, str]:
        """``{edition id: outcome of its main determination}``, as :attr:`Decision.outcomes`."""
        return {e.edition: e.determinations[0].outcome for e in self.editions}

    def deciding_facts(self) -> tuple[str, ...]:
        """Every unknown fact whose answer could change some determination, in first-seen order (as the decision's)."""
        return deciding_facts_of(self.editions)


def verdict(facts: Facts | dict[str, Any], *, as_of: _dt.date | None = None,
            editions: Iterable[str | Edition] | None = None, readings: Mapping[str, str] | None = None) -> Verdict:
    """The verdict :func:`.evaluation.evaluate` would explain, under the same options of the declared readings
    (``readings``, checked as ``evaluate`` checks them; the others take their defaults)."""
    case = parse_facts(facts)
    chosen, _, _ = select_editions(case, as_of, editions)
    options = check_options(readings, chosen) if readings else {}
    return Verdict(tuple(edition_verdict(case, edition, options) for edition in chosen))


def edition_verdict(case: Facts, edition: Edition, options: Mapping[str, str] | None = None) -> EditionVerdict:
    """``edition``'s verdict on ``case``: evaluated through durable_rules as :mod:`.readings` evaluates it."""
    if not readings_apply(edition):
        return _evaluated(case, edition)
    chosen = options or {}
    applied = {r.id: chosen.get(r.id, r.default) for r in edition.content.readings}
    _, _, result, determinations = under_options(case, edition, applied, _evaluated)
    return EditionVerdict(result.edition, result.ref, result.criteria, determinations)


def _evaluated(facts: Facts, derived: Edition) -> EditionVerdict:
    plan = _plan(derived)
    values = {name: getattr(facts, name) for name in plan.ruleset.compiled.facts_read}
    known = {name: value for name, value in values.items() if value is not None}
    criteria_truth, leaf_truth = plan.ruleset.evaluate(known, facts.case_reference)
    patterns, determinations = plan.explainer.verdict(statuses_of(plan, criteria_truth), leaf_truth, values)
    # The ref the decision's edition result carries (id@version: a derived edition's options are not in it).
    content = derived.content
    return EditionVerdict(content.id, edition_ref(content.id, content.version), patterns, determinations)


__all__ = ["EditionVerdict", "Verdict", "edition_verdict", "verdict"]
