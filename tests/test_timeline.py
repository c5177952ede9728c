"""The timeline and the timeliness report (issue 17.2, 17.3): duties judged by the events, as of a day."""

from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scr_eligibility.cli import main
from scr_eligibility.engine import deadlines
from scr_eligibility.engine.audit.ledger import Ledger
from scr_eligibility.engine.audit.stored import is_event
from scr_eligibility.engine.audit.timeline import working_days_between
from test_events import log, record_id  # a copy of this module's example_log per test, and a case's record

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def scr(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def example_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "decisions.db"
    assert scr("batch", str(EXAMPLES), "--log", str(path)).exit_code == 0
    return path


def add(log: Path, case: str, kind: str, on: str, *more: str) -> None:
    result = scr("event", "add", str(log), record_id(log, case), "--kind", kind, "--on", on, *more)
    assert result.exit_code == 0, result.output


def timeline_json(log: Path, case: str, as_of: str) -> dict[str, Any]:
    result = scr("timeline", str(log), case, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.output)["cases"]
    return found


def duty(case: dict[str, Any], duty_id: str) -> dict[str, Any]:
    [found] = [d for d in case["duties"] if d["duty"] == duty_id]
    return found


def test_working_days_are_counted_as_the_deadlines_count_them() -> None:
    """Aware Friday 20 Dec 2024: the 5th working day is 31 Dec (Christmas and Boxing Day skipped)."""
    start = _dt.date(2024, 12, 20)
    assert working_days_between(start, _dt.date(2024, 12, 31)) == 5
    for n in (0, 1, 3, 15):
        due = deadlines.add_working_days(start, n)
        assert working_days_between(start, due) == n
    assert working_days_between(start, _dt.date(2024, 12, 19)) == 0


@settings(max_examples=300, deadline=None)
@given(st.dates(_dt.date(1990, 1, 1), _dt.date(2090, 1, 1)), st.integers(-10, 4000))
def test_working_days_by_arithmetic_match_counting_day_by_day(start: _dt.date, span: int) -> None:
    end = start + _dt.timedelta(days=span)
    by_day = sum(deadlines.is_working_day(start + _dt.timedelta(days=i)) for i in range(1, span + 1))
    assert working_days_between(start, end) == by_day


def test_on_time_late_and_outstanding_as_of_a_day(log: Path) -> None:
    """EX-WT23 (aware 2024-12-20): Panel notified on day 1 (on time), partners on 2 Jan (day 6: late), no rapid
    review yet; as of 10 Jan the rapid review (due 15 Jan) is not yet due, as of 20 Jan it is overdue."""
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    add(log, "EX-WT23", "informed_safeguarding_partners", "2025-01-02")
    case = timeline_json(log, "EX-WT23", "2025-01-10")
    panel, partners, rapid = (duty(case, d) for d in ("notify_panel", "report_to_safeguarding_partners",
                                                     "rapid_review"))
    assert (panel["due"], panel["met_on"], panel["working_days"], panel["status"]) == (
        "2024-12-31", "2024-12-23", 1, "on_time")
    assert (partners["met_on"], partners["working_days"], partners["status"]) == ("2025-01-02", 6, "late")
    assert (rapid["due"], rapid["status"], rapid["overdue"]) == ("2025-01-15", "outstanding", False)
    later = duty(timeline_json(log, "EX-WT23", "2025-01-20"), "rapid_review")
    assert (later["overdue"], later["working_days_overdue"]) == (True, 3)


def test_events_after_the_as_of_day_are_not_yet_known(log: Path) -> None:
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    assert duty(timeline_json(log, "EX-WT23", "2024-12-22"), "notify_panel")["status"] == "outstanding"
    assert duty(timeline_json(log, "EX-WT23", "2024-12-23"), "notify_panel")["status"] == "on_time"


def test_a_duty_needing_two_notifications_is_met_by_the_later(log: Path, tmp_path: Path) -> None:
    case_file = tmp_path / "lac.yaml"
    case_file.write_text((EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml").read_text()
                         .replace("EX-WT23", "EX-LAC").replace("looked_after: no", "looked_after: yes"))
    assert scr("check", str(case_file), "--log", str(log)).exit_code == 0
    add(log, "EX-LAC", "notified_ofsted", "2024-12-23")
    assert duty(timeline_json(log, "EX-LAC", "2025-01-31"), "notify_secretary_of_state_and_ofsted")["status"] \
        == "outstanding"
    add(log, "EX-LAC", "notified_secretary_of_state", "2025-01-06")
    found = duty(timeline_json(log, "EX-LAC", "2025-01-31"), "notify_secretary_of_state_and_ofsted")
    assert (found["met_on"], found["status"], found["due"]) == ("2025-01-06", "met", None)  # no timescale


def test_the_decision_beside_the_advice_with_the_rationale_where_they_differ(log: Path) -> None:
    add(log, "EX-M1", "review_decision", "2017-03-20", "--outcome", "no_review", "--note",
        "Single-agency learning judged enough")
    case = timeline_json(log, "EX-M1", "2017-04-10")
    [decision] = case["decisions"]
    assert decision["departs_from"] == ["wt2015@2"] and decision["rationale"] == "Single-agency learning judged enough"
    # The decision not to initiate must go to the national panel within 14 days of it: owed now, and overdue.
    not_to = duty(case, "decision_not_to_initiate")
    assert (not_to["start"], not_to["due"], not_to["status"], not_to["overdue"]) == (
        "2017-03-20", "2017-04-03", "outstanding", True)
    text = scr("timeline", str(log), "EX-M1", "--as-of", "2017-04-10").output
    assert "Differs from the advice of wt2015@2; rationale: Single-agency learning judged enough" in text


def test_a_decision_following_the_advice_departs_from_nothing_and_owes_no_other_branch(log: Path) -> None:
    add(log, "EX-M1", "review_decision", "2017-03-20", "--outcome", "review", "--note", "Criteria met")
    case = timeline_json(log, "EX-M1", "2017-04-10")
    assert case["decisions"][0]["departs_from"] == []
    assert not [d for d in case["duties"] if d["duty"] == "decision_not_to_initiate"]


def test_a_correction_makes_the_new_record_current_and_keeps_earlier_events(log: Path) -> None:
    old = record_id(log, "EX-WT23")
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    case_file = log.parent / "again.yaml"
    shutil.copy(EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml", case_file)
    assert scr("check", str(case_file), "--log", str(log)).exit_code == 0
    new = record_id(log, "EX-WT23")
    result = scr("event", "add", str(log), old, "--kind", "correction", "--on", "2025-01-09", "--replaced-by", new,
                 "--note", "Facts learned at the strategy meeting")
    assert result.exit_code == 0, result.output
    case = timeline_json(log, "EX-WT23", "2025-01-10")
    assert case["current_record"] == new and case["records"] == [old, new]
    assert duty(case, "notify_panel")["status"] == "on_time"  # the notification on the old record still counts
    [correction] = case["corrections"]
    assert (correction["old_record"], correction["new_record"]) == (old, new)


def test_timeline_formats_and_an_unknown_case(log: Path) -> None:
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    table = scr("timeline", str(log), "--as-of", "2025-01-10").output
    assert table.count("Case EX-") == 15 and "on time" in table
    markdown = scr("timeline", str(log), "EX-WT23", "--format", "markdown", "--as-of", "2025-01-10").output
    assert markdown.startswith("## Case EX-WT23") and "| notify_panel" in markdown
    result = scr("timeline", str(log), "EX-WT2")
    assert result.exit_code == 1 and "did you mean EX-WT23?" in result.output


def report_json(log: Path, *args: str) -> dict[str, Any]:
    result = scr("log", "report", str(log), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_report_counts_each_duty_and_the_departures(log: Path) -> None:
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    add(log, "EX-OVERLAP", "notified_panel", "2019-01-18")  # aware 2019-01-09, due 2019-01-16: late
    add(log, "EX-M1", "review_decision", "2017-03-20", "--outcome", "no_review", "--note", "Learning judged enough")
    report = report_json(log, "--from", "2000-01-01", "--to", "2025-12-31", "--as-of", "2025-06-01")
    assert report["cases"] == 15
    panel = next(d for d in report["duties"] if d["duty"] == "notify_panel")
    assert (panel["owed"], panel["on_time"], panel["late"], panel["outstanding_overdue"]) == (3, 1, 1, 1)
    assert panel["median_working_days"] == 4.0  # 1 and 7 working days (10-18 January 2019)
    assert {(o["edition"], o["outcome"]): o["cases"] for o in report["by_outcome"]}[("wt2015@2", "scr_required")] == 5
    [departure] = report["departures"]
    assert departure["case_reference"] == "EX-M1" and departure["rationale"] == "Learning judged enough"


def test_report_period_is_by_awareness_date(log: Path) -> None:
    report = report_json(log, "--from", "2024-01-01", "--to", "2024-12-31")
    assert report["cases"] == 1 and report["by_outcome"][0]["edition"] == "wt2023@4"
    result = scr("log", "report", str(log), "--from", "2024-12-31", "--to", "2024-01-01")
    assert result.exit_code == 1 and "--to" in result.output


def test_report_html_is_self_contained_private_and_has_the_charts(log: Path, tmp_path: Path) -> None:
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["log", "report", str(log), "--from", "2000-01-01", "--to", "2025-12-31",
                                       "--html", str(page)], catch_exceptions=False)
    assert result.exit_code == 0
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    text = page.read_text()
    assert text.count("<svg") == 2 and "<rect" in text and "notify_panel" in text
    # Nothing loaded from anywhere: no script, no link, no src= or url() pointing out.
    assert not re.search(r"<script|<link|\bsrc=|url\(|https?://(?!www\.w3\.org/2000/svg)", text)
    assert "@media print" in text


def test_report_over_ten_thousand_generated_cases_with_events(tmp_path: Path) -> None:
    """The report at scale (its time is measured by bench/report.py, not here): every case and event counted,
    each duty's parts adding up to the cases owing it, every departure with its rationale."""
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.events_log import build_log

    path = tmp_path / "big.db"
    held = build_log(path, 10_000)
    assert held["records"] >= 10_000 - held["refused"] and held["review_decision"] > 1000
    page = tmp_path / "big.html"
    result = CliRunner().invoke(main, ["log", "report", str(path), "--from", "1990-01-01", "--to", "2030-12-31",
                                       "--as-of", "2025-06-01", "--format", "json", "--html", str(page)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    report = json.loads(result.stdout)  # standard error says where the page went
    assert report["cases"] == 10_000 - held["refused"]
    assert report["events"] == sum(n for kind, n in held.items() if kind not in ("records", "refused"))
    assert report["corrections"] == held["correction"]
    assert sum(o["cases"] for o in report["by_outcome"]) >= report["cases"]  # an overlap case counts per edition
    for d in report["duties"]:
        parts = (d["on_time"] + d["late"] + d["met_no_due_date"] + d["outstanding_overdue"]
                 + d["outstanding_not_yet_due"] + d["outstanding_no_due_date"])
        assert parts == d["owed"], d
    panel = next(d for d in report["duties"] if d["duty"] == "notify_panel")
    assert panel["on_time"] > panel["late"] > 0 and panel["median_working_days"] is not None
    assert report["departures"] and all(d["rationale"] for d in report["departures"])
    assert Ledger(path, read_only=True).verify().ok
    assert page.stat().st_size > 0


def test_a_case_without_an_awareness_date_counts_by_the_day_its_record_was_made(log: Path, tmp_path: Path) -> None:
    """A redacted log keeps no awareness date: the case falls in the period its record was made in, whatever
    the day its events were entered (regression: an event's entry time stood in for its record's)."""
    add(log, "EX-WT23", "notified_panel", "2024-12-23")
    shared, copy = tmp_path / "shared.jsonl", tmp_path / "shared.db"
    assert scr("log", "export", str(log), "--redact", "-o", str(shared)).exit_code == 0
    lines = [json.loads(line) for line in shared.read_text().splitlines()]
    for body in lines:  # the records made in 2025, the event entered in 2026
        body["made_at"] = "2026-02-01T10:00:00Z" if is_event(body) else "2025-02-01T10:00:00Z"
    shared.write_text("".join(json.dumps(b) + "\n" for b in lines))
    assert scr("log", "import", str(copy), str(shared)).exit_code == 0
    report = report_json(copy, "--from", "2025-01-01", "--to", "2025-12-31", "--as-of", "2026-03-01")
    assert report["cases"] == 15 and report["events"] == 1
    assert report_json(copy, "--from", "2026-01-01", "--to", "2026-12-31")["cases"] == 0
