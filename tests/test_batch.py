"""`scr batch` and scr_eligibility.engine.batch: many cases in, one decision per line out, in order."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scr_eligibility import evaluate
from scr_eligibility.cli.main import main
from scr_eligibility.engine.batch import CaseItem, Summary, evaluate_items, read_cases

CASES: list[dict[str, Any]] = [
    {"case_reference": "A-1", "awareness_date": "2015-03-02", "age": 6, "outcome": "died",
     "abuse_or_neglect": "known"},
    {"case_reference": "A-2", "awareness_date": "2012-07-10", "age": 15, "outcome": "seriously_harmed",
     "abuse_or_neglect": "suspected", "inter_agency_concerns": "definitive_evidence_of_none"},
    {"case_reference": "A-3", "awareness_date": "2021-01-15", "age": 2, "outcome": "died"},
    {"case_reference": "A-4", "incident_date": "2009-11-30", "age": 17, "outcome": "neither",
     "abuse_or_neglect": "not_known_or_suspected"},
]


def jsonl(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def expected(case: dict[str, Any], **options: Any) -> dict[str, Any]:
    """What `scr check --format json` gives for the case, parsed."""
    return json.loads(evaluate(case, **options).model_dump_json(indent=2))


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, ["batch", *args], input=stdin)


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text(jsonl(*(json.dumps(c) for c in CASES)), encoding="utf-8")
    return path


def test_each_line_gives_the_check_json_decision_on_one_line_in_input_order(cases_file):
    """Every output line is one compact line holding exactly what `scr check --format json` prints, in order."""
    result = run(str(cases_file))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(CASES)
    for line, case in zip(lines, CASES, strict=True):
        assert "\n" not in line and ": " not in line.split('"facts"')[0]  # compact
        assert json.loads(line) == expected(case)


def test_check_json_and_batch_line_are_the_same_decision(cases_file, tmp_path):
    """The batch line and `scr check --format json` on the same case decode to the same JSON."""
    case_file = tmp_path / "one.json"
    case_file.write_text(json.dumps(CASES[1]), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", str(case_file), "--format", "json"])
    batched = run(str(cases_file))
    assert json.loads(checked.stdout) == json.loads(batched.stdout.splitlines()[1])


def test_summary_counts_outcomes_by_edition_on_stderr(cases_file):
    """The summary table goes to stderr when decisions go to stdout, and its counts match the decisions."""
    result = run(str(cases_file))
    decisions = [json.loads(line) for line in result.stdout.splitlines()]
    counts: dict[tuple[str, str], int] = {}
    for decision in decisions:
        for edition in decision["editions"]:
            key = (f"{edition['edition']}@{edition['version']}", edition["determinations"][0]["outcome"])
            counts[key] = counts.get(key, 0) + 1
    table = result.stderr
    for (edition, outcome), count in counts.items():
        assert any(row.split() == [edition, outcome, str(count)] for row in table.splitlines()), table
    assert f"{len(CASES)} cases: {len(CASES)} decided, 0 failed" in table
    assert "Edition" not in result.stdout


def test_output_file_takes_the_decisions_and_stdout_the_summary(cases_file, tmp_path):
    """With --output the decisions go to the file and the summary to standard output."""
    target = tmp_path / "out.jsonl"
    result = run(str(cases_file), "--output", str(target))
    assert result.exit_code == 0
    assert [json.loads(line)["case_reference"] for line in target.read_text().splitlines()] == [
        c["case_reference"] for c in CASES]
    assert "4 cases: 4 decided, 0 failed" in result.stdout
    assert "case_reference" not in result.stdout


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_carry_on(tmp_path):
    """Bad JSON and invalid facts are reported on stderr by line number; the others are decided; exit 1."""
    path = tmp_path / "cases.jsonl"
    path.write_text(jsonl(json.dumps(CASES[0]), '{"outcome": "died", "age": 3,,}', "",
                          '{"outcome": "dead", "agee": 4}', json.dumps(CASES[1])), encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4  # the blank line 3 is not a case
    assert lines[0] == expected(CASES[0]) and lines[3] == expected(CASES[1])
    assert lines[1]["line"] == 2 and lines[1]["error"]["error"] == "input_error"
    assert lines[1]["error"]["problems"][0]["location"].startswith("line 2, column ")
    assert lines[2]["line"] == 4
    assert {p["location"] for p in lines[2]["error"]["problems"]} == {"outcome", "agee"}
    assert "cases.jsonl, line 2: the line is not valid JSON" in result.stderr
    assert "cases.jsonl, line 4: the case has facts that are not valid" in result.stderr
    assert "did you mean age?" in result.stderr
    assert "4 cases: 2 decided, 2 failed" in result.stderr


def test_a_folder_of_case_files_is_read_in_name_order(tmp_path):
    """A folder's .yaml, .yml and .json files are decided in name order; other files and subfolders are skipped."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "c.yml").write_text(yaml.safe_dump(CASES[2]), encoding="utf-8")
    (folder / "a.json").write_text(json.dumps(CASES[0]), encoding="utf-8")
    (folder / "b.YAML").write_text(yaml.safe_dump(CASES[1]), encoding="utf-8")
    (folder / "notes.txt").write_text("not a case", encoding="utf-8")
    (folder / "sub.json").mkdir()
    result = run(str(folder))
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [expected(c) for c in CASES[:3]]


def test_a_bad_file_in_a_folder_is_reported_by_name(tmp_path):
    """A folder's invalid case file gets an error line naming the file; the others are decided; exit 1."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "1.yaml").write_text(yaml.safe_dump(CASES[0]), encoding="utf-8")
    (folder / "2.yaml").write_text("outcome: died\nage: [1, 2\n", encoding="utf-8")
    (folder / "3.yaml").write_text(yaml.safe_dump(CASES[3]), encoding="utf-8")
    result = run(str(folder))
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == expected(CASES[0]) and lines[2] == expected(CASES[3])
    assert lines[1]["file"] == "2.yaml" and lines[1]["error"]["message"] == "the file is not valid YAML"
    assert "2.yaml: the file is not valid YAML" in result.stderr


def test_an_empty_folder_is_an_input_error(tmp_path):
    """A folder with no case files is refused up front with exit 1, and nothing is printed on stdout."""
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert "the folder holds no case files" in result.stderr
    assert result.stdout == ""


def test_a_missing_input_is_an_input_error(tmp_path):
    """An input that does not exist is refused with exit 1 and a message, not a traceback."""
    result = run(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1
    assert "the file does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_standard_input_is_read_with_a_dash(cases_file):
    """`scr batch -` reads JSON Lines from standard input."""
    result = run("-", stdin=cases_file.read_text())
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [expected(c) for c in CASES]


def test_edition_and_as_of_apply_to_every_case(cases_file):
    """--edition and --as-of choose the rules for every case, as they do for `scr check`."""
    named = run(str(cases_file), "--edition", "lscb-scr-2006")
    assert [json.loads(line) for line in named.stdout.splitlines()] == [
        expected(c, editions=["lscb-scr-2006"]) for c in CASES]
    import datetime as dt

    dated = run(str(cases_file), "--as-of", "2016-01-01")
    assert [json.loads(line) for line in dated.stdout.splitlines()] == [
        expected(c, as_of=dt.date(2016, 1, 1)) for c in CASES]


def test_an_unknown_edition_is_refused_before_any_case(cases_file):
    """An --edition this installation does not have fails at once (exit 1), not once per case."""
    result = run(str(cases_file), "--edition", "lscb-scr-2066")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("Error") == 1


def test_progress_bar_only_when_asked_or_on_a_terminal(cases_file):
    """The progress bar is drawn on stderr with --progress, and not when stderr is not a terminal."""
    shown = run(str(cases_file), "--progress").stderr
    assert "Deciding" in shown and "4/4" in shown and "[####################################]" in shown
    assert "Deciding" not in run(str(cases_file)).stderr


def test_log_appends_one_record_per_decided_case(tmp_path):
    """--log appends each decided case's record, in input order; failed cases add nothing."""
    from scr_eligibility.engine.audit.ledger import Ledger

    path = tmp_path / "cases.jsonl"
    path.write_text(jsonl(json.dumps(CASES[0]), "{", json.dumps(CASES[1])), encoding="utf-8")
    log = tmp_path / "decisions.db"
    for jobs in ("1", "2"):
        result = run(str(path), "--log", str(log), "--jobs", jobs)
        assert result.exit_code == 1
    records = [body for _seq, body in Ledger(log).numbered_entries()]
    assert [r["outcomes"] for r in records] == [evaluate(c).outcomes for c in (CASES[0], CASES[1])] * 2


def test_worker_processes_keep_input_order_across_chunks():
    """With two processes and small chunks, results come back in input order, errors in their places."""
    lines = [json.dumps(c).encode() for c in CASES] * 10 + [b"[1, 2]"]
    items = [CaseItem("line", n, f"x, line {n}", raw) for n, raw in enumerate(lines, start=1)]
    results = list(evaluate_items(items, jobs=2, chunk_size=3))
    assert [r.item.position for r in results] == list(range(1, len(lines) + 1))
    assert [json.loads(r.line).get("case_reference") for r in results[:-1]] == [
        c["case_reference"] for c in CASES] * 10
    assert results[-1].exit_code == 1 and json.loads(results[-1].line)["line"] == len(lines)


line_bytes = st.binary(max_size=60).filter(lambda b: b"\n" not in b)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from([json.dumps(c).encode() for c in CASES]), line_bytes,
                          st.sampled_from([b"", b"  ", b"\r", b"{}", b"null", b'{"age": 1e400}', b"\xef\xbb\xbf{}",
                                           b'{"age": NaN}', b'{"a": 1, "a": 2}', b"\x00"])), max_size=12))
def test_any_bytes_give_one_result_per_non_blank_line_and_never_raise(lines):
    """Whatever the bytes, every non-blank line gives one JSON line, in order; failures are input errors (exit 1)."""
    stream = io.BytesIO(b"\n".join(lines))
    results = list(evaluate_items(read_cases("-", stdin=stream)))
    expected_lines = [n for n, raw in enumerate(b"\n".join(lines).split(b"\n"), start=1) if raw.strip()]
    assert [r.item.position for r in results] == expected_lines
    summary = Summary()
    for result in results:
        summary.add(result)
        decoded = json.loads(result.line)
        if result.ok:
            assert "editions" in decoded
        else:
            assert result.exit_code == 1, result.message
            assert decoded["line"] == result.item.position
            assert decoded["error"]["problems"]
    assert summary.cases == len(results)


# --------------------------------------------------------------------------- recorded before shown

BATCH_CHILD = """
import sys
from scr_eligibility.cli.main import main
sys.argv = ["scr", "batch", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_batch_killed_at_a_random_point_never_shows_a_decision_the_log_does_not_hold(tmp_path, seed):
    """Regression (issue 18: "a decision is recorded before it is shown"): `scr batch --log` printed a decision, then
    recorded it, so a kill between the two left the output one decision ahead of the log. Killed at random points,
    with its output unbuffered, the decisions it printed never outnumber the committed entries, and they are the
    log's first entries, in order."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from scr_eligibility.engine.audit.ledger import Ledger

    rng = random.Random(seed)
    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl(*(json.dumps(c | {"case_reference": f"K-{n}"}) for n in range(400) for c in CASES[:1])),
                     encoding="utf-8")
    log = tmp_path / "decisions.db"
    child = subprocess.Popen([sys.executable, "-c", BATCH_CHILD, str(cases), "--log", str(log)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env=os.environ | {"PYTHONUNBUFFERED": "1"})
    assert child.stdout is not None
    printed = [child.stdout.readline() for _ in range(rng.randint(1, 40))]
    time.sleep(rng.uniform(0, 0.05))
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # Every line ended by a newline was shown whole; what follows the last newline was cut off by the kill.
    *whole, _cut = b"".join(printed + [rest]).split(b"\n")
    shown = [json.loads(line)["case_reference"] for line in whole]
    assert len(shown) >= len(printed)
    ledger = Ledger(log)  # opening rolls back a transaction the kill left half done
    assert ledger.verify().ok
    recorded = [body["case_reference"] for _seq, body in ledger.numbered_entries()]
    assert len(shown) <= len(recorded) <= len(shown) + 1  # at most one recorded and not yet shown
    assert recorded[:len(shown)] == shown


def test_a_log_that_fails_part_way_stops_batch_before_the_decision_is_shown(tmp_path, cases_file, monkeypatch):
    """The log failing on the 3rd decision (locked, full): exit 3, and the output holds the 2 decisions recorded."""
    from scr_eligibility.engine.audit.ledger import Ledger
    from scr_eligibility.errors import LogError

    real = Ledger.append
    calls = []

    def failing(self: Ledger, body: dict[str, Any]) -> int:
        calls.append(body)
        if len(calls) == 3:
            raise LogError("cannot append a decision: the decision log is locked, another process holds it")
        return real(self, body)

    monkeypatch.setattr(Ledger, "append", failing)
    out = tmp_path / "out.jsonl"
    result = run(str(cases_file), "--log", str(tmp_path / "decisions.db"), "-o", str(out))
    assert result.exit_code == 3
    assert [json.loads(line)["case_reference"] for line in out.read_text().splitlines()] == ["A-1", "A-2"]
    assert Ledger(tmp_path / "decisions.db").head()[0] == 2
