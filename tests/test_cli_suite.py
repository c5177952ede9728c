"""`scr test` (case suites) and `scr deadlines`, in-process."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scr_eligibility.cli import main

GOLDEN = Path(__file__).with_name("golden")


def test_scr_test_passes_the_projects_own_golden_suite() -> None:
    """The golden cases pass through `scr test`, the command a partnership uses."""
    result = CliRunner().invoke(main, ["test", str(GOLDEN), "--failures-only"])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_scr_test_reports_a_failure_with_the_difference_and_exits_1(tmp_path: Path) -> None:
    """A case whose expectation is wrong is listed as FAIL with what differs."""
    facts = "facts: {age: 3, outcome: died, abuse_or_neglect: known, awareness_date: 2017-05-02, normally_resident: yes}\n"
    (tmp_path / "wrong.yaml").write_text(
        "name: a death with abuse known is not 'not met'\n" + facts + "expect:\n  wt2015: {outcome: not_met}\n")
    (tmp_path / "right.yaml").write_text(
        "name: a death with abuse known\n" + facts
        + "expect:\n  wt2015: {outcome: scr_required, duties: {notify_ofsted_and_lscb: 2017-05-09}}\n")
    result = CliRunner().invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "expected not_met, got scr_required" in result.output
    assert "1 passed, 1 failed" in result.output


def test_scr_test_takes_case_files_as_well_as_folders(tmp_path: Path) -> None:
    """A subgroup member handed one case file runs it as it is: `scr test FILE [FILE...]`, or a folder."""
    facts = "facts: {age: 3, outcome: died, abuse_or_neglect: known, awareness_date: 2017-05-02, normally_resident: yes}\n"
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("name: wrong\n" + facts + "expect:\n  wt2015: {outcome: not_met}\n")
    one = CliRunner().invoke(main, ["test", str(GOLDEN / "wt2010-M1-met-sexual-abuse-inferred.yaml")])
    assert one.exit_code == 0 and "1 passed, 0 failed" in one.output, one.output
    both = CliRunner().invoke(main, ["test", str(GOLDEN / "wt2010-M1-met-sexual-abuse-inferred.yaml"), str(wrong)])
    assert both.exit_code == 1 and "1 passed, 1 failed" in both.output


def test_scr_check_on_a_test_case_says_what_it_is_and_what_to_run(tmp_path: Path) -> None:
    """A test case given to `scr check` is not read as a fact set of unknown facts: the error says it is a test
    case and names `scr test` for it (exit 1: bad input, no traceback)."""
    case = GOLDEN / "wt2010-M1-met-sexual-abuse-inferred.yaml"
    result = CliRunner().invoke(main, ["check", str(case)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "this file is a test case" in result.output and f"scr test {case}" in result.output
    assert "unknown fact" not in result.output


def test_scr_test_reports_a_bad_suite_file_as_an_error(tmp_path: Path) -> None:
    """A suite file with a misspelt key is an ERROR row naming the key, and the run fails."""
    (tmp_path / "bad.yaml").write_text("name: x\nfacts: {}\nexpected: {}\n")
    result = CliRunner().invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 1 and "ERROR" in result.output and "expected" in result.output


def test_scr_deadlines_prints_due_dates_across_christmas() -> None:
    """Aware on Friday 20 December 2024: Panel notification due 31 December, rapid review 15 January."""
    result = CliRunner().invoke(main, ["deadlines", "--aware-on", "2024-12-20"])
    assert result.exit_code == 0, result.output
    assert "2024-12-31" in result.output and "2025-01-15" in result.output
    assert "guidance" in result.output and "s16C(1)" in result.output


def test_scr_deadlines_in_the_overlap_shows_both_editions() -> None:
    """Aware on 2 January 2019: the LSCB edition (Working Together 2015) and Working Together 2018 both have duties;
    the Working Together 2015 report to Ofsted and the LSCB was replaced by the Panel notification on 29 June 2018."""
    result = CliRunner().invoke(main, ["deadlines", "--aware-on", "2019-01-02"])
    assert "wt2015@2" in result.output and "wt2018@4" in result.output
    assert "Report the incident to Ofsted" not in result.output
    before = CliRunner().invoke(main, ["deadlines", "--aware-on", "2018-06-28"])
    assert "Report the incident to Ofsted" in before.output


def test_scr_test_prints_control_characters_and_surrogates_in_a_bad_suite_file_as_escapes(tmp_path: Path) -> None:
    """Regression: a suite key holding a lone surrogate crashed printing the table with a traceback."""
    (tmp_path / "odd.json").write_text('{"name": "x", "facts": {}, "expect": {}, "\\ud800": 1, "\\u001b[2J": 2}')
    result = CliRunner().invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "\\ud800" in result.output and "\x1b" not in result.output
