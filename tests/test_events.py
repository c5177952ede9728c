"""Events on logged decisions (issue 17.1): every kind, the checks, the chain covering them, a kill -9 mid-add."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scr_eligibility.cli import main
from scr_eligibility.engine.audit.events import KINDS, parse_event
from scr_eligibility.engine.audit.ledger import Ledger
from scr_eligibility.engine.audit.stored import is_event
from scr_eligibility.free_text import MAX_NOTE, note_problems

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def example_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "decisions.db"
    result = CliRunner().invoke(main, ["batch", str(EXAMPLES), "--log", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # A looked after child's death (none of the examples): it owes the Secretary of State and Ofsted notification.
    looked_after = path.parent / "lac.yaml"
    looked_after.write_text((EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml").read_text()
                            .replace("EX-WT23", "EX-LAC").replace("looked_after: no", "looked_after: yes"))
    assert scr("check", str(looked_after), "--log", str(path)).exit_code == 0
    return path


@pytest.fixture
def log(example_log: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "decisions.db"
    shutil.copy(example_log, copy)
    return copy


def record_id(path: Path, case: str) -> str:
    found = [b["record_id"] for _, b in Ledger(path, read_only=True).numbered_entries()
             if not is_event(b) and b.get("case_reference") == case]
    return found[-1]


def scr(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def events(path: Path) -> list[dict[str, Any]]:
    return [b for _, b in Ledger(path, read_only=True).numbered_entries() if is_event(b)]


# WT2023 case EX-WT23: aware 2024-12-20, owes the Panel notification, the report to the partners and the
# rapid review. EX-M1 (WT2015, SCR required) owes the LSCB's decision. A correction needs a second record.
KIND_ARGS: dict[str, tuple[str, list[str]]] = {
    "notified_panel": ("EX-WT23", ["--on", "2024-12-23"]),
    "notified_ofsted": ("EX-LAC", ["--on", "2024-12-23"]),
    "informed_safeguarding_partners": ("EX-WT23", ["--on", "2024-12-23"]),
    "notified_secretary_of_state": ("EX-LAC", ["--on", "2024-12-23"]),
    "rapid_review_sent": ("EX-WT23", ["--on", "2025-01-10", "--note", "Sent with the chronology"]),
    "review_decision": ("EX-M1", ["--on", "2017-03-20", "--outcome", "review", "--note", "Criteria met"]),
    "panel_response": ("EX-WT23", ["--on", "2025-02-01", "--note", "The Panel agreed with the rapid review"]),
    "review_published": ("EX-M1", ["--on", "2018-01-15"]),
    "correction": ("EX-WT23", ["--on", "2025-01-09", "--note", "Abuse confirmed by the post-mortem"]),
}


def test_every_kind_is_exercised() -> None:
    assert set(KIND_ARGS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_recorded_in_the_chain_and_verifies(log: Path, kind: str) -> None:
    case, args = KIND_ARGS[kind]
    target = record_id(log, case)
    if kind == "correction":
        corrected = (EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml").read_text().replace(
            "abuse_or_neglect: suspected", "abuse_or_neglect: known")
        case_file = log.parent / "corrected.yaml"
        case_file.write_text(corrected)
        assert scr("check", str(case_file), "--log", str(log)).exit_code == 0
        args = [*args, "--replaced-by", record_id(log, case)]
    result = scr("event", "add", str(log), target[:8], "--kind", kind, *args)
    assert result.exit_code == 0, result.output
    assert f"Recorded {kind}" in result.output
    [event] = events(log)
    parse_event(event)
    assert (event["kind"], event["record_id"], event["case_reference"]) == (kind, target, case)
    assert event["on"] == args[1]
    assert scr("log", "verify", str(log)).exit_code == 0


def refused(log: Path, *args: str) -> str:
    before = Ledger(log, read_only=True).head()
    result = scr("event", "add", str(log), *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert Ledger(log, read_only=True).head() == before, "a refused event wrote something"
    return result.output


def test_unknown_kind_is_refused_with_the_list_and_every_other_problem(log: Path) -> None:
    out = refused(log, record_id(log, "EX-WT23"), "--kind", "notified_pane", "--on", "2024-12-01")
    assert "found 'notified_pane'" in out and "did you mean notified_panel?" in out
    assert all(kind in out for kind in KINDS)
    assert "on or after the incident (2024-12-18)" in out  # reported at the same time


def test_no_event_before_the_incident_or_after_today(log: Path) -> None:
    target = record_id(log, "EX-WT23")
    assert "--on: found 2024-12-17" in refused(log, target, "--kind", "notified_panel", "--on", "2024-12-17")
    out = refused(log, target, "--kind", "notified_panel", "--on", "2099-01-01")
    assert "a date that has come" in out


def test_a_duty_event_on_a_decision_owing_no_such_duty_is_refused_unless_forced_with_a_note(log: Path) -> None:
    target = record_id(log, "EX-ADULT")  # WT2015, criteria not met: no Panel notification is owed
    out = refused(log, target, "--kind", "notified_panel", "--on", "2017-06-20")
    assert "owes none of them" in out and "a duty of the local authority" in out and "--force" in out
    assert "--note: found none" in refused(log, target, "--kind", "notified_panel", "--on", "2017-06-20", "--force")
    result = scr("event", "add", str(log), target, "--kind", "notified_panel", "--on", "2017-06-20", "--force",
                 "--note", "Notified on the advice of the regional lead")
    assert result.exit_code == 0 and "forced" in result.output
    assert events(log)[0]["forced"] is True


def test_a_forced_event_on_a_decision_that_owes_the_duty_is_not_marked_forced(log: Path) -> None:
    result = scr("event", "add", str(log), record_id(log, "EX-WT23"), "--kind", "notified_panel", "--on",
                 "2024-12-23", "--force")
    assert result.exit_code == 0 and events(log)[0]["forced"] is False


def test_a_duty_event_is_accepted_where_the_duty_may_be_owed(log: Path) -> None:
    """EX-UNDET's notifiable incident is undetermined: the Ofsted notification may be owed, so it is not refused."""
    result = scr("event", "add", str(log), record_id(log, "EX-UNDET"), "--kind", "notified_ofsted", "--on",
                 "2017-02-10")
    assert result.exit_code == 0, result.output


def test_review_decision_needs_its_outcome_and_rationale_and_others_take_no_outcome(log: Path) -> None:
    target = record_id(log, "EX-M1")
    out = refused(log, target, "--kind", "review_decision", "--on", "2017-03-20")
    assert "--outcome: found '(none)'" in out and "--note: found none" in out
    out = refused(log, target, "--kind", "review_decision", "--on", "2017-03-20", "--outcome", "maybe", "--note", "x")
    assert "found 'maybe'" in out and "review" in out
    assert "only a review_decision has one" in refused(log, target, "--kind", "review_published", "--on",
                                                       "2018-01-01", "--outcome", "review")


def test_correction_rules(log: Path) -> None:
    target = record_id(log, "EX-WT23")
    assert "--replaced-by: found none" in refused(log, target, "--kind", "correction", "--on", "2025-01-09")
    assert "a record of the same case" in refused(log, target, "--kind", "correction", "--on", "2025-01-09",
                                                 "--replaced-by", record_id(log, "EX-M1"))
    assert "another record than the one corrected" in refused(log, target, "--kind", "correction", "--on",
                                                             "2025-01-09", "--replaced-by", target)
    assert "a decision record in this log" in refused(log, target, "--kind", "correction", "--on", "2025-01-09",
                                                      "--replaced-by", "0123456789abcdef")


def test_an_event_on_a_replaced_record_is_refused(log: Path) -> None:
    case_file = log.parent / "again.yaml"
    shutil.copy(EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml", case_file)
    old = record_id(log, "EX-WT23")
    assert scr("check", str(case_file), "--log", str(log)).exit_code == 0
    new = record_id(log, "EX-WT23")
    assert scr("event", "add", str(log), old, "--kind", "correction", "--on", "2025-01-09",
               "--replaced-by", new).exit_code == 0
    assert "a correction replaced this one" in refused(log, old, "--kind", "notified_panel", "--on", "2024-12-23")
    assert scr("event", "add", str(log), new, "--kind", "notified_panel", "--on", "2024-12-23").exit_code == 0


def test_an_unknown_or_short_record_id_and_a_missing_log_are_refused(log: Path, tmp_path: Path) -> None:
    assert "no such decision record" in refused(log, "ffffffffff", "--kind", "notified_panel", "--on", "2024-12-23")
    assert "too short" in refused(log, "ab", "--kind", "notified_panel", "--on", "2024-12-23")
    missing = tmp_path / "none.db"
    result = scr("event", "add", str(missing), "abcdefgh", "--kind", "notified_panel", "--on", "2024-12-23")
    assert result.exit_code == 3 and "no decision log here" in result.output and not missing.exists()


@pytest.mark.parametrize("note", [
    "Discussed with Alice Smith", "Mrs Jones was told", "The child, named Tom, was seen", "DOB 12/03/2015",
    "born in 2015", "Seen on 3 March 2024", "x" * (MAX_NOTE + 1), "line one\nline two",
])
def test_notes_refuse_names_dates_of_birth_and_long_text(log: Path, note: str) -> None:
    assert "--note" in refused(log, record_id(log, "EX-WT23"), "--kind", "notified_panel", "--on", "2024-12-23",
                               "--note", note)


@pytest.mark.parametrize("note", [
    "Notified by email to the Panel", "Leeds City Council agreed", "North Wales Safeguarding Children Board told",
    "The mother was informed by the social worker", "Rapid Review Meeting held; criteria met",
])
def test_notes_keep_the_words_of_public_bodies_and_roles(note: str) -> None:
    assert note_problems(note) == []


def test_verify_finds_an_event_tampered_with(log: Path) -> None:
    assert scr("event", "add", str(log), record_id(log, "EX-WT23"), "--kind", "notified_panel", "--on",
               "2024-12-23").exit_code == 0
    seq = Ledger(log).head()[0]
    conn = sqlite3.connect(log, isolation_level=None)
    text = conn.execute("SELECT record_json FROM entries WHERE seq = ?", (seq,)).fetchone()[0]
    conn.execute("UPDATE entries SET record_json = ? WHERE seq = ?", (text.replace("2024-12-23", "2024-12-20"), seq))
    conn.close()
    result = scr("log", "verify", str(log))
    assert result.exit_code == 1 and f"entry {seq} is not as written" in result.output


def test_export_import_carry_events_and_redaction_removes_notes(log: Path, tmp_path: Path) -> None:
    assert scr("event", "add", str(log), record_id(log, "EX-M1"), "--kind", "review_decision", "--on", "2017-03-20",
               "--outcome", "no_review", "--note", "Single-agency learning judged enough").exit_code == 0
    plain, redacted, copy = tmp_path / "all.jsonl", tmp_path / "red.jsonl", tmp_path / "copy.db"
    assert scr("log", "export", str(log), "-o", str(plain)).exit_code == 0
    assert scr("log", "export", str(log), "--redact", "-o", str(redacted)).exit_code == 0
    [event] = [json.loads(line) for line in plain.read_text().splitlines() if '"entry":"event"' in line]
    assert event["note"] == "Single-agency learning judged enough"
    [shared] = [json.loads(line) for line in redacted.read_text().splitlines() if '"entry":"event"' in line]
    assert shared["note"] is None and shared["note_redacted"] is True
    assert (shared["kind"], shared["on"], shared["outcome"]) == ("review_decision", "2017-03-20", "no_review")
    assert scr("log", "import", str(copy), str(plain)).exit_code == 0
    assert events(copy) == [event]
    assert scr("log", "verify", str(copy)).exit_code == 0


def test_import_refuses_a_malformed_event(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"entry": "event", "kind": "party", "on": "2024-01-01"}) + "\n")
    result = scr("log", "import", str(tmp_path / "x.db"), str(bad))
    assert result.exit_code == 1 and "kind" in result.output and "Traceback" not in result.output


def test_import_refuses_an_event_whose_record_is_not_there(log: Path, tmp_path: Path) -> None:
    assert scr("event", "add", str(log), record_id(log, "EX-WT23"), "--kind", "notified_panel", "--on",
               "2024-12-23").exit_code == 0
    lines = tmp_path / "events-only.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in events(log)))
    result = scr("log", "import", str(tmp_path / "new.db"), str(lines))
    assert result.exit_code == 1 and "neither in the log nor earlier in the file" in result.output
    assert not Ledger(tmp_path / "new.db").head()[0]
    assert scr("log", "import", str(log), str(lines)).exit_code == 0  # its record is in this log


def test_replay_ignores_events_and_shows_which_record_is_current(log: Path) -> None:
    case_file = log.parent / "again.yaml"
    shutil.copy(EXAMPLES / "wt2023-death-abuse-suspected.notify_panel.yaml", case_file)
    old = record_id(log, "EX-WT23")
    assert scr("check", str(case_file), "--log", str(log)).exit_code == 0
    new = record_id(log, "EX-WT23")
    assert scr("event", "add", str(log), old, "--kind", "correction", "--on", "2025-01-09",
               "--replaced-by", new).exit_code == 0
    result = scr("replay", str(log))
    assert result.exit_code == 0, result.output
    assert "17 records replayed" in result.output and "0 errors" in result.output
    assert f"replaced by {new[:8]}" in result.output
    lines = [json.loads(line) for line in scr("replay", str(log), "--format", "jsonl").output.splitlines()]
    assert [r["replaced_by"] for r in lines if r["record_id"] == old] == [new]


def test_replay_of_a_log_without_events_is_unchanged(example_log: Path) -> None:
    """No Current column, no replaced_by key: a log without corrections replays as before."""
    result = scr("replay", str(example_log))
    assert "Current" not in result.output
    assert all("replaced_by" not in json.loads(line)
               for line in scr("replay", str(example_log), "--format", "jsonl").output.splitlines())


ADD_FOREVER = """
import sys
from scr_eligibility.engine.audit.events import add_event
from scr_eligibility.engine.audit.ledger import Ledger
ledger = Ledger(sys.argv[1])
while True:
    seq, _ = add_event(ledger, sys.argv[2], "notified_panel", __import__("datetime").date(2024, 12, 23))
    print(seq, flush=True)
"""


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.45, 0.8])
def test_kill_9_during_event_add_leaves_a_log_that_verifies(log: Path, delay: float) -> None:
    """SIGKILL while events are being added: the log verifies, and every event whose add returned is in it."""
    target = record_id(log, "EX-WT23")
    child = subprocess.Popen([sys.executable, "-c", ADD_FOREVER, str(log), target], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()  # the interpreter is up and one event is in
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    returned = [int(s) for s in (first + rest).split()]
    ledger = Ledger(log)  # opening rolls back what the kill left half done
    assert ledger.verify().ok
    assert len(events(log)) >= len(returned) >= 1
    assert scr("log", "verify", str(log)).exit_code == 0
    assert scr("event", "add", str(log), target, "--kind", "panel_response", "--on", "2025-01-02").exit_code == 0


import datetime as _dt  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scr_eligibility.engine.audit.events import make_event  # noqa: E402
from scr_eligibility.errors import InputError  # noqa: E402


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.one_of(st.sampled_from(sorted(KINDS)), st.text(max_size=20)),
       on=st.one_of(st.dates(), st.dates(_dt.date(2024, 12, 18), _dt.date(2025, 12, 31))), note=st.one_of(st.none(), st.text(max_size=600)),
       outcome=st.one_of(st.none(), st.sampled_from(["review", "no_review"]), st.text(max_size=10)),
       force=st.booleans())
def test_any_event_is_either_made_valid_or_refused_with_problems(example_log: Path, kind: str, on: Any,
                                                                 note: str | None, outcome: str | None,
                                                                 force: bool) -> None:
    """Whatever is typed, an event is made (and then parses as a stored event) or refused naming each problem."""
    record = next(b for _, b in Ledger(example_log, read_only=True).numbered_entries()
                  if b.get("case_reference") == "EX-WT23")
    try:
        event = make_event(record, kind, on, note=note, outcome=outcome, force=force)
    except InputError as error:
        assert error.problems and all(p.location and p.expected for p in error.problems)
        return
    parse_event(event)
    assert event["kind"] in KINDS and not note_problems(event["note"] or "")


def test_an_event_on_a_signed_log_is_signed_too(log: Path, tmp_path: Path) -> None:
    key = tmp_path / "writer.key"
    assert scr("log", "keygen", str(key)).exit_code == 0
    assert scr("event", "add", str(log), record_id(log, "EX-WT23"), "--kind", "notified_panel", "--on", "2024-12-23",
               "--sign-key", str(key)).exit_code == 0
    result = scr("log", "verify", str(log), "--public-key", f"{key}.pub")
    assert result.exit_code == 0 and "the head (entry" in result.output and "is signed" in result.output
