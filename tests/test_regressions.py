"""Regressions found by an adversarial pass over the `scr` command line: each test is one behaviour that broke."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scr_eligibility.cli.main import main

CASE: dict[str, Any] = {"case_reference": "R-1", "awareness_date": "2015-03-02", "age": 6, "outcome": "died",
                        "abuse_or_neglect": "known"}


def scr(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(CASE) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_output_device_is_an_error_message_not_a_traceback(cases_file: Path) -> None:
    """Writing the output onto a full disk (here /dev/full) ends with a one-line error and exit 1, no traceback."""
    result = scr("batch", str(cases_file), "-o", "/dev/full")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # an OSError here is the traceback a user would see
    assert "No space left on device" in result.stderr


def test_batch_refuses_an_output_file_that_is_its_input(cases_file: Path) -> None:
    """`scr batch cases.jsonl -o cases.jsonl` is refused before the file is opened: the cases are not emptied."""
    before = cases_file.read_bytes()
    result = scr("batch", str(cases_file), "-o", str(cases_file))
    assert result.exit_code == 1, result.output
    assert "--output" in result.stderr and "input" in result.stderr
    assert cases_file.read_bytes() == before


def test_batch_output_in_a_missing_folder_names_the_option_and_the_reason(cases_file: Path, tmp_path: Path) -> None:
    """`scr batch -o no/such/folder/x` says which option, the path and why, with exit 1 and nothing decided."""
    target = tmp_path / "no" / "such" / "folder" / "out.jsonl"
    result = scr("batch", str(cases_file), "-o", str(target))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "--output" in result.stderr and str(target) in result.stderr
    assert "No such file or directory" in result.stderr


def test_log_export_refuses_to_write_over_the_log_itself(cases_file: Path, tmp_path: Path) -> None:
    """`scr log export LOG -o LOG` is refused and the log keeps every entry (it used to be emptied)."""
    log = tmp_path / "decisions.db"
    assert scr("batch", str(cases_file), "--log", str(log), "-o", str(tmp_path / "out.jsonl")).exit_code == 0
    before = log.read_bytes()
    result = scr("log", "export", str(log), "-o", str(log))
    assert result.exit_code == 1, result.output
    assert "--output" in result.stderr and "decision log" in result.stderr
    assert log.read_bytes() == before
    assert scr("log", "verify", str(log)).exit_code == 0


def test_batch_with_an_unusable_log_fails_before_printing_any_decision(cases_file: Path) -> None:
    """`scr batch --log NOT-A-LOG` stops before the first case: no decision is printed that was not recorded."""
    result = scr("batch", str(cases_file), "--log", str(cases_file))
    assert result.exit_code == 3, result.output
    assert "not a decision log" in result.stderr
    assert result.stdout == ""


def test_batch_jobs_beyond_the_cpus_is_capped_with_a_note(cases_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--jobs 999` starts no more workers than there are CPUs (it spawned 999 processes), and says so."""
    import scr_eligibility.engine.batch as batch_module

    asked: list[int] = []
    real = batch_module.run_batch

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["jobs"])
        return real(*args, **{**kwargs, "jobs": 1})

    monkeypatch.setattr(batch_module, "run_batch", spy)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    result = scr("batch", str(cases_file), "--jobs", "999")
    assert result.exit_code == 0, result.output
    assert asked == [2]
    assert "--jobs 999 is more than the 2 CPUs" in result.stderr


def test_serve_with_an_unusable_log_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`scr serve --log NOT-A-LOG` exits 3 naming the log before it binds or serves (it served, then failed)."""
    from scr_eligibility.cli import serve as serve_module

    served: list[Any] = []
    monkeypatch.setattr(serve_module, "run", lambda app, sock: served.append(app))
    monkeypatch.delenv("SCR_SERVE_TOKEN", raising=False)
    not_a_log = tmp_path / "notes.txt"
    not_a_log.write_text("minutes of the meeting\n", encoding="utf-8")
    result = scr("serve", "--log", str(not_a_log))
    assert result.exit_code == 3, result.output
    assert "not a decision log" in result.stderr
    assert served == [] and "Serving on" not in result.stdout
    assert not_a_log.read_text(encoding="utf-8") == "minutes of the meeting\n"


@pytest.mark.parametrize("source", [None, 3, ["case.yaml"]])
def test_load_case_of_a_value_that_is_not_a_path_is_an_input_error(source: Any) -> None:
    """load_case(None) (or a number, a list) raises InputError naming the type, not a bare TypeError."""
    from scr_eligibility import InputError, load_case

    with pytest.raises(InputError) as caught:
        load_case(source)
    assert caught.value.problems[0].location == "source"
    assert type(source).__name__ in caught.value.problems[0].found


def test_scr_test_reports_a_broken_link_to_a_case_file_instead_of_skipping_it(tmp_path: Path) -> None:
    """A case file that is a dangling symlink is an ERROR row and exit 1, not silently left out of the suite."""
    golden = Path(__file__).parent / "golden" / "lscb-d2-met-sexual-abuse.yaml"
    (tmp_path / "good.yaml").write_text(golden.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "moved.yaml").symlink_to(tmp_path / "no-longer-here.yaml")
    result = scr("test", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "moved.yaml" in result.stdout and "ERROR" in result.stdout
    assert "1 passed, 1 failed" in result.stdout


@pytest.mark.skipif(os.name != "posix", reason="file names of arbitrary bytes are a POSIX matter")
def test_a_log_whose_name_is_not_utf8_is_created_and_verified(cases_file: Path, tmp_path: Path) -> None:
    """`scr check --log` to a file name holding a non-UTF-8 byte records the decision (it was a traceback)."""
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/log\xff.db")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    result = scr("check", str(case), "--log", name)
    assert result.exit_code == 0, result.output
    from scr_eligibility.engine.audit.ledger import Ledger

    log = Ledger(name, read_only=True)
    assert log.verify().ok and log.head()[0] == 1


@pytest.mark.skipif(os.name != "posix", reason="file names of arbitrary bytes are a POSIX matter")
def test_output_naming_a_non_utf8_file_is_escaped_not_a_unicode_error(cases_file: Path, tmp_path: Path) -> None:
    """`scr log verify` of a log whose name holds a non-UTF-8 byte prints it escaped (it raised UnicodeEncodeError)."""
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/log\xff.db")
    assert scr("batch", str(cases_file), "--log", name, "-o", str(tmp_path / "out.jsonl")).exit_code == 0
    result = scr("log", "verify", name)
    assert result.exit_code == 0, result.output
    assert "log\\udcff.db: 1 entry verified" in result.stdout


def test_criteria_of_an_empty_edition_id_is_refused_not_every_edition() -> None:
    """`scr criteria ""` (say, an unset $EDITION) is an unknown edition, exit 1: it listed every edition instead."""
    result = scr("criteria", "")
    assert result.exit_code == 1, result.output
    assert "edition" in result.stderr and result.stdout == ""
