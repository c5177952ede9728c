"""The `scr` command, in-process with CliRunner: outputs, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scr_eligibility import __version__
from scr_eligibility.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_there_are_at_least_eight_examples_covering_every_outcome() -> None:
    """The shipped examples cover each SCR outcome (required, may be undertaken, not met, undetermined)."""
    promised = {p.name.split(".")[-2] for p in EXAMPLES}
    assert len(EXAMPLES) >= 8
    assert {"scr_required", "scr_may_be_undertaken", "not_met", "undetermined"} <= promised


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_gives_the_outcome_its_file_name_promises(example: Path) -> None:
    """`<name>.<outcome>.yaml` decides to <outcome> under every edition applied; `<a>+<b>` names one per edition."""
    result = run("check", str(example), "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    promised = example.name.split(".")[-2].split("+")
    if len(promised) == 1:
        promised = promised * len(decision["editions"])
    assert [e["determinations"][0]["outcome"] for e in decision["editions"]] == promised


@pytest.mark.parametrize(("example", "editions"), [
    # 2017 is judged by Working Together 2015, no longer by the one 2006-2019 LSCB edition (superseded).
    ("m1-death-abuse-known.scr_required.yaml", ["wt2015@2"]),
    ("m4-death-mha-detention.scr_required.yaml", ["wt2013@3"]),
    ("d4-assault-by-child.scr_may_be_undertaken.yaml", ["wt2010@3"]),
    ("d3-parent-murdered.scr_may_be_undertaken.yaml", ["wt2006@3"]),
    ("overlap-2019-death-abuse-known.scr_required+notify_panel.yaml", ["wt2015@2", "wt2018@4"]),
    ("wt2018-harm-in-scotland.notify_panel.yaml", ["wt2018@4"]),
    ("wt2023-death-abuse-suspected.notify_panel.yaml", ["wt2023@4"]),
])
def test_an_example_from_each_period_is_decided_under_the_editions_in_force_then(example: str,
                                                                                  editions: list[str]) -> None:
    """The table names the editions in force on the awareness date: both of them in the 2018-19 overlap."""
    result = run("check", str(ROOT / "examples" / example))
    assert result.exit_code == 0
    known = ("lscb-scr-2006@1", "wt2006@1", "wt2006@2", "wt2006@3", "wt2010@1", "wt2010@2", "wt2010@3", "wt2013@1",
             "wt2013@2", "wt2013@3", "wt2015@1", "wt2015@2",
             "wt2018@1", "wt2018@2", "wt2018@3", "wt2018@4", "wt2023@1", "wt2023@2", "wt2023@3",
             "wt2023@4")
    shown = [e for e in known if f"({e}, in force" in result.output]
    assert shown == editions
    assert "the date the authority became aware" in result.output


def test_the_table_puts_the_outcome_first_then_duties_and_criteria_with_citations() -> None:
    """The table a subgroup member reads: what to do now, outcome, duties with due dates, criteria, the quoted law."""
    result = run("check", str(ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"))
    assert result.exit_code == 0
    text = result.output
    assert (text.index("What to do now") < text.index("SCR REQUIRED") < text.index("Duties and deadlines")
            < text.index("Criteria (why"))
    assert "LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i)" in text
    assert "2017-03-09" in text  # five working days from 2 March 2017


def test_an_undetermined_case_shows_what_would_decide_it() -> None:
    """The table lists the possible outcomes and the facts that decide between them."""
    result = run("check", str(ROOT / "examples" / "death-abuse-unknown.undetermined.yaml"))
    assert "UNDETERMINED" in result.output and "abuse_or_neglect" in result.output
    assert "What would decide it" in result.output


def test_markdown_format_quotes_the_criteria() -> None:
    """Markdown output carries each criterion's quoted text and source."""
    result = run("check", str(ROOT / "examples" / "m3-death-in-custody.scr_required.yaml"), "--format", "markdown")
    assert result.exit_code == 0
    assert "> \"In addition, even if one of the criteria is not met, an SCR should always be carried out when a child " \
           "dies in custody" in result.output
    assert "*Source:* Working Together 2015 ch4 (page 75), as quoted by" in result.output


def test_a_case_can_come_from_standard_input() -> None:
    """`scr check -` reads the case from stdin."""
    result = run("check", "-", "--format", "json", "--edition", "lscb-scr-2006",
                 input="age: 5\noutcome: died\nabuse_or_neglect: known\n")
    assert result.exit_code == 0
    assert json.loads(result.output)["editions"][0]["determinations"][0]["outcome"] == "scr_required"


def test_a_bad_case_file_prints_the_error_and_exits_1_without_a_traceback(tmp_path: Path) -> None:
    """Bad input: the field, the value and what was expected, exit code 1, no traceback."""
    case = tmp_path / "bad.yaml"
    case.write_text("age: fourteen\noutcom: died\n")
    result = CliRunner().invoke(main, ["check", str(case)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "age: found 'fourteen'; expected a whole number" in result.output
    assert "did you mean outcome?" in result.output


def test_a_missing_file_is_bad_input_and_a_bad_option_is_usage() -> None:
    """Exit 1 for a case file that does not exist; exit 2 for a usage error."""
    assert CliRunner().invoke(main, ["check", "/no/such/file.yaml"]).exit_code in (1, 2)
    assert CliRunner().invoke(main, ["check", "--format", "pdf", "x.yaml"]).exit_code == 2
    assert CliRunner().invoke(main, ["check", "--as-of", "yesterday", "x.yaml"]).exit_code == 2


def test_criteria_lists_an_editions_criteria_with_citations() -> None:
    """`scr criteria lscb-scr-2006` lists M1..N1 with their citations."""
    result = run("criteria", "lscb-scr-2006")
    assert result.exit_code == 0
    for cid in ("M1", "M5", "D1", "D5", "N1"):
        assert f"\n{cid} " in result.output
    assert "Working Together 2015 ch4" in result.output


def test_editions_lists_dates_and_versions() -> None:
    """`scr editions` shows each edition with its in-force dates and version."""
    result = run("editions")
    assert result.exit_code == 0
    assert "lscb-scr-2006" in result.output and "2006-04-01" in result.output and "2019-09-29" in result.output
    superseded = next(line for line in result.output.splitlines() if line.startswith("lscb-scr-2006"))
    assert "superseded" in superseded  # kept for replaying old records; the dated editions decide new cases
    for edition, start in (("wt2006", "2006-04-01"), ("wt2010", "2010-03-17"), ("wt2013", "2013-04-15"),
                           ("wt2015", "2015-03-26")):
        assert any(line.startswith(edition) and start in line for line in result.output.splitlines())


def test_version_and_help_work_everywhere() -> None:
    """--version prints the engine version; --help works on the group and on commands."""
    assert __version__ in run("--version").output
    for command in ([], ["check"], ["criteria"], ["editions"], ["schema"]):
        assert run(*command, "--help").exit_code == 0


def test_schema_prints_the_json_schema_of_the_fact_set() -> None:
    """`scr schema` is the published JSON Schema of the facts."""
    schema = json.loads(run("schema").output)
    assert schema["additionalProperties"] is False
    assert "abuse_or_neglect" in schema["properties"]
