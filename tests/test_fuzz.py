"""Fuzzing: generated JSON values, text, bytes and near-valid fact sets thrown at the library and the CLI.

The only outcomes allowed are a Decision or the documented error (a ScrError); through the
CLI, exit 0 with a decision or exit 1 with "Error:" and no traceback. Each test counts the
inputs it tried, prints the count (see it with ``pytest -s``) and asserts it is not zero.
A longer run without Hypothesis is bench/fuzz.py.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import fact_sets, json_values

from scr_eligibility import Decision, evaluate, parse_facts
from scr_eligibility.cli import main
from scr_eligibility.errors import ScrError
from scr_eligibility.facts import BOOL_FACTS, DATE_FACTS, FACT_NAMES
from scr_eligibility.parsing import decode, parse_text

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- strategies (self-contained)

#: Keys: mostly real fact names (so values reach the field checks), some near misses, some junk.
fact_keys = st.sampled_from(FACT_NAMES) | st.text(max_size=12)

#: Values of every JSON type and size, including the awkward ones.
awkward_values = st.one_of(
    json_values(8),
    st.sampled_from(["unknown", "yes", "no", "Yes", "", " ", "2019-02-30", "2019-13-01", "31/03/2019",
                     "died", "Seriously harmed", "not known or suspected", "\x1b[2J", "\u2028"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # NaN and infinities included: a Python caller can pass them
    st.just("x" * 70_000),  # past durable_rules' 65,535-character string limit
    # More digits than Python will convert to text (drawn as an exponent: Hypothesis cannot print such ints).
    st.integers(4300, 4400).map(lambda n: 10**n),
)

#: Mutations of a valid fact set: one or two of these are applied by near_valid_fact_sets.
MUTATIONS = ("wrong_type", "misspelt_key", "out_of_range", "extra_key", "none", "huge_string", "nested_object")


def _out_of_range(draw: st.DrawFn, name: str) -> Any:
    if name == "age":
        return draw(st.integers(max_value=-1) | st.integers(min_value=26) | st.just(18))
    if name in DATE_FACTS:
        return draw(st.sampled_from(["2999-01-01", "1899-12-31", "2019-02-29", "0001-01-01", "9999-12-31"])
                    | st.dates(_dt.date(1, 1, 1), _dt.date(9999, 12, 31)))
    if name in BOOL_FACTS:
        return draw(st.sampled_from(["maybe", 2, -1, "y", "n", "0"]))
    return draw(st.text(max_size=30))


def _misspell(draw: st.DrawFn, name: str) -> str:
    position = draw(st.integers(0, len(name) - 1))
    how = draw(st.sampled_from(["drop", "double", "swap", "case"]))
    if how == "drop":
        return name[:position] + name[position + 1:]
    if how == "double":
        return name[:position] + name[position] + name[position:]
    if how == "swap" and position + 1 < len(name):
        return name[:position] + name[position + 1] + name[position] + name[position + 2:]
    return name[:position] + name[position].upper() + name[position + 1:]


@st.composite
def near_valid_fact_sets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid fact set (strategies.fact_sets) with one or two fields mutated."""
    facts = draw(fact_sets(dated=draw(st.booleans())))
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(MUTATIONS))
        name = draw(st.sampled_from(FACT_NAMES))
        if kind == "wrong_type":
            facts[name] = draw(st.sampled_from([1, 1.5, "x", [1], {"a": 1}, True, "14", 20190301]))
        elif kind == "misspelt_key":
            facts[_misspell(draw, name)] = facts.pop(name, None)
        elif kind == "out_of_range":
            facts[name] = _out_of_range(draw, name)
        elif kind == "extra_key":
            facts[draw(st.text(min_size=1, max_size=20))] = draw(json_values(4))
        elif kind == "none":
            facts[name] = None
        elif kind == "huge_string":
            facts[name] = "y" * draw(st.sampled_from([201, 65_536, 1_000_000]))
        else:
            facts[name] = {name: facts.get(name), "nested": [facts.get(name)]}
    return facts


#: Text a person might type, or damage: YAML/JSON tokens and YAML's special syntax, joined at random.
_TOKENS = ["outcome", "age", "looked_after", "incident_date", "awareness_date", ":", ": ", "\n", "  ", "- ", "[",
           "]", "{", "}", ",", '"', "'", "#", "&a ", "*a", "!!python/object:os.system ", "!!binary ", "!!set ",
           "<<: ", "---\n", "...\n", "%YAML 1.1\n", "? ", "|\n", ">\n", ".nan", ".inf", "-.inf", "0x1F", "0o17",
           "1:20", "1e400", "1.0e+400", "NaN", "Infinity", "2019-02-30", "2019-03-01", "2019-03-01 10:00:00",
           "yes", "no", "~", "null", "true", "died", "9" * 5000, "\t", "\x00", "\ufeff", "\u2028", "é"]
typed_text = st.lists(st.sampled_from(_TOKENS) | st.text(max_size=5), max_size=30).map("".join)


def _yaml_case(facts: dict[str, Any]) -> str:
    """A fact set as a hand-typed YAML case file would look: one ``fact: value`` line each."""
    def show(value: Any) -> str:
        return "unknown" if value is None else ("yes" if value is True else "no" if value is False else str(value))
    return "".join(f"{name}: {show(value)}\n" for name, value in facts.items())


@st.composite
def damaged_case_files(draw: st.DrawFn) -> str:
    """A valid YAML case file with a few characters deleted, doubled or replaced by a token (or left intact)."""
    text = _yaml_case(draw(fact_sets(dated=True)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["delete", "double", "insert"]))
        if how == "delete":
            text = text[:at] + text[at + 1:]
        elif how == "double":
            text = text[:at] + text[at:at + 1] + text[at:]
        else:
            text = text[:at] + draw(st.sampled_from(_TOKENS)) + text[at:]
    return text


# --------------------------------------------------------------------------- checks


def decide_or_refuse(data: Any) -> str:
    """Run a value through parse_facts and evaluate: a Decision or a ScrError, nothing else."""
    try:
        facts = parse_facts(data)
        decision = evaluate(facts)
    except ScrError:
        return "error"
    assert isinstance(decision, Decision)
    return "decision"


def read_or_refuse(text: str) -> str:
    """Parse text as JSON, YAML and by sniffing, then decide: a Decision or a ScrError, nothing else."""
    outcomes = []
    for fmt in ("json", "yaml", None):
        try:
            value = parse_text(text, "<fuzz>", fmt)
        except ScrError:
            outcomes.append("error")
            continue
        outcomes.append(decide_or_refuse(value))
    return "decision" if "decision" in outcomes else "error"


def check_cli(text: str) -> str:
    """`scr check -` on ``text``: exit 0 with a decision, or exit 1 with 'Error:' and no traceback."""
    result = CliRunner().invoke(main, ["check", "-", "--format", "json"], input=text)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert result.exception is None
        assert json.loads(result.output)["editions"]
        return "decision"
    assert result.exit_code == 1, (result.exit_code, result.output, repr(result.exception))
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.startswith("Error: ") or "\nError: " in result.output
    return "error"


def report(name: str, counts: Counter[str]) -> None:
    total = sum(counts.values())
    print(f"\n{name}: {total} inputs tried: {counts['decision']} decisions, {counts['error']} documented errors")
    assert total > 0


def as_json(value: Any) -> str:
    return json.dumps(value, default=str)


# --------------------------------------------------------------------------- tests


def test_arbitrary_json_values_give_a_decision_or_a_documented_error() -> None:
    """Any nested JSON value, or mapping of fact names to awkward values, given to the library: Decision or ScrError."""
    counts: Counter[str] = Counter()

    @FUZZ
    @given(json_values(30) | st.dictionaries(fact_keys, awkward_values, max_size=6))
    def run(value: Any) -> None:
        counts[decide_or_refuse(value)] += 1

    run()
    report("library, JSON values", counts)


def test_near_valid_fact_sets_give_a_decision_or_a_documented_error() -> None:
    """Valid fact sets with one or two fields mutated (type, key, range, extra, None, huge, nested): Decision or ScrError."""
    counts: Counter[str] = Counter()

    @FUZZ
    @given(near_valid_fact_sets())
    def run(value: dict[str, Any]) -> None:
        counts[decide_or_refuse(value)] += 1

    run()
    report("library, near-valid fact sets", counts)
    assert counts["error"] > 0  # the mutations are not all harmless


def test_arbitrary_text_and_bytes_give_a_decision_or_a_documented_error() -> None:
    """Raw text (random, built from YAML/JSON tokens, or a damaged case file) and raw bytes through loading: Decision or ScrError."""
    counts: Counter[str] = Counter()

    @FUZZ
    @given(st.text() | typed_text | damaged_case_files() | st.binary(max_size=200))
    def run(raw: str | bytes) -> None:
        try:
            text = decode(raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass"), "<fuzz>")
        except ScrError:
            counts["error"] += 1
            return
        counts[read_or_refuse(text)] += 1

    run()
    report("library, text and bytes", counts)


def test_the_cli_gives_a_decision_or_a_documented_error_for_generated_input() -> None:
    """`scr check -` with generated JSON, near-valid fact sets and typed text: exit 0 or exit 1 with 'Error:'."""
    counts: Counter[str] = Counter()

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(json_values(20).map(as_json) | near_valid_fact_sets().map(as_json) | typed_text | damaged_case_files())
    def run(text: str) -> None:
        counts[check_cli(text)] += 1

    run()
    report("CLI", counts)


#: Numbers as YAML 1.1 or Python's int() would have guessed them: a leading zero, a base prefix,
#: underscores or colons (with an optional sign and fraction).
number_lookalikes = st.from_regex(
    r"[-+]?(0[0-9]{1,4}|0[xXoObB][0-9a-fA-F]{1,4}|[1-9][0-9]?_[0-9]{1,3}|[0-9]{1,2}(:[0-5][0-9]){1,2})(\.[0-9])?",
    fullmatch=True)


def test_number_lookalikes_are_never_read_as_numbers() -> None:
    """Issue 18.1: in a YAML case file a number lookalike is kept as written for the case reference and
    refused, naming the fact, for the age; in JSON it is refused naming the key. Never a guessed number."""
    counts: Counter[str] = Counter()

    @FUZZ
    @given(number_lookalikes)
    def run(written: str) -> None:
        assert parse_facts(parse_text(f"case_reference: {written}\n", "<fuzz>", "yaml")).case_reference == written
        for text, fmt in ((f"age: {written}\n", "yaml"), (f'{{"age": {written}}}', "json")):
            try:
                parse_facts(parse_text(text, "<fuzz>", fmt))
            except ScrError as error:
                assert [p.location for p in error.problems] == ["age"], error
                counts["error"] += 1
            else:
                raise AssertionError(f"age: {written} was read as a number ({fmt})")

    run()
    report("number lookalikes", counts)


def test_mappings_of_many_unknown_keys_are_refused_with_a_bounded_list_of_problems() -> None:
    """Issue 18.2: however many misspelt keys, at most MAX_PROBLEMS are listed and one more counts the rest."""
    from scr_eligibility.facts import MAX_PROBLEMS
    from scr_eligibility.parsing import MAX_KEYS

    counts: Counter[str] = Counter()

    @settings(max_examples=40, deadline=None)
    @given(st.integers(1, MAX_KEYS + 50), st.sampled_from(FACT_NAMES))
    def run(count: int, near: str) -> None:
        mapping = {f"{near}x{i}": True for i in range(count)}
        try:
            parse_facts(mapping)
        except ScrError as error:
            assert len(error.problems) == (1 if count > MAX_KEYS else min(count, MAX_PROBLEMS + 1))
            counts["error"] += 1
        else:
            raise AssertionError("misspelt keys were accepted")

    run()
    report("many unknown keys", counts)
