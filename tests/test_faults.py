"""Faults the user did not cause: the rule engine failing, and the decision log failing, through the CLI.

Engine faults are injected by monkeypatching the durable_rules extension functions that
``rules/runtime.py`` calls (``scr_eligibility.rules.runtime._engine``). Whatever the engine
does wrong, the caller gets an EngineError naming the case and the edition (exit 3 in the
CLI, no traceback), no partial decision is returned or logged, and the next evaluation is
right. Decision-log faults are covered for the library in test_log.py; here each is driven
through ``scr check --log FILE``: exit 3, a clear message, no traceback, nothing already
recorded harmed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import scr_eligibility.engine.audit.ledger as ledger_module
import scr_eligibility.engine.audit.store as store_module
from click.testing import CliRunner, Result
from scr_eligibility.engine.audit.ledger import Ledger, VerifyReport

import scr_eligibility.rules.runtime as runtime
from scr_eligibility import evaluate
from scr_eligibility.cli import main
from scr_eligibility.errors import EngineError
from scr_eligibility.rules import loaded_rulesets

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: Decided under two editions (the LSCB rules of Working Together 2015 and Working Together 2018 were both in force
#: on 2 March 2019).
CASE = {"case_reference": "FA-1", "outcome": "died", "abuse_or_neglect": "known", "age": 9,
        "incident_date": "2019-03-01", "awareness_date": "2019-03-02"}
OTHER = {"case_reference": "FA-2", "outcome": "seriously_harmed", "abuse_or_neglect": "suspected", "age": 3,
         "incident_date": "2019-03-01", "inter_agency_concerns": "concerns"}
FIRST_EDITION = "wt2015@2"

CASE_YAML = "".join(f"{k}: {v}\n" for k, v in CASE.items())


def decided(case: dict[str, Any]) -> dict[str, Any]:
    return evaluate(case).model_dump(mode="json")


@pytest.fixture(scope="module")
def baseline() -> dict[str, dict[str, Any]]:
    """The decisions of CASE and OTHER with no fault (this also compiles every ruleset they use)."""
    return {"FA-1": decided(CASE), "FA-2": decided(OTHER)}


@pytest.fixture(autouse=True)
def clean_engine_sessions() -> Iterator[None]:
    """After each test, delete every ruleset's session, so that if a fault ever left engine state behind
    it could not spill into other tests in this process."""
    yield
    for ruleset in loaded_rulesets():
        ruleset._reset()


def _raise(*_: Any) -> Any:
    raise Exception("Could not assert event, error code: 999")  # how the extension reports its errors


#: (function of the extension, what the fake does instead, how it is described)
FAULTS: list[tuple[str, Callable[..., Any], str]] = [
    ("assert_fact", _raise, "assert_fact raises"),
    ("assert_fact", lambda *_: None, "assert_fact returns nothing"),
    ("assert_fact", lambda *_: (7, 0), "assert_fact returns an unknown code"),
    ("assert_fact", lambda *_: (1, 0), "assert_fact says no rule matched"),
    ("start_action_for_state", _raise, "start_action_for_state raises"),
    ("start_action_for_state", lambda *_: None, "start_action_for_state returns nothing"),
    ("complete_and_start_action", _raise, "complete_and_start_action raises"),
    ("complete_and_start_action", lambda *_: None, "complete_and_start_action returns nothing"),
    ("retract_fact", _raise, "retract_fact raises"),
]

def fault_params() -> list[Any]:
    return [pytest.param(name, fake, id=label) for name, fake, label in FAULTS]


@pytest.mark.parametrize(("name", "fake"), fault_params())
def test_an_engine_fault_is_an_engine_error_naming_the_case_and_the_edition(
        name: str, fake: Callable[..., Any], baseline: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the extension does wrong, evaluate raises EngineError (exit code 3) naming FA-1 and the edition."""
    monkeypatch.setattr(runtime._engine, name, fake)
    with pytest.raises(EngineError) as caught:
        evaluate(CASE)
    error = caught.value
    assert error.exit_code == 3 and error.source == "FA-1"
    assert "FA-1" in str(error)
    assert FIRST_EDITION in str(error), str(error)


@pytest.mark.parametrize(("name", "fake"), fault_params())
def test_the_next_evaluation_after_an_engine_fault_is_right(
        name: str, fake: Callable[..., Any], baseline: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a fault, the same case and another one decide exactly as they did before it; no engine state is left."""
    monkeypatch.setattr(runtime._engine, name, fake)
    with pytest.raises(EngineError):
        evaluate(CASE)
    monkeypatch.undo()
    assert all(ruleset.state_size() == 0 for ruleset in loaded_rulesets())
    assert decided(CASE) == baseline["FA-1"]
    assert decided(OTHER) == baseline["FA-2"]


def test_a_fault_in_the_second_edition_returns_no_partial_decision(
        baseline: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """When the first edition is decided and the second fails, the caller gets the error, not half a decision."""
    assert [e["edition"] for e in baseline["FA-1"]["editions"]] == ["wt2015", "wt2018"]
    second = next(r for r in loaded_rulesets() if r.compiled.name == "wt2018@4")
    real = runtime._engine.assert_fact
    calls: list[str] = []

    def fail_second(handle: Any, payload: str) -> Any:
        calls.append("wt2018" if handle == second._handle else "other")
        if handle == second._handle:
            raise Exception("Could not assert event, error code: 999")
        return real(handle, payload)

    monkeypatch.setattr(runtime._engine, "assert_fact", fail_second)
    with pytest.raises(EngineError, match="wt2018@4") as caught:
        evaluate(CASE)
    assert calls == ["other", "wt2018"]  # the first edition really was evaluated first
    assert caught.value.source == "FA-1"
    monkeypatch.undo()
    assert decided(CASE) == baseline["FA-1"]


# --------------------------------------------------------------------------- through the CLI, with a log


def check(tmp_path: Path, log: Path, *extra: str) -> Result:
    """`scr check CASE --log LOG` in-process; only click's own exit may leave it."""
    case = tmp_path / "case.yaml"
    case.write_text(CASE_YAML)
    return CliRunner().invoke(main, ["check", str(case), "--log", str(log), *extra], catch_exceptions=False)


def log_with_one_entry(tmp_path: Path) -> tuple[Path, tuple[int, str]]:
    """A log holding one decision, made by a normal `scr check --log`; returns its path and head."""
    log = tmp_path / "decisions.db"
    result = check(tmp_path, log)
    assert result.exit_code == 0, result.output
    head = Ledger(log).head()
    assert head[0] == 1
    return log, head


def assert_clean_exit_3(result: Result, *words: str) -> None:
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    assert "SCR REQUIRED" not in result.output  # no decision is printed as if it had been recorded
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize(("name", "fake"), fault_params())
def test_an_engine_fault_in_scr_check_exits_3_and_logs_nothing(
        name: str, fake: Callable[..., Any], tmp_path: Path, baseline: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`scr check --log` with the engine failing: exit 3, the case named, no traceback, no new log entry."""
    log, head = log_with_one_entry(tmp_path)
    monkeypatch.setattr(runtime._engine, name, fake)
    assert_clean_exit_3(check(tmp_path, log), "FA-1")
    monkeypatch.undo()
    assert Ledger(log).head() == head
    assert Ledger(log).verify() == VerifyReport(True, 1, None, None)


# --------------------------------------------------------------------------- decision-log faults through the CLI


class QuickLog(Ledger):
    """A Ledger that waits 0.2 s (not 5 s) for another process's lock, so the locked-log test is quick."""

    def __init__(self, path: Any, *, read_only: bool = False, timeout: float = 0.2, **options: Any) -> None:
        super().__init__(path, read_only=read_only, timeout=timeout, **options)


def test_a_full_disk_fails_scr_check_with_exit_3_and_keeps_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk filling up while a decision is logged: exit 3 saying so; the earlier entry still verifies."""
    log, head = log_with_one_entry(tmp_path)
    real = store_module._open_connection

    def capped(path: str, *, read_only: bool, timeout: float) -> sqlite3.Connection:
        conn = real(path, read_only=read_only, timeout=timeout)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(store_module, "_open_connection", capped)
    assert_clean_exit_3(check(tmp_path, log), "disk holding the decision log is full", "nothing was written")
    monkeypatch.undo()
    assert Ledger(log).head() == head and Ledger(log).verify().ok


def test_a_read_only_log_fails_scr_check_with_exit_3_and_is_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite refusing to write (as for a read-only file): exit 3 saying read-only; the file is byte-identical."""
    log, head = log_with_one_entry(tmp_path)
    before = log.read_bytes()
    real = store_module._open_connection
    monkeypatch.setattr(store_module, "_open_connection",
                        lambda p, *, read_only, timeout: real(p, read_only=True, timeout=timeout))
    assert_clean_exit_3(check(tmp_path, log), "read-only", "nothing was written")
    monkeypatch.undo()
    assert log.read_bytes() == before


@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod does not stop root writing; see the simulation above")
def test_a_read_only_log_file_fails_scr_check_with_exit_3(tmp_path: Path) -> None:
    """A log file chmod 0400: exit 3 saying read-only; the file is byte-identical."""
    log, _ = log_with_one_entry(tmp_path)
    log.chmod(0o400)
    before = log.read_bytes()
    assert_clean_exit_3(check(tmp_path, log), "read-only")
    assert log.read_bytes() == before


def test_a_locked_log_fails_scr_check_with_exit_3_and_keeps_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holding the log locked: exit 3 saying so; once released, the log is as it was."""
    log, head = log_with_one_entry(tmp_path)
    monkeypatch.setattr(ledger_module, "Ledger", QuickLog)
    holder = sqlite3.connect(log, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_clean_exit_3(check(tmp_path, log), "another process holds it")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Ledger(log).head() == head and Ledger(log).verify().ok


@pytest.mark.parametrize("make", [
    lambda p: p.write_text("case notes, not a decision log\n" * 10),
    lambda p: sqlite3.connect(p).execute("CREATE TABLE notes (text TEXT)").connection.commit(),
], ids=["text-file", "other-sqlite-database"])
def test_a_file_that_is_not_a_log_fails_scr_check_with_exit_3_and_is_unchanged(
        make: Callable[[Path], Any], tmp_path: Path) -> None:
    """--log naming a file that is not a decision log: exit 3 'not a decision log'; its bytes are unchanged."""
    log = tmp_path / "notes.db"
    make(log)
    before = log.read_bytes()
    assert_clean_exit_3(check(tmp_path, log), "not a decision log")
    assert log.read_bytes() == before


def test_a_log_of_an_unknown_schema_version_fails_scr_check_with_exit_3_and_is_unchanged(tmp_path: Path) -> None:
    """A log written by a later version (schema 2): exit 3 naming both versions; the file is unchanged."""
    log, _ = log_with_one_entry(tmp_path)
    conn = sqlite3.connect(log, isolation_level=None)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'log_schema_version'")
    conn.close()
    before = log.read_bytes()
    assert_clean_exit_3(check(tmp_path, log), "schema version '2'", "reads version 1")
    assert log.read_bytes() == before
