"""The explanation of a verdict, built from per-edition caches keyed on the pattern of condition results.

A case's explanation (the criteria's words, quotes and evidence; each determination's outcome,
what is still open and in what words, its caveats) depends on the case only through

* the status of each criterion, and for each of its conditions (leaves) whether the engine found
  it true or false and whether its fact is known: the **pattern**;
* the values of the known facts quoted as evidence, and the dates the duties run from.

So the parts that depend on the pattern alone are worked out once per edition and pattern and
kept (:class:`Explainer`); only the values, their labels and the due dates are filled in per case.
Nothing about a case's values is kept: a cache key holds statuses and leaf states, never a value.
Each cache is bounded (:data:`MAX_PATTERNS`, :data:`MAX_DETERMINATIONS`): a full one keeps what it
has and stores no more, so memory stays flat however varied the cases. A cache write races only with another write of the same value (the GIL keeps a
dict consistent), so no lock is needed.

The words are those :mod:`.evaluation` always gave (tests/oracle_explain.py keeps the direct,
uncached builder, and the oracle property test compares the two byte for byte).

(About 410 lines, more than the house's 400: the caches and the walks that fill them share one key layout;
split, each half would have to know the other's.)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import count
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from ..criteria.model import Any_, Condition, Criterion, Determination, Edition, Leaf, Not
from ..facts import Facts, label
from .decision import (
    UNDETERMINED,
    CriterionResult,
    DeterminationResult,
    EditionResult,
    Evidence,
    PossibleOutcome,
    Status,
    keep_json,
)
from .duties import duty_result, owner_fields

#: The facts a duty's clock may run from (a rule's ``from``).
_CLOCK_DATES = ("awareness_date", "abuse_or_neglect_awareness_date", "notification_date")

#: The most patterns kept per criterion, and per determination (whose keys combine several criteria's
#: patterns and recur less: the uniform mix of bench/ gives about 3,000 distinct keys in 10,000 cases
#: for some determinations, and under 150 for most).
MAX_PATTERNS = 512
MAX_DETERMINATIONS = 256

_STATUS: dict[bool, Status] = {True: "met", False: "not_met"}
# A leaf's state: the engine's truth and whether its fact is known. A known fact always has a truth.
KNOWN_FALSE, KNOWN_TRUE, UNKNOWN, PRESUMED_TRUE, PRESUMED_FALSE = range(5)
_STATE_STATUS: dict[int, Status] = {KNOWN_FALSE: "not_met", KNOWN_TRUE: "met", UNKNOWN: "unknown",
                                    PRESUMED_TRUE: "met", PRESUMED_FALSE: "not_met"}
_serial = count()


@dataclass(slots=True)
class CriterionPattern:
    """What a criterion's explanation is for one pattern; ``result`` is complete when it quotes no value."""

    serial: int  # identifies the pattern in determination keys
    id: str  # the criterion's id
    status: Status
    fields: dict[str, Any]  # the CriterionResult's fields but evidence, in field order
    evidence: tuple[Evidence | tuple[int, str, str, Status], ...]  # cached, or (leaf, fact, words, status) to fill
    result: CriterionResult | None
    missing_facts: tuple[str, ...]
    presumed: tuple[tuple[str, str], ...]  # (fact, words) of the conditions met or failed on a presumption
    residue: str | None = None  # the words of what is still open (a met part of an all, a failed any drop out)


@dataclass(frozen=True, slots=True)
class _Walk:
    """A determination's outcome walk for one set of its criteria's statuses."""

    possible: tuple[tuple[Any, tuple[str, ...]], ...]  # (outcome definition, unknown criteria that would lead to it)
    decided_by: tuple[str, ...]
    blocking: tuple[str, ...]  # unknown criteria of outcomes still possible
    relevant: tuple[int, ...]  # positions of the criteria whose patterns the words depend on


def _store(cache: dict[Any, Any], key: Any, value: Any, limit: int, kept: BaseModel | None = None) -> Any:
    """``cache[key] = value`` while the cache holds fewer than ``limit`` entries; ``value`` either way.

    A full cache keeps what it has (the patterns seen first, which are the common ones) and the
    rest are worked out per case: memory stays flat, and a pattern that hardly recurs costs no more
    than it did before there were caches.
    """
    if len(cache) < limit:
        cache[key] = value
        if kept is not None:  # a result reused unchanged by every case with this pattern: its JSON made once
            keep_json(kept)
    return value


class Explainer:
    """The caches of one edition: criterion patterns, and determinations by the patterns they read."""

    def __init__(self, edition: Edition, leaves: tuple[Leaf, ...], leaf_words: tuple[str, ...],
                 leaf_number: Mapping[tuple[str, str, str, str], int], criterion_leaves: Mapping[str, tuple[int, ...]],
                 trees: Mapping[str, Condition]):
        self.edition = edition
        self.leaves = leaves
        self.leaf_facts = tuple(leaf.fact for leaf in leaves)
        self.leaf_words = leaf_words
        self.leaf_number = leaf_number
        self.trees = trees
        self.criteria = edition.content.criteria
        self.criterion_leaves = tuple(criterion_leaves[c.id] for c in self.criteria)
        # Per criterion: its leaves' states picked out of the edition's (a tuple even for one leaf).
        self._pick = tuple(itemgetter(*ix, *ix) if len(ix) == 1 else itemgetter(*ix) for ix in self.criterion_leaves)
        self._leaf_items = tuple(enumerate(self.leaf_facts))
        self.determinations = edition.content.determinations
        position = {c.id: i for i, c in enumerate(self.criteria)}
        # Per determination: the positions of the criteria its outcomes name, in first-named order.
        self.named = tuple(tuple(dict.fromkeys(position[c] for o in d.outcomes for c in o.criteria))
                           for d in self.determinations)
        self._pick_named = tuple(itemgetter(*ix, *ix) if len(ix) == 1 else itemgetter(*ix) if ix else (lambda _: ())
                                 for ix in self.named)
        self._criteria: list[dict[tuple[Any, ...], CriterionPattern]] = [{} for _ in self.criteria]
        self._fields: dict[tuple[str, Status], dict[str, Any]] = {}
        self._residues: dict[int, _Residue] = {}  # id of a criterion's inlined tree (kept in ``trees``) -> its walk
        self._walks: list[dict[tuple[Status, ...], _Walk]] = [{} for _ in self.determinations]
        self._determinations: list[dict[tuple[Any, ...], tuple[DeterminationResult, tuple[Any, ...]]]] = [
            {} for _ in self.determinations]
        content = edition.content
        self._edition_fields = {
            "edition": content.id, "version": content.version, "content_hash": edition.content_hash,
            "title": content.title, "short_title": content.short_title, "in_force_from": content.in_force.from_,
            "in_force_until": content.in_force.until}

    # ------------------------------------------------------------------ per case

    def explain(self, facts: Facts, statuses: tuple[Status, ...], leaf_truth: Mapping[int, bool],
                values: Mapping[str, Any]) -> EditionResult:
        """The explained result for the criteria ``statuses`` (in edition order) and the engine's leaf truths."""
        patterns = self.patterns(statuses, leaf_truth, values)
        results = tuple(p.result if p.result is not None else self._fill(p, values) for p in patterns)
        return EditionResult.build(**self._edition_fields, determinations=self.determined(patterns, facts),
                                   criteria=results)

    def verdict(self, statuses: tuple[Status, ...], leaf_truth: Mapping[int, bool],
                values: Mapping[str, Any]) -> tuple[tuple[CriterionPattern, ...], tuple[DeterminationResult, ...]]:
        """The criteria's patterns and the determinations without their duties' dates: nothing built for the case.

        Each determination is the cached one (its outcome, possible outcomes, deciding facts and words);
        a duty's due date is left out (``due`` None), which is all a verdict does not carry.
        """
        patterns = self.patterns(statuses, leaf_truth, values)
        return patterns, self.determined(patterns, None)

    def patterns(self, statuses: tuple[Status, ...], leaf_truth: Mapping[int, bool],
                 values: Mapping[str, Any]) -> tuple[CriterionPattern, ...]:
        """Each criterion's pattern (cached): its status, and each of its conditions' truth and known-ness."""
        truth_of = leaf_truth.get
        states = tuple(
            (UNKNOWN if (truth := truth_of(i)) is None else PRESUMED_TRUE if truth else PRESUMED_FALSE)
            if values[fact] is None else KNOWN_TRUE if truth_of(i) else KNOWN_FALSE
            for i, fact in self._leaf_items)
        return tuple(self._criterion(i, status, (status, pick(states)))
                     for i, (status, pick) in enumerate(zip(statuses, self._pick)))

    def determined(self, patterns: tuple[CriterionPattern, ...],
                   facts: Facts | None) -> tuple[DeterminationResult, ...]:
        """Each determination for these patterns; its duties dated from ``facts``' dates (None: undated)."""
        statuses = tuple(p.status for p in patterns)
        # The dates a duty's clock can start from (duties.duty_result): with none known, the duties are free of the
        # case's values and the cached result is the whole answer.
        dates = facts if facts is not None and any(getattr(facts, n) is not None for n in _CLOCK_DATES) else None
        dated = dates is None  # (in the key: only then are the duties free of the case's values)
        return tuple(self._determination(i, (dated, pick(statuses)), patterns, dates)
                     for i, pick in enumerate(self._pick_named))

    def _fill(self, pattern: CriterionPattern, values: Mapping[str, Any]) -> CriterionResult:
        evidence = []
        for item in pattern.evidence:
            if isinstance(item, Evidence):
                evidence.append(item)
                continue
            _, fact, words, status = item
            value = values[fact]
            evidence.append(Evidence.build(
                fact=fact, condition=words, status=status,
                value=value.isoformat() if isinstance(value, _dt.date) else value,
                value_label=label(value), presumed=False))
        return CriterionResult.build(**pattern.fields, evidence=tuple(evidence), missing_facts=pattern.missing_facts)

    # ------------------------------------------------------------------ criteria, once per pattern

    def _criterion(self, position: int, status: Status, key: tuple[Status, tuple[int, ...]]) -> CriterionPattern:
        cache = self._criteria[position]
        pattern = cache.get(key)
        if pattern is None:
            indexes = self.criterion_leaves[position]
            states = dict(zip(indexes, key[1]))
            pattern = self._criterion_pattern(self.criteria[position], status, indexes, states)
            _store(cache, key, pattern, MAX_PATTERNS, pattern.result)
        return pattern

    def _criterion_pattern(self, criterion: Criterion, status: Status, indexes: tuple[int, ...],
                           states: Mapping[int, int]) -> CriterionPattern:
        evidence: list[Evidence | tuple[int, str, str, Status]] = []
        missing: dict[str, None] = {}
        presumed: list[tuple[str, str]] = []
        # An unknown condition under a part already settled (remanded where, when custody is none) cannot change the
        # criterion: it is neither shown as open nor asked for. A presumed one is kept, with its caveat.
        # The same walk gives the words of what is open (in a met or failed criterion, nothing is).
        _, residue, open_leaves = self._residue_walk(self.trees[criterion.id])(
            {i: state in (KNOWN_TRUE, PRESUMED_TRUE) for i, state in states.items() if state != UNKNOWN}) \
            if status == "unknown" else (None, None, ())
        open_ = set(open_leaves)
        for index in indexes:
            fact, state = self.leaf_facts[index], states[index]
            if state == UNKNOWN and index not in open_:
                continue
            unknown_value = state >= UNKNOWN
            if unknown_value:
                missing[fact] = None
            leaf_status = _STATE_STATUS[state]
            # Met: the conditions that were met; not met: those that failed; unknown: those not yet known.
            if leaf_status == status or (status == "unknown" and unknown_value):
                words = self.leaf_words[index]
                if unknown_value:
                    is_presumed = leaf_status != "unknown"
                    evidence.append(Evidence.build(fact=fact, condition=words, status=leaf_status, value=None,
                                                   value_label=label(None), presumed=is_presumed))
                    if is_presumed:
                        presumed.append((fact, words))
                else:
                    evidence.append((index, fact, words, leaf_status))
        fields = self._fields.get((criterion.id, status))
        if fields is None:  # one per criterion and status, shared by its patterns
            fields = self._fields[(criterion.id, status)] = {
                "id": criterion.id, "kind": criterion.kind, "title": criterion.title, "status": status,
                "text": criterion.text, "citation": criterion.citation, "reading": criterion.reading,
                "variant": criterion.variant}
        pattern = CriterionPattern(serial=next(_serial), id=criterion.id, status=status, fields=fields, evidence=tuple(evidence),
                                   result=None, missing_facts=tuple(missing), presumed=tuple(presumed), residue=residue)
        if all(isinstance(e, Evidence) for e in evidence):  # no value quoted: the whole result is the pattern's
            result = CriterionResult.build(**fields, evidence=tuple(evidence), missing_facts=tuple(missing))  # type: ignore[arg-type]
            pattern = CriterionPattern(pattern.serial, criterion.id, status, fields, pattern.evidence, result, pattern.missing_facts,
                                       pattern.presumed, residue)
        return pattern

    # ------------------------------------------------------------------ determinations, once per pattern

    def _determination(self, position: int, key: tuple[Any, ...], patterns: tuple[CriterionPattern, ...],
                       dates: Facts | None) -> DeterminationResult:
        # ``key``: whether duties have a start date, and the named criteria's statuses. The walk of the
        # outcomes depends on the statuses alone; the words on the patterns of the few criteria it names
        # as deciding or still open, which complete the key of the result.
        walk = self._walks[position].get(key[1])
        if walk is None:
            walk = _store(self._walks[position], key[1], self._walk(self.determinations[position], key[1], position),
                          MAX_PATTERNS)
        relevant = tuple(patterns[i].serial for i in walk.relevant)
        cache = self._determinations[position]
        entry = cache.get((key, relevant))
        if entry is None:
            entry = self._determination_pattern(self.determinations[position], walk, patterns)
            # Kept as it is for a case without duties or a start date for them (key[0]); else its duties are dated.
            _store(cache, (key, relevant), entry, MAX_DETERMINATIONS, entry[0] if key[0] or not entry[1] else None)
        result, duties = entry
        if not duties or dates is None:  # no duty, or no start date: nothing of the case's values in it
            return result
        return DeterminationResult.build(**{**result.__dict__, "duties": tuple(duty_result(d, dates) for d in duties)})

    def _walk(self, determination: Determination, statuses: tuple[Status, ...], position: int) -> _Walk:
        """Walk the outcomes in priority order: the first whose criteria are met wins; unknowns keep later ones open."""
        status = dict(zip((self.criteria[i].id for i in self.named[position]), statuses))
        place = {self.criteria[i].id: i for i in self.named[position]}
        possible: list[tuple[Any, tuple[str, ...]]] = []  # (outcome definition, unknown criteria that would lead to it)
        blocking: list[str] = []  # unknown criteria of earlier outcomes, which would have to be not met
        decided_by: tuple[str, ...] = ()
        for outcome in determination.outcomes:
            if not outcome.criteria:  # the default: reached only if nothing before it can be met
                possible.append((outcome, ()))
                break
            met = [c for c in outcome.criteria if status[c] == "met"]
            unknown = tuple(c for c in outcome.criteria if status[c] == "unknown")
            if met:
                possible.append((outcome, ()))
                decided_by = tuple(met)
                break
            if unknown:
                possible.append((outcome, unknown))
                blocking.extend(unknown)
        if len(possible) == 1 and not possible[0][0].criteria:
            decided_by = tuple(c for o in determination.outcomes for c in o.criteria)
            relevant: tuple[str, ...] = ()
        elif len(possible) == 1:
            relevant = decided_by  # whose presumptions the caveats name
        else:
            relevant = tuple(dict.fromkeys(blocking))  # whose open facts and words the possible outcomes give
        return _Walk(tuple(possible), decided_by, tuple(blocking), tuple(place[c] for c in relevant))

    def _determination_pattern(self, determination: Determination, walk: _Walk, patterns: tuple[CriterionPattern, ...]
                               ) -> tuple[DeterminationResult, tuple[Any, ...]]:
        by_id = {patterns[i].id: patterns[i] for i in walk.relevant}
        possible, decided_by = walk.possible, walk.decided_by
        deciding = tuple(dict.fromkeys(f for c in walk.blocking for f in by_id[c].missing_facts))
        if len(possible) == 1:
            outcome = possible[0][0]
            caveats, presumed = _presumptions(decided_by if outcome.criteria else (), by_id)
            return DeterminationResult.build(
                id=determination.id, title=determination.title, outcome=outcome.id, label=outcome.label,
                who_decides=determination.who_decides, decided_by=decided_by, possible=(), deciding_facts=presumed,
                duties=tuple(duty_result(d, None) for d in outcome.duties), caveats=caveats,
                **owner_fields(outcome)), outcome.duties
        options = []
        for position, (outcome, unknown) in enumerate(possible):
            lead = "" if position == 0 else "otherwise, "
            if unknown:
                conditions = [f"{by_id[c].residue} ({c})" for c in unknown]
                when = lead + "if " + "; or if ".join(conditions)
            elif outcome.criteria:
                when = lead + "as " + ", ".join(decided_by) + " " + ("is" if len(decided_by) == 1 else "are") + " met"
            else:
                when = "otherwise" if position else "if none of the criteria is met"
            options.append(PossibleOutcome.build(
                outcome=outcome.id, label=outcome.label, when=when,
                deciding_facts=tuple(dict.fromkeys(f for c in unknown for f in by_id[c].missing_facts)),
                criteria=tuple(unknown) or (decided_by if outcome.criteria else ())))
        return DeterminationResult.build(
            id=determination.id, title=determination.title, outcome=UNDETERMINED,
            label=f"Undetermined: {' / '.join(o.label for o in options)}", who_decides=determination.who_decides,
            decided_by=(), possible=tuple(options), deciding_facts=deciding, duties=(), caveats=()), ()

    def _residue_walk(self, condition: Condition) -> _Residue:
        """The compiled walk of what is open in ``condition`` (a criterion's inlined tree): once per criterion."""
        walk = self._residues.get(id(condition))
        if walk is None:
            walk = self._residues[id(condition)] = _compile_residue(condition, self)
        return walk


# (settled truth, words of what is open, the leaves still open: those under no settled part)
_Residue = Callable[[Mapping[int, bool]], tuple[bool | None, str | None, tuple[int, ...]]]


def _compile_residue(condition: Condition, explainer: Explainer) -> _Residue:
    """The residue walk of ``condition`` as nested functions: (settled truth, words of what is open).

    Each level is settled from its children's results in one pass (a met part of an ``all`` or a
    failed branch of an ``any`` drops out); compiled once per criterion, so no tree is inspected
    and no leaf looked up by its key per case.
    """
    if isinstance(condition, Leaf):
        index = explainer.leaf_number[condition.key]
        words = explainer.leaf_words[index]  # the words of the edition's first leaf with this comparison

        def leaf(leaf_truth: Mapping[int, bool]) -> tuple[bool | None, str | None, tuple[int, ...]]:
            truth = leaf_truth.get(index)
            return (None, words, (index,)) if truth is None else (truth, None, ())
        return leaf
    if isinstance(condition, Not):
        inner = _compile_residue(condition.item, explainer)

        def negation(leaf_truth: Mapping[int, bool]) -> tuple[bool | None, str | None, tuple[int, ...]]:
            truth, words, open_ = inner(leaf_truth)
            return (None, f"not ({words})", open_) if truth is None else (not truth, None, ())
        return negation
    items = tuple(_compile_residue(item, explainer) for item in condition.items)  # type: ignore[union-attr]
    decisive = isinstance(condition, Any_)  # True settles an any; False settles an all
    joiner = " or " if decisive else " and "

    def group(leaf_truth: Mapping[int, bool]) -> tuple[bool | None, str | None, tuple[int, ...]]:
        results = [item(leaf_truth) for item in items]
        open_ = False
        for truth, _, _ in results:
            if truth is decisive:
                return decisive, None, ()
            if truth is None:
                open_ = True
        if not open_:
            return not decisive, None, ()
        leaves = tuple(dict.fromkeys(i for _, _, ix in results for i in ix))
        parts = list(dict.fromkeys(w for _, w, _ in results if w))  # the same words once, even when branches share them
        if not parts:
            return None, None, leaves
        text = joiner.join(parts)
        return None, f"({text})" if len(parts) > 1 and decisive else text, leaves
    return group


def _presumptions(decided_by: tuple[str, ...],
                  patterns: Mapping[str, CriterionPattern]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Caveats for an outcome that rests only on presumptions, and the unknown facts that could defeat them.

    M2, for one, is met while inter-agency working is unknown ("unless there is definitive evidence that
    there are no concerns"): the outcome stands in law, but the answer to that fact could still change it.
    """
    if not decided_by:
        return (), ()
    presumed = {c: patterns[c].presumed for c in decided_by}
    if not all(presumed.values()):
        return (), ()
    caveats = tuple(
        f"{c} is met on a presumption while {', '.join(f for f, _ in evidence)} is unknown "
        f"({'; '.join(w for _, w in evidence)}); an answer to the contrary would change it."
        for c, evidence in presumed.items())
    facts = tuple(dict.fromkeys(f for evidence in presumed.values() for f, _ in evidence))
    return caveats, facts
