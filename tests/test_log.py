"""Tests of scr_eligibility.engine.audit.ledger: the tamper-evident decision log.

Tampering is done the way an intruder would do it: with raw SQLite statements on the
file, behind the module's back. Expected hashes are computed here with hashlib from the
documented formula, not with the module's own helpers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scr_eligibility.engine.audit.ledger as ledger_module
import scr_eligibility.engine.audit.store as store_module
from scr_eligibility.engine.audit.ledger import GENESIS_HASH, LOG_SCHEMA_VERSION, Ledger, VerifyReport
from scr_eligibility.engine.audit.stored import record_filter
from scr_eligibility.engine.audit.redaction import redact
from scr_eligibility.errors import LogError
from strategies import decision_records

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# Every commit fsyncs the journal and the log (several ms each on a busy disk: 17 ms a
# commit was measured while other jobs were running). These tests are about chaining,
# locking and faults, which a memory-backed tmpfs shares with a disk, so they run
# there when the machine has one; crash tests kill processes, not the machine.
_SHM = Path("/dev/shm")
FAST_ROOT = str(_SHM) if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None


def fast_tempdir() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder on tmpfs if there is one, else in the usual temp folder."""
    return tempfile.TemporaryDirectory(prefix="scr-log-test-", dir=FAST_ROOT)


@pytest.fixture
def folder() -> Iterator[Path]:
    """A fresh empty folder for one test (see fast_tempdir)."""
    with fast_tempdir() as name:
        yield Path(name)


def record(n: int, **extra: Any) -> dict[str, Any]:
    """A small decision record numbered ``n``."""
    base: dict[str, Any] = {
        "record_id": f"{n:032x}",
        "schema_version": 1,
        "made_at": "2026-11-26T10:00:00.123456Z",
        "engine_version": "0.1.0",
        "editions": [{"id": "lscb-scr-2006", "version": 1, "content_hash": "sha256:" + "a" * 64}],
        "facts": {"child_name": f"child {n}", "died": True},
        "facts_hash": "sha256:" + "b" * 64,
        "outcomes": {"lscb-scr-2006": "scr_required"},
        "decision": {"n": n, "why": ["reg 5(2)(a)", {"nested": [1, 2.5, None]}]},
    }
    base.update(extra)
    return base


def bodies(log: Ledger, **filters: Any) -> list[dict[str, Any]]:
    """The records of ``log`` in order, filtered by record_filter(**filters) if any are given."""
    return [body for _seq, body in log.numbered_entries(record_filter(**filters) if filters else None)]


def make_log(path: Path, count: int) -> Ledger:
    log = Ledger(path)
    log.append_many(record(i) for i in range(1, count + 1))
    return log


def raw(path: Path) -> sqlite3.Connection:
    """A plain SQLite connection to the file, as an intruder (or an auditor) would open it."""
    return sqlite3.connect(path, isolation_level=None)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- appending and the chain


def test_append_returns_contiguous_sequence_numbers_from_one(folder):
    """append returns 1, 2, 3 ... and entries() gives the records back equal and in order."""
    log = Ledger(folder / "log.db")
    assert [log.append(record(i)) for i in range(1, 6)] == [1, 2, 3, 4, 5]
    assert bodies(log) == [record(i) for i in range(1, 6)]
    assert log.verify() == VerifyReport(True, 5, None, None)


def test_stored_entries_follow_the_documented_hash_chain(folder):
    """Each row stores the canonical JSON, prev_hash (64 zeros first) and sha256(prev + \\n + seq + \\n + json)."""
    path = folder / "log.db"
    make_log(path, 3)
    rows = raw(path).execute("SELECT seq, record_json, prev_hash, entry_hash FROM entries ORDER BY seq").fetchall()
    prev = "0" * 64
    for (seq, body, prev_hash, stored), n in zip(rows, [1, 2, 3], strict=True):
        assert body == canonical(record(n))
        assert prev_hash == prev
        assert stored == hashlib.sha256(f"{prev}\n{seq}\n{body}".encode()).hexdigest()
        prev = stored
    assert Ledger(path).head() == (3, prev)


def test_empty_log_verifies_and_has_the_genesis_head(folder):
    """A new log has no entries, verifies, and its head is (0, 64 zeros)."""
    log = Ledger(folder / "log.db")
    assert log.verify().ok
    assert log.head() == (0, GENESIS_HASH)
    assert bodies(log) == []


def test_reopening_an_existing_log_keeps_its_entries(folder):
    """A second Ledger on the same file sees and continues the same chain."""
    path = folder / "log.db"
    make_log(path, 2)
    again = Ledger(path)
    assert again.append(record(3)) == 3
    assert again.verify().ok


@pytest.mark.parametrize("bad", [float("nan"), {1, 2}, "\ud800", object()], ids=["nan", "set", "lone-surrogate", "object"])
def test_a_record_that_is_not_json_is_refused_and_nothing_is_written(folder, bad):
    """A record JSON cannot carry exactly gives LogError and the log is unchanged."""
    log = make_log(folder / "log.db", 2)
    with pytest.raises(LogError, match="cannot be written as JSON"):
        log.append(record(3, facts={"x": bad}))
    with pytest.raises(LogError, match="record 1 of the batch"):
        log.append_many([record(3), record(4, decision=bad)])
    assert log.head()[0] == 2
    assert log.verify().ok


def test_a_record_that_is_not_an_object_is_refused(folder):
    """Only JSON objects (dicts) are records."""
    log = Ledger(folder / "log.db")
    with pytest.raises(LogError, match="must be a JSON object"):
        log.append([1, 2])  # type: ignore[arg-type]


def test_append_many_writes_each_record_and_returns_their_seqs(folder):
    """append_many appends every record, in order, and returns their sequence numbers."""
    log = Ledger(folder / "log.db")
    assert log.append_many(record(i) for i in range(1, 4)) == [1, 2, 3]
    assert log.append_many([record(4)]) == [4]
    assert [r["decision"]["n"] for r in bodies(log)] == [1, 2, 3, 4]


def test_threads_sharing_one_log_object_build_one_valid_chain(folder):
    """One Ledger used by several threads at once loses no entry and keeps the chain valid."""
    log = Ledger(folder / "log.db")
    start = threading.Barrier(4)
    seqs: list[int] = []

    def work(t: int) -> None:
        start.wait()
        for i in range(25):
            seqs.append(log.append(record(t * 100 + i)))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(1, 101))
    assert log.verify() == VerifyReport(True, 100, None, None)


def test_threads_creating_the_same_new_log_at_once_share_one_log(folder):
    """Several openers racing to create one new log all succeed, and none is refused as 'not a log'."""
    path = folder / "log.db"
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        start.wait()
        try:
            Ledger(path).append(record(i))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Ledger(path).verify() == VerifyReport(True, 6, None, None)


# --------------------------------------------------------------------------- tampering


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(1, 5),
    data=st.data(),
)
def test_changing_any_stored_byte_of_an_entry_is_detected_at_that_entry(count, data):
    """Changing any one byte of any entry's stored JSON, prev_hash or entry_hash (raw UPDATE) fails verify at that entry."""
    with fast_tempdir() as folder:
        path = Path(folder) / "log.db"
        make_log(path, count)
        seq = data.draw(st.integers(1, count), label="seq")
        column = data.draw(st.sampled_from(["record_json", "prev_hash", "entry_hash"]), label="column")
        conn = raw(path)
        stored = bytearray(conn.execute(f"SELECT CAST({column} AS BLOB) FROM entries WHERE seq = ?", (seq,)).fetchone()[0])
        at = data.draw(st.integers(0, len(stored) - 1), label="byte")
        new = data.draw(st.integers(0, 255).filter(lambda b: b != stored[at]), label="new value")
        stored[at] = new
        # CAST AS TEXT stores the bytes as they are, even when they are no longer UTF-8.
        conn.execute(f"UPDATE entries SET {column} = CAST(? AS TEXT) WHERE seq = ?", (bytes(stored), seq))
        conn.close()

        report = Ledger(path).verify()
        assert not report.ok
        assert report.first_bad_seq == seq
        assert report.entries_checked == seq - 1
        assert report.reason


def test_deleting_a_middle_entry_is_detected(folder):
    """Deleting entry 3 of 5 is reported as entry 3 missing."""
    path = folder / "log.db"
    make_log(path, 5)
    raw(path).execute("DELETE FROM entries WHERE seq = 3")
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq, report.entries_checked) == (False, 3, 2)
    assert "entry 3 is missing" in report.reason


def test_deleting_the_first_entry_is_detected(folder):
    """Deleting entry 1 is reported as entry 1 missing."""
    path = folder / "log.db"
    make_log(path, 3)
    raw(path).execute("DELETE FROM entries WHERE seq = 1")
    assert Ledger(path).verify().first_bad_seq == 1


@pytest.mark.parametrize("deleted", [1, 2])
def test_deleting_the_last_entries_is_detected_through_the_head(folder, deleted):
    """Deleting the last entry (or last two) leaves a valid-looking chain, but the head names what is missing."""
    path = folder / "log.db"
    make_log(path, 5)
    raw(path).execute("DELETE FROM entries WHERE seq > ?", (5 - deleted,))
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq, report.entries_checked) == (False, 6 - deleted, 5 - deleted)
    assert "missing from the end" in report.reason


def test_deleting_every_entry_is_detected(folder):
    """An emptied entries table does not pass for a new log: the head still records the entries."""
    path = folder / "log.db"
    make_log(path, 3)
    raw(path).execute("DELETE FROM entries")
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq) == (False, 1)


def test_append_refuses_to_seal_over_a_deleted_last_entry(folder):
    """After the last entry was deleted, append refuses (chaining on would hide the deletion) and verify still reports it."""
    path = folder / "log.db"
    log = make_log(path, 3)
    raw(path).execute("DELETE FROM entries WHERE seq = 3")
    with pytest.raises(LogError, match="not its recorded head"):
        log.append(record(4))
    assert log.verify().first_bad_seq == 3


def test_reordering_two_entries_is_detected(folder):
    """Swapping the stored contents of entries 2 and 3 is reported at entry 2."""
    path = folder / "log.db"
    make_log(path, 4)
    conn = raw(path)
    rows = {s: r for s, *r in conn.execute("SELECT seq, record_json, prev_hash, entry_hash FROM entries")}
    conn.execute("BEGIN")
    for seq, other in ((2, 3), (3, 2)):
        conn.execute("UPDATE entries SET record_json = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?", (*rows[other], seq))
    conn.execute("COMMIT")
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq) == (False, 2)


def test_renumbering_entries_is_detected(folder):
    """Swapping the sequence numbers of entries 2 and 3 (rows moved, contents intact) is reported at entry 2."""
    path = folder / "log.db"
    make_log(path, 4)
    conn = raw(path)
    conn.execute("BEGIN")
    conn.execute("UPDATE entries SET seq = 100 WHERE seq = 2")
    conn.execute("UPDATE entries SET seq = 2 WHERE seq = 3")
    conn.execute("UPDATE entries SET seq = 3 WHERE seq = 100")
    conn.execute("COMMIT")
    assert Ledger(path).verify().first_bad_seq == 2


def test_inserting_a_correctly_hashed_entry_in_the_middle_is_detected(folder):
    """A forged entry 3 with a valid hash, later entries moved up one, is caught where the old chain resumes (4)."""
    path = folder / "log.db"
    make_log(path, 5)
    conn = raw(path)
    prev = conn.execute("SELECT entry_hash FROM entries WHERE seq = 2").fetchone()[0]
    conn.execute("BEGIN")
    for seq in range(5, 2, -1):
        conn.execute("UPDATE entries SET seq = ? WHERE seq = ?", (seq + 1, seq))
    body = canonical(record(99))
    forged = hashlib.sha256(f"{prev}\n3\n{body}".encode()).hexdigest()
    conn.execute("INSERT INTO entries VALUES (3, ?, ?, ?)", (body, prev, forged))
    conn.execute("COMMIT")
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq, report.entries_checked) == (False, 4, 3)


def test_adding_a_correctly_hashed_entry_past_the_head_is_detected(folder):
    """An entry 4 forged with a valid hash onto a 3-entry log, head untouched, is reported at 4."""
    path = folder / "log.db"
    make_log(path, 3)
    conn = raw(path)
    prev = conn.execute("SELECT entry_hash FROM entries WHERE seq = 3").fetchone()[0]
    body = canonical(record(4))
    conn.execute(
        "INSERT INTO entries VALUES (4, ?, ?, ?)", (body, prev, hashlib.sha256(f"{prev}\n4\n{body}".encode()).hexdigest())
    )
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq, report.entries_checked) == (False, 4, 3)
    assert "past the log's recorded head" in report.reason


def test_replacing_the_last_entry_with_a_correctly_hashed_forgery_is_detected(folder):
    """A last entry rewritten with a recomputed hash verifies as a chain, but differs from the head."""
    path = folder / "log.db"
    make_log(path, 3)
    conn = raw(path)
    prev = conn.execute("SELECT prev_hash FROM entries WHERE seq = 3").fetchone()[0]
    body = canonical(record(3, outcomes={"lscb-scr-2006": "scr_not_required"}))
    conn.execute(
        "UPDATE entries SET record_json = ?, entry_hash = ? WHERE seq = 3",
        (body, hashlib.sha256(f"{prev}\n3\n{body}".encode()).hexdigest()),
    )
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_an_entry_with_a_seq_below_one_is_detected(folder):
    """A forged entry 0 is reported as out of sequence."""
    path = folder / "log.db"
    make_log(path, 2)
    raw(path).execute("INSERT INTO entries VALUES (0, '{}', ?, ?)", (GENESIS_HASH, GENESIS_HASH))
    report = Ledger(path).verify()
    assert (report.ok, report.first_bad_seq) == (False, 0)


def test_a_missing_head_is_reported_not_raised(folder):
    """verify reports a log whose head rows were deleted, and append refuses it with LogError."""
    path = folder / "log.db"
    log = make_log(path, 2)
    raw(path).execute("DELETE FROM meta WHERE key = 'head_hash'")
    report = log.verify()
    assert not report.ok and "head" in report.reason
    with pytest.raises(LogError, match="head"):
        log.append(record(3))


# --------------------------------------------------------------------------- reading, filtering, export and import


def test_entries_filters_by_date_edition_and_outcome(folder):
    """since/until are inclusive days of made_at; edition matches any edition id; outcome any edition's outcome."""
    log = Ledger(folder / "log.db")
    two = [{"id": "lscb-scr-2006", "version": 1}, {"id": "wt-2018", "version": 1}]
    log.append(record(1, made_at="2026-01-01T23:59:59.999999Z"))
    log.append(record(2, made_at="2026-01-02T00:00:00.000000Z", editions=two,
                      outcomes={"lscb-scr-2006": "scr_not_required", "wt-2018": "scr_required"}))
    log.append(record(3, made_at="2026-01-03T12:00:00.000000Z", outcomes={"lscb-scr-2006": "undetermined"}))

    def ns(**kw: Any) -> list[int]:
        return [r["decision"]["n"] for r in bodies(log, **kw)]

    assert ns() == [1, 2, 3]
    assert ns(since=date(2026, 1, 2)) == [2, 3]
    assert ns(until=date(2026, 1, 2)) == [1, 2]
    assert ns(since=date(2026, 1, 2), until=date(2026, 1, 2)) == [2]
    assert ns(edition="wt-2018") == [2]
    assert ns(edition="wt-2023") == []
    assert ns(outcome="scr_required") == [1, 2]
    assert ns(outcome="undetermined") == [3]
    # With an edition, the outcome must be that edition's.
    assert ns(edition="lscb-scr-2006", outcome="scr_required") == [1]
    assert ns(edition="wt-2018", outcome="scr_required") == [2]


def test_entries_date_filter_uses_the_utc_date_of_made_at(folder):
    """A made_at with an offset is filtered by its UTC date (01:30+02:00 on the 2nd is the 1st in UTC)."""
    log = Ledger(folder / "log.db")
    log.append(record(1, made_at="2026-01-02T01:30:00+02:00"))
    assert [r["decision"]["n"] for r in bodies(log, until=date(2026, 1, 1))] == [1]
    assert bodies(log, since=date(2026, 1, 2)) == []


def test_entries_date_filter_refuses_an_unreadable_made_at(folder):
    """A record without a readable made_at is not silently dropped or kept by a date filter: LogError names its entry."""
    log = Ledger(folder / "log.db")
    log.append(record(1))
    log.append(record(2, made_at="yesterday"))
    assert len(bodies(log)) == 2  # no date filter: no need to read it
    with pytest.raises(LogError, match="entry 2 has no readable made_at"):
        bodies(log, since=date(2026, 1, 1))


def test_entries_refuses_a_datetime_bound(folder):
    """since/until are whole days: a datetime is a TypeError, not silently truncated."""
    log = Ledger(folder / "log.db")
    with pytest.raises(TypeError):
        bodies(log, since=datetime(2026, 1, 1, 12))


def test_entries_reads_more_than_one_page(folder, monkeypatch):
    """Entries are read page by page; nothing is lost or repeated at page boundaries."""
    monkeypatch.setattr(ledger_module, "_PAGE", 3)
    log = make_log(folder / "log.db", 10)
    assert [r["decision"]["n"] for r in bodies(log)] == list(range(1, 11))
    assert log.verify() == VerifyReport(True, 10, None, None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(decision_records(), max_size=5))
def test_export_then_import_round_trips_the_records(records):
    """Exporting to JSON Lines and importing into a new log gives equal records, re-chained and verified."""
    with fast_tempdir() as folder:
        source = Ledger(Path(folder) / "a.db")
        source.append_many(records)
        out = io.StringIO()
        assert source.export_jsonl(out) == len(records)
        assert out.getvalue().count("\n") == len(records)  # one line per record, whatever the text holds

        target = Ledger(Path(folder) / "b.db")
        target.append(record(0))
        assert target.import_jsonl(io.StringIO(out.getvalue())) == len(records)
        assert bodies(target)[1:] == records
        assert target.verify() == VerifyReport(True, len(records) + 1, None, None)


def test_export_writes_the_stored_canonical_json(folder):
    """An unredacted export line is byte for byte the canonical JSON that was hashed."""
    log = make_log(folder / "log.db", 2)
    out = io.StringIO()
    log.export_jsonl(out)
    assert out.getvalue() == canonical(record(1)) + "\n" + canonical(record(2)) + "\n"


def test_redacted_export_has_no_facts_but_keeps_facts_hash(folder):
    """With redact, facts is null, facts_redacted is true, facts_hash and all else are kept, and no fact value appears."""
    log = make_log(folder / "log.db", 3)
    out = io.StringIO()
    assert log.export_jsonl(out, redact=redact) == 3
    assert "child 1" not in out.getvalue()
    for line, n in zip(out.getvalue().splitlines(), [1, 2, 3], strict=True):
        exported = json.loads(line)
        expected = record(n)
        expected.update(facts=None, facts_redacted=True)
        assert exported == expected
        assert exported["facts_hash"] == record(n)["facts_hash"]
    assert bodies(log) == [record(i) for i in (1, 2, 3)]  # the log itself is untouched


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [("{not json", "line 3 is not JSON"), ("[1, 2]", "line 3 is not a JSON object"), ('{"x": NaN}', "line 3 cannot be recorded")],
)
def test_import_with_a_bad_line_names_it_and_writes_nothing(folder, bad_line, message):
    """One bad line fails the whole import with a LogError naming the line; the log is unchanged."""
    log = make_log(folder / "log.db", 1)
    before = log.head()
    text = canonical(record(2)) + "\n\n" + bad_line + "\n" + canonical(record(3)) + "\n"
    with pytest.raises(LogError, match=message) as caught:
        log.import_jsonl(io.StringIO(text))
    assert caught.value.problems[0].location == "line 3"
    assert log.head() == before
    assert log.verify().ok


def test_import_skips_blank_lines(folder):
    """Blank lines in an import are skipped, not errors."""
    log = Ledger(folder / "log.db")
    assert log.import_jsonl(io.StringIO("\n" + canonical(record(1)) + "\n   \n")) == 1


# --------------------------------------------------------------------------- processes: concurrency and crashes


CHILD = textwrap.dedent(
    """
    import os, sys, time
    from scr_eligibility.engine.audit.ledger import Ledger
    path, writer, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    log = Ledger(path, timeout=30)
    if go != "-":
        open(go + ".ready" + str(writer), "w").close()
        while not os.path.exists(go):
            time.sleep(0.0005)
    for i in range(count):
        seq = log.append({"writer": writer, "i": i, "made_at": "2026-11-26T10:00:00Z"})
        print(seq, flush=True)  # only after append returned
    """
)


def spawn(path: Path, writer: int, count: int, go: str = "-") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(writer), str(count), go],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_writer_processes_appending_at_once_both_succeed_with_a_valid_chain(folder):
    """Two processes appending 200 records each at the same moment: all 400 land, each writer's in its order, chain valid."""
    path = folder / "log.db"
    Ledger(path)
    go = folder / "go"
    children = [spawn(path, w, 200, str(go)) for w in (1, 2)]
    deadline = time.monotonic() + 30
    while not all(Path(f"{go}.ready{w}").exists() for w in (1, 2)):  # both started and opened the log
        assert time.monotonic() < deadline and all(c.poll() is None for c in children), "a writer did not start"
        time.sleep(0.001)
    go.touch()
    outputs = [c.communicate(timeout=60) for c in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    printed = sorted(int(s) for out, _ in outputs for s in out.split())
    assert printed == list(range(1, 401))

    log = Ledger(path)
    assert log.verify() == VerifyReport(True, 400, None, None)
    records = bodies(log)
    for w in (1, 2):
        assert [r["i"] for r in records if r["writer"] == w] == list(range(200))
    # Interleaved, so the writers really did overlap (otherwise this test proves little).
    writers = [r["writer"] for r in records]
    assert sum(a != b for a, b in zip(writers, writers[1:], strict=False)) > 1


@pytest.mark.parametrize("wait_for", [1, 37, 120])
def test_sigkilled_writer_leaves_a_valid_log_with_every_returned_entry(folder, wait_for):
    """SIGKILL mid-batch: the log still verifies and holds every entry whose append had returned, unchanged."""
    path = folder / "log.db"
    Ledger(path)
    child = spawn(path, 1, 1_000_000)
    assert child.stdout is not None
    returned = [int(child.stdout.readline()) for _ in range(wait_for)]
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    returned += [int(s) for s in rest.split()]
    assert child.returncode == -signal.SIGKILL

    log = Ledger(path)  # opening rolls back any half-written transaction
    report = log.verify()
    assert report.ok, report
    records = bodies(log)
    assert len(records) >= len(returned)  # at most one more, committed but not yet printed
    assert returned == list(range(1, len(returned) + 1))
    for seq in returned:
        assert records[seq - 1]["i"] == seq - 1
    assert log.append({"after": "crash"}) == len(records) + 1


# --------------------------------------------------------------------------- files: mode, kind, version


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_new_log_file_is_owner_read_write_only(folder, umask):
    """A new log is mode 0600 whatever the umask (0 would give more, 0o277 would take the owner's write)."""
    old = os.umask(umask)
    try:
        Ledger(folder / "log.db").append(record(1))
    finally:
        os.umask(old)
    assert (folder / "log.db").stat().st_mode & 0o777 == 0o600


def test_journal_file_is_owner_read_write_only_too(folder):
    """The -journal file SQLite creates during a write takes the log's 0600, under a permissive umask."""
    path = folder / "log.db"
    make_log(path, 1)
    old = os.umask(0)
    try:
        conn = raw(path)
        conn.execute("BEGIN IMMEDIATE")
        # A real change (SQLite skips a no-op UPDATE): the journal now holds the old page.
        conn.execute("UPDATE meta SET value = value || 'x' WHERE key = 'head_seq'")
        journal = Path(str(path) + "-journal")
        assert journal.exists()
        mode = journal.stat().st_mode & 0o777
        conn.execute("ROLLBACK")
        conn.close()
    finally:
        os.umask(old)
    assert mode == 0o600


def test_unknown_log_schema_version_is_refused_naming_both_versions(folder):
    """A log whose meta says schema version 2 is refused with LogError naming 2 and 1, and is not changed."""
    path = folder / "log.db"
    make_log(path, 1)
    raw(path).execute("UPDATE meta SET value = '2' WHERE key = 'log_schema_version'")
    before = path.read_bytes()
    with pytest.raises(LogError) as caught:
        Ledger(path)
    assert caught.value.exit_code == 3
    problem = caught.value.problems[0]
    assert "'2'" in problem.found and str(LOG_SCHEMA_VERSION) in problem.expected
    assert "version '2'" in str(caught.value) and f"reads version {LOG_SCHEMA_VERSION}" in str(caught.value)
    assert path.read_bytes() == before


def test_a_log_whose_version_changes_after_opening_is_refused_on_next_use(folder):
    """The version is checked on every operation, not only when the Ledger is made."""
    path = folder / "log.db"
    log = make_log(path, 1)
    raw(path).execute("UPDATE meta SET value = '0' WHERE key = 'log_schema_version'")
    with pytest.raises(LogError, match="schema version '0'"):
        log.append(record(2))


def _other_sqlite_db(path: Path) -> None:
    conn = raw(path)
    conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('log_schema_version', '1')")
    conn.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text("case notes, not a log\n" * 20),
        lambda p: p.write_bytes(b"SQLite format 3\x00 but short"),
        _other_sqlite_db,
    ],
    ids=["text-file", "truncated-header", "other-sqlite-database"],
)
def test_a_file_that_is_not_a_log_is_refused_and_left_byte_identical(folder, make):
    """Opening a text file, a truncated file or another program's SQLite database: 'not a decision log', bytes unchanged."""
    path = folder / "notes.db"
    make(path)
    # A stray journal beside it must not be rolled into it either.
    Path(str(path) + "-journal").write_bytes(b"\x00" * 512)
    before = path.read_bytes()
    with pytest.raises(LogError, match="not a decision log") as caught:
        Ledger(path)
    assert caught.value.exit_code == 3
    assert path.read_bytes() == before


def test_an_empty_file_is_refused_after_waiting_and_left_alone(folder):
    """An empty file (maybe a log being created) is waited for up to the timeout, then refused and left empty."""
    path = folder / "log.db"
    path.touch()
    started = time.monotonic()
    with pytest.raises(LogError, match="not a decision log"):
        Ledger(path, timeout=0.2)
    assert time.monotonic() - started >= 0.2
    assert path.read_bytes() == b""


def test_a_folder_is_refused(folder):
    """A path that is a folder is not a decision log."""
    with pytest.raises(LogError, match="not a decision log"):
        Ledger(folder)


def test_read_only_open_of_a_missing_log_does_not_create_it(folder):
    """read_only=True on a path with no file gives LogError and creates nothing."""
    with pytest.raises(LogError, match="no decision log here"):
        Ledger(folder / "missing.db", read_only=True)
    assert not (folder / "missing.db").exists()


def test_creating_a_log_in_a_missing_folder_gives_log_error(folder):
    """A log cannot be created in a folder that does not exist: LogError, not OSError."""
    with pytest.raises(LogError, match="cannot create"):
        Ledger(folder / "no" / "such" / "log.db")


def test_a_log_deleted_after_opening_gives_log_error_not_a_new_log(folder):
    """If the file disappears, the next operation is a LogError and no empty log is silently made."""
    path = folder / "log.db"
    log = make_log(path, 1)
    path.unlink()
    with pytest.raises(LogError, match="cannot be opened"):
        log.verify()
    with pytest.raises(LogError):
        log.append(record(2))
    assert not path.exists()


# --------------------------------------------------------------------------- faults: read-only, locked, full


def test_log_opened_read_only_reads_but_refuses_writes(folder):
    """read_only=True verifies and exports, but append and import give LogError and the file is unchanged."""
    path = folder / "log.db"
    make_log(path, 2)
    before = path.read_bytes()
    log = Ledger(path, read_only=True)
    assert log.verify().ok
    assert log.export_jsonl(io.StringIO()) == 2
    with pytest.raises(LogError, match="read-only"):
        log.append(record(3))
    with pytest.raises(LogError, match="read-only"):
        log.import_jsonl(io.StringIO(canonical(record(3)) + "\n"))
    assert path.read_bytes() == before


def test_sqlite_read_only_refusal_becomes_a_clear_log_error(folder, monkeypatch):
    """SQLite itself refusing to write (simulated: mode=ro connection) gives a 'read-only' LogError; entries intact."""
    path = folder / "log.db"
    log = make_log(path, 2)
    real = store_module._open_connection
    monkeypatch.setattr(
        store_module, "_open_connection", lambda p, *, read_only, timeout: real(p, read_only=True, timeout=timeout)
    )
    with pytest.raises(LogError, match="read-only") as caught:
        log.append(record(3))
    assert caught.value.exit_code == 3
    assert "nothing was written" in str(caught.value)
    monkeypatch.undo()
    assert log.verify() == VerifyReport(True, 2, None, None)


@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod does not stop root writing; covered by the mode=ro simulation")
def test_read_only_file_gives_log_error_on_append(folder):
    """A log file chmod 0400 opens, reads, and refuses appends with a LogError saying the file is read-only."""
    path = folder / "log.db"
    make_log(path, 1)
    path.chmod(0o400)
    log = Ledger(path)
    assert log.verify().ok
    with pytest.raises(LogError, match="read-only"):
        log.append(record(2))


@pytest.mark.skipif(IS_ROOT, reason="running as root: a read-only folder does not stop root writing")
def test_read_only_folder_gives_log_error_on_append(folder):
    """A log in a folder chmod 0500 (no journal can be made there) refuses appends with a LogError naming the folder."""
    folder = folder / "logs"
    folder.mkdir()
    make_log(folder / "log.db", 1)
    folder.chmod(0o500)
    try:
        with pytest.raises(LogError, match="folder"):
            Ledger(folder / "log.db").append(record(2))
    finally:
        folder.chmod(0o700)


def test_locked_log_gives_log_error_saying_another_process_holds_it(folder):
    """While another connection holds BEGIN EXCLUSIVE, open and append fail after the busy timeout with a clear LogError."""
    path = folder / "log.db"
    log = Ledger(path, timeout=0.1)
    log.append(record(1))
    holder = raw(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LogError, match="another process holds it") as caught:
            log.append(record(2))
        assert caught.value.exit_code == 3
        with pytest.raises(LogError, match="another process holds it"):
            Ledger(path, timeout=0.1)
        with pytest.raises(LogError, match="locked"):
            log.verify()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert log.verify() == VerifyReport(True, 1, None, None)


def _full_after_current_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every connection's database unable to grow: SQLite then fails writes with 'database or disk is full'."""
    real = store_module._open_connection

    def capped(p: str, *, read_only: bool, timeout: float) -> sqlite3.Connection:
        conn = real(p, read_only=read_only, timeout=timeout)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module, "_open_connection", capped)


def test_full_disk_gives_log_error_and_keeps_earlier_entries(folder, monkeypatch):
    """A full disk on append is a LogError saying so; nothing is written and earlier entries still verify."""
    path = folder / "log.db"
    log = make_log(path, 3)
    before = log.head()
    _full_after_current_size(monkeypatch)
    with pytest.raises(LogError, match="disk holding the decision log is full") as caught:
        log.append(record(4, decision={"big": "x" * 20_000}))
    assert caught.value.exit_code == 3
    with pytest.raises(LogError, match="0 of 1 records were written"):
        log.append_many([record(4, decision={"big": "x" * 20_000})])
    monkeypatch.undo()
    assert log.head() == before
    assert log.verify() == VerifyReport(True, 3, None, None)
    assert log.append(record(4)) == 4


def test_full_disk_during_import_writes_none_of_it(folder, monkeypatch):
    """An import that runs out of space part-way is rolled back whole."""
    path = folder / "log.db"
    log = make_log(path, 1)
    lines = "".join(canonical(record(i, decision={"pad": "y" * 3000})) + "\n" for i in range(2, 40))
    _full_after_current_size(monkeypatch)
    with pytest.raises(LogError, match="full"):
        log.import_jsonl(io.StringIO(lines))
    monkeypatch.undo()
    assert log.head()[0] == 1
    assert log.verify().ok


def test_no_raw_sqlite_error_escapes_on_a_corrupted_file(folder):
    """A log whose pages were overwritten with garbage gives LogError (never sqlite3.DatabaseError)."""
    path = folder / "log.db"
    make_log(path, 50)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # keep the header, wreck every other page
    path.write_bytes(bytes(data))
    with pytest.raises(LogError):
        log = Ledger(path)
        log.verify()
        bodies(log)
