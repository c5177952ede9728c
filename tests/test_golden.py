"""Golden cases: each file in tests/golden/ is a case with what the law, as written, says each edition decides.

The expectations were worked out from the criteria's sources (shared/domain/CRITERIA.md), not from the engine.
The file format and the comparison are in :mod:`scr_eligibility.engine.suite`, which `scr test` reuses.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scr_eligibility.criteria import latest_editions
from scr_eligibility.engine import evaluate
from scr_eligibility.engine.suite import compare, load_suite_case, run_case
from scr_eligibility.errors import InputError

GOLDEN = Path(__file__).with_name("golden")
CASES = sorted(GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_case_is_decided_as_the_law_says(path: Path) -> None:
    """Each edition applied decides the case (outcomes, criteria, possible outcomes, due dates) as expected."""
    result = run_case(path)  # the code `scr test` runs
    assert result.error is None, result.error
    assert result.passed, f"{path.name} ({result.name}) differs from the law as expected:\n" + "\n".join(
        f"  - {d}" for d in result.differences)


def test_every_criterion_of_every_edition_is_shown_met_and_not_met() -> None:
    """The suite asserts each criterion of each shipped edition both met and not met in some case."""
    seen: dict[tuple[str, str], set[str]] = {}
    for path in CASES:
        for edition_id, wanted in load_suite_case(path)[4].items():
            for criterion, status in wanted.get("criteria", {}).items():
                seen.setdefault((edition_id, criterion), set()).add(status)
    missing = [f"{e.id} {c.id}: {sorted({'met', 'not_met'} - seen.get((e.id, c.id), set()))}"
               for e in latest_editions() for c in e.content.criteria
               if not {"met", "not_met"} <= seen.get((e.id, c.id), set())]
    assert CASES, "no golden cases found"
    assert not missing, "criteria never shown met / not met by a golden case:\n" + "\n".join(missing)


# ----------------------------------------------------------------------------- the comparison itself

def _decision(**facts: object):
    base = {"age": 10, "outcome": "died", "abuse_or_neglect": "known", "location": "in_area",
            "incident_date": "2021-03-01", "awareness_date": "2021-03-02"}
    return evaluate({**base, **facts})


def test_compare_reports_nothing_when_the_decision_matches() -> None:
    expect = {"wt2018": {"outcome": "notify_panel", "criteria": {"s16C-1a": "met"},
                         "duties": {"notify_panel": "2021-03-09"}}}
    assert compare(_decision(), expect) == []


def test_compare_reports_a_wrong_outcome_criterion_and_due_date() -> None:
    expect = {"wt2018": {"outcome": "no_duty", "criteria": {"s16C-1a": "not_met"},
                         "determinations": {"rapid_review": "no_rapid_review"},
                         "duties": {"notify_panel": dt.date(2021, 3, 10)}}}
    differences = compare(_decision(), expect)
    assert differences == [
        "wt2018: outcome (panel_notification): expected no_duty, got notify_panel",
        "wt2018: determination rapid_review: expected no_rapid_review, got rapid_review_required",
        "wt2018: criterion s16C-1a: expected not_met, got met",
        "wt2018: duty notify_panel: expected due 2021-03-10, got 2021-03-09",
    ]


def test_compare_reports_editions_applied_but_not_expected_and_expected_but_not_applied() -> None:
    differences = compare(_decision(), {"wt2023": {"outcome": "notify_panel"}})
    assert any(d.startswith("wt2023: expected, but not applied") for d in differences)
    assert any(d.startswith("wt2018: applied (notify_panel), but the case expects nothing of it") for d in differences)


def test_compare_reports_possible_outcomes_and_a_duty_that_did_not_arise() -> None:
    decision = _decision(location="outside_england")  # normal residence unknown: (b) is open, and whose it is
    assert compare(decision, {"wt2018": {"outcome": "undetermined", "possible": [
        "no_duty", "notify_panel", "for_the_authority_where_the_child_lived"]}}) == []
    differences = compare(decision, {"wt2018": {"outcome": "undetermined", "possible": ["notify_panel"],
                                                "duties": {"rapid_review": None}}})
    assert differences[0].startswith("wt2018: possible outcomes (panel_notification): expected ['notify_panel']")
    assert differences[1].startswith("wt2018: duty rapid_review: expected due null (no date), but no such duty arose")


# ----------------------------------------------------------------------------- reading suite files

GOOD = """\
name: "A child died in the area, abuse known"
editions: [wt2018]
facts: {age: 10, outcome: died, abuse_or_neglect: known, location: in_area, awareness_date: 2021-03-02}
expect:
  wt2018: {outcome: notify_panel, duties: {notify_panel: 2021-03-09}}
"""


def test_load_suite_case_returns_name_facts_as_of_editions_and_expect(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(GOOD, encoding="utf-8")
    name, facts, as_of, editions, expect = load_suite_case(path)
    assert name == "A child died in the area, abuse known"
    assert facts.abuse_or_neglect == "known" and as_of is None and editions == ("wt2018",)
    assert expect == {"wt2018": {"outcome": "notify_panel", "duties": {"notify_panel": dt.date(2021, 3, 9)}}}


@pytest.mark.parametrize(("change", "location"), [
    (("expect:", "expected:"), "expected"),                                # unknown top-level key (and no expect)
    (("name: \"A child died in the area, abuse known\"\n", ""), "name"),    # missing name
    (("wt2018: {outcome: notify_panel,", "wt2018: {outcome: notify_pannel,"), "expect.wt2018.outcome"),
    (("duties: {notify_panel:", "duties: {notify_pannel:"), "expect.wt2018.duties.notify_pannel"),
    (("2021-03-09}", "9 March}"), "expect.wt2018.duties.notify_panel"),
    (("editions: [wt2018]", "editions: [wt2019]"), "editions"),
    (("  wt2018: {", "  wt2023: {"), "expect.wt2023"),                    # expects an edition not named in editions
    (("outcome: died", "outcome: dead"), "outcome"),                       # a bad fact
])
def test_load_suite_case_refuses_a_bad_file_naming_where(tmp_path: Path, change: tuple[str, str], location: str) -> None:
    path = tmp_path / "case.yaml"
    assert change[0] in GOOD
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite_case(path)
    assert location in [p.location for p in caught.value.problems], str(caught.value)


def test_load_suite_case_refuses_a_criterion_status_other_than_met_not_met_unknown(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(GOOD.replace("{outcome: notify_panel,", "{outcome: notify_panel, criteria: {s16C-1a: yes},"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite_case(path)
    assert [p.location for p in caught.value.problems] == ["expect.wt2018.criteria.s16C-1a"]


# ----------------------------------------------------------------------------- who owes a duty (owed_by)

def _other_authoritys_child():
    return _decision(outcome="died", abuse_or_neglect="not_known_or_suspected", looked_after=True,
                     responsible_authority="another_authority_in_england", age=14)


def test_compare_checks_the_owner_named_by_a_determination_case_insensitively() -> None:
    decision = _other_authoritys_child()
    wanted = {"outcome": "no_duty", "owed_by": {"looked_after_death_notification": "LOOKED AFTER THE CHILD"}}
    assert compare(decision, {"wt2018": wanted}) == []
    differences = compare(decision, {"wt2018": {"outcome": "no_duty",
                                                "owed_by": {"looked_after_death_notification": "care leaver"}}})
    assert len(differences) == 1 and differences[0].startswith(
        "wt2018: owed_by looked_after_death_notification: expected an owner naming 'care leaver', got 'The authority")


def test_compare_owed_by_null_means_no_other_owner() -> None:
    assert compare(_decision(), {"wt2018": {"outcome": "notify_panel", "owed_by": {"panel_notification": None}}}) == []
    differences = compare(_other_authoritys_child(), {"wt2018": {
        "outcome": "no_duty", "owed_by": {"looked_after_death_notification": None}}})
    assert differences and differences[0].startswith(
        "wt2018: owed_by looked_after_death_notification: expected no other owner, got 'The authority")


@pytest.mark.parametrize(("owed_by", "location"), [
    ("{panel_notificaton: authority}", "expect.wt2018.owed_by.panel_notificaton"),   # unknown determination
    ("{panel_notification: 3}", "expect.wt2018.owed_by.panel_notification"),         # not words
    ("[authority]", "expect.wt2018.owed_by"),                                          # not a mapping
])
def test_load_suite_case_refuses_a_bad_owed_by(tmp_path: Path, owed_by: str, location: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(GOOD.replace("{outcome: notify_panel,", "{outcome: notify_panel, owed_by: " + owed_by + ","),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite_case(path)
    assert location in [p.location for p in caught.value.problems], str(caught.value)


# ----------------------------------------------------------------------------- next steps and clock starts

def test_compare_checks_a_next_step_by_its_words() -> None:
    decision = _other_authoritys_child()
    assert compare(decision, {"wt2018": {"outcome": "no_duty", "next_steps": {
        "looked_after_death_notification": "make sure the authority that looked after the child knows"}}}) == []
    differences = compare(decision, {"wt2018": {"outcome": "no_duty", "next_steps": {"panel_notification": "make sure"}}})
    assert differences == ["wt2018: next_steps panel_notification: expected a step saying 'make sure', got none"]


def test_compare_checks_which_fact_started_a_clock() -> None:
    later = _decision(abuse_or_neglect_awareness_date="2021-03-20")  # abuse first suspected after the death was known
    assert compare(later, {"wt2018": {"outcome": "notify_panel", "started": {
        "notify_panel": "abuse_or_neglect_awareness_date", "rapid_review": "abuse_or_neglect_awareness_date"}}}) == []
    differences = compare(_decision(), {"wt2018": {"outcome": "notify_panel", "started": {
        "notify_panel": "abuse_or_neglect_awareness_date", "notify_secretary_of_state_and_ofsted": "awareness_date"}}})
    assert differences == [
        "wt2018: duty notify_panel: expected its clock started by abuse_or_neglect_awareness_date, got awareness_date",
        "wt2018: duty notify_secretary_of_state_and_ofsted: expected its clock started by awareness_date, "
        "got no such duty"]


@pytest.mark.parametrize(("extra", "location"), [
    ("next_steps: {panel_notificaton: make sure}", "expect.wt2018.next_steps.panel_notificaton"),
    ("next_steps: {panel_notification: ''}", "expect.wt2018.next_steps.panel_notification"),
    ("started: {notify_pannel: awareness_date}", "expect.wt2018.started.notify_pannel"),
    ("started: {notify_panel: 3}", "expect.wt2018.started.notify_panel"),
])
def test_load_suite_case_refuses_a_bad_next_step_or_start(tmp_path: Path, extra: str, location: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(GOOD.replace("{outcome: notify_panel,", "{outcome: notify_panel, " + extra + ","), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_suite_case(path)
    assert location in [p.location for p in caught.value.problems], str(caught.value)
