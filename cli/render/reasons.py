"""Why a criterion came out as it did, naming the deciding condition and no other (issue 14.2).

The engine's evidence for a criterion is every leaf condition with the criterion's status: for
one not met, every condition that failed, including a failed branch of an ``any`` that another
branch satisfied ("the child was seriously harmed: no", for a child who died, under a
criterion that failed only on where it happened). That reads as if the death did not count.

Here the evidence is matched back to the criterion's condition tree (the edition named by the
decision, exactly the version it was made with) and cut down to the smallest set of conditions
that decides the status on its own: with every other condition taken as unknown, the tree
still comes out met (or not met) in Kleene logic. For a criterion not met that is the failing
part (for an ``any``, the failed branches, never a satisfied one); for one met, the parts that
met it. The status itself is always the engine's: this only chooses what to quote.

When the evidence cannot be matched to the tree (a decision read back under a reading the
caller chose, an edition no longer installed), the evidence is shown as the engine gave it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from ...criteria import get_edition
from ...criteria.loader import inline
from ...criteria.model import All, Any_, Condition, Leaf, Not
from ...engine.decision import CriterionResult, EditionResult, Evidence
from ...engine.evaluation import leaf_words
from ...errors import ScrError

#: Condition key: (fact, words). Two leaves with the same fact and words are the same condition to a reader.
_Key = tuple[str, str]
#: Facts that say where something happened: their answers read as "it happened ...".
_PLACES = frozenset({"location", "death_location"})
#: Subsets tried exhaustively (smallest first) before falling back to removing one condition at a time.
_EXHAUSTIVE = 3


@dataclass(frozen=True)
class Reason:
    """One condition that decided a criterion, in words."""

    #: The condition in the edition's words ("the child was under 18 at the incident").
    condition: str
    #: "yes", "no", "presumed", "presumed not" or "unknown".
    verdict: str
    #: The answer in words, when it adds something ("18", "elsewhere in England"); else "".
    answer: str
    fact: str

    def words(self) -> str:
        """``the child was under 18 at the incident: no (age 18)``."""
        return condition_words(self.condition, self.verdict, self.answer)


def condition_words(condition: str, verdict: str, answer: str = "") -> str:
    """One condition and how it stood, in words; a presumption says which way the text presumes it."""
    if verdict == "unknown":
        return f"not yet known: {condition}"
    if verdict == "presumed":
        return f"{condition}: presumed (not yet known, and the text presumes it)"
    if verdict == "presumed not":
        # e.g. "abuse_or_neglect is answered": unknown, so presumed not to hold, which is what lets an inference apply
        return f"{condition}: presumed not (not yet known, and the text presumes it does not hold)"
    return f"{condition}: {verdict}" + (f" ({answer})" if answer else "")


def condition_verdict(item: Evidence) -> str:
    """How a condition stood: not yet known, presumed (or presumed not) while its fact is unknown, or yes / no."""
    if item.status == "unknown":
        return "unknown"
    if item.presumed:
        return "presumed" if item.status == "met" else "presumed not"
    return "yes" if item.status == "met" else "no"


def _answer(item: Evidence) -> str:
    """The answer in people's words: nothing for yes/no (the verdict says it), the age as an age."""
    if isinstance(item.value, bool) or item.value_label in ("yes", "no"):
        return ""
    if item.fact == "age":
        return f"age {item.value_label}"
    if item.fact in _PLACES:
        return f"it happened {item.value_label}"  # "(it happened elsewhere in England)", not a bare place
    return item.value_label


def _reason(item: Evidence) -> Reason:
    shown = condition_verdict(item)
    answer = _answer(item) if shown in ("yes", "no") else ""
    if shown == "yes" and answer.startswith("the ") and answer.lower() in item.condition.lower():
        answer = ""  # "the child died: yes" says it; "(the child died)" after it would only repeat it
    return Reason(item.condition, shown, answer, item.fact)


@cache
def _trees(edition: str, version: int) -> dict[str, Condition] | None:
    try:
        loaded = get_edition(edition, version)
    except ScrError:
        return None
    return {c.id: inline(c.condition, loaded) for c in loaded.content.criteria}


def _leaves(condition: Condition) -> Iterable[Leaf]:
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, Not):
        yield from _leaves(condition.item)
    elif isinstance(condition, (All, Any_)):
        for item in condition.items:
            yield from _leaves(item)


def _key(leaf: Leaf) -> _Key:
    return (leaf.fact, leaf_words(leaf))


def _truth(condition: Condition, known: dict[_Key, bool]) -> bool | None:
    """Kleene truth of ``condition`` when only the conditions in ``known`` are known."""
    if isinstance(condition, Leaf):
        return known.get(_key(condition))
    if isinstance(condition, Not):
        inner = _truth(condition.item, known)
        return None if inner is None else not inner
    values = [_truth(item, known) for item in condition.items]  # type: ignore[union-attr]
    decisive = isinstance(condition, Any_)
    if decisive in values:
        return decisive
    return (not decisive) if None not in values else None


def _smallest(tree: Condition, truth: dict[_Key, bool], target: bool, order: Sequence[_Key]) -> list[_Key]:
    """The fewest known conditions that alone give ``tree`` the value ``target`` (ties: the evidence's order)."""
    for size in range(1, min(_EXHAUSTIVE, len(order)) + 1):
        for subset in combinations(order, size):
            if _truth(tree, {k: truth[k] for k in subset}) is target:
                return list(subset)
    chosen = list(order)
    for key in list(order):
        trial = [k for k in chosen if k != key]
        if _truth(tree, {k: truth[k] for k in trial}) is target:
            chosen = trial
    return chosen


def deciding(criterion: CriterionResult, edition: EditionResult) -> tuple[Reason, ...]:
    """The conditions that decided ``criterion`` under ``edition``, in words (see the module documentation)."""
    evidence = {(e.fact, e.condition): e for e in criterion.evidence}
    plain = tuple(_reason(e) for e in criterion.evidence)
    if criterion.status == "unknown" or not evidence:
        return plain
    trees = _trees(edition.edition, edition.version)
    tree = trees.get(criterion.id) if trees else None
    if tree is None:
        return plain
    target = criterion.status == "met"
    missing = set(criterion.missing_facts)
    truth: dict[_Key, bool] = {}
    for leaf in _leaves(tree):
        key = _key(leaf)
        if key in evidence:
            truth[key] = evidence[key].status == "met"
        elif leaf.fact not in missing:
            truth[key] = not target  # a known condition the engine did not quote has the other value
        elif leaf.unknown != "unknown":
            truth[key] = leaf.unknown == "met"
    if not set(evidence) <= set(truth) or _truth(tree, truth) is not target:
        return plain  # the tree is not the one the decision was made with: say what the engine said
    quoted = {k: truth[k] for k in evidence}
    if _truth(tree, quoted) is not target:
        return plain  # the quoted conditions alone do not decide it (a condition under a "not"): quote them all
    chosen = set(_smallest(tree, quoted, target, list(evidence)))
    return tuple(_reason(evidence[k]) for k in evidence if k in chosen) or plain


def met_but_for(criterion: CriterionResult, edition: EditionResult, fact: str) -> bool:
    """Whether ``criterion``, not met, would be met if every failed condition on ``fact`` held instead.

    Only the engine's evidence and the tree's shape are used: a known condition not quoted held.
    False when the tree cannot be had (nothing is claimed then).
    """
    trees = _trees(edition.edition, edition.version)
    tree = trees.get(criterion.id) if trees else None
    if tree is None or criterion.status != "not_met":
        return False
    failed = {(e.fact, e.condition) for e in criterion.evidence}
    missing = set(criterion.missing_facts)
    truth = {}
    for leaf in _leaves(tree):
        key = _key(leaf)
        if leaf.fact == fact or (key not in failed and leaf.fact not in missing):
            truth[key] = True
        elif key in failed:
            truth[key] = False
    return _truth(tree, truth) is True


def reason_words(reasons: Iterable[Reason]) -> str:
    """The reasons in a line, ``; `` between them; the conditions not yet known said once, together."""
    items = list(reasons)
    unknown = [r.condition for r in items if r.verdict == "unknown"]
    known = [r.words() for r in items if r.verdict != "unknown"]
    return "; ".join(known + (["not yet known: " + "; ".join(unknown)] if unknown else []))


__all__ = ["Reason", "deciding", "met_but_for", "reason_words"]
