"""The benchmark's limit: a plain three-valued evaluation of an edition's conditions, statuses only.

Independent of the engine's code: it reads the edition's YAML file itself, inlines the references
(``ref``) and resolves the readings' choices to their defaults once per edition, and then, per case,
evaluates every criterion with Kleene logic over the fact values and walks the determinations'
outcomes (the first with a criterion met wins; an unknown criterion keeps its outcome open). No
explanation, no words, no durable_rules: what a bare verdict costs in plain Python, so that the
engine's explained decision can be stated as a share of it.

Only the fact vocabulary is shared with the package (facts.NARROWER_VALUES: a condition written on
a broader value, such as outside_england, also covers its narrower ones, as the loader reads it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scr_eligibility.facts import NARROWER_VALUES

EDITIONS = Path(__file__).resolve().parents[1] / "criteria" / "editions"

# A compiled condition is a tuple: ("leaf", fact, op, value, unknown), ("all", items), ("any", items), ("not", item).
Node = tuple[Any, ...]

_PRESUMED = {"unknown": None, "met": True, "not_met": False}


def _widen(fact: str, op: str, value: Any) -> tuple[str, Any]:
    narrower = NARROWER_VALUES.get(fact)
    if not narrower or op not in ("eq", "ne", "in", "not_in"):
        return op, value
    values = list(value) if op in ("in", "not_in") else [value]
    wider = values + [n for v in values for n in narrower.get(v, ()) if n not in values]
    if len(wider) == len(values):
        return op, value
    return {"eq": "in", "ne": "not_in"}.get(op, op), wider


def _compile(raw: dict[str, Any], named: dict[str, Any], defaults: dict[str, str]) -> Node:
    if "all" in raw:
        return ("all", tuple(_compile(i, named, defaults) for i in raw["all"]))
    if "any" in raw:
        return ("any", tuple(_compile(i, named, defaults) for i in raw["any"]))
    if "not" in raw:
        return ("not", _compile(raw["not"], named, defaults))
    if "ref" in raw:
        return _compile(named[raw["ref"]], named, defaults)
    if "reading" in raw:
        return _compile(raw["options"][defaults[raw["reading"]]], named, defaults)
    op, value = _widen(raw["fact"], raw["op"], raw["value"])
    if op in ("in", "not_in"):
        value = frozenset(value)
    return ("leaf", raw["fact"], op, value, _PRESUMED[raw.get("unknown", "unknown")])


def truth(node: Node, facts: Any) -> bool | None:
    kind = node[0]
    if kind == "leaf":
        value = getattr(facts, node[1])
        if value is None:
            return node[4]  # type: ignore[no-any-return]
        op, target = node[2], node[3]
        if op == "eq":
            return bool(value == target)
        if op == "ne":
            return bool(value != target)
        if op == "in":
            return value in target
        if op == "not_in":
            return value not in target
        if op == "lt":
            return bool(value < target)
        if op == "le":
            return bool(value <= target)
        if op == "gt":
            return bool(value > target)
        return bool(value >= target)
    if kind == "not":
        inner = truth(node[1], facts)
        return None if inner is None else not inner
    decisive = kind == "any"  # True settles an any, False settles an all
    unknown = False
    for item in node[1]:
        value = truth(item, facts)
        if value is decisive:
            return decisive
        if value is None:
            unknown = True
    return None if unknown else not decisive


class StatusOnly:
    """One edition file, compiled once; :meth:`evaluate` gives criterion statuses and each determination's outcomes."""

    def __init__(self, ref: str):
        edition_id, version = ref.split("@")
        raw = yaml.safe_load((EDITIONS / f"{edition_id}.v{version}.yaml").read_text(encoding="utf-8"))
        defaults = {r["id"]: r["default"] for r in raw.get("readings") or ()}
        named = {d["id"]: d["condition"] for d in raw.get("definitions") or ()}
        named.update({c["id"]: c["condition"] for c in raw["criteria"]})
        self.criteria = tuple((c["id"], _compile(c["condition"], named, defaults)) for c in raw["criteria"])
        self.determinations = []
        for determination in raw["determinations"]:
            outcomes = []
            for outcome in determination["outcomes"]:
                criteria = outcome.get("criteria") or ()
                if isinstance(criteria, dict):  # a choice of criteria by a reading
                    criteria = criteria["options"][defaults[criteria["reading"]]]
                outcomes.append((outcome["id"], tuple(criteria)))
            self.determinations.append((determination["id"], tuple(outcomes)))

    def evaluate(self, facts: Any) -> tuple[dict[str, bool | None], dict[str, tuple[str, ...]]]:
        """(criterion id -> True / False / None, determination id -> its possible outcomes: one when decided)."""
        status = {cid: truth(node, facts) for cid, node in self.criteria}
        answers = {}
        for did, outcomes in self.determinations:
            possible = []
            for oid, criteria in outcomes:
                if not criteria:
                    possible.append(oid)
                    break
                met = [status[c] for c in criteria]
                if True in met:
                    possible.append(oid)
                    break
                if None in met:
                    possible.append(oid)
            answers[did] = tuple(possible)
        return status, answers
