"""The renderers: one presentation model (cli/render/view.py) read by the table, Markdown and HTML alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import fact_sets

from scr_eligibility import evaluate
from scr_eligibility.cli.render import render_markdown, render_table
from scr_eligibility.cli.render import html as html_renderer
from scr_eligibility.cli.render.view import STATUS_WORDS, decision_view, tone
from scr_eligibility.criteria import all_editions, get_edition
from scr_eligibility.engine.decision import CriterionResult, Decision, DeterminationResult

OPEN = {"outcome": "seriously_harmed", "abuse_or_neglect": "suspected", "awareness_date": "2017-05-02"}
DIED = {"case_reference": "BT-2017-014", "outcome": "died", "abuse_or_neglect": "known", "age": 10,
        "awareness_date": "2017-05-02"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_possible_outcomes_carry_the_criteria_that_would_lead_to_them(facts: dict[str, Any]) -> None:
    """An open outcome names its unknown criteria, the outcome reached its met ones, the default none."""
    decision = evaluate(facts)
    for edition in decision.editions:
        statuses = {c.id: c.status for c in edition.criteria}
        definitions = {d.id: d for d in get_edition(edition.ref).content.determinations}
        for determination in edition.determinations:
            outcomes = {o.id: o for o in definitions[determination.id].outcomes}
            for possible in determination.possible:
                criteria = outcomes[possible.outcome].criteria
                met = tuple(c for c in criteria if statuses[c] == "met")
                unknown = tuple(c for c in criteria if statuses[c] == "unknown")
                assert possible.criteria == (met or unknown), (edition.ref, possible.outcome)


def test_the_criteria_of_a_possible_outcome_stay_out_of_the_decision_json() -> None:
    """The field is for renderers: the decision JSON (a contract) is unchanged."""
    decision = evaluate(OPEN)
    assert any(p.criteria for e in decision.editions for d in e.determinations for p in d.possible)
    assert all("criteria" not in p for e in json.loads(decision.model_dump_json())["editions"]
               for d in e["determinations"] for p in d["possible"])


def _decided(kinds: tuple[str, ...]) -> tuple[DeterminationResult, dict[str, CriterionResult]]:
    by_id = {f"C{i}": CriterionResult.build(id=f"C{i}", kind=kind, title="", status="met", text="", citation="",
                                            evidence=(), missing_facts=()) for i, kind in enumerate(kinds)}
    return DeterminationResult.build(id="d", title="", outcome="o", label="", decided_by=tuple(by_id)), by_id


def test_the_tone_of_every_outcome_of_every_edition_is_its_rank() -> None:
    """First outcome strong, last (the default) none, any between some: read from the decision, not the edition.

    The view derives the tone from the criteria that decided an answer (their kinds); this holds
    it to the outcome's place in every shipped edition, so a new edition that breaks the rule fails here.
    An outcome that hands the duty to another body ("for_the_...", decided by considerations: the board
    where the child lives, the authority where the child was harmed or that looked after the child) still
    calls for action here (make sure that body knows): strong wherever it stands.
    """
    for edition in all_editions():
        kinds = {c.id: c.kind for c in edition.content.criteria}
        for definition in edition.content.determinations:
            outcomes = list(definition.outcomes)

            # An outcome that hands the case to another body (the board where the child lives) still calls for
            # action here (make sure that body knows): strong, wherever it stands, and the rank rule holds for the rest.
            def redirect(outcome: Any) -> bool:
                return bool(outcome.criteria) and outcome.id.startswith("for_the_") and all(
                    kinds[c] == "consideration" for c in outcome.criteria)

            ranked = [o for o in outcomes if not redirect(o)]
            last = len(ranked) - 1
            for outcome in outcomes:
                rank = ranked.index(outcome) if outcome in ranked else 0
                # Two kinds of a required review (Wales: extended, then concise) are both duties: strong.
                required = bool(outcome.criteria) and all(kinds[c] == "mandatory" for c in outcome.criteria)
                expected = "strong" if rank == 0 or required else "none" if rank == last else "some"
                if outcome.criteria:
                    determination, by_id = _decided(tuple(kinds[c] for c in outcome.criteria))
                else:  # the default: decided by every criterion, none of them met
                    determination, by_id = _decided(tuple(kinds[c] for o in definition.outcomes for c in o.criteria))
                    by_id = {k: c.model_copy(update={"status": "not_met"}) for k, c in by_id.items()}
                assert tone(determination, by_id) == expected, (edition.ref, definition.id, outcome.id)


def test_renderers_never_read_an_edition_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the edition catalogue unreachable, the table, Markdown and HTML of a decision still render.

    The one place the presentation looks at an edition is reasons.py, for the shape of a criterion's
    condition (never its words): without it, each "why" is the engine's evidence as given.
    """
    monkeypatch.setattr("scr_eligibility.cli.render.reasons._trees", lambda edition, version: None)
    neither = {"outcome": "neither", "age": 4, "awareness_date": "2017-05-02"}
    decisions = [evaluate(DIED), evaluate(OPEN), evaluate(neither)]

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a renderer read an edition")

    for where in ("scr_eligibility.criteria.get_edition", "scr_eligibility.criteria.catalogue.get_edition"):
        monkeypatch.setattr(where, unreachable)
    for decision in decisions:
        assert render_table(decision) and render_markdown(decision)
        assert html_renderer.render_decision(decision, {})


def test_no_decision_renderer_imports_the_criteria_or_parses_text() -> None:
    """The decision renderers import neither the edition catalogue nor regular expressions (listings.py lists
    editions, so it is the one that may)."""
    import ast
    from pathlib import Path

    folder = Path(html_renderer.__file__).parent
    for name in ("view.py", "text.py", "markdown.py", "json.py", "html.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {m for m in imported if m == "re" or m.lstrip(".").startswith("criteria")}, name


def test_open_criteria_come_from_the_decision_not_from_its_wording() -> None:
    """The HTML lists the criteria still open from PossibleOutcome.criteria: rewording "when" changes nothing."""
    decision = evaluate(OPEN, editions=["lscb-scr-2006"])
    page = str(html_renderer.render_decision(decision, {}))
    open_ids = {c.id for c in decision_view(decision).editions[0].primary.open}
    assert open_ids and all(f'<span class="mono">({c})</span>' in page for c in open_ids)
    reworded = _reworded(decision)
    assert all("(" not in p.when for e in reworded.editions for d in e.determinations for p in d.possible)
    assert {c.id for c in decision_view(reworded).editions[0].primary.open} == open_ids


def _reworded(decision: Decision) -> Decision:
    editions = []
    for edition in decision.editions:
        determinations = tuple(d.model_copy(update={"possible": tuple(
            p.model_copy(update={"when": "in other words"}) for p in d.possible)}) for d in edition.determinations)
        editions.append(edition.model_copy(update={"determinations": determinations}))
    return decision.model_copy(update={"editions": tuple(editions)})


def test_the_status_words_are_one_table_for_every_output() -> None:
    """The table and Markdown shout what needs a reader's eye; the web page says it plainly; same statuses."""
    decision = evaluate(DIED)
    table, markdown = render_table(decision), render_markdown(decision)
    page = str(html_renderer.render_decision(decision, {}))
    assert f"  {STATUS_WORDS['met'].loud}: " in table and f"**{STATUS_WORDS['not_met'].loud}**" in markdown
    assert f">{STATUS_WORDS['met'].plain}</span>" in page and f"<td>{STATUS_WORDS['not_met'].plain}</td>" in page


def test_every_value_in_a_page_is_escaped() -> None:
    """A case reference holding markup is shown as text, in the heading and in the hidden fields."""
    reference = '<script>alert("x")</script>'
    decision = evaluate(DIED | {"case_reference": reference})
    page = str(html_renderer.render_decision(decision, {"case_reference": [reference]}))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_stylesheet_is_the_static_file_and_its_hash_is_in_the_policy() -> None:
    """The CSS of every page is static/style.css as shipped; the CSP allows exactly its hash."""
    import base64
    import hashlib
    from importlib.resources import files

    css = (files("scr_eligibility.cli.render") / "static" / "style.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert html_renderer.CSS == css and f"'sha256-{digest}'" in html_renderer.CSP
    assert f"<style>{css}</style>" in html_renderer.page("Title", "")


@pytest.mark.parametrize(("source", "joined"), [
    ("<p>\n  <b>x</b>\n</p>", "<p><b>x</b></p>"),
    ("<p>one\n   two</p>", "<p>one two</p>"),
    ('<input type="date"\n  name="x">', '<input type="date" name="x">'),
    ("{% if a %}\n  text\n{% endif %}", "{% if a %}text{% endif %}"),
    ("<b>kept </b>\n\n\n<i>", "<b>kept </b><i>"),
])
def test_template_lines_are_joined_as_documented(source: str, joined: str) -> None:
    """A line break disappears beside a tag and becomes one space between words or attributes."""
    assert html_renderer.join_lines(source) == joined
