"""Compile an edition's conditions into durable_rules rule definitions.

Three-valued logic comes from durable_rules itself: for every condition we emit a
"true" rule and a "false" rule, written in positive form (negation pushed to the
leaves). A comparison on a missing attribute never fires in durable_rules (``$neq``
included), so a condition on an unknown fact fires neither rule: unknown. ``all``,
``any`` and ``not`` then follow Kleene logic:

    T(all) = and T      F(all) = or F
    T(any) = or T       F(any) = and F
    T(not x) = F(x)     F(not x) = T(x)

Rules are emitted for each criterion (its status) and for each distinct leaf (the
evidence the explanation quotes), so both come out of the engine. A criterion's
expression too large for one durable_rules rule is split into several rules whose
disjunction is the same expression (:func:`split`); any of them firing means the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..criteria.loader import inline
from ..criteria.model import All, Any_, Condition, Edition, Leaf, Not

#: Set on every case fact the runtime asserts; see _leaf.
CASE_MARKER = "scr_case"

_POSITIVE = {"eq": None, "ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "in": "not_in", "not_in": "in"}


@dataclass(frozen=True)
class CompiledEdition:
    """What the runtime needs: the ruleset definition and what each rule name means."""

    name: str
    definition: dict[str, Any]
    #: rule name -> ("criterion", criterion id, True/False) or ("leaf", leaf index, True/False)
    meaning: dict[str, tuple[str, Any, bool]]
    #: the distinct leaves, in order of first appearance; index = leaf number
    leaves: tuple[Leaf, ...]
    #: criterion id -> indexes of its leaves (after definitions are inlined)
    criterion_leaves: dict[str, tuple[int, ...]]
    #: the facts any condition reads: only these are sent to the engine
    facts_read: frozenset[str]


def _compare(fact: str, op: str, value: Any) -> dict[str, Any]:
    if op == "in":
        parts = [{fact: v} for v in value]
        return parts[0] if len(parts) == 1 else {"$or": parts}
    if op == "not_in":
        parts = [{"$neq": {fact: v}} for v in value]
        return parts[0] if len(parts) == 1 else {"$and": parts}
    operator = _POSITIVE[op]
    return {fact: value} if operator is None else {operator: {fact: value}}


def _leaf(leaf: Leaf, truth: bool) -> dict[str, Any]:
    op = leaf.op if truth else _NEGATE[leaf.op]
    expression = _compare(leaf.fact, op, leaf.value)
    # A presumption: the text says how an unknown counts, e.g. M2's "unless there is definitive evidence".
    if (leaf.unknown == "met" and truth) or (leaf.unknown == "not_met" and not truth):
        # "$nex" alone also matches durable_rules' own session-state object ({sid, id, $s}), which it
        # asserts on a session's first fact: the marker keeps the presumption to our case facts.
        return {"$or": [{"$and": [{CASE_MARKER: True}, {"$nex": {leaf.fact: 1}}]}, expression]}
    return expression


def _join(operator: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {operator: parts}


def expression(condition: Condition, truth: bool) -> dict[str, Any]:
    """The durable_rules expression that holds when ``condition`` is ``truth`` (refs already inlined)."""
    if isinstance(condition, Leaf):
        return _leaf(condition, truth)
    if isinstance(condition, Not):
        return expression(condition.item, not truth)
    if isinstance(condition, All):
        return _join("$and" if truth else "$or", [expression(i, truth) for i in condition.items])
    if isinstance(condition, Any_):
        return _join("$or" if truth else "$and", [expression(i, truth) for i in condition.items])
    raise TypeError(f"not an inlined condition: {condition!r}")


#: durable_rules keeps one rule's nested ``$and``/``$or`` groups in a sequence of at most 32 entries, two per
#: group (MAX_SEQUENCE_EXPRESSIONS; error 113 beyond): measured, a rule is accepted iff it nests at most 14 groups.
MAX_NESTED_GROUPS = 14


def _group(expression: dict[str, Any]) -> list[dict[str, Any]] | None:
    return expression.get("$and", expression.get("$or")) if len(expression) == 1 else None


def nested_groups(expression: dict[str, Any], root: bool = True) -> int:
    """How many ``$and``/``$or`` groups ``expression`` nests below its root (what error 113 counts)."""
    items = _group(expression)
    if items is None:
        return 0
    return (0 if root else 1) + sum(nested_groups(item, False) for item in items)


def _flat(operator: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """``parts`` joined by ``operator``, a part that is itself an ``operator`` group merged in (same meaning)."""
    merged: list[dict[str, Any]] = []
    for part in parts:
        merged.extend(part[operator] if set(part) == {operator} else [part])
    return _join(operator, merged)


def split(expression: dict[str, Any]) -> list[dict[str, Any]]:
    """Expressions, each within :data:`MAX_NESTED_GROUPS`, whose disjunction means ``expression``.

    An expression that fits is returned alone, unchanged. Otherwise an ``$or`` is split into its items, and an
    ``$and`` distributes its largest ``$or`` item: (a and (b or c)) is (a and b) or (a and c).
    """
    if nested_groups(expression) <= MAX_NESTED_GROUPS:
        return [expression]
    if "$or" in expression:
        return [piece for item in expression["$or"] for piece in split(item)]
    items = expression["$and"]
    ors = [i for i, item in enumerate(items) if set(item) == {"$or"}]
    if not ors:  # only nested $and groups: merging them into the root changes nothing but the count
        return split(_flat("$and", items)) if any(set(item) == {"$and"} for item in items) else [expression]
    chosen = max(ors, key=lambda i: nested_groups(items[i]))
    rest = items[:chosen] + items[chosen + 1:]
    return [piece for alternative in items[chosen]["$or"] for piece in split(_flat("$and", rest + [alternative]))]


def leaves_of(condition: Condition) -> list[Leaf]:
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return leaves_of(condition.item)
    if isinstance(condition, (All, Any_)):
        return [leaf for item in condition.items for leaf in leaves_of(item)]
    raise TypeError(f"not an inlined condition: {condition!r}")


def compile_edition(edition: Edition, name: str) -> CompiledEdition:
    """Compile every criterion and every distinct leaf of ``edition`` into one ruleset called ``name``."""
    definition: dict[str, Any] = {}
    meaning: dict[str, tuple[str, Any, bool]] = {}
    leaf_index: dict[tuple[str, str, str, str], int] = {}
    leaves: list[Leaf] = []
    criterion_leaves: dict[str, tuple[int, ...]] = {}
    for number, criterion in enumerate(edition.content.criteria):
        condition = inline(criterion.condition, edition)
        indexes: list[int] = []
        for leaf in leaves_of(condition):
            if leaf.key not in leaf_index:
                leaf_index[leaf.key] = len(leaves)
                leaves.append(leaf)
            if leaf_index[leaf.key] not in indexes:
                indexes.append(leaf_index[leaf.key])
        criterion_leaves[criterion.id] = tuple(indexes)
        for truth in (True, False):
            # Rule names are plain ASCII without quotes: the runtime reads them straight from the JSON.
            rule = f"c{number}{'t' if truth else 'f'}"
            pieces = split(expression(condition, truth))
            for piece, part in enumerate(pieces):
                piece_rule = rule if len(pieces) == 1 else f"{rule}_{piece}"
                definition[piece_rule] = {"all": [{"m": part}]}
                meaning[piece_rule] = ("criterion", criterion.id, truth)
    for number, leaf in enumerate(leaves):
        for truth in (True, False):
            rule = f"l{number}{'t' if truth else 'f'}"
            definition[rule] = {"all": [{"m": _leaf(leaf, truth)}]}
            meaning[rule] = ("leaf", number, truth)
    return CompiledEdition(
        name=name,
        definition=definition,
        meaning=meaning,
        leaves=tuple(leaves),
        criterion_leaves=criterion_leaves,
        facts_read=frozenset(leaf.fact for leaf in leaves),
    )
