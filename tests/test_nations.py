"""The review rules of Wales, Scotland and Northern Ireland: chosen per nation, across borders, on their calendars.

The golden cases (tests/golden/wales-*, ni-*, scotland-*, cross-border-*) show each criterion met and not met;
these tests cover what the golden format does not: which nations' editions are chosen and why, the notes
naming the body in the other nation, the bank holidays each nation's deadlines count, the JSON of England's
editions, and the CLI and the interview.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from scr_eligibility.cli.main import main
from scr_eligibility.criteria import criteria_json, get_edition, latest_editions
from scr_eligibility.criteria.loader import load_edition_bytes
from scr_eligibility.criteria.model import Deadline
from scr_eligibility.engine import deadlines, evaluate
from scr_eligibility.engine.duties import duty_result
from scr_eligibility.engine.questions import decisive_questions
from scr_eligibility.engine.selection import nations_of
from scr_eligibility.errors import CriteriaError, InputError
from scr_eligibility.facts import parse_facts

BASE = {"age": 8, "outcome": "died", "abuse_or_neglect": "known", "incident_date": "2022-03-01",
        "awareness_date": "2022-03-02"}


def _editions(**facts: object) -> list[str]:
    return [e.edition for e in evaluate({**BASE, **facts}).editions]


# ----------------------------------------------------------------------------- which nations' rules apply

def test_an_english_case_that_crosses_no_border_has_englands_editions_and_its_old_explanation() -> None:
    decision = evaluate({**BASE, "location": "in_area"})
    assert [e.edition for e in decision.editions] == ["wt2018"]
    assert decision.editions_applied == "the rules in force on 2022-03-02, the date the authority became aware"


@pytest.mark.parametrize("nation, expected", [
    ("wales", ["wales-cpr2016"]), ("scotland", ["scotland-lr2021"]), ("northern_ireland", ["ni-cmr2012"])])
def test_the_deciding_nations_editions_apply_and_not_englands(nation: str, expected: list[str]) -> None:
    decision = evaluate({**BASE, "location": "in_area", "deciding_nation": nation})
    assert [e.edition for e in decision.editions] == expected
    assert "the deciding body's nation" in decision.editions_applied


def test_each_nations_editions_are_chosen_by_the_same_date() -> None:
    assert _editions(deciding_nation="wales", location="in_area", awareness_date="2024-09-30") == ["wales-cpr2016"]
    assert _editions(deciding_nation="wales", location="in_area", awareness_date="2024-10-01") == ["wales-susr2024"]
    # Before 6 April 2016 this tool holds no Welsh edition: an English case in Wales then has England's alone,
    # and says so.
    decision = evaluate({**BASE, "location": "in_wales", "normally_resident": True,
                         "incident_date": "2015-06-01", "awareness_date": "2015-06-02"})
    assert [e.edition for e in decision.editions] == ["wt2015"]
    assert "holds no edition of them in force on that date" in decision.editions_applied


def test_a_case_that_crosses_a_border_has_both_nations_editions_and_says_why() -> None:
    decision = evaluate({**BASE, "location": "in_wales", "normally_resident": True})
    assert [e.edition for e in decision.editions] == ["wt2018", "wales-cpr2016"]
    assert decision.editions_applied.endswith(
        "the rules of England (the deciding body's nation was not given, so England's rules are applied); "
        "and the rules of Wales (the death or harm happened there)")


def test_a_date_before_a_nations_first_edition_is_refused_naming_that_nations_first_date() -> None:
    from scr_eligibility.errors import EditionNotFound

    with pytest.raises(EditionNotFound) as caught:
        evaluate({**BASE, "deciding_nation": "wales", "location": "in_area", "incident_date": "2015-06-01",
                  "awareness_date": "2015-06-02"})
    assert caught.value.problems[0].expected == (
        "a date from 6 April 2016 (the earliest edition of Wales's rules this tool holds)")


@pytest.mark.parametrize("facts, nations", [
    ({}, ("england",)),
    ({"deciding_nation": "scotland"}, ("scotland",)),
    ({"death_location": "in_northern_ireland", "location": "in_area"}, ("england", "northern_ireland")),
    ({"normally_resident_in": "in_scotland", "normally_resident": False}, ("england", "scotland")),
    # Which authority looked after the child places no case: no nation's criteria turn on it.
    ({"looked_after": True, "responsible_authority": "an_authority_in_wales"}, ("england",)),
    # England is never added for a body elsewhere: England's editions read places from an English authority.
    ({"deciding_nation": "wales", "normally_resident_in": "elsewhere_in_england"}, ("wales",)),
    ({"location": "outside_england"}, ("england",)),  # outside England, nation not known: no other nation's rules
])
def test_nations_of_a_case(facts: dict[str, object], nations: tuple[str, ...]) -> None:
    assert nations_of(parse_facts(facts)) == nations


def test_an_english_authoritys_death_in_wales_shows_s16c_1b_and_the_welsh_board_to_tell() -> None:
    decision = evaluate({**BASE, "deciding_nation": "england", "location": "in_wales", "normally_resident": True,
                         "child_protection_register_6_months": False, "looked_after_6_months": False})
    england, wales = decision.editions
    assert england.primary.outcome == "notify_panel"
    assert {c.id: c.status for c in england.criteria}["s16C-1b"] == "met"
    assert wales.primary.outcome == "concise_review"
    assert [n.id for n in wales.notes] == ["tell-the-welsh-board"]


def test_a_welsh_body_is_told_which_english_authority_owes_the_panel_notification() -> None:
    decision = evaluate({**BASE, "deciding_nation": "wales", "location": "in_area", "normally_resident": False,
                         "normally_resident_in": "elsewhere_in_england"})
    (wales,) = decision.editions
    assert [n.id for n in wales.notes] == ["english-authority-s16c-1b"]
    assert "s16C(1)(b)" in wales.notes[0].source


def test_the_welsh_board_note_is_not_shown_to_a_welsh_body() -> None:
    decision = evaluate({**BASE, "deciding_nation": "wales", "location": "in_wales"})
    assert [n.id for n in decision.editions[0].notes] == []


# ----------------------------------------------------------------------------- each nation's bank holidays

def test_st_andrews_day_is_a_working_day_in_england_and_not_in_scotland() -> None:
    friday = dt.date(2026, 11, 27)
    assert deadlines.add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert deadlines.add_working_days(friday, 1, nation="scotland") == dt.date(2026, 12, 1)
    assert deadlines.is_working_day(dt.date(2026, 11, 30))
    assert not deadlines.is_working_day(dt.date(2026, 11, 30), nation="scotland")


def test_12_july_is_skipped_in_northern_ireland_only_and_named() -> None:
    thursday = dt.date(2024, 7, 11)
    assert deadlines.add_working_days(thursday, 1, nation="wales") == dt.date(2024, 7, 12)
    assert deadlines.add_working_days(thursday, 1, nation="northern_ireland") == dt.date(2024, 7, 15)
    assert deadlines.skipped_days(thursday, dt.date(2024, 7, 15), "northern_ireland")[0] == (
        dt.date(2024, 7, 12), "Battle of the Boyne")


def test_wales_counts_englands_bank_holidays() -> None:
    for year in (2016, 2020, 2024):
        assert deadlines.bank_holidays(year, "wales") == deadlines.bank_holidays(year)


def test_an_unknown_nation_is_refused_naming_it() -> None:
    with pytest.raises(InputError) as caught:
        deadlines.add_working_days(dt.date(2024, 1, 2), 1, nation="cornwall")
    assert caught.value.problems[0].location == "nation"


_SCOTTISH_EDITION = b"""
id: test-scotland
version: 1
title: "A test edition of Scotland with a working-day deadline"
short_title: "Test Scotland"
nation: scotland
in_force: {from: 2021-09-01}
summary: "test"
criteria:
  - {id: c, kind: duty, title: t, text: "summary", citation: x, condition: {fact: outcome, op: eq, value: died}}
determinations:
  - id: d
    title: d
    outcomes:
      - id: o
        label: o
        criteria: [c]
        duties:
          - {id: tell, action: a, by: b, basis: guidance, source: s,
             deadline: {count: 1, unit: working_days, from: awareness_date}}
      - {id: none, label: none}
"""


def test_a_nations_edition_counts_its_deadlines_on_that_nations_bank_holidays() -> None:
    edition = load_edition_bytes(_SCOTTISH_EDITION, "test")
    duty = edition.content.determinations[0].outcomes[0].duties[0]
    assert duty.deadline is not None and duty.deadline.calendar == "scotland"
    result = duty_result(duty, dt.date(2026, 11, 27))
    assert result.due == dt.date(2026, 12, 1)
    assert result.skipped == ("2026-11-28 Saturday", "2026-11-29 Sunday", "2026-11-30 Saint Andrew's Day")
    assert "Scotland bank holidays are not counted" in (result.deadline or "")


def test_a_deadline_may_not_name_another_nations_calendar() -> None:
    text = _SCOTTISH_EDITION.replace(b"from: awareness_date}", b"from: awareness_date, calendar: england}")
    with pytest.raises(CriteriaError) as caught:
        load_edition_bytes(text, "test")
    assert caught.value.problems[0].location.endswith("deadline.calendar")


def test_englands_deadline_words_are_unchanged() -> None:
    words = deadlines.describe(Deadline(count=5, unit="working_days"))
    assert words.endswith("(day 0 is that date; weekends and England and Wales bank holidays are not counted)")


# ----------------------------------------------------------------------------- editions, CLI and interview

def test_englands_editions_json_has_no_nation_and_the_others_name_theirs() -> None:
    for edition in latest_editions():
        data = criteria_json(edition)
        if edition.content.nation == "england":
            assert "nation" not in data and "calendar" not in json.dumps(data)
        else:
            assert data["nation"] == edition.content.nation


def test_scr_editions_lists_each_nations_editions_with_their_dates() -> None:
    output = CliRunner().invoke(main, ["editions"]).output
    for line in ("wales-cpr2016 ", "wales-susr2024 ", "ni-cmr2012 ", "scotland-lr2021 "):
        assert line in output
    assert "2016-04-06  2024-09-30" in output and "2024-10-01  (in force)" in output
    assert "2012-09-18  (in force)" in output and "2021-09-01  (in force)" in output


def test_scr_criteria_shows_a_nations_criteria_with_their_citations() -> None:
    result = CliRunner().invoke(main, ["criteria", "ni-cmr2012", "--format", "json"])
    assert result.exit_code == 0, result.output
    (data,) = json.loads(result.output)
    assert [c["id"] for c in data["criteria"]] == ["reg17-2", "reg17-3"]
    assert data["criteria"][0]["citation"].startswith("SBNI (Membership, Procedure, Functions and Committee)")
    scotland = json.loads(CliRunner().invoke(main, ["criteria", "scotland-lr2021", "--format", "json"]).output)
    # Criteria whose words were not read are marked summary, not quoted as if verbatim.
    assert all(c["text"].startswith("Summary") for c in scotland[0]["criteria"])
    assert "lr-death" in CliRunner().invoke(main, ["criteria", "scotland-lr2021"]).output


def test_scr_deadlines_lists_a_nations_duties_on_its_calendar() -> None:
    output = CliRunner().invoke(main, ["deadlines", "--aware-on", "2023-04-04", "--nation", "scotland"]).output
    assert "GB subdivision SCT (Scotland bank holidays)" in output and "scotland-lr2021@1" in output


def test_the_interview_asks_the_nation_after_the_dates_and_not_when_given_or_skipped() -> None:
    crossing = {**BASE, "location": "in_wales", "normally_resident": True}
    first = decisive_questions(crossing)[0]
    assert first.fact == "deciding_nation"
    assert "Case management review (Northern Ireland)" in first.why  # another nation's answer it brings in
    assert decisive_questions({"outcome": "died"})[0].fact == "awareness_date"  # the dates come first
    assert "deciding_nation" not in [q.fact for q in decisive_questions({**crossing, "deciding_nation": "wales"})]
    assert "deciding_nation" not in [q.fact for q in decisive_questions(crossing, skip=["deciding_nation"])]
    assert "deciding_nation" not in [q.fact for q in decisive_questions(crossing, editions=["wt2018"])]


def test_a_child_looked_after_by_an_hsc_trust_cannot_be_answered_never_looked_after() -> None:
    with pytest.raises(InputError) as caught:
        parse_facts({"looked_after": True, "deciding_nation": "northern_ireland", "responsible_authority":
                     "this_authority", "child_or_sibling_looked_after": False})
    problem = caught.value.problems[0]
    assert problem.location == "child_or_sibling_looked_after" and "looked_after is yes" in problem.expected
    parse_facts({"looked_after": True, "responsible_authority": "another_authority_in_england",
                 "child_or_sibling_looked_after": False})  # an English authority's child: not Article 25


def test_the_web_form_asks_the_nation_and_decides_a_cross_border_case_under_both_nations() -> None:
    import warnings

    with warnings.catch_warnings():  # Starlette's TestClient warning, as in test_web
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from scr_eligibility.cli import web

    client = TestClient(web.create_app())
    page = client.get("/").text
    assert 'name="deciding_nation"' in page and "In which nation is the deciding body?" in page
    answers = {"age": "8", "outcome": "died", "abuse_or_neglect": "known", "incident_date": "2022-03-01",
               "awareness_date": "2022-03-02", "deciding_nation": "england", "location": "in_wales",
               "normally_resident": "yes", "csrf": str(client.cookies["scr_csrf"])}
    result = client.post("/decide", data=answers)
    assert result.status_code == 200, result.text[:500]
    assert "Working Together 2018" in result.text and "Child Practice Reviews (Wales)" in result.text
    # The note naming the Welsh board travels with the decision (its JSON); the pages that show notes are the
    # renderers' (What to do now).
    from scr_eligibility.cli.render import render_json

    decision = evaluate({**BASE, "deciding_nation": "england", "location": "in_wales", "normally_resident": True})
    assert '"tell-the-welsh-board"' in render_json(decision)
