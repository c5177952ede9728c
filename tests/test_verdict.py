"""The verdict (engine/verdict.py) says what the explained decision says: statuses, outcomes, possible outcomes."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from strategies import fact_sets

from scr_eligibility import evaluate
from scr_eligibility.criteria import latest_editions
from scr_eligibility.engine.verdict import verdict

ALL_EDITIONS = [e.ref for e in latest_editions()]


def _answers(decision: Any) -> list[Any]:
    """Per edition: its ref, every criterion's (id, status, missing facts) and every determination's answer."""
    return [(e.ref,
             [(c.id, c.status, tuple(c.missing_facts)) for c in e.criteria],
             [(d.id, d.outcome, d.label, d.decided_by, d.deciding_facts, d.caveats,
               [(p.outcome, p.when, p.criteria, p.deciding_facts) for p in d.possible],
               [(u.id, u.deadline) for u in d.duties]) for d in e.determinations])
            for e in decision.editions]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets(dated=True))
def test_the_verdict_gives_the_decisions_statuses_and_outcomes_under_the_dates_editions(facts: dict[str, Any]) -> None:
    assert _answers(verdict(facts)) == _answers(evaluate(facts))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_the_verdict_gives_the_decisions_statuses_and_outcomes_under_every_edition(facts: dict[str, Any]) -> None:
    decision, quick = evaluate(facts, editions=ALL_EDITIONS), verdict(facts, editions=ALL_EDITIONS)
    assert _answers(quick) == _answers(decision)
    assert quick.deciding_facts() == decision.deciding_facts()
    assert quick.outcomes == decision.outcomes
    presumed = [[f for c in e.criteria for f, _ in c.presumed] for e in quick.editions]
    assert presumed == [[x.fact for c in e.criteria for x in c.evidence if x.presumed] for e in decision.editions]


def test_a_verdict_leaves_the_due_dates_out_and_the_decision_counts_them() -> None:
    facts = {"outcome": "died", "abuse_or_neglect": "known", "age": 9, "location": "in_area",
             "awareness_date": "2024-03-04", "incident_date": "2024-03-01"}
    decided = [u for e in evaluate(facts).editions for d in e.determinations for u in d.duties]
    quick = [u for e in verdict(facts).editions for d in e.determinations for u in d.duties]
    assert decided and [u.id for u in quick] == [u.id for u in decided]
    assert all(u.due is not None for u in decided) and all(u.due is None for u in quick)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_compiled_truth_gives_what_the_tree_walk_gives_for_every_criterion_and_note(facts: dict[str, Any]) -> None:
    from scr_eligibility.criteria import all_editions
    from scr_eligibility.engine.truth import compiled_truth, named_conditions, truth
    from scr_eligibility.facts import parse_facts

    values = parse_facts(facts).__dict__
    for edition in all_editions():
        named = named_conditions(edition)
        for criterion in edition.content.criteria:
            assert compiled_truth(criterion.id, criterion.condition, named)(values) == truth(
                criterion.condition, values, named)
        for note in edition.content.notes:
            assert compiled_truth(f"notes.{note.id}", note.condition, named)(values) == truth(
                note.condition, values, named)


def test_a_model_copy_with_an_update_leaves_other_results_built_by_the_engine_alone() -> None:
    """build() shares one fields-set between objects given every field: a copy with an update must not touch it."""
    from scr_eligibility.engine.decision import Evidence

    first = Evidence.build(fact="age", condition="c", status="met", value=3, value_label="3", presumed=False)
    second = Evidence.build(fact="age", condition="d", status="met", value=4, value_label="4", presumed=False)
    copied = first.model_copy(update={"value": 5})
    assert copied.value == 5 and first.value == 3
    assert first.model_fields_set == second.model_fields_set == set(Evidence.model_fields)
    partial = Evidence.build(fact="age", condition="c", status="met", value_label="3")
    assert partial.model_fields_set == {"fact", "condition", "status", "value_label"}
    assert first.model_fields_set == set(Evidence.model_fields)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets(dated=True))
def test_the_decisions_json_is_pydantics_byte_for_byte(facts: dict[str, Any]) -> None:
    """Decision.model_dump_json() assembles kept fragments: the bytes must be pydantic's own, twice over."""
    from scr_eligibility.engine.decision import Decision

    for decision in (evaluate(facts), evaluate(facts, editions=ALL_EDITIONS), evaluate(facts)):
        assert decision.model_dump_json() == Decision.__pydantic_serializer__.to_json(decision).decode()
    again = Decision.model_validate_json(decision.model_dump_json())
    assert again.model_dump_json() == decision.model_dump_json()
    assert decision.model_dump_json(indent=2) == Decision.__pydantic_serializer__.to_json(decision, indent=2).decode()
