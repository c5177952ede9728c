"""Bad input, one test per class: a clear message (where, what was found, what was expected),
exit 1 from `scr check FILE` with no traceback, and an InputError from the library.

The people who use this tool type case files by hand, so every way a file can be wrong has
its own test here. Some classes are also covered, value by value, in test_facts.py:
wrong types (test_wrong_types_are_refused_naming_the_field_the_value_and_what_was_expected),
contradictions (test_contradictory_or_impossible_facts_are_refused_never_guessed_around) and
the valid age of 18 (test_an_eighteen_year_old_is_valid_input_and_simply_not_a_child). The
tests here add the CLI path and the message's parts for each class.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scr_eligibility import evaluate
from scr_eligibility.cli import main
from scr_eligibility.engine import load_case
from scr_eligibility.errors import InputError, Problem, ScrError
from scr_eligibility.parsing import MAX_BYTES, MAX_DEPTH, MAX_KEYS, MAX_NODES, MAX_VALUES

VALID = {"case_reference": "BI-1", "outcome": "died", "abuse_or_neglect": "known", "age": 9,
         "incident_date": "2019-03-01", "awareness_date": "2019-03-02"}


def cli_check(path: Path) -> Result:
    """Run `scr check PATH` in-process; an exception that is not click's exit fails the test."""
    return CliRunner().invoke(main, ["check", str(path)], catch_exceptions=False)


def refused(tmp_path: Path, content: str | bytes, suffix: str = ".yaml") -> tuple[InputError, str]:
    """Write ``content`` to a case file; check the library raises InputError and the CLI exits 1 cleanly.

    Returns the library's error and the CLI's output for the test to check the words.
    """
    path = tmp_path / f"case{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_case(path)
    error = caught.value
    assert isinstance(error, ScrError) and error.exit_code == 1
    assert error.problems, "an InputError must say where, what was found and what was expected"
    for problem in error.problems:
        assert problem.location and problem.found and problem.expected
    result = cli_check(path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    assert str(path) in result.output  # the message names the file
    return error, result.output


def refused_facts(data: dict[str, Any]) -> InputError:
    """``evaluate`` on a mapping raises InputError (the library path without a file)."""
    with pytest.raises(InputError) as caught:
        evaluate(data)
    return caught.value


def one(error: InputError, location: str | None = None) -> Problem:
    """The problem at ``location`` (or the only problem)."""
    if location is None:
        assert len(error.problems) == 1, error.problems
        return error.problems[0]
    matches = [p for p in error.problems if p.location == location]
    assert matches, f"no problem at {location}: {error.problems}"
    return matches[0]


# --------------------------------------------------------------------------- syntax


def test_malformed_json(tmp_path: Path) -> None:
    """Malformed JSON is refused naming the line and column and what the parser found there."""
    error, output = refused(tmp_path, '{\n  "outcome": "died"\n  "age": 3\n}', ".json")
    problem = one(error)
    assert problem.location == "line 3, column 3"
    assert "delimiter" in problem.found and problem.expected == "valid JSON"
    assert "not valid JSON" in output and "line 3, column 3" in output


def test_malformed_yaml(tmp_path: Path) -> None:
    """Malformed YAML is refused naming the line and column; a tab gets a suggestion to use spaces."""
    error, output = refused(tmp_path, "outcome: died\nage: [3\nlooked_after: no\n")
    problem = one(error)
    assert problem.location.startswith("line ") and ", column " in problem.location
    assert "not valid YAML" in output
    error, _ = refused(tmp_path, "outcome:\tdied\n")
    assert one(error).location == "line 1, column 9"
    assert "use spaces" in (one(error).suggestion or "")


def test_yaml_that_builds_objects(tmp_path: Path) -> None:
    """YAML tags that would build Python objects or run code are refused, never constructed."""
    marker = tmp_path / "ran"
    for text in (
        f"!!python/object/apply:os.system ['touch {marker}']\n",
        f"outcome: !!python/object/new:os.system ['touch {marker}']\n",
        "outcome: !!python/name:os.system\n",
        "outcome: !!python/object:collections.OrderedDict {}\n",
    ):
        error, output = refused(tmp_path, text)
        problem = one(error)
        assert problem.found == "a YAML tag that would build an object"
        assert "!!python/object" in (problem.suggestion or "")
        assert problem.location.startswith("line 1, column ")
    assert not marker.exists()


def test_yaml_merge_keys_and_multiple_documents(tmp_path: Path) -> None:
    """A YAML merge key (<<) and a second document are each named for what they are, not as 'objects'."""
    error, _ = refused(tmp_path, "base: &b {outcome: died}\n<<: *b\n")
    assert one(error).found == "a YAML merge key (<<)" and one(error).location == "line 2, column 1"
    error, _ = refused(tmp_path, "outcome: died\n---\noutcome: neither\n")
    assert one(error).found == "another document"
    assert one(error).expected == "a single document in the stream"


def test_yaml_tags_that_do_not_fit_their_value(tmp_path: Path) -> None:
    """A value forced by an explicit tag it does not fit (!!int abc, !!bool maybe, !!timestamp soon, !!map x)
    is refused at its line and column; found by bench/fuzz.py, these were KeyError/AttributeError tracebacks."""
    for text, expected in (("age: !!int abc\n", "a whole number"), ("looked_after: !!bool maybe\n", "yes or no"),
                           ("age: !!float abc\n", "a number"),
                           ("incident_date: !!timestamp soon\n", "a date written YYYY-MM-DD"),
                           ("outcome: !!map died\n", "a mapping"), ("outcome: !!str [died]\n", "a scalar node")):
        error, output = refused(tmp_path, text)
        assert one(error).expected == expected and one(error).location.startswith("line 1, column ")


def test_a_case_that_is_not_a_mapping(tmp_path: Path) -> None:
    """A list or a bare value is not a case: the message says a mapping of facts was expected."""
    for text in ("- died\n- neither\n", "died\n", "[1, 2]"):
        error, _ = refused(tmp_path, text)
        assert "mapping" in one(error).expected


# --------------------------------------------------------------------------- facts


def test_wrong_types(tmp_path: Path) -> None:
    """A value of the wrong type names the fact, shows the value and says what the fact accepts."""
    error, output = refused(tmp_path, "age: '14'\nlooked_after: 1\noutcome: [died]\nincident_date: 20190301\n")
    assert one(error, "age").found == "'14'" and "whole number" in one(error, "age").expected
    assert one(error, "looked_after").expected == "yes, no or unknown"
    assert one(error, "outcome").found == "['died']" and "died, seriously_harmed, neither" in one(error, "outcome").expected
    assert "YYYY-MM-DD" in one(error, "incident_date").expected
    assert "age: found '14'" in output  # every problem is listed, not just the first
    error, _ = refused(tmp_path, "age: 14.0\n")
    assert one(error, "age").suggestion == "write 14 without a decimal point"
    assert refused_facts({"outcome": {"nested": "object"}}).problems[0].location == "outcome"


def test_unknown_or_misspelt_fields(tmp_path: Path) -> None:
    """A fact name the model does not have is refused with the nearest real name suggested."""
    error, output = refused(tmp_path, "outcome: died\nabuse_or_neglet: known\nchild_name: Alice\n")
    assert one(error, "abuse_or_neglet").suggestion == "did you mean abuse_or_neglect?"
    assert "unknown fact" in one(error, "child_name").found
    assert "did you mean abuse_or_neglect?" in output


def test_control_characters_in_field_names(tmp_path: Path) -> None:
    """A field name holding terminal escape codes or a lone surrogate is shown escaped, never printed raw."""
    error, output = refused(tmp_path, '{"\\u001b[2Jx": 1, "\\ud800": 2}', ".json")
    assert "\x1b" not in output and "\ud800" not in output
    assert {p.location for p in error.problems} == {"'\\x1b[2Jx'", "'\\ud800'"}


def test_contradictory_facts(tmp_path: Path) -> None:
    """Facts that contradict each other are refused naming the fact to correct and why."""
    error, output = refused(tmp_path, "outcome: neither\ncustody: police_custody\n")
    assert "because the outcome is neither" in one(error, "custody").expected
    error, _ = refused(tmp_path, "age: 12\ndate_of_birth: 2001-06-15\nincident_date: 2019-06-15\n")
    assert one(error, "age").found == "12" and one(error, "age").expected.startswith("18, the age worked out")
    error, _ = refused(tmp_path, "sexual_abuse: yes\nabuse_or_neglect: not_known_or_suspected\n")
    assert "sexual abuse is abuse" in one(error, "abuse_or_neglect").expected


def test_impossible_or_future_dates(tmp_path: Path) -> None:
    """A date that does not exist, one in the future, before 1900, or awareness before the incident is refused."""
    error, output = refused(tmp_path, "incident_date: 2019-02-30\n")  # YAML reads this as a date itself
    assert one(error).location == "line 1, column 16" and one(error).found == "2019-02-30"
    assert "no 30 February" in (one(error).suggestion or "")
    error, _ = refused(tmp_path, '{"incident_date": "2019-02-30"}', ".json")
    assert one(error, "incident_date").found == "'2019-02-30'"
    error, _ = refused(tmp_path, "incident_date: 0000-01-01\n")
    assert one(error).found == "0000-01-01"
    error, _ = refused(tmp_path, "incident_date: 2999-01-01\n")
    assert "not after today" in one(error, "incident_date").expected
    error, _ = refused(tmp_path, "incident_date: 1850-01-01\n")
    assert one(error, "incident_date").expected == "a date from 1900 on"
    error, _ = refused(tmp_path, "incident_date: 2019-06-15\nawareness_date: 2019-06-14\n")
    assert "on or after the incident date" in one(error, "awareness_date").expected
    error, _ = refused(tmp_path, "incident_date: 2019-03-01 10:00:00\n")
    assert one(error, "incident_date").suggestion == "give the date alone, without a time"


def test_impossible_ages(tmp_path: Path) -> None:
    """A negative age, or one above 25 (no rule concerns anyone older than a care leaver of 24), is refused."""
    error, _ = refused(tmp_path, "age: -1\n")
    assert one(error, "age").suggestion == "an age cannot be negative"
    for age in (26, 130):
        error, _ = refused(tmp_path, f"age: {age}\n")
        assert one(error, "age").suggestion == "no rule concerns anyone older than a care leaver of 24"
    error, _ = refused(tmp_path, "date_of_birth: 1950-01-01\nincident_date: 2019-01-01\n")
    assert "(it gives 69)" in one(error, "date_of_birth").expected
    # The edges are valid input: 18 is simply not a child, 25 is the top of the range.
    assert load_case(io.StringIO("age: 18\n")).is_child is False
    assert evaluate({"age": 25}).facts.age == 25
    assert evaluate({"age": 0}).facts.is_child is True


# --------------------------------------------------------------------------- file content


def test_an_empty_file(tmp_path: Path) -> None:
    """An empty file, or one of only spaces and newlines, is refused as empty."""
    for content in ("", "   \n\n\t\n"):
        error, output = refused(tmp_path, content)
        assert "the file is empty" in output and one(error).found == "no content"


def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    """A file over parsing.MAX_BYTES is refused by size before it is parsed."""
    content = "# " + "x" * MAX_BYTES + "\noutcome: died\n"
    error, output = refused(tmp_path, content)
    assert "too large" in output and one(error).expected == f"at most {MAX_BYTES:,} bytes"
    result = CliRunner().invoke(main, ["check", "-"], input=content, catch_exceptions=False)
    assert result.exit_code == 1 and "too large" in result.output


def test_binary_content(tmp_path: Path) -> None:
    """A binary file (NUL bytes, e.g. a Word document or an image) is refused as not text."""
    error, output = refused(tmp_path, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", ".docx")
    assert "binary" in one(error).found and "UTF-8" in one(error).expected


def test_non_utf8_content(tmp_path: Path) -> None:
    """Text saved in another encoding is refused naming the byte offset, with a suggestion to save as UTF-8."""
    error, output = refused(tmp_path, "case_reference: Café-1\n".encode("latin-1"))
    problem = one(error)
    assert problem.location.endswith("byte 19") and problem.found == "byte 0xe9"
    assert problem.suggestion == "save the file as UTF-8"


def test_deeply_nested_json(tmp_path: Path) -> None:
    """10,000 levels of [[[...]]] (or of objects) in JSON are refused as nested too deeply."""
    for text in ("[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000):
        error, output = refused(tmp_path, text, ".json")
        assert "nested too deeply" in output and one(error).expected == f"at most {MAX_DEPTH} levels"


def test_deeply_nested_yaml(tmp_path: Path) -> None:
    """10,000 levels of [[[...]]] in YAML, or a block structure deeper than the limit, are refused."""
    error, output = refused(tmp_path, "outcome: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert "nested too deeply" in output
    block = "".join("  " * i + "- \n" for i in range(MAX_DEPTH + 5))
    error, output = refused(tmp_path, block)
    assert "nested too deeply" in output


def test_huge_strings(tmp_path: Path) -> None:
    """A 10 MB string is refused (the file is too large; as a Python value, too long to be a case reference)."""
    big = "x" * 10_000_000
    _, output = refused(tmp_path, json.dumps({"case_reference": big}), ".json")
    assert "too large" in output
    error = refused_facts({"case_reference": big})
    assert one(error, "case_reference").found.endswith("...") and len(one(error, "case_reference").found) == 60
    assert one(error, "case_reference").suggestion == "use a short pseudonymous reference"
    error = refused_facts({big: 1})
    assert len(error.problems[0].location) == 60  # an unknown field is named, shortened


def test_huge_numbers(tmp_path: Path) -> None:
    """1e400 is infinite and refused; an int of 5,000 digits (Python's limit is 4,300) is an InputError with its place."""
    error, _ = refused(tmp_path, '{"age": 1e400}', ".json")
    assert one(error).location == "age" and one(error).found == "inf"
    error, _ = refused(tmp_path, "age: 1.0e+400\n")
    assert one(error).found == "inf"
    digits = "9" * 5000
    error, output = refused(tmp_path, '{\n  "age": ' + digits + "\n}", ".json")
    assert one(error).location == "line 2, column 10" and "4,300 digits" in one(error).found
    assert "set_int_max_str_digits" not in output  # Python's advice means nothing to the person typing
    error, _ = refused(tmp_path, f"outcome: died\nage: {digits}\n")
    assert one(error).location == "line 2, column 6" and one(error).found == "a number 5,000 characters long"
    error, _ = refused(tmp_path, f"age: 0x{'f' * 5000}\n")  # YAML 1.1 hex is not read as a number at all
    assert one(error, "age").found.startswith("'0xfff") and "plain decimal digits" in one(error, "age").suggestion
    for value in (10**5000, -(10**5000)):
        error = refused_facts({"age": value})
        assert one(error, "age").found == "a whole number about 5,001 digits long"
    assert one(refused_facts({"agee": 10**5000}), "agee").suggestion == "did you mean age?"
    assert "digits long" in one(refused_facts({"case_reference": 10**4300}), "case_reference").found


def test_nan_and_infinities(tmp_path: Path) -> None:
    """NaN, Infinity and -Infinity (JSON's extensions and YAML's .nan/.inf) are refused, as Python floats too."""
    for text in ('{"age": NaN}', '{"age": Infinity}', '{"age": -Infinity}'):
        error, output = refused(tmp_path, text, ".json")
        assert one(error).expected == "a finite number"
    for text in ("age: .nan\n", "age: .inf\n", "age: -.inf\n"):
        error, output = refused(tmp_path, text)
        assert "not finite" in output and one(error).location == "age"
    for value in (float("nan"), float("inf")):
        assert one(refused_facts({"age": value}), "age").expected.startswith("a whole number")
        assert one(refused_facts({"looked_after": value}), "looked_after").expected == "yes, no or unknown"


def test_duplicate_keys(tmp_path: Path) -> None:
    """A fact given twice is refused in JSON and YAML: which value is meant cannot be guessed."""
    error, output = refused(tmp_path, '{"outcome": "died", "outcome": "neither"}', ".json")
    assert one(error).found == "'outcome' a second time"
    error, output = refused(tmp_path, "outcome: died\nage: 3\noutcome: neither\n")
    assert one(error).location == "line 3, column 1" and "cannot be guessed" in (one(error).suggestion or "")


def test_yaml_alias_bomb(tmp_path: Path) -> None:
    """A 'billion laughs' alias bomb (10^9 values from a few hundred bytes) is refused by the value count."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 1000
    error, output = refused(tmp_path, text)
    assert "too many values" in output and one(error).expected == f"at most {MAX_VALUES:,}"


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    """A path that does not exist is named; so is a folder given where a file was expected."""
    with pytest.raises(InputError, match="does not exist"):
        load_case(tmp_path / "nope.yaml")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.yaml")], catch_exceptions=False)
    assert result.exit_code == 1 and "the file does not exist" in result.output
    with pytest.raises(InputError, match="folder"):
        load_case(tmp_path)


def test_valid_input_still_decides(tmp_path: Path) -> None:
    """The guard rails refuse only bad input: the same helper's valid case decides with exit 0."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(VALID))
    assert load_case(path).case_reference == "BI-1"
    result = cli_check(path)
    assert result.exit_code == 0 and "Error" not in result.output


# --------------------------------------------------------------------------- numbers are never guessed (issue 18.1)


def test_yaml_age_014_is_refused_not_read_as_octal_12(tmp_path: Path) -> None:
    """YAML 1.1 read `age: 014` as 12 (octal). A leading zero is not a number: refused, naming the fact."""
    error, output = refused(tmp_path, "age: 014\n")
    assert one(error, "age").found == "'014'" and "plain decimal digits" in (one(error, "age").suggestion or "")
    assert "age: found '014'" in output


def test_yaml_age_0x0E_is_refused_not_read_as_hex_14(tmp_path: Path) -> None:
    """YAML 1.1 read `age: 0x0E` as 14. A base prefix is not read as a number."""
    error, _ = refused(tmp_path, "age: 0x0E\n")
    assert one(error, "age").found == "'0x0E'" and "base prefix" in (one(error, "age").suggestion or "")


def test_yaml_age_1_4_is_refused_not_read_as_14(tmp_path: Path) -> None:
    """YAML 1.1 (and Python's int()) read `age: 1_4` as 14. Underscores are not read as a number."""
    error, _ = refused(tmp_path, "age: 1_4\n")
    assert one(error, "age").found == "'1_4'" and "underscores" in (one(error, "age").suggestion or "")


def test_yaml_case_reference_12_30_is_kept_as_written_not_read_as_750() -> None:
    """YAML 1.1 read `case_reference: 12:30` as 750 (base 60). A text fact keeps the text exactly."""
    assert load_case(io.StringIO("case_reference: 12:30\n")).case_reference == "12:30"


def test_yaml_case_reference_0012_is_kept_as_written_not_read_as_octal_10() -> None:
    """YAML 1.1 read `case_reference: 0012` as 10 (octal). A text fact keeps the text exactly."""
    assert load_case(io.StringIO("case_reference: 0012\n")).case_reference == "0012"
    assert load_case(io.StringIO("case_reference: 12\n")).case_reference == "12"  # plain digits, given back


def test_yaml_yes_and_no_are_words_and_only_true_and_false_are_yes_no_values(tmp_path: Path) -> None:
    """YAML 1.2: `on`, `off`, `y` and `n` are not yes/no; yes and no still answer a yes/no fact (the fact model
    reads the words), and a text fact keeps them as written."""
    case = load_case(io.StringIO("looked_after: yes\ncare_leaver: no\nregulated_setting: true\ncase_reference: no\n"))
    assert (case.looked_after, case.care_leaver, case.regulated_setting, case.case_reference) == (True, False, True,
                                                                                                  "no")
    error, _ = refused(tmp_path, "looked_after: on\n")
    assert one(error, "looked_after").found == "'on'"


def test_yaml_numbers_forced_by_a_tag_are_not_guessed_either(tmp_path: Path) -> None:
    """`!!int 014` was octal 12 too: a tag does not make a leading zero, 0x, _ or : readable."""
    for text in ("age: !!int 014\n", "age: !!int 0x0E\n", "age: !!float 1_4.5\n"):
        error, _ = refused(tmp_path, text)
        assert one(error).location == "line 1, column 6" and "plain decimal digits" in (one(error).suggestion or "")


@pytest.mark.parametrize(("written", "key"), [("014", "age"), ("0x0E", "age"), ("1_4", "age"),
                                              ("12:30", "case_reference"), ("0012", "case_reference")])
def test_json_numbers_with_a_leading_zero_base_prefix_underscore_or_colon_are_refused_naming_the_key(
        tmp_path: Path, written: str, key: str) -> None:
    """JSON allows none of these; the error now says why and names the key, not just "Expecting ','"."""
    error, output = refused(tmp_path, '{"outcome": "died",\n "%s": %s}' % (key, written), ".json")
    problem = one(error)
    assert problem.location == key and problem.found == f"{written} at line 2, column {len(key) + 6}"
    assert "plain decimal digits" in (problem.suggestion or "")


def test_json_lines_numbers_are_not_guessed(tmp_path: Path) -> None:
    """`scr batch` on JSON Lines: a line with `"age": 014` is refused naming the line and the key."""
    path = tmp_path / "cases.jsonl"
    path.write_text('{"outcome": "died", "age": 14}\n{"outcome": "died", "age": 014}\n{"age": "0x0E"}\n')
    result = CliRunner().invoke(main, ["batch", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "cases.jsonl, line 2: the line has a number that is not written in plain decimal digits" in result.output
    assert "age: found 014" in result.output and "age: found '0x0E'" in result.output


@pytest.mark.filterwarnings("ignore:Using `httpx`")  # starlette's test client warns of itself
def test_http_api_numbers_are_not_guessed() -> None:
    """POST /v1/evaluate: `"age": 014` and the loose `"age": "014"` are refused (400) naming age."""
    from fastapi.testclient import TestClient

    from scr_eligibility.cli import web

    client = TestClient(web.create_app())
    for body in (b'{"outcome": "died", "age": 014}', b'{"outcome": "died", "age": "014"}'):
        response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, response.text
        assert [p["location"] for p in response.json()["problems"]] == ["age"]


# --------------------------------------------------------------------------- bounded work (issue 18.2)


def test_a_case_with_40000_misspelt_keys_stops_reading_at_the_key_limit(tmp_path: Path) -> None:
    """Regression: 40,000 misspelt keys took 2 s to parse and 5 s to check (a suggestion for each). The YAML
    reader stops at key MAX_KEYS + 1, and says where; JSON and a Python mapping are refused by their size."""
    text = "".join(f"outcom{i}: died\n" for i in range(40_000))
    error, output = refused(tmp_path, text)
    assert one(error).location == f"line {MAX_KEYS + 1}, column 1" and "too many keys" in output
    error, _ = refused(tmp_path, json.dumps({f"outcom{i}": "died" for i in range(40_000)}), ".json")
    assert one(error).found == "a mapping of 40,000 keys" and one(error).expected == f"at most {MAX_KEYS:,} keys"
    assert one(refused_facts({f"outcom{i}": "died" for i in range(40_000)})).found == "a mapping of 40,000 keys"


def test_a_yaml_file_of_many_values_stops_reading_at_the_node_limit(tmp_path: Path) -> None:
    """A YAML case file of 200,000 list items (under the size limit) is not parsed to its end: the reader stops
    after MAX_NODES keys, values and items, and says where."""
    error, output = refused(tmp_path, "outcome:\n" + "- x\n" * 200_000)
    # The mapping, its key and the list are the first three: item MAX_NODES - 2 (line MAX_NODES - 1) is one too many.
    assert one(error).location == f"line {MAX_NODES - 1}, column 3" and "too many values" in output
    assert one(error).expected == f"at most {MAX_NODES:,}"


def test_only_the_first_problems_are_listed_and_the_rest_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """MAX_KEYS misspelt keys: MAX_PROBLEMS are listed, with suggestions, and the others are counted (the
    nearest-name search runs only for those listed, so the cost does not grow with the misspellings)."""
    import difflib

    from scr_eligibility.facts import MAX_PROBLEMS

    calls = []
    original = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: calls.append(1) or original(*a, **k))
    error = refused_facts({f"outcom{i}": "died" for i in range(MAX_KEYS)})
    assert len(error.problems) == MAX_PROBLEMS + 1 and len(calls) == MAX_PROBLEMS
    assert error.problems[-1].found == f"{MAX_KEYS - MAX_PROBLEMS:,} more problems, not listed"
    assert f"{MAX_PROBLEMS} of {MAX_KEYS:,} problems listed" in error.message
