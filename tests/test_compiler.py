"""The compiler keeps every rule within what durable_rules accepts, without changing what a rule means."""

from __future__ import annotations

import itertools
import json
from typing import Any

import durable_rules_engine
from hypothesis import given, settings
from hypothesis import strategies as st

from scr_eligibility.criteria import get_edition
from scr_eligibility.rules.compiler import MAX_NESTED_GROUPS, compile_edition, nested_groups, split
from strategies import rule_expressions

_NAMES = itertools.count()


def _accepted(expression: dict[str, Any]) -> bool:
    try:
        durable_rules_engine.create_ruleset(f"probe{next(_NAMES)}", json.dumps({"r": {"all": [{"m": expression}]}}))
    except Exception as error:  # noqa: BLE001 - the extension raises bare Exceptions carrying an error code
        assert "113" in str(error), error  # only the expression limit is expected here
        return False
    return True


def _holds(expression: dict[str, Any], facts: dict[str, int]) -> bool:
    """A plain reading of the expression (the oracle): every fact is known here."""
    if "$and" in expression:
        return all(_holds(e, facts) for e in expression["$and"])
    if "$or" in expression:
        return any(_holds(e, facts) for e in expression["$or"])
    if "$neq" in expression:
        ((fact, value),) = expression["$neq"].items()
        return facts[fact] != value
    ((fact, value),) = expression.items()
    return facts[fact] == value


@settings(max_examples=300, deadline=None)
@given(rule_expressions())
def test_durable_rules_accepts_a_rule_exactly_when_it_nests_at_most_the_limit(expression: dict[str, Any]) -> None:
    """The measured limit (error 113, MAX_SEQUENCE_EXPRESSIONS) is what the compiler counts, neither more nor less."""
    assert _accepted(expression) == (nested_groups(expression) <= MAX_NESTED_GROUPS)


@settings(max_examples=200, deadline=None)
@given(rule_expressions(max_leaves=60), st.lists(st.fixed_dictionaries(
    {f: st.integers(0, 2) for f in "abcde"}), min_size=5, max_size=5))
def test_a_split_rule_is_accepted_and_means_what_it_split(expression: dict[str, Any],
                                                          cases: list[dict[str, int]]) -> None:
    """Every piece is accepted; the pieces' disjunction holds exactly when the expression does; a rule that fits
    is left as it was (so editions that compiled before compile to the same rules)."""
    pieces = split(expression)
    assert all(_accepted(piece) for piece in pieces)
    for facts in cases:
        assert any(_holds(piece, facts) for piece in pieces) == _holds(expression, facts)
    if nested_groups(expression) <= MAX_NESTED_GROUPS:
        assert pieces == [expression]


def test_the_criteria_that_read_sexual_abuse_as_abuse_compile_as_several_rules_each_meaning_the_criterion() -> None:
    """wt2010@3's D5 and R2 nest too many groups for one rule once abuse may be inferred from sexual abuse: each is
    split, and every piece stands for the criterion's status."""
    compiled = compile_edition(get_edition("wt2010", 3), "wt2010@3")
    pieces = {rule: meaning for rule, meaning in compiled.meaning.items() if "_" in rule}
    assert {key for kind, key, _ in pieces.values()} >= {"D5", "R2"}
    assert all(kind == "criterion" for kind, _, _ in pieces.values())
    assert all(nested_groups(rule["all"][0]["m"]) <= MAX_NESTED_GROUPS for rule in compiled.definition.values())
