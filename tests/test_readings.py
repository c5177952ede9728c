"""Readings of the law's open points: declared in the edition files, evaluated, and shown in the decision.

Each test of a reading states the passage and shows that the other option gives a different answer where the
words are open (and the same answer where they are not).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from scr_eligibility.criteria import all_editions, derive, get_edition, latest_editions, readings_of
from scr_eligibility.criteria.loader import load_edition_bytes
from scr_eligibility.criteria.model import All, Any_, Choice, Leaf, Not, Ref
from scr_eligibility.criteria.readings import EFFECTS, is_condition_reading
from scr_eligibility.engine import evaluate
from scr_eligibility.engine.readings import NO_CHANGE, NOT_APPLICABLE, age_by_28_february
from scr_eligibility.errors import CriteriaError, InputError
from scr_eligibility.rules import ruleset_for

FULL = {"life_threatening_injury": False, "serious_permanent_impairment": False, "sexual_abuse": False,
        "violent_assault": "none", "parent_murdered": False, "domestic_homicide_review": False,
        "mental_health_act_detention": False, "deprivation_of_liberty": "none", "looked_after": False,
        "regulated_setting": False, "normally_resident": True, "custody": "none", "custody_setting": "other",
        "inter_agency_concerns": "definitive_evidence_of_none", "killed_by_parent_with_mental_illness": False}


def case(**facts: object) -> dict[str, object]:
    return {**FULL, **facts}


def edition_of(decision, edition_id: str):
    return next(e for e in decision.editions if e.edition == edition_id)


def reading_of(result, reading_id: str):
    return next(r for r in result.readings if r.id == reading_id)


# ----------------------------------------------------------------------------- the readings of issue 11.2

def test_lscb_discretionary_list_guidance_needs_harm_and_concern_seed_stands_alone() -> None:
    """WT2010 para 8.11: "LSCBs may decide to conduct a SCR whenever a child has been seriously harmed in any of the
    following situations and the case gives rise to concerns about the way in which local professionals and services
    worked together" -- the seed page lists "a parent has been murdered and a domestic homicide review is being
    initiated" on its own."""
    facts = case(incident_date="2011-05-09", awareness_date="2011-05-10", age=6, outcome="neither",
                 abuse_or_neglect="not_known_or_suspected", parent_murdered=True, domestic_homicide_review=True,
                 inter_agency_concerns="concerns")
    default = edition_of(evaluate(facts), "wt2010")
    assert default.primary.outcome == "not_met"
    reading = reading_of(default, "lscb-discretionary-list")
    assert (reading.applied, reading.chosen_by) == ("guidance", "default")
    [seed] = reading.alternatives
    assert seed.option == "seed" and [o.outcome for o in seed.outcomes] == ["scr_may_be_undertaken"]
    assert seed.summary == ("Under the reading that the discretionary list stands on its own, as the seed page lists "
                            "it: five situations, each enough alone, the outcome would be SCR may be undertaken "
                            "(the LSCB decides).")
    chosen = edition_of(evaluate(facts, readings={"lscb-discretionary-list": "seed"}), "wt2010")
    assert chosen.primary.outcome == "scr_may_be_undertaken"
    assert reading_of(chosen, "lscb-discretionary-list").chosen_by == "caller"
    assert [o.outcome for o in reading_of(chosen, "lscb-discretionary-list").alternatives[0].outcomes] == ["not_met"]


def test_lscb_discretionary_list_is_not_shown_where_both_readings_agree() -> None:
    """A child seriously harmed in an assault by another child, with concerns about how services worked together,
    is a discretionary case under either reading: the decision says in one line that no reading changes anything."""
    facts = case(incident_date="2011-10-14", awareness_date="2011-10-17", age=14, outcome="seriously_harmed",
                 abuse_or_neglect="not_known_or_suspected", violent_assault="by_child", inter_agency_concerns="concerns")
    result = edition_of(evaluate(facts), "wt2010")
    assert result.primary.outcome == "scr_may_be_undertaken"
    assert result.readings == () and result.readings_note == NO_CHANGE


def test_reg5_serious_harm_regulation_by_default_guidance_of_the_day_as_alternative() -> None:
    """reg 5(2)(b)(ii): "the child has been seriously harmed and there is cause for concern as to the way in which
    the authority, their Board partners or other relevant persons have worked together" -- a serious case; WT2006
    said "always" only of a death."""
    facts = case(incident_date="2008-05-12", awareness_date="2008-05-13", age=7, outcome="seriously_harmed",
                 abuse_or_neglect="known", inter_agency_concerns="concerns")
    result = edition_of(evaluate(facts), "wt2006")
    assert result.primary.outcome == "scr_required"
    [guidance] = reading_of(result, "reg5-serious-harm").alternatives
    assert [o.outcome for o in guidance.outcomes] == ["scr_may_be_undertaken"]


def test_detention_limb_needs_death_by_default() -> None:
    """WT2015: "The same applies where a child dies who was detained under the Mental Health Act 1983 or where a
    child aged 16 or 17 was the subject of a deprivation of liberty order under the Mental Capacity Act 2005"."""
    facts = case(incident_date="2016-05-09", awareness_date="2016-05-10", age=17, outcome="seriously_harmed",
                 abuse_or_neglect="not_known_or_suspected", deprivation_of_liberty="mental_capacity_act_2005")
    result = edition_of(evaluate(facts), "wt2015")
    assert result.primary.outcome == "not_met"
    [alone] = reading_of(result, "detention-limb-needs-death").alternatives
    assert {o.determination: o.outcome for o in alone.outcomes} == {
        "scr": "scr_required", "notifiable_incident": "notify_ofsted_and_lscb"}
    died = edition_of(evaluate({**facts, "outcome": "died"}), "wt2015")
    assert died.primary.outcome == "scr_required"
    assert all(r.id != "detention-limb-needs-death" for r in died.readings)  # both readings agree on a death


def test_wt2013_mental_health_act_limb_reading_needs_death() -> None:
    """WT2013: "an SCR should always be carried out when a child dies in custody ... or where the child was detained
    under the Mental Health Act 2005" [sic]."""
    facts = case(incident_date="2014-05-12", awareness_date="2014-05-13", age=16, outcome="seriously_harmed",
                 abuse_or_neglect="not_known_or_suspected", mental_health_act_detention=True)
    assert edition_of(evaluate(facts), "wt2013").primary.outcome == "not_met"
    chosen = evaluate(facts, readings={"detention-limb-needs-death": "detention_alone"})
    assert edition_of(chosen, "wt2013").primary.outcome == "scr_required"


def test_secure_childrens_home_on_welfare_grounds_counts_by_default() -> None:
    """WT2015: an SCR "should always be carried out when a child dies ... in a secure children's home": the place
    is named without asking why the child was there (Children Act 1989 s25 placements included)."""
    facts = case(incident_date="2016-05-09", awareness_date="2016-05-10", age=14, outcome="died",
                 abuse_or_neglect="not_known_or_suspected", custody_setting="secure_childrens_home",
                 secure_childrens_home_basis="welfare", looked_after=True)
    result = edition_of(evaluate(facts), "wt2015")
    assert result.primary.outcome == "scr_required"
    [youth_justice] = reading_of(result, "m3-secure-childrens-home").alternatives
    assert [o.outcome for o in youth_justice.outcomes if o.determination == "scr"] == ["not_met"]
    sentenced = edition_of(evaluate({**facts, "secure_childrens_home_basis": "youth_justice"}), "wt2015")
    assert all(r.id != "m3-secure-childrens-home" for r in sentenced.readings)


def test_death_on_remand_outside_secure_accommodation_is_not_custody_by_default() -> None:
    """WT2015: "when a child dies in custody, in police custody, on remand or following sentencing"; a remand to
    local authority accommodation is "a remand to accommodation provided by or on behalf of a local authority"
    (LASPO 2012 s92(1)), not custody."""
    facts = case(incident_date="2016-05-09", awareness_date="2016-05-10", age=16, outcome="died",
                 abuse_or_neglect="not_known_or_suspected", custody="on_remand",
                 remanded_to="local_authority_accommodation", looked_after=True)
    result = edition_of(evaluate(facts), "wt2015")
    assert result.primary.outcome == "not_met"
    assert {c.id: c.status for c in result.criteria}["M3"] == "not_met"
    [any_remand] = reading_of(result, "m3-remand").alternatives
    assert [o.outcome for o in any_remand.outcomes] == ["scr_required"]
    in_detention = edition_of(evaluate({**facts, "remanded_to": "youth_detention_accommodation"}), "wt2015")
    assert in_detention.primary.outcome == "scr_required"
    assert all(r.id != "m3-remand" for r in in_detention.readings)


def test_s16c_reaches_earlier_harm_by_default_and_the_alternative_keeps_the_2015_route() -> None:
    """s16C in force 29 June 2018; gov.uk: "From 29 June 2018 local authorities in England must notify the national
    Child Safeguarding Practice Review Panel within 5 working days of becoming aware of a serious incident"."""
    facts = case(incident_date="2018-06-20", awareness_date="2018-07-02", age=15, outcome="died",
                 abuse_or_neglect="known", location="in_area")
    decision = evaluate(facts)
    wt2018, wt2015 = edition_of(decision, "wt2018"), edition_of(decision, "wt2015")
    assert wt2018.primary.outcome == "notify_panel"
    assert {d.id: d.outcome for d in wt2015.determinations}["notifiable_incident"] == "replaced_by_panel_notification"
    [later] = reading_of(wt2018, "s16c-earlier-harm").alternatives
    assert {o.outcome for o in later.outcomes} == {NOT_APPLICABLE}
    [route] = reading_of(wt2015, "s16c-earlier-harm").alternatives
    # The 2015 route: the notification to Ofsted and the LSCB, and (wt2015@2) the edition's own looked after child
    # death notification, which the Working Together 2018 edition gives otherwise.
    assert [(o.determination, o.outcome) for o in route.outcomes] == [
        ("notifiable_incident", "notify_ofsted_and_lscb"), ("looked_after_death_notification", "not_required")]
    chosen = evaluate(facts, readings={"s16c-earlier-harm": "from_commencement_only"})
    assert {d.outcome for d in edition_of(chosen, "wt2018").determinations} == {NOT_APPLICABLE}
    notification = {d.id: d for d in edition_of(chosen, "wt2015").determinations}["notifiable_incident"]
    assert notification.outcome == "notify_ofsted_and_lscb" and notification.duties[0].due.isoformat() == "2018-07-09"
    after = edition_of(evaluate({**facts, "incident_date": "2018-06-30"}), "wt2018")
    assert all(r.id != "s16c-earlier-harm" for r in after.readings)  # harm after commencement: both readings agree


def test_anniversary_of_29_february_is_1_march_by_default() -> None:
    """Family Law Reform Act 1969 s9 (as the Northern Ireland twin reads): a person attains an age at "the
    commencement of the relevant anniversary of the date of his birth" -- which, for 29 February, is open."""
    facts = case(date_of_birth="2000-02-29", incident_date="2018-02-28", awareness_date="2018-03-01",
                 outcome="died", abuse_or_neglect="known")
    result = edition_of(evaluate(facts), "wt2015")
    assert result.primary.outcome == "scr_required"
    reading = reading_of(result, "anniversary-29-february")
    assert reading.applied == "march_1" and "aged 17 on 2018-02-28" in reading.effect
    assert [o.outcome for o in reading.alternatives[0].outcomes if o.determination == "scr"] == ["not_met"]
    chosen = edition_of(evaluate(facts, readings={"anniversary-29-february": "february_28"}), "wt2015")
    assert chosen.primary.outcome == "not_met"
    assert "aged 18" in reading_of(chosen, "anniversary-29-february").effect
    march = edition_of(evaluate({**facts, "incident_date": "2018-03-01", "awareness_date": "2018-03-02"}), "wt2015")
    assert march.primary.outcome == "not_met" and march.readings == ()  # 1 March: 18 under either reading


def test_anniversary_reading_reaches_the_care_leaver_age_under_wt2023() -> None:
    """WT2023: the death of a care leaver "up to and including the age of 24"."""
    facts = {"date_of_birth": "2000-02-29", "incident_date": "2025-02-28", "awareness_date": "2025-03-03",
             "outcome": "died", "care_leaver": True, "abuse_or_neglect": "not_known_or_suspected", "location": "in_area"}
    result = edition_of(evaluate(facts), "wt2023")
    determinations = {d.id: d.outcome for d in result.determinations}
    assert determinations["care_leaver_death_notification"] == "notify_secretary_of_state_and_ofsted"
    [february] = reading_of(result, "anniversary-29-february").alternatives
    assert [o.outcome for o in february.outcomes] == ["not_required"]


def test_age_by_28_february_differs_only_on_28_february_of_a_common_year() -> None:
    import datetime as dt
    birth = dt.date(2000, 2, 29)
    assert age_by_28_february(birth, dt.date(2018, 2, 28)) == 18
    assert age_by_28_february(birth, dt.date(2018, 2, 27)) == 17
    assert age_by_28_february(birth, dt.date(2020, 2, 28)) == 19  # a leap year: the birthday is the 29th
    assert age_by_28_february(dt.date(2000, 3, 1), dt.date(2018, 2, 28)) == 17


# ----------------------------------------------------------------------------- the caller's options

def test_an_unknown_reading_or_option_is_an_input_error_with_a_suggestion() -> None:
    facts = case(incident_date="2011-05-09", awareness_date="2011-05-10", age=6, outcome="died", abuse_or_neglect="known")
    with pytest.raises(InputError) as caught:
        evaluate(facts, readings={"lscb-discretionary-lists": "seed", "reg5-serious-harm": "regulations"})
    problems = {p.location: p for p in caught.value.problems}
    assert "did you mean lscb-discretionary-list?" in problems["readings"].suggestion
    assert problems["readings.reg5-serious-harm"].suggestion == "did you mean regulation?"
    with pytest.raises(InputError, match="readings must map"):
        evaluate(facts, readings=["seed"])


def test_a_reading_of_another_edition_has_no_effect_on_this_decision() -> None:
    """A batch may pass one set of options for cases of every date."""
    facts = {"incident_date": "2024-05-01", "awareness_date": "2024-05-02", "age": 6, "outcome": "died",
             "abuse_or_neglect": "known", "location": "in_area"}
    plain = evaluate(facts)
    assert evaluate(facts, readings={"lscb-discretionary-list": "seed"}).model_dump() == plain.model_dump()


def test_readings_of_lists_each_reading_with_its_options_default_and_sources() -> None:
    readings = {r["id"]: r for r in readings_of(get_edition("wt2010"))}
    listed = readings["lscb-discretionary-list"]
    assert listed["default"] == "guidance" and [o["id"] for o in listed["options"]] == ["guidance", "seed"]
    assert all(o["sources"] for o in listed["options"]) and listed["why_default"]
    assert readings_of(get_edition("wt2018@1")) == []


# ----------------------------------------------------------------------------- JSON and editions without readings

def test_editions_without_readings_or_notes_serialise_without_those_fields() -> None:
    """The released editions' decision JSON is unchanged: the new fields are left out when empty."""
    facts = case(incident_date="2017-03-01", awareness_date="2017-03-02", age=2, outcome="died",
                 abuse_or_neglect="suspected", location="in_area")
    for ref in ("lscb-scr-2006@1", "wt2018@1", "wt2023@1"):
        data = json.loads(evaluate(facts, editions=[ref]).model_dump_json())["editions"][0]
        assert not {"readings", "readings_note", "notes"} & set(data), ref
    data = json.loads(evaluate(facts).model_dump_json())["editions"][0]
    assert data["edition"] == "wt2015" and data["readings_note"] == NO_CHANGE


def test_a_decision_with_readings_round_trips_through_json() -> None:
    from scr_eligibility.engine.decision import Decision
    facts = case(incident_date="2018-06-20", awareness_date="2018-07-02", age=15, outcome="died",
                 abuse_or_neglect="known", location="in_area", custody="police_custody")
    decision = evaluate(facts)
    assert Decision.model_validate_json(decision.model_dump_json()) == decision


# ----------------------------------------------------------------------------- declared and validated on load

EDITION = """\
id: test-readings
version: 1
title: "A test edition"
short_title: "Test"
in_force: {from: 2010-01-01}
summary: "For the loader's tests."
readings:
  - id: harm
    question: "Does harm count?"
    default: death
    why_default: "Because."
    options:
      - {id: death, says: "only a death", sources: ["here"]}
      - {id: harm, says: "harm too", sources: ["there"]}
criteria:
  - id: C1
    kind: mandatory
    title: "C1"
    text: "words"
    citation: "somewhere"
    condition:
      reading: harm
      options:
        death: {fact: outcome, op: eq, value: died}
        harm: {fact: outcome, op: ne, value: neither}
determinations:
  - id: d
    title: "D"
    outcomes:
      - {id: met, label: "Met", criteria: [C1]}
      - {id: none, label: "None"}
"""


def test_a_choice_is_resolved_to_the_default_on_load_and_derived_under_another_option() -> None:
    edition = load_edition_bytes(EDITION.encode(), "test.yaml")
    assert edition.content.criteria[0].condition == Leaf("outcome", "eq", "died")
    other = derive(edition, {"harm": "harm"})
    assert other.content.criteria[0].condition == Leaf("outcome", "ne", "neither")
    assert other.ref == "test-readings@1+harm=harm" and other.content_hash == edition.content_hash
    assert derive(edition, {"harm": "harm"}) is other  # cached
    assert derive(edition, {"harm": "death"}) is edition


@pytest.mark.parametrize(("change", "where"), [
    (("      reading: harm\n", "      reading: harms\n"), "criteria.C1.reading"),              # unknown reading
    (("        harm: {fact: outcome, op: ne, value: neither}\n", ""), "criteria.C1.reading (harm)"),  # missing option
    (("        death: {fact", "        died: {fact"), "criteria.C1.reading (harm)"),            # not an option
    (("default: death", "default: dead"), "readings.harm.default"),                          # default not an option
    (("      - {id: harm, says", "      - {id: harm, effect: sideways, says"), "readings.harm.options.death.effect"),
])
def test_a_bad_reading_or_choice_is_refused_on_load_naming_where(change: tuple[str, str], where: str) -> None:
    assert change[0] in EDITION
    with pytest.raises(CriteriaError) as caught:
        load_edition_bytes(EDITION.replace(*change).encode(), "test.yaml")
    assert where in [p.location for p in caught.value.problems], caught.value.problems


def test_a_reading_nothing_uses_is_refused() -> None:
    text = EDITION.replace("""    condition:
      reading: harm
      options:
        death: {fact: outcome, op: eq, value: died}
        harm: {fact: outcome, op: ne, value: neither}""", "    condition: {fact: outcome, op: eq, value: died}")
    with pytest.raises(CriteriaError) as caught:
        load_edition_bytes(text.encode(), "test.yaml")
    assert [p.location for p in caught.value.problems] == ["readings.harm"]


def _no_choices(condition) -> bool:
    if isinstance(condition, Choice):
        return False
    if isinstance(condition, (All, Any_)):
        return all(_no_choices(i) for i in condition.items)
    if isinstance(condition, Not):
        return _no_choices(condition.item)
    return isinstance(condition, (Leaf, Ref))


def _option_sets(edition):
    readings = [r for r in edition.content.readings if is_condition_reading(r)]
    for combo in itertools.product(*(r.option_ids for r in readings)):
        yield dict(zip((r.id for r in readings), combo))


@pytest.mark.parametrize("edition", all_editions(), ids=lambda e: e.ref)
def test_every_edition_compiles_under_every_combination_of_its_readings(edition) -> None:
    """durable_rules refuses some large expressions (error 113): every derived edition must compile."""
    for options in _option_sets(edition):
        derived = derive(edition, options)
        assert all(_no_choices(c.condition) for c in derived.content.criteria)
        assert ruleset_for(derived).compiled.facts_read


def test_every_effect_an_edition_names_is_one_the_engine_knows() -> None:
    for edition in all_editions():
        for reading in edition.content.readings:
            assert all(o.effect is None or o.effect in EFFECTS for o in reading.options)


# ----------------------------------------------------------------------------- the shipped editions' words

def test_no_internal_note_inside_a_citation_of_a_new_edition() -> None:
    """Issue 11.5: no "as listed on the seed page" inside a citation; "child" cites Children Act 2004 s65(1)."""
    for edition in latest_editions():
        if edition.id == "lscb-scr-2006":
            continue
        content = edition.content
        for item in (*content.definitions, *content.criteria):
            assert "as listed on the seed page" not in (item.citation or ""), (edition.ref, item.id)
        if content.nation != "england":
            continue  # Wales, Scotland and Northern Ireland define "child" in their own law
        child = next(d for d in content.definitions if d.id == "child")
        assert child.citation == "Children Act 2004 s65(1)" and "under the age of eighteen" in child.text


def test_the_looked_after_death_notification_is_recorded_as_the_statute_it_is() -> None:
    """Children Act 1989 Sch 2 para 20(1): "If a child who is being looked after by a local authority dies, the
    authority— (a) shall notify the Secretary of State"."""
    for edition_id in ("wt2006", "wt2010", "wt2013", "wt2018", "wt2023"):
        content = get_edition(edition_id).content
        criterion = next(c for c in content.criteria if c.id == "LAC-death")
        assert criterion.citation.startswith("Children Act 1989 Sch 2 para 20(1)"), edition_id
        duties = [d for det in content.determinations if det.id == "looked_after_death_notification"
                  for o in det.outcomes for d in o.duties]
        assert duties and all(d.basis == "statute" for d in duties), edition_id


def test_every_new_text_is_verbatim_or_marked_summary() -> None:
    """A text is a quotation (it opens with a quotation mark or quotes the source) or says it is a summary."""
    for edition in latest_editions():
        if edition.id == "lscb-scr-2006":
            continue
        for item in (*edition.content.definitions, *edition.content.criteria):
            if item.text is None:
                continue
            assert '"' in item.text or "summary" in item.text.lower(), (edition.ref, item.id)


def test_readme_editions_are_on_disk() -> None:
    """The new edition files ship with the package (criteria/editions/*.yaml is package data)."""
    names = {Path(e.path).name for e in all_editions()}
    assert {"wt2006.v1.yaml", "wt2006.v2.yaml", "wt2010.v1.yaml", "wt2010.v2.yaml", "wt2013.v1.yaml", "wt2013.v2.yaml",
            "wt2015.v1.yaml", "wt2018.v2.yaml", "wt2018.v3.yaml", "wt2023.v2.yaml", "wt2023.v3.yaml"} <= names
