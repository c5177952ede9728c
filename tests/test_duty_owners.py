"""Whose duty it is (issue 12.2): a duty names its real owner, and another body's duty is a next step, not "no duty".

Each test quotes the law it holds the engine to.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from scr_eligibility import evaluate
from scr_eligibility.criteria.catalogue import get_edition

BASE: dict[str, Any] = {"age": 3, "outcome": "died", "abuse_or_neglect": "suspected",
                        "incident_date": "2024-02-28", "awareness_date": "2024-03-01"}


def _determinations(edition: str, **facts: Any) -> dict[str, Any]:
    decision = evaluate({**BASE, **facts}, editions=[edition])
    return {d.id: d for d in decision.editions[0].determinations}


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_a_death_elsewhere_in_england_names_the_authority_that_must_notify(edition: str) -> None:
    """s16C(1)(a): "the local authority must notify ... if (a) the child dies or is seriously harmed in the local
    authority's area"; the Panel: "responsibility to notify rests with the local authority of where the serious
    incident took place". Not a bare "no duty": the decision says whose duty it is and what this authority does."""
    panel = _determinations(edition, location="elsewhere_in_england")["panel_notification"]
    assert panel.outcome == "for_the_authority_where_it_happened"
    assert "where the child died or was seriously harmed" in (panel.owed_by or "")
    assert not panel.duties
    step, = panel.next_steps
    assert step.action.startswith("Make sure the local authority for the area where the child died")
    assert "s16C(1)(a)" in step.source and "responsibility to notify rests with" in step.source
    assert step.by.startswith("This local authority")


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_harm_outside_england_of_a_child_living_elsewhere_in_england_is_that_authoritys(edition: str) -> None:
    """s16C(1)(b): "while normally resident in the local authority's area, the child dies or is seriously harmed
    outside England": the authority where the child normally lived owes it, and this one should tell it."""
    panel = _determinations(edition, location="in_scotland", normally_resident=False,
                            normally_resident_in="elsewhere_in_england")["panel_notification"]
    assert panel.outcome == "for_the_authority_where_the_child_lived"
    assert "s16C(1)(b)" in (panel.owed_by or "")
    assert [s.id for s in panel.next_steps] == ["tell_the_authority_where_the_child_lived"]


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_a_child_harmed_elsewhere_who_dies_here_is_this_authoritys_too(edition: str) -> None:
    """s16C(1)(a) "dies or is seriously harmed in the local authority's area": a baby shaken in one area who dies in
    a hospital in another is for both authorities; the deciding one notifies, and a note says the other must too."""
    decision = evaluate({**BASE, "location": "elsewhere_in_england", "death_location": "in_area"}, editions=[edition])
    result = decision.editions[0]
    assert result.primary.outcome == "notify_panel"
    assert "both-authorities-notify" in [n.id for n in result.notes]
    harmed_here = evaluate({**BASE, "location": "in_area", "death_location": "elsewhere_in_england"},
                           editions=[edition]).editions[0]
    assert harmed_here.primary.outcome == "notify_panel"
    assert "both-authorities-notify" in [n.id for n in harmed_here.notes]


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_the_looked_after_child_death_notification_is_the_looking_after_authoritys(edition: str) -> None:
    """Children Act 1989 Sch 2 para 20(1): "If a child who is being looked after by a local authority dies, the
    authority— (a) shall notify the Secretary of State": a statute, and the duty of the authority that looked after
    the child, which may not be the deciding one."""
    other = _determinations(edition, location="in_area", looked_after=True,
                            responsible_authority="another_authority_in_england")["looked_after_death_notification"]
    assert other.outcome == "for_the_authority_that_looked_after_the_child"
    assert not other.duties and "looked after the child" in (other.owed_by or "")
    step, = other.next_steps
    assert "Sch 2 para 20(1)" in step.source
    this = _determinations(edition, location="in_area", looked_after=True,
                           responsible_authority="this_authority")["looked_after_death_notification"]
    assert this.outcome == "notify_secretary_of_state_and_ofsted"
    duty, = this.duties
    assert duty.basis == "statute" and duty.source.startswith("Children Act 1989 Sch 2 para 20(1)(a)")


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_an_unstated_looking_after_authority_is_presumed_this_one_and_said_so(edition: str) -> None:
    """Unknown is a value: without responsible_authority the deciding authority is presumed to be the one that looked
    after the child (para 20(1) "the authority"), the decision says the outcome rests on that presumption, and
    names the fact that would change it."""
    notification = _determinations(edition, location="in_area", looked_after=True)["looked_after_death_notification"]
    assert notification.outcome == "notify_secretary_of_state_and_ofsted"
    assert "responsible_authority" in notification.deciding_facts
    assert any("presumption" in c and "responsible_authority" in c for c in notification.caveats)


def test_a_care_leavers_death_is_notified_by_the_authority_responsible_for_the_care_leaver() -> None:
    """Working Together 2023 ch5: the local authority should notify the Secretary of State and Ofsted of the death of
    a care leaver up to and including age 24: the authority responsible for the care leaver, not the deciding one."""
    facts = {"age": 20, "outcome": "died", "abuse_or_neglect": "not_known_or_suspected", "location": "in_area",
             "care_leaver": True, "looked_after": False, "awareness_date": "2024-06-04",
             "responsible_authority": "another_authority_in_england"}
    result = evaluate(facts, editions=["wt2023"]).editions[0]
    care = next(d for d in result.determinations if d.id == "care_leaver_death_notification")
    assert care.outcome == "for_the_authority_responsible_for_the_care_leaver"
    assert [s.id for s in care.next_steps] == ["tell_the_authority_responsible_for_the_care_leaver"]


def test_the_owner_and_next_steps_are_data_in_the_json_and_absent_where_unused() -> None:
    """The decision carries whose duty it is and the next steps as data (for renderers and callers); a determination
    that has neither dumps as it did before they existed (no null owed_by, no empty next_steps)."""
    data = json.loads(evaluate({**BASE, "location": "elsewhere_in_england"}, editions=["wt2023"]).model_dump_json())
    panel = data["editions"][0]["determinations"][0]
    assert panel["owed_by"] and panel["next_steps"][0]["id"] == "tell_the_authority_where_it_happened"
    plain = json.loads(evaluate({**BASE, "location": "in_area"}, editions=["wt2023"]).model_dump_json())
    for determination in plain["editions"][0]["determinations"]:
        assert "owed_by" not in determination and "next_steps" not in determination


def test_version_2_is_kept_unchanged_for_the_records_made_under_it() -> None:
    """Decisions were recorded under wt2018@2 and wt2023@2: they replay under those versions, which still give "no
    duty" for a death elsewhere in England; the new answer is version 3's."""
    for edition in ("wt2018@2", "wt2023@2"):
        result = evaluate({**BASE, "location": "elsewhere_in_england"}, editions=[get_edition(edition)]).editions[0]
        assert result.primary.outcome == "no_duty" and result.primary.owed_by is None


# ----------------------------------------------------------------------------- from when (issue 12.3)

POST_MORTEM = {"age": 0, "outcome": "died", "abuse_or_neglect": "suspected", "location": "in_area",
               "incident_date": "2024-02-01", "awareness_date": "2024-02-01",
               "abuse_or_neglect_awareness_date": "2024-03-04"}


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_the_panel_and_rapid_review_clocks_run_from_when_abuse_or_neglect_was_known_or_suspected(edition: str) -> None:
    """s16C(1): "Where a local authority in England knows or suspects that a child has been abused or neglected, the
    local authority must notify": the duty, and so its five working days (and the rapid review's fifteen), start
    when abuse or neglect is first known or suspected, here a post-mortem finding weeks after the death."""
    result = evaluate(POST_MORTEM, editions=[edition]).editions[0]
    duties = {u.id: u for d in result.determinations for u in d.duties}
    assert str(duties["notify_panel"].due) == "2024-03-11"  # Mon 4 March + 5 working days, not 8 February
    assert str(duties["report_to_safeguarding_partners"].due) == "2024-03-11"
    assert str(duties["rapid_review"].due) == "2024-03-25"
    for duty in ("notify_panel", "rapid_review"):
        started = duties[duty].started
        assert started is not None and started.fact == "abuse_or_neglect_awareness_date"
        assert "first knew or suspected abuse or neglect (2024-03-04" in started.words
        assert "knew or suspected that the child had been abused or neglected" in (duties[duty].deadline or "")


def test_without_a_later_date_the_clock_runs_from_the_awareness_date_and_says_so() -> None:
    """Abuse or neglect known or suspected from the start: "within five working days of becoming aware"; the decision
    says the awareness date started the clock."""
    facts = {k: v for k, v in POST_MORTEM.items() if k != "abuse_or_neglect_awareness_date"}
    notify = evaluate(facts, editions=["wt2023"]).editions[0].determinations[0].duties[0]
    assert str(notify.due) == "2024-02-08"
    assert notify.started is not None and notify.started.fact == "awareness_date"
    assert "known or suspected from then" in notify.started.words


def test_the_lscb_month_runs_from_the_notification() -> None:
    """Working Together 2015 ch4: "This decision should normally be made within one month of notification of the
    incident": the due date comes from notification_date, and the decision says that date started the clock."""
    facts = {"age": 0, "outcome": "died", "abuse_or_neglect": "suspected", "location": "in_area",
             "normally_resident": True, "incident_date": "2017-01-30", "awareness_date": "2017-01-31",
             "notification_date": "2017-02-03"}
    scr = evaluate(facts, editions=["wt2015"]).editions[0].primary
    decide = next(u for u in scr.duties if u.id == "lscb_decision")
    assert str(decide.due) == "2017-03-03"
    assert decide.started is not None and decide.started.fact == "notification_date"
    without = evaluate({k: v for k, v in facts.items() if k != "notification_date"}, editions=["wt2015"])
    assert next(u for u in without.editions[0].primary.duties if u.id == "lscb_decision").due is None


def test_the_clock_start_is_shown_in_the_table_and_markdown() -> None:
    """Every text output says which date started which clock."""
    from scr_eligibility.cli.render.markdown import render_markdown
    from scr_eligibility.cli.render.text import render_table

    decision = evaluate(POST_MORTEM, editions=["wt2023"])
    for text in (render_table(decision), render_markdown(decision)):
        assert "the clock started on the date the local authority first knew or suspected abuse or neglect" in \
            " ".join(text.split())


# ----------------------------------------------------------------------------- what the facts imply (issue 12.4)

SEXUAL_ABUSE = {"age": 12, "outcome": "seriously_harmed", "sexual_abuse": True, "location": "in_area",
                "incident_date": "2024-02-01", "awareness_date": "2024-02-01"}


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_an_unknown_abuse_or_neglect_is_read_from_known_or_suspected_sexual_abuse_as_an_inference(edition: str) -> None:
    """s16C(1) "knows or suspects that a child has been abused or neglected": known or suspected sexual abuse is
    known or suspected abuse. With abuse_or_neglect unanswered the duty is met, and the decision shows the
    inference (the condition it met, and a note naming both facts), not a hidden answer."""
    result = evaluate(SEXUAL_ABUSE, editions=[edition]).editions[0]
    assert result.primary.outcome == "notify_panel"
    criterion = next(c for c in result.criteria if c.id == "s16C-1a")
    assert any(e.fact == "sexual_abuse" and "inferred from known or suspected sexual abuse" in e.condition
               for e in criterion.evidence)
    note = next(n for n in result.notes if n.id == "abuse-inferred-from-sexual-abuse")
    assert "abuse_or_neglect" in note.text and "sexual_abuse" in note.text and "inference" in note.text


@pytest.mark.parametrize("edition", ["wt2018", "wt2023"])
def test_the_inference_is_not_made_over_an_answer(edition: str) -> None:
    """Unknown is a value; an answer is not overridden: with abuse_or_neglect answered the note is not shown, and
    without sexual abuse known the duty stays open on abuse_or_neglect (never turned into "no")."""
    answered = evaluate({**SEXUAL_ABUSE, "abuse_or_neglect": "known"}, editions=[edition]).editions[0]
    assert answered.primary.outcome == "notify_panel"
    assert "abuse-inferred-from-sexual-abuse" not in [n.id for n in answered.notes]
    open_ = evaluate({**SEXUAL_ABUSE, "sexual_abuse": False}, editions=[edition]).editions[0]
    assert open_.primary.outcome == "undetermined" and "abuse_or_neglect" in open_.primary.deciding_facts
    none = evaluate({**SEXUAL_ABUSE, "sexual_abuse": None, "abuse_or_neglect": "not_known_or_suspected"},
                    editions=[edition]).editions[0]
    assert none.primary.outcome == "no_duty"


@pytest.mark.parametrize(("edition", "day"), [("wt2006", "2008-05-02"), ("wt2010", "2011-05-02"),
                                               ("wt2013", "2014-05-02"), ("wt2015", "2017-05-02")])
def test_the_lscb_editions_put_the_looked_after_death_notification_on_the_looking_after_authority(
        edition: str, day: str) -> None:
    """Children Act 1989 Sch 2 para 20(1): "If a child who is being looked after by a local authority dies, the
    authority— (a) shall notify the Secretary of State" (the LSCB editions' later versions; version 1 is kept for
    the records made under it: there the reading only said so in words, and wt2015's had no such determination)."""
    facts = {"age": 15, "outcome": "died", "abuse_or_neglect": "not_known_or_suspected", "looked_after": True,
             "awareness_date": day, "responsible_authority": "another_authority_in_england"}
    result = evaluate(facts, editions=[edition]).editions[0]
    assert result.version >= 2
    lac = next(d for d in result.determinations if d.id == "looked_after_death_notification")
    assert lac.outcome == "for_the_authority_that_looked_after_the_child" and not lac.duties
    assert [s.id for s in lac.next_steps] == ["tell_the_authority_that_looked_after_the_child"]
    old = {d.id: d.outcome for d in evaluate(facts, editions=[get_edition(edition, 1)]).editions[0].determinations}
    assert old.get("looked_after_death_notification") == (None if edition == "wt2015" else "notify_secretary_of_state")


LSCB_DAYS = [("wt2006", "2008-05-02"), ("wt2010", "2011-05-02"), ("wt2013", "2014-05-02"), ("wt2015", "2017-05-02")]


@pytest.mark.parametrize(("edition", "day"), LSCB_DAYS)
def test_the_lscb_editions_read_an_unknown_abuse_or_neglect_from_sexual_abuse_as_an_inference(
        edition: str, day: str) -> None:
    """LSCB Regulations 2006 reg 5(2)(a) "abuse or neglect of a child is known or suspected": known or suspected
    sexual abuse is known or suspected abuse. A death with sexual abuse suspected and abuse_or_neglect unanswered
    is a serious case (M1), the condition that met it says it is inferred, and a note names both facts. The
    versions before the inference still leave it open (their records replay unchanged)."""
    facts = {"age": 13, "outcome": "died", "sexual_abuse": True, "normally_resident": True,
             "incident_date": day, "awareness_date": day}
    result = evaluate(facts, editions=[edition]).editions[0]
    assert result.primary.outcome == "scr_required"
    m1 = next(c for c in result.criteria if c.id == "M1")
    assert m1.status == "met" and any(
        e.fact == "sexual_abuse" and "inferred from known or suspected sexual abuse" in e.condition
        for e in m1.evidence)
    note = next(n for n in result.notes if n.id == "abuse-inferred-from-sexual-abuse")
    assert "abuse_or_neglect" in note.text and "sexual_abuse" in note.text and "inference" in note.text
    before = get_edition(edition, result.version - 1)
    old = evaluate(facts, editions=[before]).editions[0]
    assert next(c for c in old.criteria if c.id == "M1").status == "unknown"


@pytest.mark.parametrize(("edition", "day"), LSCB_DAYS)
def test_the_lscb_editions_make_no_inference_over_an_answer(edition: str, day: str) -> None:
    """Unknown is a value, and an answer is not overridden: abuse or neglect answered, no note; sexual abuse not
    known, abuse_or_neglect unanswered: M1 stays unknown (never "no")."""
    facts = {"age": 13, "outcome": "died", "normally_resident": True, "incident_date": day, "awareness_date": day}
    answered = evaluate({**facts, "sexual_abuse": True, "abuse_or_neglect": "known"}, editions=[edition]).editions[0]
    assert answered.primary.outcome == "scr_required"
    assert "abuse-inferred-from-sexual-abuse" not in [n.id for n in answered.notes]
    open_ = evaluate({**facts, "sexual_abuse": False}, editions=[edition]).editions[0]
    assert next(c for c in open_.criteria if c.id == "M1").status == "unknown"
    assert "abuse_or_neglect" in open_.primary.deciding_facts


REMAND_DAYS = [("wt2013", "2014-05-02", "notify_secretary_of_state"), ("wt2015", "2017-05-02", "notify_secretary_of_state"),
               ("wt2018", "2021-05-04", "notify_secretary_of_state_and_ofsted"),
               ("wt2023", "2024-05-02", "notify_secretary_of_state_and_ofsted")]


@pytest.mark.parametrize(("edition", "day", "notify"), REMAND_DAYS)
@pytest.mark.parametrize("remand", ["youth_detention_accommodation", "local_authority_accommodation"])
def test_a_child_on_remand_is_read_as_looked_after_as_an_inference(edition: str, day: str, notify: str,
                                                                   remand: str) -> None:
    """LASPO 2012 s104(1): a child "remanded to youth detention accommodation is to be treated as a child who is
    looked after by the designated authority" (and one remanded to local authority accommodation is provided
    with accommodation by it: Children Act 1989 s22(1)). With looked_after unanswered the death is a looked
    after child's death for the designated authority (Sch 2 para 20), the condition says it is inferred and a
    note names both facts; the version before still leaves it open (its records replay unchanged)."""
    facts = {"age": 16, "outcome": "died", "abuse_or_neglect": "not_known_or_suspected", "custody": "on_remand",
             "remanded_to": remand, "responsible_authority": "this_authority", "normally_resident": True,
             "location": "in_area", "incident_date": day, "awareness_date": day}
    result = evaluate(facts, editions=[edition]).editions[0]
    lac = next(d for d in result.determinations if d.id == "looked_after_death_notification")
    assert lac.outcome == notify
    criterion = next(c for c in result.criteria if c.id == "LAC-death")
    assert any(e.fact == "remanded_to" and "inferred from the remand" in e.condition for e in criterion.evidence)
    note = next(n for n in result.notes if n.id == "looked-after-inferred-from-remand")
    assert "looked_after" in note.text and "remanded_to" in note.text and "inference" in note.text
    answered = evaluate({**facts, "looked_after": True}, editions=[edition]).editions[0]
    assert "looked-after-inferred-from-remand" not in [n.id for n in answered.notes]
    before = get_edition(edition, result.version - 1)
    old = {d.id: d.outcome for d in evaluate(facts, editions=[before]).editions[0].determinations}
    assert old.get("looked_after_death_notification") in (None, "undetermined")


@pytest.mark.parametrize(("edition", "day", "notify"), REMAND_DAYS)
def test_without_the_remand_an_unanswered_looked_after_stays_unknown(edition: str, day: str, notify: str) -> None:
    """Unknown is a value: custody other than remand, or no remand given, infers nothing."""
    facts = {"age": 16, "outcome": "died", "abuse_or_neglect": "not_known_or_suspected", "custody": "none",
             "responsible_authority": "this_authority", "normally_resident": True, "location": "in_area",
             "incident_date": day, "awareness_date": day}
    result = evaluate(facts, editions=[edition]).editions[0]
    lac = next(d for d in result.determinations if d.id == "looked_after_death_notification")
    assert lac.outcome == "undetermined" and "looked_after" in lac.deciding_facts
