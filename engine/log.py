"""The tamper-evident decision log: an append-only hash chain kept in one SQLite file.

Every decision the engine makes can be recorded here, so that an auditor can later
show which facts, editions and outcomes it was based on and that nothing recorded has
been changed since.

Storage
-------
One SQLite file with two tables:

* ``meta(key, value)``: ``log_schema_version`` (``"1"``) and the *head*, ``head_seq``
  and ``head_hash``: the sequence number and hash of the last entry, updated in the
  same transaction as each append. The SQLite header's ``application_id`` is also set
  (:data:`APPLICATION_ID`), so a file can be recognised as a decision log from its
  first 100 bytes, before SQLite is let near it.
* ``entries(seq, record_json, prev_hash, entry_hash)``: ``record_json`` is the
  canonical JSON of the record (``json.dumps(sort_keys=True, separators=(",", ":"),
  ensure_ascii=False)``), ``prev_hash`` is the previous entry's ``entry_hash`` (64
  zeros, :data:`GENESIS_HASH`, for entry 1) and::

      entry_hash = sha256_hex(prev_hash + "\\n" + str(seq) + "\\n" + record_json)

  over the UTF-8 bytes. Sequence numbers run 1, 2, 3 ... without gaps.

What "tamper-evident" means here
--------------------------------
:meth:`DecisionLog.verify` detects an entry that was edited, deleted (in the middle or
at the end), inserted or moved by anyone who did not also recompute every later hash
and the head. Anyone who can write the file *can* rewrite the whole chain: there is no
secret key. To guard against that, record :meth:`DecisionLog.head` somewhere the
writer cannot reach (a ticket, a signed note) and compare it later.

Faults
------
Every failure is a :class:`~scr_eligibility.errors.LogError` (exit code 3): a full
disk, a read-only file or folder, a log locked by another process for longer than the
busy timeout, a file that is not a decision log, a log schema version this code does
not know. A write is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, so a fault or a
crash leaves either the whole entry or none of it, and never harms what was already
recorded. A file that is not a decision log is never modified.

Concurrency
-----------
Each operation opens its own short-lived SQLite connection, so one
:class:`DecisionLog` may be shared by threads, and any number of processes may append
to one file at once: ``BEGIN IMMEDIATE`` serialises writers (each waits up to
``timeout`` seconds) and the last hash is read inside the writer's transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO
from urllib.parse import quote

from ..errors import InputError, LogError, Problem, ScrError

__all__ = [
    "APPLICATION_ID",
    "GENESIS_HASH",
    "LOG_SCHEMA_VERSION",
    "DecisionLog",
    "VerifyReport",
    "canonical_json",
    "entry_hash",
]

#: The log schema version this code writes and the only one it reads.
LOG_SCHEMA_VERSION = 1

#: ``prev_hash`` of entry 1.
GENESIS_HASH = "0" * 64

#: SQLite header ``application_id`` of a decision log: the bytes ``b"SCRL"``.
APPLICATION_ID = int.from_bytes(b"SCRL", "big")

_SQLITE_MAGIC = b"SQLite format 3\x00"
# Offset of the big-endian application_id in the 100-byte SQLite file header.
_APPLICATION_ID_OFFSET = 68
# Entries are read in pages so that no read holds the file's shared lock (which, in
# rollback-journal mode, stops writers committing) for longer than one page.
_PAGE = 500

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    "CREATE TABLE entries ("
    " seq INTEGER PRIMARY KEY NOT NULL,"
    " record_json TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL,"
    " entry_hash TEXT NOT NULL)",
)

Record = dict[str, Any]


@dataclass(frozen=True)
class VerifyReport:
    """The result of :meth:`DecisionLog.verify`.

    ``entries_checked`` counts the entries found good, in order, before the first bad
    one (all of them when ``ok``). ``first_bad_seq`` is the sequence number of the first
    entry that is wrong or missing, or ``None`` when the log is good (or the fault is
    not in any one entry, e.g. the head is missing). ``reason`` says what is wrong.
    """

    ok: bool
    entries_checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def canonical_json(record: Record) -> str:
    """Return the canonical JSON text of ``record``: the exact text that is hashed and stored.

    Raises :class:`LogError` if ``record`` is not a JSON object (a ``dict``) that JSON
    can represent exactly (NaN and infinities are refused, as JSON has no such numbers).
    """
    if not isinstance(record, dict):
        raise LogError(
            "a decision record must be a JSON object",
            [Problem("record", type(record).__name__, "a dict (JSON object)")],
        )
    try:
        text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        # Lone surrogates pass json.dumps with ensure_ascii=False but cannot be stored as
        # UTF-8; find them here rather than half-way through a transaction.
        text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise LogError(
            "a decision record cannot be written as JSON",
            [Problem(
                "record",
                str(exc),
                "JSON values only: objects with string keys, arrays, strings, finite numbers, true, false, null",
            )],
        ) from exc
    return text


def entry_hash(prev_hash: str, seq: int, record_json: str) -> str:
    """Return the hex SHA-256 chaining ``prev_hash``, ``seq`` and the canonical ``record_json``."""
    return _hash_bytes(prev_hash.encode("ascii"), seq, record_json.encode("utf-8"))


def _hash_bytes(prev_hash: bytes, seq: int, record_json: bytes) -> str:
    # Verification works on the raw stored bytes, so that any change to any byte (even
    # one that is no longer valid UTF-8) is seen as a mismatch rather than a crash.
    return hashlib.sha256(prev_hash + b"\n" + str(seq).encode("ascii") + b"\n" + record_json).hexdigest()


def _open_connection(path: str, *, read_only: bool, timeout: float) -> sqlite3.Connection:
    """Open a connection to an existing log file (never creating one).

    ``mode=rw`` rather than the default ``rwc`` so that a log deleted behind our back
    is an error, not a new empty database. ``isolation_level=None`` lets us issue
    ``BEGIN IMMEDIATE`` ourselves. Tests replace this function to simulate faults.
    """
    # fsencode: a path that is not valid UTF-8 (a surrogate-escaped byte from the command line)
    # made quote() raise UnicodeEncodeError; its bytes percent-encoded are the file's real name.
    uri = f"file:{quote(os.fsencode(path))}?mode={'ro' if read_only else 'rw'}"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        # The file may come from elsewhere: don't let its schema run SQL functions.
        # (PRAGMA synchronous is set by writers, see _begin_immediate: it reads the
        # schema, so here it could wait behind another writer's lock.)
        conn.execute("PRAGMA trusted_schema = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


class DecisionLog:
    """An append-only, hash-chained log of decision records in one SQLite file.

    ``DecisionLog(path)`` opens the log at ``path``, creating it (mode 0600) if there is
    no file there. An existing file must be a decision log of schema version
    :data:`LOG_SCHEMA_VERSION`; anything else is refused with :class:`LogError` and left
    untouched. With ``read_only=True`` the file is never created or written (SQLite
    ``mode=ro``) and :meth:`append` and :meth:`import_jsonl` raise :class:`LogError`.
    ``timeout`` is how many seconds an operation waits for another process's lock.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, timeout: float = 5.0) -> None:
        self._path = os.path.abspath(os.fspath(path))
        self._read_only = read_only
        self._timeout = timeout
        try:
            st_ = os.stat(self._path)
        except FileNotFoundError:
            if read_only:
                raise LogError(
                    "there is no decision log here",
                    [Problem(self._path, "no file", "an existing decision log (it is opened read-only, so none is created)")],
                    source=self._path,
                ) from None
            if self._create():
                return
            st_ = os.stat(self._path)  # another process created it first: open theirs
        except OSError as exc:
            raise self._os_error(exc, "open") from exc
        if not stat.S_ISREG(st_.st_mode):
            raise self._not_a_log("not a regular file")
        self._check_header()
        with self._connection("open"):
            pass  # opening a connection checks the meta table and the schema version

    # ------------------------------------------------------------------ public API

    @property
    def path(self) -> str:
        """The absolute path of the log file."""
        return self._path

    def append(self, record: Record) -> int:
        """Append ``record`` as one new entry, in one transaction; return its sequence number."""
        text = canonical_json(record)
        with self._connection("append a decision", writing=True) as conn:
            return self._write(conn, [text])[0]

    def append_many(self, records: Iterable[Record]) -> list[int]:
        """Append each record in its own transaction; return their sequence numbers.

        Every record is checked before the first is written, so a record that is not
        JSON writes nothing. A fault part-way (full disk, lock) keeps the entries
        already committed, and the :class:`LogError` says how many those are.
        """
        texts = []
        for index, record in enumerate(records):
            try:
                texts.append(canonical_json(record))
            except LogError as exc:
                raise LogError(
                    f"record {index} of the batch cannot be written; nothing was written",
                    [Problem(f"record {index}", p.found, p.expected, p.suggestion) for p in exc.problems],
                    source=self._path,
                ) from exc
        seqs: list[int] = []
        try:
            with self._connection("append a decision", writing=True) as conn:
                for text in texts:
                    seqs.extend(self._write(conn, [text]))
        except LogError as exc:
            written = f"entries {seqs[0]} to {seqs[-1]}" if seqs else "none"
            raise LogError(
                f"{exc.message} ({len(seqs)} of {len(texts)} records were written before the fault: {written})",
                exc.problems,
                source=exc.source,
            ) from exc
        return seqs

    def head(self) -> tuple[int, str]:
        """Return the recorded head: the last entry's sequence number and hash ((0, 64 zeros) when empty).

        Keep this somewhere the log's writers cannot reach to detect a rewrite of the
        whole chain later.
        """
        with self._connection("read") as conn:
            return self._require_head(conn)

    def verify(self) -> VerifyReport:
        """Check the whole chain and the head; report the first entry that is wrong.

        Detects an edited entry (its hash no longer recomputes, or no longer links to the
        one before), a deleted, inserted or reordered entry (the sequence numbers are not
        1, 2, 3 ... or a link breaks), and deleted or added entries at the end (the last
        entry is not the recorded head). Reading is done page by page, so writers are
        not held up; entries appended while it runs are not checked.
        """
        with self._connection("verify") as conn:
            conn.execute("BEGIN")  # head and last seq from one snapshot
            try:
                head = self._read_head(conn)
                last_stored = conn.execute("SELECT MAX(seq) FROM entries").fetchone()[0] or 0
            finally:
                conn.execute("COMMIT")
        if head is None:
            return VerifyReport(False, 0, None, "the log's head (head_seq, head_hash in meta) is missing or malformed")
        head_seq, head_hash = head
        upto = max(last_stored, head_seq)

        expected_seq = 1
        prev: bytes = GENESIS_HASH.encode("ascii")
        checked = 0
        for seq, body, prev_hash, stored_hash in self._raw_entries(upto):
            if seq < expected_seq:  # only possible for a forged seq below 1
                return VerifyReport(False, checked, seq, f"entry {seq} is out of sequence: the log starts at entry 1")
            if seq > expected_seq:
                return VerifyReport(
                    False, checked, expected_seq,
                    f"entry {expected_seq} is missing: the entry after {expected_seq - 1} is {seq} "
                    "(deleted, or sequence numbers changed)",
                )
            if body is None or prev_hash is None or stored_hash is None:
                return VerifyReport(False, checked, seq, f"entry {seq} has an empty field")
            if _hash_bytes(prev_hash, seq, body).encode("ascii") != stored_hash:
                return VerifyReport(
                    False, checked, seq,
                    f"entry {seq}'s hash does not match its content and position (edited, moved, or its hash changed)",
                )
            if prev_hash != prev:
                return VerifyReport(
                    False, checked, seq,
                    f"entry {seq} does not link to entry {seq - 1}: its prev_hash is not that entry's hash "
                    "(an entry was replaced or inserted)",
                )
            if seq > head_seq:
                return VerifyReport(
                    False, checked, seq,
                    f"entry {seq} is past the log's recorded head (entry {head_seq}): it was not appended by this log",
                )
            prev = stored_hash
            checked += 1
            expected_seq += 1

        last = expected_seq - 1
        if last < head_seq:
            return VerifyReport(
                False, checked, last + 1,
                f"entries {last + 1} to {head_seq} are missing from the end: the log's head records entry {head_seq}",
            )
        if last > 0 and prev != head_hash.encode("ascii"):
            return VerifyReport(
                False, checked - 1, last,
                f"entry {last} is not the entry the log's head records (the last entry was replaced)",
            )
        return VerifyReport(True, checked)

    def numbered_entries(
        self,
        since: date | None = None,
        until: date | None = None,
        edition: str | None = None,
        outcome: str | None = None,
    ) -> Iterator[tuple[int, Record]]:
        """Yield ``(seq, record)`` for the recorded records in order, optionally filtered.

        ``since`` and ``until`` (inclusive) compare with the date of ``made_at`` in UTC
        (a ``made_at`` without an offset is taken as written). ``edition`` keeps records
        that name that edition id in ``editions``. ``outcome`` keeps records where some
        edition's outcome equals it; given with ``edition``, it must be *that* edition's
        outcome. A record whose ``made_at`` cannot be read while a date filter is given
        raises :class:`LogError` rather than being silently dropped or kept. This does
        not verify the chain: call :meth:`verify` for that. Entries appended after the
        iteration started are not yielded.
        """
        for bound in (since, until):
            if isinstance(bound, datetime):
                # datetime is a date subclass; comparing it with a date raises, and
                # truncating it silently would surprise: filters are whole days.
                raise TypeError("since/until take a datetime.date, not a datetime")
        upto = self.head()[0]
        for seq, record in self._records(upto):
            if since is not None or until is not None:
                day = _made_on(record, seq, self._path)
                if (since is not None and day < since) or (until is not None and day > until):
                    continue
            if edition is not None and edition not in _edition_ids(record):
                continue
            if outcome is not None:
                outcomes = record.get("outcomes")
                if not isinstance(outcomes, dict):
                    continue
                if edition is not None:
                    if outcomes.get(edition) != outcome:
                        continue
                elif outcome not in outcomes.values():
                    continue
            yield seq, record

    def entries(
        self,
        since: date | None = None,
        until: date | None = None,
        edition: str | None = None,
        outcome: str | None = None,
    ) -> Iterator[Record]:
        """Yield the recorded records in order, optionally filtered (see :meth:`numbered_entries`)."""
        for _seq, record in self.numbered_entries(since, until, edition, outcome):
            yield record

    def hash_at(self, seq: int) -> str | None:
        """The stored ``entry_hash`` of entry ``seq``, or None if there is no such entry.

        With a head noted earlier (``head()``, kept where the log's writers cannot reach),
        ``hash_at(noted_seq) == noted_hash`` after a good :meth:`verify` shows that the
        chain up to that entry was not rewritten since.
        """
        with self._connection("read") as conn:
            row = conn.execute("SELECT CAST(entry_hash AS BLOB) FROM entries WHERE seq = ?", (seq,)).fetchone()
        if row is None or row[0] is None:
            return None
        return bytes(row[0]).decode("ascii", "replace")

    def export_jsonl(self, out: TextIO, redact: bool = False) -> int:
        """Write every record to ``out``, one canonical JSON object per line; return how many.

        With ``redact``, every fact value is removed from each record by
        :func:`scr_eligibility.engine.record.redact` (the facts, the facts inside the
        decision, the values in each criterion's evidence and the dates computed from the
        case's dates) and ``"facts_redacted": true`` is set; ``facts_hash`` stays, so an
        auditor holding the facts can still check them against it. Errors writing to
        ``out`` are the caller's and are not wrapped.
        """
        redactor: Callable[[Record], Record] | None = None
        if redact:
            # Imported here, not at the top: record.py imports this module (lazily too), and
            # reading or writing a log must not load the rule engine.
            from .record import redact as redactor
        upto = self.head()[0]
        count = 0
        for _seq, body, _prev, _hash in self._raw_entries(upto):
            if redactor is not None:
                line = canonical_json(redactor(_parse(body, _seq, self._path)))
            else:
                # The stored canonical text is written as is: byte for byte what was hashed.
                line = _decode(body, _seq, self._path)
            out.write(line + "\n")
            count += 1
        return count

    def import_jsonl(self, inp: TextIO, validate: Callable[[Record, str], object] | None = None) -> int:
        """Append every record read from ``inp`` (one JSON object per line); return how many.

        The records are re-chained in this log (new sequence numbers and hashes). All
        lines are read and checked first, and all are written in ONE transaction, so a
        bad line (named by its 1-based number) or a fault writes nothing. Blank lines
        are skipped. ``validate(record, where)`` may refuse a record by raising a
        :class:`ScrError` (the log itself does not know the record format).
        """
        source = getattr(inp, "name", None)
        source = source if isinstance(source, str) else self._path
        texts: list[str] = []
        for number, line in enumerate(inp, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise LogError(
                    f"line {number} is not JSON; nothing was imported",
                    [Problem(f"line {number}", str(exc), "one JSON object per line")],
                    source=source,
                ) from exc
            if not isinstance(record, dict):
                raise LogError(
                    f"line {number} is not a JSON object; nothing was imported",
                    [Problem(f"line {number}", f"a JSON {type(record).__name__}", "one JSON object per line")],
                    source=source,
                )
            if validate is not None:
                try:
                    validate(record, f"{source} line {number}")
                except ScrError as exc:
                    raise InputError(f"line {number} is not a decision record; nothing was imported",
                                     exc.problems, source) from None
            try:
                texts.append(canonical_json(record))
            except LogError as exc:
                raise LogError(
                    f"line {number} cannot be recorded; nothing was imported",
                    [Problem(f"line {number}", p.found, p.expected) for p in exc.problems],
                    source=source,
                ) from exc
        if not texts:
            return 0
        with self._connection("import decisions", writing=True) as conn:
            self._write(conn, texts)
        return len(texts)

    # ------------------------------------------------------------------ creating and opening

    def _create(self) -> bool:
        """Create and initialise a new log at the path; False if another process got there first."""
        try:
            # O_EXCL: never adopt or truncate a file that appeared meanwhile; 0o600 from the
            # very first moment, before SQLite (which copies the database file's mode to its
            # -journal file) touches it.
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            return False
        except OSError as exc:
            raise self._os_error(exc, "create") from exc
        try:
            try:
                os.fchmod(fd, 0o600)  # a umask can only remove bits; make it exactly 0600
            finally:
                os.close(fd)
            conn = _open_connection(self._path, read_only=False, timeout=self._timeout)
            try:
                # Rollback journal (DELETE): no -wal/-shm files that outlive a connection
                # and need write access even to read.
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("BEGIN EXCLUSIVE")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for sql in _SCHEMA:
                    conn.execute(sql)
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("log_schema_version", str(LOG_SCHEMA_VERSION)), ("head_seq", "0"), ("head_hash", GENESIS_HASH)],
                )
                conn.execute("COMMIT")
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
        except (sqlite3.Error, OSError) as exc:
            # The file is ours and holds nothing yet: remove it so a retry starts clean
            # rather than finding an empty file it must refuse.
            for leftover in (self._path, self._path + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
            if isinstance(exc, sqlite3.Error):
                raise self._sqlite_error(exc, "create") from exc
            raise self._os_error(exc, "create") from exc
        _fsync_dir(os.path.dirname(self._path))
        return True

    def _check_header(self) -> None:
        """Refuse, from its raw header and without SQLite, a file that is not a decision log.

        SQLite is never given a foreign file: it could roll back a stray -journal into it.
        An empty file may be a log another process is creating this instant (it is
        created empty, then initialised), so it is given up to ``timeout`` to appear.
        """
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                with open(self._path, "rb") as f:
                    header = f.read(100)
            except OSError as exc:
                raise self._os_error(exc, "open") from exc
            if header or time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        if not header:
            raise self._not_a_log(
                "an empty file",
                "an empty file is not a log; one left by a crash while creating a log can be removed",
            )
        if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
            raise self._not_a_log("a file that is not an SQLite database")
        app_id = int.from_bytes(header[_APPLICATION_ID_OFFSET:_APPLICATION_ID_OFFSET + 4], "big")
        if app_id != APPLICATION_ID:
            raise self._not_a_log(f"an SQLite database of another kind (application_id {app_id})")

    # ------------------------------------------------------------------ connections and writes

    def _connection(self, action: str, *, writing: bool = False) -> _Connection:
        return _Connection(self, action, writing)

    def _connect(self, action: str, *, check: bool) -> sqlite3.Connection:
        """Open a connection; with ``check``, first check the file is still a log of a version we know.

        Writers check inside their write transaction instead (see :meth:`_write`): a read
        here would wait in SQLite's back-off busy handler behind another writer's commit.
        """
        try:
            conn = _open_connection(self._path, read_only=self._read_only, timeout=self._timeout)
        except sqlite3.Error as exc:
            raise self._sqlite_error(exc, action) from exc
        if check:
            try:
                self._check_meta(conn)
            except sqlite3.Error as exc:
                conn.close()
                raise self._sqlite_error(exc, action) from exc
            except BaseException:
                conn.close()
                raise
        return conn

    def _check_meta(self, conn: sqlite3.Connection) -> None:
        """Refuse a file without the log's tables or with a log schema version we do not know."""
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "entries"} <= tables:
            raise self._not_a_log("an SQLite database without the log's tables")
        row = conn.execute("SELECT value FROM meta WHERE key = 'log_schema_version'").fetchone()
        if row is None:
            raise self._not_a_log("an SQLite database without a log schema version")
        if row[0] != str(LOG_SCHEMA_VERSION):
            raise LogError(
                f"the decision log has schema version {row[0]!r}, which this version of scr-eligibility "
                f"does not read (it reads version {LOG_SCHEMA_VERSION}); the file was not changed",
                [Problem(
                    "meta.log_schema_version",
                    f"version {row[0]!r}",
                    f"version {LOG_SCHEMA_VERSION}",
                    "open it with the scr-eligibility release that wrote it",
                )],
                source=self._path,
            )

    @staticmethod
    def _read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
        """The recorded head (last seq, last hash), or None if it is missing or malformed."""
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('head_seq', 'head_hash')").fetchall())
        seq, hash_ = rows.get("head_seq"), rows.get("head_hash")
        if not (isinstance(seq, str) and seq.isascii() and seq.isdigit()):
            return None
        if not (isinstance(hash_, str) and len(hash_) == 64 and all(c in "0123456789abcdef" for c in hash_)):
            return None
        return int(seq), hash_

    def _require_head(self, conn: sqlite3.Connection) -> tuple[int, str]:
        head = self._read_head(conn)
        if head is None:
            raise LogError(
                "the decision log's head record (meta head_seq, head_hash) is missing or malformed; run verify",
                [Problem("meta.head_seq/head_hash", "missing or malformed", "a sequence number and a 64-digit hex hash")],
                source=self._path,
            )
        return head

    def _write(self, conn: sqlite3.Connection, texts: list[str]) -> list[int]:
        """Append ``texts`` (canonical JSON) in ONE transaction; return their sequence numbers."""
        if self._read_only:
            raise LogError(
                "the decision log was opened read-only; nothing was written",
                [Problem(self._path, "opened with read_only=True", "a log opened for writing")],
                source=self._path,
            )
        # IMMEDIATE takes the write lock now, before reading the head, so two writers
        # can never both chain onto the same last entry. SQLite errors are turned into
        # LogErrors by the caller's _Connection.
        self._begin_immediate(conn)
        try:
            self._check_meta(conn)
            head_seq, head_hash = self._require_head(conn)
            last = conn.execute("SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
            if (last or (0, GENESIS_HASH)) != (head_seq, head_hash):
                # Chaining onto a damaged end would re-seal it (e.g. a deleted last
                # entry would become undetectable), so refuse instead.
                raise LogError(
                    "the decision log's last entry is not its recorded head: the log was changed "
                    "outside this program; nothing was written (run verify)",
                    [Problem(
                        "entries / meta.head",
                        f"last entry {last[0] if last else 0}",
                        f"entry {head_seq} with the head's hash",
                    )],
                    source=self._path,
                )
            seqs = []
            seq, prev = head_seq, head_hash
            for text in texts:
                seq += 1
                new_hash = entry_hash(prev, seq, text)
                conn.execute(
                    "INSERT INTO entries (seq, record_json, prev_hash, entry_hash) VALUES (?, ?, ?, ?)",
                    (seq, text, prev, new_hash),
                )
                seqs.append(seq)
                prev = new_hash
            conn.executemany(
                "UPDATE meta SET value = ? WHERE key = ?",
                [(str(seq), "head_seq"), (prev, "head_hash")],
            )
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                # SQLite may already have rolled back (e.g. on a full disk): only roll
                # back a transaction that is still open.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
        return seqs

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, waiting up to ``timeout`` for other writers, fairly.

        SQLite's own busy handler backs off to sleeps of up to 100 ms, so a writer that
        keeps appending can hold the lock for a whole batch while another one sleeps
        (measured: waits of 200-800 ms behind a 200-append batch, where the batch took
        0.2 s). Polling here every millisecond or two, with jitter, gives each waiting
        writer its turn within a few of the other's commits. Nothing before this in a
        write touches the file, so nothing else waits in SQLite's handler.
        """
        deadline = time.monotonic() + self._timeout
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    # FULL: a commit that returned survives a power cut, not only a
                    # process crash. It reads the schema, so it can meet the lock too.
                    conn.execute("PRAGMA synchronous = FULL")
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(random.uniform(0.0005, 0.002))
        finally:
            # Back to SQLite's handler for the rest (e.g. COMMIT waiting for readers).
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")

    def _raw_entries(self, upto: int) -> Iterator[tuple[int, bytes | None, bytes | None, bytes | None]]:
        """Yield (seq, record_json, prev_hash, entry_hash) as raw bytes for seq <= upto, in pages."""
        after: int | None = None  # no lower bound at first: even a forged seq below 1 is seen
        while True:
            with self._connection("read") as conn:
                # CAST AS BLOB: the stored bytes as they are, even if no longer valid UTF-8.
                rows = conn.execute(
                    "SELECT seq, CAST(record_json AS BLOB), CAST(prev_hash AS BLOB), CAST(entry_hash AS BLOB)"
                    " FROM entries WHERE (? IS NULL OR seq > ?) AND seq <= ? ORDER BY seq LIMIT ?",
                    (after, after, upto, _PAGE),
                ).fetchall()
            yield from rows
            if len(rows) < _PAGE:
                return
            after = rows[-1][0]

    def _records(self, upto: int) -> Iterator[tuple[int, Record]]:
        for seq, body, _prev, _hash in self._raw_entries(upto):
            yield seq, _parse(body, seq, self._path)

    # ------------------------------------------------------------------ errors

    def _not_a_log(self, found: str, suggestion: str | None = None) -> LogError:
        return LogError(
            "not a decision log; the file was not changed",
            [Problem(self._path, found, f"a scr-eligibility decision log (schema version {LOG_SCHEMA_VERSION})", suggestion)],
            source=self._path,
        )

    def _os_error(self, exc: OSError, action: str) -> LogError:
        return LogError(
            f"cannot {action} the decision log: {exc.strerror or exc}",
            [Problem(self._path, exc.strerror or type(exc).__name__,
                     "a file (and folder) this process can read and write")],
            source=self._path,
        )

    def _sqlite_error(self, exc: sqlite3.Error, action: str, *, writing: bool = False) -> LogError:
        """Turn an SQLite error into a LogError that says what happened in plain words."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        unchanged = "; nothing was written and the entries already recorded are unchanged" if writing else ""
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            message = f"cannot {action}: the disk holding the decision log is full{unchanged}"
            suggestion = "free some space and try again"
        elif _is_busy(exc):
            message = (
                f"cannot {action}: the decision log is locked, another process holds it "
                f"(waited {self._timeout:g} s){unchanged}"
            )
            suggestion = "try again when the other process has finished"
        elif writing and (name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")) or "readonly" in text):
            message = f"cannot {action}: {self._unwritable_part(name)}{unchanged}"
            suggestion = "check the permissions of the log file and its folder"
        elif name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_READONLY")):
            message = f"cannot {action}: the decision log cannot be opened (moved, deleted, or not readable)"
            suggestion = "check the path and the permissions of the log file and its folder"
        elif name.startswith("SQLITE_NOTADB"):
            return self._not_a_log("a file SQLite does not recognise as a database")
        elif name.startswith("SQLITE_CORRUPT"):
            message = f"cannot {action}: the decision log file is damaged (SQLite reports it corrupt)"
            suggestion = "restore it from a backup; check a copy with verify"
        else:
            message = f"cannot {action} the decision log: {text}{unchanged}"
            suggestion = None
        found = f"{name or type(exc).__name__}: {text}"
        return LogError(
            message, [Problem(self._path, found, "a readable, writable decision log", suggestion)], source=self._path
        )

    def _unwritable_part(self, name: str) -> str:
        """Say which part cannot be written: the folder, the file, or (if unknown) either."""
        if self._read_only:
            return "the decision log was opened read-only"
        folder = os.path.dirname(self._path)
        # os.access answers for this process's real ids; as root it says yes to all, and
        # SQLite's own code is the better witness.
        if not os.access(folder, os.W_OK):
            return f"the folder holding the decision log is read-only (the journal file cannot be created in {folder})"
        if os.path.exists(self._path) and not os.access(self._path, os.W_OK):
            return "the decision log file is read-only"
        if name.startswith("SQLITE_READONLY"):
            return "the decision log is read-only (its file, or its folder, cannot be written)"
        return "the decision log or its journal file cannot be opened for writing (check the file and its folder)"


class _Connection:
    """Context manager: one short-lived, checked connection per operation.

    Any SQLite error raised inside the ``with`` block leaves it as a :class:`LogError`,
    so no raw ``sqlite3`` exception escapes this module.
    """

    def __init__(self, log: DecisionLog, action: str, writing: bool) -> None:
        self._log = log
        self._action = action
        self._writing = writing
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        self._conn = self._log._connect(self._action, check=not self._writing)
        return self._conn

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        assert self._conn is not None
        self._conn.close()
        if isinstance(exc, sqlite3.Error):
            raise self._log._sqlite_error(exc, self._action, writing=self._writing) from exc


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def _decode(body: bytes | None, seq: int, path: str) -> str:
    try:
        if body is None:
            raise ValueError("empty")
        return body.decode("utf-8")
    except ValueError as exc:
        raise LogError(
            f"entry {seq} cannot be read (its stored JSON is not text); run verify",
            [Problem(f"entry {seq}", str(exc), "UTF-8 JSON text")],
            source=path,
        ) from exc


def _parse(body: bytes | None, seq: int, path: str) -> Record:
    text = _decode(body, seq, path)
    try:
        record = json.loads(text)
    except ValueError as exc:
        record = exc
    if not isinstance(record, dict):
        raise LogError(
            f"entry {seq} cannot be read (its stored JSON is not a JSON object); run verify",
            [Problem(f"entry {seq}", str(record)[:200], "a JSON object")],
            source=path,
        )
    return record


def _made_on(record: Record, seq: int, path: str) -> date:
    """The UTC date of ``made_at``; LogError if it is not an ISO 8601 date-time."""
    made_at = record.get("made_at")
    try:
        if not isinstance(made_at, str):
            raise ValueError("not a string")
        when = datetime.fromisoformat(made_at)
    except ValueError as exc:
        raise LogError(
            f"entry {seq} has no readable made_at, so it cannot be filtered by date",
            [Problem(f"entry {seq}: made_at", repr(made_at)[:100], "an ISO 8601 date-time such as 2026-11-26T10:00:00Z")],
            source=path,
        ) from exc
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.date()


def _edition_ids(record: Record) -> set[str]:
    editions = record.get("editions")
    if not isinstance(editions, list):
        return set()
    return {e["id"] for e in editions if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _fsync_dir(folder: str) -> None:
    """Make the new log's directory entry durable; best effort (not every OS allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
