"""Issue 14: every output opens with "What to do now"; reasons name the deciding condition; the table fits."""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import fact_sets

from scr_eligibility import evaluate, load_case
from scr_eligibility.cli.render import render_markdown, render_table
from scr_eligibility.cli.render import html as html_renderer
from scr_eligibility.cli.render.reasons import deciding
from scr_eligibility.cli.render.todo import undated_words, what_to_do, working_days_left
from scr_eligibility.cli.render.view import decision_view
from scr_eligibility.dates import fixed_today

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ELSEWHERE = {"case_reference": "T-HOM", "age": 10, "outcome": "died", "abuse_or_neglect": "known",
             "location": "elsewhere_in_england", "normally_resident": "yes", "awareness_date": "2024-03-04"}


def _outputs(decision: Any) -> dict[str, str]:
    page = html.unescape(str(html_renderer.render_decision(decision, {})))
    return {"table": render_table(decision, width=100), "markdown": render_markdown(decision), "html": page}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_output_of_every_example_opens_with_what_to_do_now(path: Path) -> None:
    """Before any edition's answers: the section headed exactly "What to do now", with each duty's due words."""
    decision = evaluate(load_case(path))
    for name, text in _outputs(decision).items():
        first_edition = min(text.index(e.short_title) for e in decision.editions)
        assert "What to do now" in text and text.index("What to do now") < first_edition, name
        for step in decision_view(decision).to_do.steps:
            assert step.when in text or step.when[:1].upper() + step.when[1:] in text, (name, step.when)


def test_duties_come_in_due_date_order_with_weekday_and_working_days_left() -> None:
    """WT2018 harm in Scotland, aware on Monday 16 August 2021, read on Wednesday 18 August."""
    decision = evaluate(load_case(ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml"))
    todo = what_to_do(decision, _dt.date(2021, 8, 18))
    dues = [s.due for s in todo.steps]
    assert dues == sorted(dues) and dues[0] == _dt.date(2021, 8, 23)
    assert todo.steps[0].when == "Monday 23 August 2021 (2021-08-23), 3 working days from today"
    # the rapid review: 15 working days, over the Late Summer Bank Holiday
    assert todo.steps[-1].when == "Tuesday 7 September 2021 (2021-09-07), 13 working days from today"
    assert "online notification" in (todo.steps[0].how or "")
    assert what_to_do(decision, _dt.date(2021, 9, 1)).steps[0].when.endswith("a date already passed")


def test_working_days_left_skip_weekends_and_bank_holidays() -> None:
    assert working_days_left(_dt.date(2021, 8, 31), _dt.date(2021, 8, 27)) == 1  # Fri to Tue over a bank holiday
    assert working_days_left(_dt.date(2021, 8, 27), _dt.date(2021, 8, 27)) == 0


def test_the_working_days_left_in_the_table_count_from_today() -> None:
    decision = evaluate(load_case(ROOT / "examples" / "wt2023-death-abuse-suspected.notify_panel.yaml"))
    first = decision_view(decision).to_do.steps[0]
    assert first.due is not None
    with fixed_today(first.due - _dt.timedelta(days=1)):
        assert "from today" in render_table(decision, width=80).split("Who:")[1]


def test_nothing_owed_says_so_and_what_the_authority_may_still_choose() -> None:
    """Harm with no abuse or neglect known (WT2015): nothing owed, and the LSCB may still review."""
    decision = evaluate(load_case(ROOT / "examples" / "harm-no-abuse.not_met.yaml"))
    todo = what_to_do(decision)
    assert not todo.steps and todo.nothing_owed and todo.nothing_owed.startswith("Nothing is owed under the rules applied")
    assert any("may still decide on a review" in c for c in todo.may_choose)
    table = render_table(decision, width=80)
    assert table.index("What to do now") < table.index("Nothing is owed") < table.index("=" * 80)


def test_a_death_elsewhere_in_england_names_the_authority_that_must_notify() -> None:
    """No duty for this authority is never the last word: the authority where it happened must notify."""
    decision = evaluate(ELSEWHERE)
    assert decision.editions[0].primary.outcome == "for_the_authority_where_it_happened"
    others = what_to_do(decision).elsewhere
    body = "The local authority for the area in England where the child died or was seriously harmed"
    assert any(o.body.startswith(body) and "must notify the Panel" in o.what for o in others)
    # What this authority should do about it is a step of its own, numbered with the duties (issue 12.2).
    step = next(s for s in what_to_do(decision).steps if s.duty is None)
    assert "knows of the case" in step.what and "notify the Child Safeguarding Practice Review Panel" in step.what
    assert step.who.startswith("This local authority") and "s16C(1)(a)" in step.cite
    # The same child dying in this authority's area: the duty is this authority's, nothing is passed on.
    here = evaluate({**ELSEWHERE, "location": "in_area"})
    assert not any(o.body.startswith(body) for o in what_to_do(here).elsewhere)
    for name, text in _outputs(decision).items():
        assert body in " ".join(text.split()), name
        assert "the duty is another body's" in text.lower(), name  # beside the "no duty" answer too
    page = str(html_renderer.render_decision(decision, {}))
    assert '<div class="outcome tone-some">' in page  # not the green of nothing owed


def test_the_step_about_another_bodys_duty_is_numbered_and_nothing_owed_is_not_said() -> None:
    """Children Act 1989 Sch 2 para 20(1): "If a child who is being looked after by a local authority dies, the
    authority— (a)shall notify the Secretary of State". Looked after by another authority, this authority owes no
    duty of its own, but has something to do: make sure that authority knows. That is step 1 in every output,
    not a bare "Nothing is owed"."""
    decision = evaluate({"case_reference": "T-LAC", "age": 15, "outcome": "died", "location": "in_area",
                         "abuse_or_neglect": "not_known_or_suspected", "looked_after": True,
                         "responsible_authority": "another_authority_in_england", "awareness_date": "2021-03-02"})
    todo = what_to_do(decision)
    assert [s.duty for s in todo.steps] == [None]
    assert "knows of the death" in todo.steps[0].what and "Sch 2 para 20" in todo.steps[0].cite
    assert todo.nothing_owed and todo.nothing_owed.startswith("This authority owes no duty of its own")
    assert any(o.body.startswith("The authority that looked after the child") for o in todo.elsewhere)
    for name, text in _outputs(decision).items():
        flat = " ".join(text.split())
        assert "Make sure the authority that looked after the child knows of the death" in flat, name
        assert "Nothing is owed under the rules applied" not in flat, name
    table = render_table(decision, width=100)
    assert table.index("1. Make sure the authority") < table.index("This authority owes no duty of its own")


@pytest.mark.parametrize(("facts", "note"), [
    ({"age": 9, "outcome": "died", "sexual_abuse": True, "normally_resident": True, "awareness_date": "2011-05-02"},
     "Abuse or neglect inferred from sexual abuse"),
    ({"age": 16, "outcome": "died", "abuse_or_neglect": "not_known_or_suspected", "custody": "on_remand",
      "remanded_to": "youth_detention_accommodation", "responsible_authority": "this_authority",
      "location": "in_area", "awareness_date": "2024-05-02"}, "Looked after, inferred from the remand"),
])
def test_an_inference_is_shown_as_one_beside_the_steps_not_among_other_bodies(facts: dict[str, Any],
                                                                              note: str) -> None:
    """An inference (sexual abuse is abuse; a child on remand is looked after) is shown as one, in a section of
    its own under What to do now in every output, never as "another body, or another process"; in the JSON the
    note says it is an inference, and a plain note dumps as before (no kind)."""
    decision = evaluate(facts)
    todo = what_to_do(decision)
    assert [i.title for i in todo.inferred] == [note]
    assert note not in [o.body for o in todo.elsewhere]
    for name, text in _outputs(decision).items():
        flat = " ".join(text.split())
        assert "Read from other facts (an inference, not an answer" in flat, name
        heading, inferred_at = flat.index("Read from other facts"), flat.index(note)
        assert heading < inferred_at < heading + 200, name
        if "For another body, or another process" in flat:
            assert inferred_at < flat.index("For another body, or another process"), name
    dumped = decision.model_dump(mode="json")
    kinds = {n["id"]: n.get("kind") for e in dumped["editions"] for n in e.get("notes", [])}
    assert "inference" in kinds.values() and all(k in (None, "inference") for k in kinds.values())


def test_reasons_name_the_failing_part_not_a_satisfied_branch() -> None:
    """s16C(1)(a) fails on where it happened, and on the one branch that needs a death: each failed branch is said,
    and the outcome condition is not quoted as the whole reason ("the child died or was seriously harmed": met)."""
    decision = evaluate(load_case(ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml"))
    edition = decision.editions[0]
    s16c = next(c for c in edition.criteria if c.id == "s16C-1a")
    assert any(e.condition == "the child died" for e in s16c.evidence)  # the engine quotes it ...
    reasons = deciding(s16c, edition)
    # ... the reason names each branch of the "any" that failed: where the harm happened, and (for the branch of a
    # death in the area after harm elsewhere, Working Together 2018 version 3) that the child did not die.
    assert [r.fact for r in reasons] == ["outcome", "location"]
    table = render_table(decision, width=100)
    assert "the child died or was seriously harmed in the local authority's area: no" in " ".join(table.split())
    assert "the child died or was seriously harmed: no" not in " ".join(table.split())


def test_an_adult_is_the_person_and_fails_only_on_age() -> None:
    """18 at the incident: every criterion fails on age alone, and the reasons say "the person"."""
    decision = evaluate(load_case(ROOT / "examples" / "adult-at-incident.not_met.yaml"))
    view = decision_view(decision)
    assert view.person == "the person"
    for reasons in view.editions[0].reasons.values():
        assert [r.words() for r in reasons] == ["the person was under 18 at the incident: no (age 18)"]
    table = render_table(decision, width=80)
    assert "the child was under 18" not in table and "the person was under 18 at the incident: no" in table


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_a_reason_is_always_part_of_the_engines_evidence(facts: dict[str, Any]) -> None:
    """The reasons choose among the conditions the engine quoted; they never invent one or drop them all."""
    decision = evaluate(facts)
    for edition in decision.editions:
        for criterion in edition.criteria:
            quoted = {(e.condition, e.fact) for e in criterion.evidence}
            reasons = deciding(criterion, edition)
            assert {(r.condition, r.fact) for r in reasons} <= quoted
            assert bool(reasons) == bool(quoted)


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_table_fits_the_terminal_and_never_breaks_a_word(path: Path, width: int) -> None:
    """At 80 and 100 columns no line is wider than the terminal, and every word of the case's answers is whole."""
    decision = evaluate(load_case(path))
    text = render_table(decision, width=width)
    for line in text.splitlines():
        assert len(line) <= width or " " not in line.strip(), line
    words = set(text.split())
    for edition in decision.editions:
        for criterion in edition.criteria:
            assert set(criterion.title.split()) <= words, criterion.title
        for duty in (d for det in edition.determinations for d in det.duties):
            assert set(duty.action.split()) <= words, duty.action


def test_the_table_follows_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    decision = evaluate(load_case(ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"))
    assert max(len(line) for line in render_table(decision).splitlines()) <= 80


def test_skipped_days_appear_once_and_duty_notes_reach_the_terminal() -> None:
    decision = evaluate(load_case(ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml"))
    text = render_table(decision, width=100)
    assert text.count("2021-08-21 Saturday") == 1
    notes = [d.note for det in decision.editions[0].determinations for d in det.duties if d.note]
    assert notes and all(" ".join(n.split())[:60] in " ".join(text.split()) for n in notes)


def test_a_duty_without_a_date_is_worded_one_way_everywhere_with_the_reason() -> None:
    decision = evaluate(load_case(ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"))
    duties = [d for det in decision.editions[0].determinations for d in det.duties if d.due is None]
    assert {undated_words(d) for d in duties} == {"no date yet: the date it counts from is not yet known",
                                                  "no time limit: the guidance sets no time limit for this"}
    for name, text in _outputs(decision).items():
        flat = " ".join(text.split()).lower()
        for duty in duties:
            assert undated_words(duty) in flat, name
        assert "date not known: see rule" not in flat and "no deadline set" not in flat, name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_note_the_web_page_shows_is_in_the_terminal(path: Path) -> None:
    """Caveats, duty notes, who decides and the edition's notes: shown on the web page, and in the table too."""
    decision = evaluate(load_case(path))
    page = " ".join(html.unescape(str(html_renderer.render_decision(decision, {}))).split())
    table = " ".join(render_table(decision, width=80).split())
    notes = [n.text for e in decision.editions for n in e.notes]
    for edition in decision.editions:
        for determination in edition.determinations:
            notes += list(determination.caveats) + [determination.who_decides or ""]
            notes += [d.note or "" for d in determination.duties]
    for note in filter(None, notes):
        words = " ".join(note.split())
        assert words in page, words[:60]
        assert words in table, words[:60]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_the_reasons_alone_decide_the_criterion(facts: dict[str, Any]) -> None:
    """With only the conditions a reason names known (every other unknown), the criterion comes out as the engine
    said: the reason is the deciding condition, not a part of it."""
    from scr_eligibility.cli.render import reasons as module

    decision = evaluate(facts)
    for edition in decision.editions:
        trees = module._trees(edition.edition, edition.version)
        assert trees is not None
        for criterion in edition.criteria:
            if criterion.status == "unknown" or not criterion.evidence:
                continue
            chosen = deciding(criterion, edition)
            if len(chosen) == len(criterion.evidence):
                continue  # nothing cut away (or the tree did not match): the engine's own evidence
            # A presumed condition holds or fails as the engine presumed it (its evidence's status).
            status = {(e.fact, e.condition): e.status for e in criterion.evidence}
            known = {(r.fact, r.condition): r.verdict == "yes" or (
                r.verdict == "presumed" and status.get((r.fact, r.condition)) == "met") for r in chosen}
            assert module._truth(trees[criterion.id], known) is (criterion.status == "met"), (criterion.id, chosen)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_what_to_do_and_by_when_is_on_the_first_screen(path: Path) -> None:
    """Issue 14's "done when": every duty's "By when" (or that nothing is owed) within the first 40 lines at 100
    columns, before any edition's detail."""
    lines = render_table(evaluate(load_case(path)), width=100).splitlines()
    first_screen = "\n".join(lines[:40])
    steps = decision_view(evaluate(load_case(path))).to_do.steps
    assert first_screen.count("By when:") == len(steps)
    assert steps or "Nothing is owed" in first_screen


@pytest.mark.parametrize("columns", [80, 100])
def test_scr_check_fits_80_and_100_columns_and_opens_with_what_to_do_now(columns: int) -> None:
    from click.testing import CliRunner

    from scr_eligibility.cli.main import main

    result = CliRunner().invoke(main, ["check", str(ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml")],
                                env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    start = lines.index("What to do now")
    assert start <= 4 and lines[start + 1] == "==============" and lines[start + 2].startswith("1. ")
    assert all(len(line) <= columns for line in lines)
