"""Decision records, redaction, `scr log` and `scr replay`: what an auditor relies on.

The storage side of the log (chaining, locking, faults) is tested in test_log.py; here the
records are real ones, written by `scr check --log` from the shipped examples, and the
commands are run in-process through click's CliRunner, except where two processes are the
point.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scr_eligibility.cli import main
from scr_eligibility.engine import evaluate, load_case
from scr_eligibility.engine.audit.ledger import Ledger
from scr_eligibility.engine.audit.records import DecisionRecord, make_record, parse_record, record_dict
from scr_eligibility.engine.audit.redaction import REDACTED, redact
from scr_eligibility.engine.audit.replay import replay
from strategies import fact_sets
from tampering import rewrite_chain_from

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
M1 = ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"
M1_DATE_OF_BIRTH = "2014-11-20"  # written in the M1 example and nowhere else in its record but the facts
M1_AWARENESS_DATE = "2017-03-02"


def run(*args: str, input: str | None = None) -> Any:
    """`scr ARGS` in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def template_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log holding one record per shipped example, each written by `scr check --log` (made once, copied per test)."""
    path = tmp_path_factory.mktemp("records") / "decisions.db"
    for example in EXAMPLES:
        result = run("check", str(example), "--log", str(path))
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def log_path(template_log: Path, tmp_path: Path) -> Path:
    """A fresh copy of the examples' log for one test to change."""
    path = tmp_path / "decisions.db"
    shutil.copyfile(template_log, path)
    return path


def export(log: Path, *extra: str) -> str:
    result = run("log", "export", str(log), *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def records_of(log: Path) -> list[dict[str, Any]]:
    return [body for _seq, body in Ledger(log, read_only=True).numbered_entries()]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space: a table cell wrapped over lines reads as one."""
    return " ".join(text.split())


def replay_rows(stdout: str) -> dict[str, str]:
    """``{case reference: table line}`` from a replay table (one line per record, continuation lines skipped)."""
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("EX-"):
            rows[parts[1]] = line
    return rows


# --------------------------------------------------------------------------- records and replay (library)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=st.one_of(fact_sets(), fact_sets(dated=True)))
def test_replaying_the_record_of_any_fact_set_gives_the_same_decision(facts):
    """For generated fact sets, a record stored as JSON and read back replays to `same`, with no differences."""
    record = make_record(evaluate(facts))
    stored = json.loads(json.dumps(record_dict(record)))
    assert parse_record(stored) == record
    result = replay(stored)
    assert result.status == "same", result
    assert result.differences == ()
    assert result.new_outcomes == record.outcomes
    assert result.replayed_under == tuple(f"{e.id}@{e.version}" for e in record.editions)


def _strings(value: Any, skip: frozenset[str] = frozenset({"made_at", "in_force_from", "in_force_until"})) -> Iterator[str]:
    """Every string in a JSON value except under keys that hold dates that are not the case's."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, skip)
    elif isinstance(value, str):
        yield value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets(dated=True))
def test_a_redacted_record_holds_no_fact_value_but_keeps_what_an_auditor_compares(facts):
    """redact: no case date anywhere, facts and evidence values gone; hash, case reference, outcomes, statuses kept."""
    record = record_dict(make_record(evaluate(facts)))
    before = json.dumps(record)
    redacted = redact(record)
    assert json.dumps(record) == before  # the input is not changed
    parse_record(redacted)  # still a valid record
    for name in ("incident_date", "awareness_date"):
        day = facts[name].isoformat()
        assert not [s for s in _strings(redacted) if day in s], name
    assert redacted["facts"] is None and redacted["decision"]["facts"] is None and redacted["facts_redacted"] is True
    evidence = [e for ed in redacted["decision"]["editions"] for c in ed["criteria"] for e in c["evidence"]]
    assert all(e["value"] is None and e["value_label"] == REDACTED for e in evidence)
    for key in ("facts_hash", "case_reference", "outcomes", "editions", "record_id", "made_at"):
        assert redacted[key] == record[key]
    statuses = [[(c["id"], c["status"]) for c in e["criteria"]] for e in record["decision"]["editions"]]
    assert [[(c["id"], c["status"]) for c in e["criteria"]] for e in redacted["decision"]["editions"]] == statuses


def test_a_record_whose_facts_do_not_match_their_hash_is_an_error():
    """Facts changed after the record was made (facts_hash not recomputed) cannot be replayed as if genuine."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    record["facts"]["abuse_or_neglect"] = "not_known_or_suspected"
    result = replay(record)
    assert result.status == "error"
    assert "facts_hash" in (result.error or "")


def test_a_record_changed_with_its_hash_recomputed_replays_as_different():
    """Facts changed and re-hashed: the replay's outcome and criteria no longer match the recorded explanation."""
    from scr_eligibility.engine.audit.records import facts_hash

    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    record["facts"]["abuse_or_neglect"] = "not_known_or_suspected"
    record["facts_hash"] = facts_hash(record["facts"])
    result = replay(record)
    assert result.status == "different"
    whats = {d.what for d in result.differences}
    assert "outcome" in whats and "criterion M1" in whats


def test_a_due_date_that_changed_while_the_outcomes_did_not_replays_as_different():
    """Same outcomes and statuses but another due date in the recorded explanation: `different`, naming the duty."""
    record = record_dict(make_record(evaluate(load_case(str(M1)), editions=["lscb-scr-2006"])))
    duty = record["decision"]["editions"][0]["determinations"][0]["duties"][0]
    real, duty["due"] = duty["due"], "2099-01-01"
    result = replay(record)
    assert result.status == "different"
    assert [(d.what, d.before, d.after) for d in result.differences] == [
        ("duty scr/lscb_decision due", "2099-01-01", real)]
    assert result.wording_differs_at == ()  # the due date is the decision's, not its wording


def test_explanation_wording_alone_changed_replays_same_and_says_so_regression():
    """Regression: other words in a recorded explanation made replay say "different". The standard: "an old record
    replays 'same' when its outcomes, criterion statuses and due dates agree; a change of explanation wording alone
    is reported as such, never as a different decision"."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    edition = record["decision"]["editions"][0]
    edition["criteria"][0]["title"] = "an older title"
    edition["determinations"][0]["label"] = "an older label"
    result = replay(record)
    assert result.status == "same"
    assert result.differences == ()
    assert result.wording_changed is True
    assert result.wording_differs_at == ("editions[0].criteria[0].title", "editions[0].determinations[0].label")
    untouched = replay(record_dict(make_record(evaluate(load_case(str(M1))))))
    assert (untouched.status, untouched.wording_changed, untouched.wording_differs_at) == ("same", False, ())


def test_scr_replay_says_same_explanation_wording_differs_and_exits_0(tmp_path):
    """`scr replay`: a record whose explanation alone is worded otherwise is "same (explanation wording differs)"."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    record["decision"]["editions"][0]["criteria"][0]["title"] = "an older title"
    result = run("replay", str(write_jsonl(tmp_path / "old.jsonl", [record])))
    assert result.exit_code == 0, result.output
    assert "same (explanation wording differs)" in flat(result.stdout)
    assert "explanation wording differs at editions[0].criteria[0].title" in flat(result.stdout)
    assert "1 same (1 with the explanation worded differently), 0 different, 0 errors." in result.stdout


def test_a_fact_field_added_to_the_fact_model_after_the_record_was_made_is_no_difference_regression():
    """Regression: a record made before a fact field existed replayed "different" because the replay's facts hold
    that field (null). A fact the record does not hold and that is null in the replay is not a difference at all."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    facts = record["decision"]["facts"]
    newer = [name for name, value in facts.items() if value is None][:3]
    assert newer  # M1 leaves some facts unknown
    for name in newer:
        del facts[name]  # as if the fact model had not had these fields yet
    result = replay(record)
    assert (result.status, result.differences, result.wording_changed) == ("same", (), False)
    # A fact the record holds but the replay does not, or holds otherwise, is still seen.
    facts["age"] = 3
    assert replay(record).wording_differs_at == ("facts.age",)


# --------------------------------------------------------------------------- scr log verify / show


def test_scr_check_log_creates_the_log_owner_read_write_only(tmp_path):
    """The log `scr check --log` creates is mode 0600: it holds the facts of safeguarding cases."""
    path = tmp_path / "new.db"
    old = os.umask(0o022)
    try:
        assert run("check", str(M1), "--log", str(path)).exit_code == 0
    finally:
        os.umask(old)
    assert (path.stat().st_mode & 0o777) == 0o600


def test_log_verify_prints_ok_with_the_entry_count_and_the_head(log_path):
    """A good log: exit 0, OK with the number of entries, and the head to keep elsewhere."""
    result = run("log", "verify", str(log_path))
    assert result.exit_code == 0
    seq, hash_ = Ledger(log_path).head()
    assert f"OK: {log_path}: {len(EXAMPLES)} entries verified" in result.stdout
    assert f"Head: {seq}:{hash_}" in result.stdout


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_any_stored_byte_of_a_real_entry_makes_log_verify_name_that_entry(template_log, tmp_path, data):
    """One byte of one real record changed in the file: `scr log verify` exits 1 naming that entry."""
    path = tmp_path / f"tampered-{time.monotonic_ns()}.db"
    shutil.copyfile(template_log, path)
    seq = data.draw(st.integers(1, len(EXAMPLES)), label="seq")
    conn = sqlite3.connect(path, isolation_level=None)
    stored = bytearray(conn.execute("SELECT CAST(record_json AS BLOB) FROM entries WHERE seq = ?", (seq,)).fetchone()[0])
    at = data.draw(st.integers(0, len(stored) - 1), label="byte")
    stored[at] = data.draw(st.integers(0, 255).filter(lambda b: b != stored[at]), label="new value")
    conn.execute("UPDATE entries SET record_json = CAST(? AS TEXT) WHERE seq = ?", (bytes(stored), seq))
    conn.close()
    result = run("log", "verify", str(path))
    assert result.exit_code == 1
    assert f"BAD: {path}: entry {seq} is not as written" in result.stdout
    good = "No good entry precedes" if seq == 1 else f"{seq - 1} good entr"
    assert good in result.stdout  # how many were good before it
    path.unlink()


def test_expect_head_finds_a_whole_chain_rewritten_after_the_head_was_noted(log_path):
    """A rewrite with every hash recomputed passes plain verify but fails --expect-head with the head noted before."""
    noted = run("log", "verify", str(log_path)).stdout.split("Head: ")[1].split()[0]
    assert run("log", "verify", str(log_path), "--expect-head", noted).exit_code == 0
    rewrite_chain_from(log_path, 3, {"outcomes": {"lscb-scr-2006": "not_met"}})
    assert run("log", "verify", str(log_path)).exit_code == 0  # the documented limit of a keyless chain
    result = run("log", "verify", str(log_path), "--expect-head", noted)
    assert result.exit_code == 1
    assert f"entry {len(EXAMPLES)} is not the one noted earlier" in result.stdout


def test_log_verify_of_a_file_that_is_not_a_log_exits_3_and_leaves_it_alone(tmp_path):
    """A file that is not a decision log: a log error (exit 3), no traceback, the file unchanged."""
    path = tmp_path / "notes.db"
    path.write_text("not a log\n")
    result = run("log", "verify", str(path))
    assert result.exit_code == 3
    assert "not a decision log" in result.stderr
    assert path.read_text() == "not a log\n"


def test_log_show_lists_every_entry_with_case_editions_and_outcomes(log_path):
    """One row per entry: sequence number, short record id, case reference, edition@version and outcome."""
    result = run("log", "show", str(log_path))
    assert result.exit_code == 0
    for seq, record in enumerate(records_of(log_path), start=1):
        line = next(li for li in result.stdout.splitlines() if li.split()[:1] == [str(seq)])
        assert record["record_id"][:8] in line and record["case_reference"] in line
        edition = record["editions"][0]
        assert f"{edition['id']}@{edition['version']}" in line and record["outcomes"][edition["id"]] in line
    assert f"{len(EXAMPLES)} entries." in result.stdout


@pytest.mark.parametrize(("options", "cases"), [
    (("--outcome", "scr_required"), {"EX-M1", "EX-M2", "EX-M3", "EX-M4", "EX-M5", "EX-OVERLAP"}),
    (("--edition", "wt2023"), {"EX-WT23"}),
    (("--edition", "wt2018", "--outcome", "notify_panel"), {"EX-OVERLAP", "EX-WT18"}),
    (("--edition", "lscb-scr-2006", "--outcome", "notify_panel"), set()),
    (("--since", "2000-01-01", "--until", "2999-12-31", "--outcome", "undetermined"), {"EX-UNDET"}),
    (("--since", "2999-01-01"), set()),
])
def test_log_show_filters_by_date_edition_and_outcome(log_path, options, cases):
    """--since/--until/--edition/--outcome keep only the matching entries and say how many of how many."""
    result = run("log", "show", str(log_path), *options)
    assert result.exit_code == 0
    shown = {p for line in result.stdout.splitlines() for p in line.split() if p.startswith("EX-")}
    assert shown == cases
    assert f"{len(cases)} of {len(EXAMPLES)} entries match." in result.stdout


# --------------------------------------------------------------------------- export / import


def test_export_then_import_round_trips_the_records(log_path, tmp_path):
    """`log export -o` (over an older file, made 0600) then `log import`: the same records, in order, chain valid."""
    out = tmp_path / "all.jsonl"
    out.write_text("an older file, readable by all\n")
    out.chmod(0o644)
    result = run("log", "export", str(log_path), "-o", str(out))
    assert result.exit_code == 0 and f"Exported {len(EXAMPLES)} records" in result.stderr
    assert (out.stat().st_mode & 0o777) == 0o600  # an unredacted export holds the facts: made owner-only
    copy = tmp_path / "copy.db"
    result = run("log", "import", str(copy), str(out))
    assert result.exit_code == 0
    assert f"Imported {len(EXAMPLES)} records" in result.stdout
    assert records_of(copy) == records_of(log_path)
    assert Ledger(copy).verify().ok


def test_redacted_export_has_no_fact_value_anywhere(log_path):
    """--redact: neither M1's date of birth nor its awareness date appears anywhere in the export; hashes stay."""
    full = export(log_path)
    assert M1_DATE_OF_BIRTH in full and M1_AWARENESS_DATE in full  # the search can find them
    text = export(log_path, "--redact")
    assert M1_DATE_OF_BIRTH not in text
    assert M1_AWARENESS_DATE not in text
    exported = [json.loads(line) for line in text.splitlines()]
    originals = records_of(log_path)
    assert [r["facts_hash"] for r in exported] == [r["facts_hash"] for r in originals]
    assert [r["outcomes"] for r in exported] == [r["outcomes"] for r in originals]
    assert all(r["facts"] is None and r["facts_redacted"] for r in exported)


def test_replaying_a_redacted_export_gives_a_clear_error_for_each_record(log_path, tmp_path):
    """Redacted records cannot be replayed: each row says so, and the run exits 1."""
    shared = tmp_path / "shared.jsonl"
    assert run("log", "export", str(log_path), "--redact", "-o", str(shared)).exit_code == 0
    result = run("replay", str(shared))
    assert result.exit_code == 1
    assert result.stdout.count("redacted") >= len(EXAMPLES)
    assert f"0 same, 0 different, {len(EXAMPLES)} errors" in result.stdout


def test_import_refuses_a_line_that_is_not_a_decision_record_and_writes_nothing(log_path, tmp_path):
    """A JSON line that is not a record: exit 1 naming the line; the target log is unchanged."""
    good = export(log_path).splitlines()
    source = write_jsonl(tmp_path / "mixed.jsonl", [good[0], {"hello": "world"}])
    before = Ledger(log_path).head()
    result = run("log", "import", str(log_path), str(source))
    assert result.exit_code == 1
    assert "line 2 is not a decision record" in result.stderr
    assert Ledger(log_path).head() == before


# --------------------------------------------------------------------------- scr replay


def test_replaying_an_unchanged_log_finds_every_decision_the_same(log_path):
    """Every record replays to `same` under the editions it names; exit 0."""
    result = run("replay", str(log_path))
    assert result.exit_code == 0, result.output
    rows = replay_rows(result.stdout)
    assert len(rows) == len(EXAMPLES)
    assert all(" same" in row for row in rows.values())
    assert f"{len(EXAMPLES)} same, 0 different, 0 errors" in result.stdout


def _tampered_export(log_path: Path, tmp_path: Path, change: dict[str, Any]) -> tuple[Path, list[dict[str, Any]]]:
    """The examples' records as JSON Lines, with ``change`` (case reference -> function) applied to some."""
    records = [json.loads(line) for line in export(log_path).splitlines()]
    for record in records:
        if record["case_reference"] in change:
            change[record["case_reference"]](record)
    return write_jsonl(tmp_path / "records.jsonl", records), records


def _unknown_version(record: dict[str, Any]) -> None:
    record["editions"][0]["version"] = 99


@pytest.mark.parametrize("kind", ["jsonl", "log"])
def test_a_record_naming_an_edition_version_not_shipped_is_an_error_and_the_others_are_replayed(log_path, tmp_path,
                                                                                                kind):
    """wt2015@99 (EX-M2 is a 2016 case, judged by Working Together 2015): that record's row names the version it
    lacks; every other record replays `same`; exit 1."""
    source, _ = _tampered_export(log_path, tmp_path, {"EX-M2": _unknown_version})
    if kind == "log":
        as_log = tmp_path / "imported.db"
        assert run("log", "import", str(as_log), str(source)).exit_code == 0
        source = as_log
    result = run("replay", str(source))
    assert result.exit_code == 1
    rows = replay_rows(result.stdout)
    assert " error " in rows["EX-M2"] and "wt2015@99" in result.stdout
    assert "does not have that edition version" in flat(result.stdout)
    assert all(" same" in row for case, row in rows.items() if case != "EX-M2")
    assert f"{len(EXAMPLES) - 1} same, 0 different, 1 error." in result.stdout


def test_a_record_whose_edition_content_hash_differs_from_the_shipped_file_is_an_error(log_path, tmp_path):
    """A record made with a different lscb-scr-2006@1 file (its content hash): error for that record only."""
    def other_file(record: dict[str, Any]) -> None:
        record["editions"][0]["content_hash"] = "sha256:" + "0" * 64

    source, _ = _tampered_export(log_path, tmp_path, {"EX-M3": other_file})
    result = run("replay", str(source))
    assert result.exit_code == 1
    rows = replay_rows(result.stdout)
    assert " error " in rows["EX-M3"]
    assert "differs from the one the record was made with" in flat(result.stdout)
    assert f"{len(EXAMPLES) - 1} same, 0 different, 1 error." in result.stdout


def test_a_recorded_decision_the_rules_no_longer_give_is_reported_different_with_what_changed(log_path, tmp_path):
    """A record whose recorded outcome and criterion status differ from what its rules give: `different`, exit 1."""
    def edited(record: dict[str, Any]) -> None:
        record["outcomes"]["wt2015"] = "not_met"  # EX-M1 is a 2017 case, judged by Working Together 2015
        m1 = next(c for c in record["decision"]["editions"][0]["criteria"] if c["id"] == "M1")
        m1["status"] = "not_met"

    source, _ = _tampered_export(log_path, tmp_path, {"EX-M1": edited})
    result = run("replay", str(source))
    assert result.exit_code == 1
    assert " different " in replay_rows(result.stdout)["EX-M1"]
    assert "outcome: not_met -> scr_required" in result.stdout
    assert "criterion M1: not_met -> met" in result.stdout
    assert f"{len(EXAMPLES) - 1} same, 1 different, 0 errors." in result.stdout


def test_a_line_that_is_not_json_is_an_error_row_and_the_rest_are_replayed(log_path, tmp_path):
    """A broken line in a JSON Lines source is reported by its line number; the other records still replay."""
    lines = export(log_path).splitlines()
    source = write_jsonl(tmp_path / "broken.jsonl", lines[:2] + ["{broken"] + lines[2:])
    result = run("replay", str(source))
    assert result.exit_code == 1
    assert "line 3" in result.stdout and "not JSON" in result.stdout
    assert f"{len(EXAMPLES)} same, 0 different, 1 error." in result.stdout


def test_replay_tells_a_log_from_json_lines_by_content_not_by_name(log_path, tmp_path):
    """A log named .jsonl is read as a log, and JSON Lines named .db as JSON Lines."""
    disguised_log = tmp_path / "records.jsonl"
    shutil.copyfile(log_path, disguised_log)
    disguised_jsonl = write_jsonl(tmp_path / "records.db", [json.loads(line) for line in export(log_path).splitlines()])
    for source in (disguised_log, disguised_jsonl):
        result = run("replay", str(source))
        assert result.exit_code == 0, result.output
        assert f"{len(EXAMPLES)} same" in result.stdout


def test_replay_of_a_log_that_does_not_verify_warns_and_exits_1(log_path):
    """A tampered log is still replayed, but the run says the log does not verify and exits 1."""
    conn = sqlite3.connect(log_path, isolation_level=None)
    conn.execute("UPDATE entries SET record_json = replace(record_json, 'EX-D3', 'EX-D9') WHERE seq = 3")
    conn.close()
    result = run("replay", str(log_path))
    assert result.exit_code == 1
    assert "does not verify" in result.stderr and "entry 3" in result.stderr


def test_what_if_under_wt2023_shows_each_lscb_records_outcome_under_the_new_rules(log_path):
    """--under wt2023 on LSCB-era records: each row's new outcome is wt2023's for the same facts; counts add up; exit 0."""
    result = run("replay", str(log_path), "--under", "wt2023")
    assert result.exit_code == 0, result.output
    rows = replay_rows(result.stdout)
    changed = 0
    for record in records_of(log_path):
        new = evaluate(record["facts"], editions=["wt2023"]).outcomes["wt2023"]
        row = rows[record["case_reference"]]
        old = next(iter(record["outcomes"].values()))
        assert f": {old}" in row and f" {new} " in row
        # "changed": the new outcome is none of the outcomes the record holds (a 2018-19 record holds two)
        word = "same" if new in record["outcomes"].values() else "changed"
        changed += word == "changed"
        assert f" {word}" in row
    assert changed > 0  # the examples do include LSCB decisions that wt2023 decides otherwise
    assert (f"What-if under wt2023@4: {len(EXAMPLES)} records, {changed} would get a different outcome, "
            f"{len(EXAMPLES) - changed} the same, 0 could not be replayed.") in result.stdout


def test_what_if_under_the_records_own_edition_compares_like_for_like():
    """A wt2023 record replayed --under wt2023: `same`; a recorded criterion status that differs is listed."""
    record = record_dict(make_record(evaluate(load_case(str(
        ROOT / "examples" / "wt2023-death-abuse-suspected.notify_panel.yaml")))))
    assert replay(record, under="wt2023").status == "same"
    criterion = next(c for c in record["decision"]["editions"][0]["criteria"] if c["status"] == "met")
    criterion["status"] = "not_met"
    result = replay(record, under="wt2023@1")
    assert result.status == "same"  # a what-if counts outcome changes; the criterion is still reported
    # (criteria version 3 added, such as LAC-death-other-authority, are reported as absent from version 1)
    assert [(d.what, d.before, d.after) for d in result.differences if d.after != "None"] == [
        (f"criterion {criterion['id']}", "not_met", "met")]


def test_what_if_under_an_edition_this_installation_lacks_is_refused_before_any_work(log_path):
    """--under with an unknown edition: exit 1 with the edition error, no table."""
    result = run("replay", str(log_path), "--under", "wt2099")
    assert result.exit_code == 1
    assert "no such edition" in result.stderr
    assert "Record" not in result.stdout


def test_replay_jsonl_format_gives_one_result_per_record(log_path):
    """--format jsonl: one JSON object per record with its status and where it came from."""
    result = run("replay", str(log_path), "--format", "jsonl")
    assert result.exit_code == 0
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in results] == [f"entry {n}" for n in range(1, len(EXAMPLES) + 1)]
    assert {r["status"] for r in results} == {"same"}


def test_progress_bar_is_shown_on_stderr_for_long_runs_only(tmp_path):
    """More than 50 records: a progress bar on standard error (not stdout); a short run: none unless --progress."""
    decision = evaluate(load_case(str(M1)))
    many = write_jsonl(tmp_path / "many.jsonl", [record_dict(make_record(decision)) for _ in range(51)])
    long_run = run("replay", str(many))
    assert long_run.exit_code == 0
    assert "Replaying" in long_run.stderr and "Replaying" not in long_run.stdout
    few = write_jsonl(tmp_path / "few.jsonl", [record_dict(make_record(decision))])
    assert "Replaying" not in run("replay", str(few)).stderr
    assert "Replaying" in run("replay", str(few), "--progress").stderr


def test_replay_reads_json_lines_from_standard_input():
    """SOURCE - reads records as JSON Lines from standard input."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    result = run("replay", "-", input=json.dumps(record) + "\n")
    assert result.exit_code == 0
    assert "1 record replayed" in result.stdout


# --------------------------------------------------------------------------- the record's JSON Schema


def _schema_errors(schema: dict[str, Any], value: Any, defs: dict[str, Any], where: str = "record") -> list[str]:
    """A small JSON Schema checker for what pydantic emits (type, anyOf, $ref, const, required, items, format date)."""
    if "$ref" in schema:
        return _schema_errors(defs[schema["$ref"].split("/")[-1]], value, defs, where)
    if "anyOf" in schema:
        options = [_schema_errors(s, value, defs, where) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: matches no option"]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: not {schema['const']!r}"]
    kinds = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict, "array": list,
             "null": type(None)}
    kind = schema.get("type")
    if kind and (not isinstance(value, kinds[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{where}: not {kind}"]
    errors = []
    if kind == "string" and schema.get("format") == "date":
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            errors.append(f"{where}: not a date")
    if kind == "object":
        errors += [f"{where}: {key} missing" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += [f"{where}: {key} not allowed" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += _schema_errors(properties[key], item, defs, f"{where}.{key}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            errors += _schema_errors(schema["items"], item, defs, f"{where}[{i}]")
    return errors


def test_schema_record_describes_a_real_record_and_rejects_broken_ones(log_path):
    """`scr schema --record` validates a record `scr check --log` wrote, and finds a missing key and a wrong type."""
    result = run("schema", "--record")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    defs = schema.get("$defs", {})
    record = records_of(log_path)[0]
    assert set(schema["required"]) >= {"record_id", "made_at", "engine_version", "editions", "facts", "facts_hash",
                                       "outcomes", "decision"}
    assert _schema_errors(schema, record, defs) == []
    assert _schema_errors(schema, {k: v for k, v in record.items() if k != "facts_hash"}, defs) == [
        "record: facts_hash missing"]
    assert _schema_errors(schema, record | {"editions": [{"id": "x", "version": "1", "content_hash": "h"}]}, defs) == [
        "record.editions[0].version: not integer"]
    assert DecisionRecord.model_validate(record)  # and pydantic agrees it is a record


# --------------------------------------------------------------------------- writers in other processes

CHILD = textwrap.dedent(
    """
    import contextlib, io, os, sys, time
    from scr_eligibility.cli import main
    log, case, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    real = sys.stdout
    if go != "-":
        open(go + ".ready." + os.path.basename(case), "w").close()
        while not os.path.exists(go):
            time.sleep(0.001)
    for i in range(count):
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", case, "--log", log], standalone_mode=False)
        if code:
            sys.exit(code)
        print(i, file=real, flush=True)  # only after `scr check --log` returned
    """
)


def _spawn(log: Path, case: Path, count: int, go: str = "-") -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(log), str(case), str(count), go],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_running_scr_check_log_at_once_both_land_in_one_valid_chain(tmp_path):
    """Two processes each running `scr check --log` 30 times on one log at once: all 60 recorded; it verifies."""
    log = tmp_path / "shared.db"
    cases = [M1, ROOT / "examples" / "d2-sexual-abuse-harm.scr_may_be_undertaken.yaml"]
    go = tmp_path / "go"
    children = [_spawn(log, case, 30, str(go)) for case in cases]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.ready.{case.name}").exists() for case in cases):
        assert time.monotonic() < deadline and all(c.poll() is None for c in children), "a writer did not start"
        time.sleep(0.005)
    go.touch()
    for child in children:
        _out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    result = run("log", "verify", str(log))
    assert result.exit_code == 0 and "60 entries verified" in result.stdout
    references = [r["case_reference"] for r in records_of(log)]
    assert references.count("EX-M1") == 30 and references.count("EX-D2") == 30


def test_a_writer_killed_mid_batch_leaves_a_log_that_verifies_with_every_returned_entry(tmp_path):
    """SIGKILL a process looping `scr check --log`: the log verifies and holds every record whose check had returned."""
    log = tmp_path / "killed.db"
    child = _spawn(log, M1, 10_000)
    assert child.stdout is not None
    returned = [child.stdout.readline() for _ in range(5)]
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    returned += rest.split()
    assert child.returncode == -signal.SIGKILL
    result = run("log", "verify", str(log))
    assert result.exit_code == 0, result.stdout
    records = records_of(log)
    assert len(returned) <= len(records) <= len(returned) + 1  # at most one committed but not yet reported
    assert run("replay", str(log)).exit_code == 0  # and every record in it is whole


def test_export_of_an_empty_log_writes_nothing_and_says_so(tmp_path):
    """An empty log exports zero records (and an empty stdout)."""
    Ledger(tmp_path / "empty.db")
    result = run("log", "export", str(tmp_path / "empty.db"))
    assert result.exit_code == 0 and result.stdout == "" and "Exported 0 records" in result.stderr
    assert "no records to replay" in run("replay", str(tmp_path / "empty.db")).stdout


def test_library_export_with_redact_uses_the_full_redaction(log_path):
    """Ledger.export_jsonl(redact=redact) removes evidence values too, not only the top-level facts."""
    out = io.StringIO()
    Ledger(log_path).export_jsonl(out, redact=redact)
    assert M1_DATE_OF_BIRTH not in out.getvalue()
    assert '"value_label":"(redacted)"' in out.getvalue()


def test_log_import_of_a_file_that_is_not_utf8_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    """Regression: `scr log import` of non-UTF-8 bytes ended in a UnicodeDecodeError traceback."""
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b"\xff\xfe garbage\n")
    result = CliRunner().invoke(main, ["log", "import", str(tmp_path / "new.db"), str(source)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output and "Traceback" not in result.output


def test_a_json_lines_line_nested_too_deeply_is_a_bad_line_not_a_traceback(tmp_path: Path) -> None:
    """Regression: a line of 100,000 "[" raised RecursionError out of the JSON Lines reading of replay and import."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    source = write_jsonl(tmp_path / "deep.jsonl", [record, "[" * 100_000])
    result = CliRunner().invoke(main, ["replay", str(source)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 2" in result.stdout and "nested too deeply" in flat(result.stdout)
    assert "1 same, 0 different, 1 error." in result.stdout
    result = CliRunner().invoke(main, ["log", "import", str(tmp_path / "new.db"), str(source)])
    # exit 3, as for any line that is not JSON (a LogError: see test_log's import tests)
    assert result.exit_code == 3 and "line 2 is not JSON" in result.output and "Traceback" not in result.output


def test_one_json_lines_reader_takes_a_byte_order_mark_in_replay_and_import(tmp_path: Path) -> None:
    """Replay and import read JSON Lines alike: a UTF-8 byte-order mark before the first record is not a bad line."""
    record = record_dict(make_record(evaluate(load_case(str(M1)))))
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    assert "1 same, 0 different, 0 errors." in run("replay", str(source)).stdout
    assert "Imported 1 record" in run("log", "import", str(tmp_path / "new.db"), str(source)).stdout


def test_a_record_made_before_a_fact_was_added_to_the_model_replays_same():
    """Regression: a record of main before the readings' facts (remanded_to and others) lacks them in its decision's
    facts; replayed, they come back unknown (null): that is the same decision, not a different one."""
    record = record_dict(make_record(evaluate(load_case(str(ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml")),
                                              editions=["lscb-scr-2006@1"])))
    for name in ("remanded_to", "secure_childrens_home_basis", "killed_by_parent_with_mental_illness"):
        del record["decision"]["facts"][name]
    assert replay(record).status == "same"
    assert not replay(record).wording_changed
    record["decision"]["facts"]["age"] = 99  # a fact the record does hold, changed: still found (as wording)
    assert replay(record).wording_changed
