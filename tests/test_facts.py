"""The fact set: strict validation, unknown kept as unknown, contradictions refused, safe loading."""

from __future__ import annotations

import datetime as _dt
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import fact_sets

from scr_eligibility.engine import load_case
from scr_eligibility.errors import InputError
from scr_eligibility.facts import FACT_NAMES, Facts, label, parse_facts


def problems(data: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_facts(data)
    return [str(p) for p in caught.value.problems]


def test_missing_null_and_unknown_are_all_kept_as_unknown() -> None:
    """A fact left out, written null or written 'unknown' is unknown (None), never False."""
    facts = parse_facts({"looked_after": None, "outcome": "unknown", "sexual_abuse": "Unknown"})
    assert facts.looked_after is None and facts.outcome is None and facts.sexual_abuse is None
    assert facts.regulated_setting is None
    assert set(facts.unknown_names()) == set(FACT_NAMES)


def test_an_unknown_field_is_refused_with_the_nearest_valid_name() -> None:
    """A misspelt fact name is named, with the nearest valid name suggested."""
    found = problems({"outcome": "died", "abuse_or_neglet": "known"})
    assert any("abuse_or_neglet" in p and "did you mean abuse_or_neglect?" in p for p in found)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("age", "14", "whole number"),
    ("age", True, "whole number"),
    ("age", 14.0, "whole number"),
    ("age", -1, "whole number"),
    ("age", 130, "whole number"),
    ("looked_after", "maybe", "yes, no or unknown"),
    ("looked_after", 1, "yes, no or unknown"),
    ("outcome", "dead", "one of died, seriously_harmed, neither"),
    ("incident_date", "03/31/2019", "DD/MM/YYYY"),  # month first is never guessed
    ("incident_date", "31.03.2019", "YYYY-MM-DD"),
    ("incident_date", 20190331, "YYYY-MM-DD"),
])
def test_wrong_types_are_refused_naming_the_field_the_value_and_what_was_expected(field: str, value: Any,
                                                                                 expected: str) -> None:
    """The engine coerces types ("100" < 18), so nothing loosely typed is accepted."""
    found = problems({field: value})
    assert any(p.startswith(field) and repr(value)[:10] in p and expected in p for p in found), found


def test_friendly_spellings_of_values_are_accepted_exactly() -> None:
    """'Seriously harmed', 'yes' and ISO date strings are the values they plainly mean."""
    facts = parse_facts({"outcome": "Seriously harmed", "looked_after": "yes", "incident_date": "2019-03-31"})
    assert facts.outcome == "seriously_harmed" and facts.looked_after is True
    assert facts.incident_date.isoformat() == "2019-03-31"


def test_dates_are_read_day_first_with_slashes_and_impossible_ones_refused() -> None:
    """Case records write dates DD/MM/YYYY: 03/04/2019 is 3 April, never 4 March; 31/02/2019 does not exist."""
    facts = parse_facts({"incident_date": "03/04/2019", "awareness_date": "2019-04-05", "date_of_birth": "1/2/2010"})
    assert (facts.incident_date, facts.date_of_birth) == (_dt.date(2019, 4, 3), _dt.date(2010, 2, 1))
    found = problems({"incident_date": "31/02/2019"})
    assert any(p.startswith("incident_date") and "DD/MM/YYYY" in p for p in found), found


def test_age_is_worked_out_from_date_of_birth_and_incident_date() -> None:
    """Age is whole years at the incident; the 18th birthday gives 18."""
    assert parse_facts({"date_of_birth": "2001-06-15", "incident_date": "2019-06-14"}).age == 17
    assert parse_facts({"date_of_birth": "2001-06-15", "incident_date": "2019-06-15"}).age == 18
    assert parse_facts({"date_of_birth": "2001-06-15"}).age is None


@pytest.mark.parametrize(("data", "field"), [
    ({"outcome": "neither", "custody": "police_custody"}, "custody"),
    ({"outcome": "neither", "custody_setting": "secure_training_centre"}, "custody_setting"),
    ({"age": 12, "date_of_birth": "2001-06-15", "incident_date": "2019-06-15"}, "age"),
    ({"incident_date": "2019-06-15", "awareness_date": "2019-06-14"}, "awareness_date"),
    ({"date_of_birth": "2019-06-16", "incident_date": "2019-06-15"}, "date_of_birth"),
    ({"incident_date": "2099-01-01"}, "incident_date"),
    ({"sexual_abuse": True, "abuse_or_neglect": "not_known_or_suspected"}, "abuse_or_neglect"),
])
def test_contradictory_or_impossible_facts_are_refused_never_guessed_around(data: dict[str, Any], field: str) -> None:
    """Facts that contradict each other are errors the user must correct, naming the field."""
    assert any(p.startswith(field) for p in problems(data))


def test_an_eighteen_year_old_is_valid_input_and_simply_not_a_child() -> None:
    """Age 18 is accepted (and is not a child); ages up to 25 are accepted for the care-leaver rule."""
    assert parse_facts({"age": 18}).is_child is False
    assert parse_facts({"age": 25}).age == 25


def test_yaml_and_json_case_files_load_the_same_facts(tmp_path: Any) -> None:
    """The same case in YAML and JSON gives equal facts; '-' style streams work too."""
    yaml_file = tmp_path / "case.yaml"
    yaml_file.write_text("outcome: died\nage: 4\nincident_date: 2017-03-01\nlooked_after: no\n")
    json_file = tmp_path / "case.json"
    json_file.write_text(json.dumps({"outcome": "died", "age": 4, "incident_date": "2017-03-01", "looked_after": False}))
    assert load_case(yaml_file) == load_case(json_file)
    assert load_case(io.StringIO("outcome: died\nage: 4\nincident_date: 2017-03-01\nlooked_after: no\n")) == load_case(
        yaml_file)


@pytest.mark.parametrize(("text", "message"), [
    ("outcome: died\noutcome: neither\n", "duplicate key"),
    ('{"outcome": "died", "outcome": "neither"}', "duplicate key"),
    ("!!python/object/apply:os.system ['echo hacked']", "would build an object"),
    ("outcome: [died\n", "not valid YAML"),
    ('{"outcome": "died",}', "not valid JSON"),
    ('{"age": NaN}', "number"),
    ("age: .inf\n", "not finite"),
    ("", "empty"),
    ("- died\n- neither\n", "mapping"),
])
def test_malformed_or_unsafe_case_files_are_refused_with_a_clear_error(text: str, message: str) -> None:
    """Bad files give an InputError saying what is wrong and where, never a traceback or a guess."""
    with pytest.raises(InputError) as caught:
        load_case(io.StringIO(text))
    assert message in str(caught.value)


def test_a_json_error_names_line_and_column() -> None:
    """Malformed JSON is reported with its line and column."""
    with pytest.raises(InputError) as caught:
        load_case(io.StringIO('{\n  "outcome": "died"\n  "age": 3\n}'))
    assert "line 3, column 3" in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(fact_sets(dated=True))
def test_valid_fact_sets_round_trip_through_json(facts: dict[str, Any]) -> None:
    """Facts dumped to JSON and read back are equal to the original."""
    parsed = parse_facts(facts)
    assert parse_facts(json.loads(parsed.model_dump_json())) == parsed
    assert Facts.model_validate_json(parsed.model_dump_json()) == parsed


# --------------------------------------------------------------------------- the facts added for whose duty,
# from when and where (issues 12 and 13): one test per fact, one per contradiction


def refused(data: dict[str, Any], strict: bool = True) -> list[Any]:
    """The problems parse_facts names for ``data``."""
    with pytest.raises(InputError) as caught:
        parse_facts(data, strict=strict)
    return caught.value.problems


def names_both(problems: list[Any], fact: str, other: str) -> bool:
    """Some problem is located at ``fact`` and names ``other`` in what it expected."""
    return any(p.location == fact and other in p.expected for p in problems)


def test_deciding_authority_is_a_short_title_kept_exactly_as_written() -> None:
    """The body the file is filled in for: "this authority" and "in its area" are relative to it."""
    facts = parse_facts({"deciding_authority": "Leeds City Council"})
    assert facts.deciding_authority == "Leeds City Council"
    assert any(p.location == "deciding_authority" for p in refused({"deciding_authority": "x" * 201}))
    assert any(p.location == "deciding_authority" for p in refused({"deciding_authority": ["Leeds"]}))


def test_deciding_nation_is_one_of_the_four_nations() -> None:
    """England, Wales, Scotland or Northern Ireland; unknown stays unknown (the engine says what it assumes)."""
    assert parse_facts({"deciding_nation": "Northern Ireland"}).deciding_nation == "northern_ireland"
    assert parse_facts({}).deciding_nation is None
    assert any("did you mean scotland?" in (p.suggestion or "") for p in refused({"deciding_nation": "scotlnd"}))


def test_the_place_of_harm_and_the_place_of_death_are_separate_facts() -> None:
    """Children Act 2004 s16C(1)(a): "the child dies or is seriously harmed in the local authority's area".
    A baby shaken in one area who dies in a hospital in another can be stated: the harm elsewhere in England
    (location), the death in the deciding authority's area (death_location)."""
    facts = parse_facts({"outcome": "died", "location": "elsewhere_in_england", "death_location": "in_area"})
    assert (facts.location, facts.death_location) == ("elsewhere_in_england", "in_area")


def test_places_outside_england_say_which_nation_and_the_old_value_still_means_outside_england() -> None:
    """s16C(1)(b) "outside England" includes "the devolved Administrations as well as overseas" (HL Deb
    18 Oct 2016): each can be named; outside_england (old records) keeps its meaning and its label."""
    for place in ("in_wales", "in_scotland", "in_northern_ireland", "outside_uk", "outside_england"):
        assert parse_facts({"location": place, "death_location": place, "normally_resident_in": place}).location \
            == place
    assert label("outside_england") == "outside England (Wales, Scotland, Northern Ireland or abroad)"
    assert parse_facts({"location": "Outside England"}).location == "outside_england"


def test_normally_resident_in_says_where_the_child_lives_otherwise() -> None:
    """The LSCB that decides is the one where the child normally lives: "elsewhere" is now said precisely."""
    facts = parse_facts({"normally_resident": False, "normally_resident_in": "in_wales"})
    assert facts.normally_resident_in == "in_wales"
    assert parse_facts({"normally_resident": True, "normally_resident_in": "in_area"}).normally_resident is True


def test_responsible_authority_says_whether_it_is_this_authority_or_another() -> None:
    """The looked-after child's death notification falls on "the responsible authority" (the authority
    looking after the child: Care Planning Regulations 2010 reg 2(1)), which may not be the deciding one."""
    assert parse_facts({"looked_after": True, "responsible_authority": "another_authority_in_england"}
                       ).responsible_authority == "another_authority_in_england"
    assert parse_facts({"care_leaver": True, "age": 19, "responsible_authority": "this_authority"}
                       ).responsible_authority == "this_authority"


def test_the_date_abuse_or_neglect_was_first_suspected_may_follow_the_awareness_date() -> None:
    """A post-mortem finding weeks after the death: the s16C duty ("knows or suspects that a child has been
    abused or neglected") arises on that later date, which is kept beside the awareness date."""
    facts = parse_facts({"incident_date": "2024-01-02", "awareness_date": "2024-01-03",
                         "abuse_or_neglect_awareness_date": "14/02/2024", "abuse_or_neglect": "suspected"})
    assert facts.abuse_or_neglect_awareness_date == _dt.date(2024, 2, 14)


def test_the_notification_date_is_a_fact() -> None:
    """The LSCB's month to decide runs from the notification; the Panel's later guidance counts the rapid
    review's "15 working days, calculated from the date that the notification was sent to the Panel"."""
    facts = parse_facts({"awareness_date": "2024-01-03", "notification_date": "2024-01-08"})
    assert facts.notification_date == _dt.date(2024, 1, 8)
    assert any(p.location == "notification_date" for p in refused({"notification_date": "2099-01-01"}))


def test_no_concerns_found_is_a_value_of_inter_agency_working() -> None:
    """Between "concerns" and "definitive evidence that there are no concerns" (WT2015: "unless there is
    definitive evidence that there are no concerns about inter-agency working, the LSCB must commission an
    SCR") a practitioner may have found none yet."""
    facts = parse_facts({"inter_agency_concerns": "no concerns found"})
    assert facts.inter_agency_concerns == "no_concerns_found"
    assert label("no_concerns_found") == "no concerns found, but no definitive evidence that there are none"


def test_remand_to_says_youth_detention_or_local_authority_accommodation() -> None:
    """LASPO 2012 s91(3),(4): the court "must remand the child to local authority accommodation" unless it
    remands "to youth detention accommodation"; custody on_remand (old records) stays valid without it."""
    for where in ("youth_detention_accommodation", "local_authority_accommodation"):
        assert parse_facts({"outcome": "died", "custody": "on_remand", "remanded_to": where}).remanded_to == where
    assert parse_facts({"outcome": "died", "custody": "on_remand"}).remanded_to is None


@pytest.mark.parametrize("setting", ["secure_16_to_19_academy", "court_cells_or_escort", "immigration_detention",
                                     "secure_accommodation_wales", "secure_accommodation_scotland"])
def test_the_new_custody_settings_can_be_stated(setting: str) -> None:
    """Sentencing Act 2020 s248(1)(ba) "a secure 16 to 19 Academy"; the coroner's "immigration detention
    centre"; court cells and escorts; secure units in Wales and Scotland: each is a value with its own label."""
    assert parse_facts({"outcome": "died", "custody_setting": setting}).custody_setting == setting
    assert label(setting) != setting


def test_an_infants_age_in_months_gives_age_0_and_is_kept_as_given() -> None:
    """The law counts age in whole years (a baby of 4 months is aged 0); the months are shown as given."""
    facts = parse_facts({"age_months": 4})
    assert (facts.age, facts.age_months) == (0, 4)
    assert parse_facts({"age_months": 30}).age == 2
    facts = parse_facts({"date_of_birth": "2024-01-31", "incident_date": "2024-05-30", "age_months": 3})
    assert (facts.age, facts.age_months) == (0, 3)
    for bad in (-1, 36, 4.0, "4"):
        assert any(p.location == "age_months" for p in refused({"age_months": bad}))


@pytest.mark.parametrize("injury", ["life_threatening_injury", "serious_permanent_impairment"])
def test_outcome_neither_with_a_serious_injury_is_a_contradiction(injury: str) -> None:
    """"'Seriously harmed' ... includes ... cases where the child has sustained ... a potentially
    life-threatening injury; serious and/or likely long-term impairment of physical or mental health"
    (Working Together 2015 ch4): "neither died nor seriously harmed" cannot stand beside either."""
    assert names_both(refused({"outcome": "neither", injury: True}), "outcome", injury)
    assert parse_facts({"outcome": "seriously_harmed", injury: True}).outcome == "seriously_harmed"
    assert parse_facts({"outcome": "neither", injury: False}).outcome == "neither"


def test_a_care_leaver_under_16_is_a_contradiction() -> None:
    """A care leaver is a relevant child (16 or 17) or a former relevant child (18 or over): Children Act 1989
    s23A, s23C; "aged 16 or over, having been looked after"."""
    assert names_both(refused({"care_leaver": True, "age": 15}), "care_leaver", "age")
    assert parse_facts({"care_leaver": True, "age": 16}).care_leaver is True


def test_a_care_leaver_whose_age_comes_from_the_dates_is_checked_too() -> None:
    """The age worked out from the dates counts as the age: a care leaver of 14 by the dates is refused."""
    problems = refused({"care_leaver": True, "date_of_birth": "2010-01-01", "incident_date": "2024-06-01"})
    assert names_both(problems, "care_leaver", "age")


def test_a_looked_after_child_who_is_also_a_care_leaver_is_a_contradiction() -> None:
    """A care leaver has left care; a looked-after 16 or 17 year old is answered looked after."""
    assert names_both(refused({"looked_after": True, "care_leaver": True, "age": 17}), "care_leaver", "looked_after")


def test_abuse_or_neglect_known_before_the_incident_or_the_awareness_is_a_contradiction() -> None:
    """The date is when abuse or neglect in this incident was first known or suspected: not before the
    incident, and not before the authority knew of the incident (then it is left out: the clock runs from
    the awareness date)."""
    assert names_both(refused({"incident_date": "2024-01-10", "abuse_or_neglect_awareness_date": "2024-01-09"}),
                      "abuse_or_neglect_awareness_date", "incident date")
    assert names_both(refused({"awareness_date": "2024-01-10", "abuse_or_neglect_awareness_date": "2024-01-09"}),
                      "abuse_or_neglect_awareness_date", "awareness_date")
    assert names_both(refused({"abuse_or_neglect": "not_known_or_suspected",
                               "abuse_or_neglect_awareness_date": "2024-01-09"}),
                      "abuse_or_neglect_awareness_date", "abuse_or_neglect")


@pytest.mark.parametrize("earlier", ["incident_date", "awareness_date", "abuse_or_neglect_awareness_date"])
def test_a_notification_before_what_it_notifies_is_a_contradiction(earlier: str) -> None:
    """A notification cannot be made before the incident, the awareness of it, or the suspicion it reports."""
    assert names_both(refused({earlier: "2024-01-10", "notification_date": "2024-01-09"}), "notification_date",
                      earlier)


@pytest.mark.parametrize("outcome", ["seriously_harmed", "neither"])
def test_a_place_of_death_without_a_death_is_a_contradiction(outcome: str) -> None:
    """death_location is where the child died: only for a child who died."""
    assert names_both(refused({"outcome": outcome, "death_location": "in_area"}), "death_location", "outcome")


def test_where_the_child_normally_lives_said_two_ways_must_agree() -> None:
    """normally_resident (in the deciding authority's area: yes or no) and normally_resident_in."""
    assert names_both(refused({"normally_resident": True, "normally_resident_in": "in_scotland"}),
                      "normally_resident_in", "normally_resident")
    assert names_both(refused({"normally_resident": False, "normally_resident_in": "in_area"}),
                      "normally_resident_in", "normally_resident")


def test_a_responsible_authority_for_a_child_neither_looked_after_nor_a_care_leaver_is_a_contradiction() -> None:
    """Only a looked-after child or a care leaver has an authority that looks after or supports them."""
    problems = refused({"looked_after": False, "care_leaver": False, "responsible_authority": "this_authority"})
    assert names_both(problems, "responsible_authority", "looked_after")
    assert names_both(problems, "responsible_authority", "care_leaver")


def test_a_remand_that_contradicts_custody_the_outcome_the_setting_or_looked_after_is_refused() -> None:
    """LASPO 2012: a remand needs custody on_remand and a death (the custody facts are at the time of death);
    young offender institutions and secure training centres are youth detention accommodation (s102(2)), not
    "accommodation provided by or on behalf of a local authority" (s92(1)); and "any child remanded to youth
    detention accommodation is to be treated as looked after by the designated authority" (s104(1), EN 529)."""
    assert names_both(refused({"custody": "police_custody", "remanded_to": "youth_detention_accommodation"}),
                      "remanded_to", "custody")
    assert names_both(refused({"outcome": "neither", "remanded_to": "local_authority_accommodation"}),
                      "remanded_to", "outcome")
    assert names_both(refused({"remanded_to": "local_authority_accommodation",
                               "custody_setting": "young_offender_institution"}), "remanded_to", "custody_setting")
    assert names_both(refused({"remanded_to": "youth_detention_accommodation", "looked_after": False}),
                      "looked_after", "remanded_to")


def test_an_age_in_months_that_disagrees_with_the_age_or_the_dates_is_a_contradiction() -> None:
    """Months and years are the same age: 30 months is aged 2; the dates give the months too."""
    assert names_both(refused({"age": 1, "age_months": 30}), "age_months", "age")
    assert names_both(refused({"date_of_birth": "2024-01-15", "incident_date": "2024-05-14", "age_months": 4}),
                      "age_months", "date_of_birth")


def test_every_problem_is_reported_at_once_an_impossible_age_no_longer_hides_a_date_error() -> None:
    """Regression: {age: 130, awareness before the incident} reported only the age; one round must be enough."""
    problems = refused({"age": 130, "incident_date": "2019-06-15", "awareness_date": "2019-06-14",
                        "outcome": "neither", "life_threatening_injury": True})
    assert {p.location for p in problems} == {"age", "awareness_date", "outcome"}


def test_strict_false_skips_only_the_new_cross_fact_checks() -> None:
    """Replay: a record made before a check existed keeps the facts it was made on. The checks of before
    (dates, age, custody without a death, sexual abuse) and every value check still run."""
    old_record = {"outcome": "neither", "life_threatening_injury": True, "looked_after": True, "care_leaver": True,
                  "age": 15}
    assert refused(old_record)
    assert parse_facts(old_record, strict=False).outcome == "neither"
    assert refused({"incident_date": "2019-06-15", "awareness_date": "2019-06-14"}, strict=False)
    assert refused({"outcome": "neither", "custody": "police_custody"}, strict=False)
    assert refused({"age": 130}, strict=False)
    assert Facts.model_validate(old_record, context={"strict": False}).care_leaver is True


def test_sexual_abuse_does_not_fill_in_abuse_or_neglect_in_the_fact_model() -> None:
    """Old records must replay unchanged: the inference (sexual abuse is abuse) belongs to new edition
    versions, shown there as an inference; the fact model leaves an unknown abuse_or_neglect unknown."""
    assert parse_facts({"sexual_abuse": True}).abuse_or_neglect is None


def test_old_case_files_still_validate_and_mean_the_same() -> None:
    """The values of before keep their meaning; the new facts are unknown when left out."""
    old = {"location": "outside_england", "normally_resident": True, "custody": "on_remand", "outcome": "died",
           "custody_setting": "other", "inter_agency_concerns": "definitive_evidence_of_none", "looked_after": False}
    facts = parse_facts(old)
    assert facts.known() == old
    assert facts.death_location is None and facts.remanded_to is None and facts.normally_resident_in is None


@pytest.mark.parametrize("place", ["outside_england", "in_wales", "in_scotland", "in_northern_ireland", "outside_uk"])
def test_an_edition_written_before_the_nations_were_named_reads_each_as_outside_england(place: str) -> None:
    """s16C(1)(b): "while normally resident in the local authority's area, the child dies or is seriously harmed
    outside England"; "'outside England' includes where the incidents occur in the devolved Administrations as
    well as overseas" (HL Deb 18 Oct 2016). wt2023@1 names only outside_england: in_wales must still meet it,
    never silently fail it."""
    from scr_eligibility import evaluate

    decision = evaluate({"awareness_date": "2024-03-01", "age": 9, "outcome": "died", "abuse_or_neglect": "known",
                         "location": place, "normally_resident": True}, editions=["wt2023@1"])
    statuses = {c.id: c.status for e in decision.editions for c in e.criteria}
    assert statuses["s16C-1b"] == "met" and statuses["s16C-1a"] == "not_met"


def test_a_young_offender_institution_or_secure_training_centre_with_custody_none_is_refused() -> None:
    """Prison Act 1952 s43(1): young offender institutions and secure training centres are for the detention of
    children sentenced or remanded (a remand there is to youth detention accommodation, LASPO 2012 s102(2)); a
    child in no custody may still be in a secure children's home (a welfare placement, Children Act 1989 s25)."""
    for setting in ("young_offender_institution", "secure_training_centre"):
        assert names_both(refused({"outcome": "died", "custody": "none", "custody_setting": setting}),
                          "custody_setting", "custody")
    parse_facts({"outcome": "died", "custody": "none", "custody_setting": "secure_childrens_home"})
    parse_facts({"outcome": "died", "custody": "none", "custody_setting": "young_offender_institution"}, strict=False)
