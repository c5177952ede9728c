"""Three-valued (Kleene) truth of an edition's conditions, in plain Python, for what is not a determination.

The criteria and determinations are always evaluated by durable_rules (:mod:`.evaluation`). Two
things around them are not: whether a note's condition holds (:mod:`.notes`), and whether another
reading's branch of a choice could give a criterion a different status for this case, so that
only the alternatives that could change an answer are run through the engine (:mod:`.readings`).
Both use the same rule as the compiler: a leaf on an unknown fact is unknown unless it says how
the text treats an unknown; ``all`` and ``any`` follow Kleene logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..criteria.model import All, Any_, Condition, Edition, Leaf, Not, Ref

Truth = bool | None  # None: unknown

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}
_PRESUMED: dict[str, Truth] = {"unknown": None, "met": True, "not_met": False}


def truth(condition: Condition, values: Mapping[str, Any], named: Mapping[str, Condition]) -> Truth:
    """The truth of ``condition`` for fact ``values`` (a missing or None value is unknown).

    ``named`` holds the conditions a ``ref`` may name (definitions and criteria, choices resolved).
    """
    if isinstance(condition, Leaf):
        value = values.get(condition.fact)
        if value is None:
            return _PRESUMED[condition.unknown]
        return _COMPARE[condition.op](value, condition.value)
    if isinstance(condition, Ref):
        return truth(named[condition.name], values, named)
    if isinstance(condition, Not):
        inner = truth(condition.item, values, named)
        return None if inner is None else not inner
    if isinstance(condition, (All, Any_)):
        decisive = isinstance(condition, Any_)  # True settles an any, False settles an all
        seen_unknown = False
        for item in condition.items:
            value = truth(item, values, named)
            if value is decisive:
                return decisive
            seen_unknown = seen_unknown or value is None
        return None if seen_unknown else not decisive
    raise TypeError(f"not a resolved condition: {condition!r}")


_NAMED: dict[tuple[str, str], dict[str, Condition]] = {}


def named_conditions(edition: Edition) -> dict[str, Condition]:
    """The conditions a ``ref`` in ``edition`` may name (definitions and criteria), by id; built once per edition."""
    key = (edition.ref, edition.content_hash)  # a derived edition's ref names its options
    named = _NAMED.get(key)
    if named is None:
        content = edition.content
        named = {d.id: d.condition for d in content.definitions} | {c.id: c.condition for c in content.criteria}
        _NAMED[key] = named  # a dict write is atomic: a race only builds the same value twice
    return named


Compiled = Callable[[Mapping[str, Any]], Truth]
_COMPILED: dict[tuple[int, str], Compiled] = {}


def compiled_truth(name: str, condition: Condition, named: Mapping[str, Condition]) -> Compiled:
    """:func:`truth` of ``condition`` as a function of the fact values, built once per ``named`` table and ``name``.

    The same rule as :func:`truth` (it is checked against it in tests/test_verdict.py), without
    walking the tree and resolving references for every case. ``named`` must be a table kept for
    the life of the process (those of :func:`named_conditions` are), as its identity is in the key.
    """
    key = (id(named), name)
    function = _COMPILED.get(key)
    if function is None:
        function = _COMPILED[key] = _compile(condition, named)
    return function


def _compile(condition: Condition, named: Mapping[str, Condition]) -> Compiled:
    if isinstance(condition, Leaf):
        fact, target, presumed, compare = condition.fact, condition.value, _PRESUMED[condition.unknown], \
            _COMPARE[condition.op]

        def leaf(values: Mapping[str, Any]) -> Truth:
            value = values.get(fact)
            return presumed if value is None else compare(value, target)
        return leaf
    if isinstance(condition, Ref):
        return _compile(named[condition.name], named)
    if isinstance(condition, Not):
        inner = _compile(condition.item, named)

        def negation(values: Mapping[str, Any]) -> Truth:
            value = inner(values)
            return None if value is None else not value
        return negation
    if isinstance(condition, (All, Any_)):
        items = tuple(_compile(item, named) for item in condition.items)
        decisive = isinstance(condition, Any_)  # True settles an any, False settles an all

        def group(values: Mapping[str, Any]) -> Truth:
            seen_unknown = False
            for item in items:
                value = item(values)
                if value is decisive:
                    return decisive
                seen_unknown = seen_unknown or value is None
            return None if seen_unknown else not decisive
        return group
    raise TypeError(f"not a resolved condition: {condition!r}")
