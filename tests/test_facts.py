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
from scr_eligibility.facts import FACT_NAMES, Facts, parse_facts


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
