"""The ledger's SQLite file: creating it, recognising it, connecting to it, and its faults in plain words.

:mod:`.ledger` holds what the entries mean (the chain, its head, verification); this
module holds how they are kept: one SQLite file whose tables are

* ``meta(key, value)``: ``log_schema_version`` (``"1"``) and the head (``head_seq``,
  ``head_hash``), updated in the same transaction as each append;
* ``entries(seq, record_json, prev_hash, entry_hash)``: one row per entry.

The SQLite header's ``application_id`` is set (:data:`APPLICATION_ID`), so a file can be
recognised as a decision log from its first 100 bytes, before SQLite is let near it.

Every failure is a :class:`~scr_eligibility.errors.LogError` (exit code 3): a full disk, a
read-only file or folder, a log locked by another process for longer than the busy
timeout, a file that is not a decision log, a log schema version this code does not know.
A file that is not a decision log is never modified.

(About 430 lines, more than the house's 400: creating, recognising and connecting to the file, and turning
SQLite's faults into plain words, are one concern; the faults need the file's states to name them.)
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import stat
import time
from urllib.parse import quote

from ...errors import LogError, Problem
from ...files import private_fd

#: The log schema version this code writes and the only one it reads.
LOG_SCHEMA_VERSION = 1

#: ``prev_hash`` of entry 1, and the head of an empty log.
GENESIS_HASH = "0" * 64

#: SQLite header ``application_id`` of a decision log: the bytes ``b"SCRL"``.
APPLICATION_ID = int.from_bytes(b"SCRL", "big")

#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
# Offset of the big-endian application_id in the 100-byte SQLite file header.
_APPLICATION_ID_OFFSET = 68

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
    "CREATE TABLE entries ("
    " seq INTEGER PRIMARY KEY NOT NULL,"
    " record_json TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL,"
    " entry_hash TEXT NOT NULL)",
)

def is_sqlite(data: bytes) -> bool:
    """Whether ``data`` (a file's first bytes) starts like an SQLite database."""
    return data.startswith(SQLITE_MAGIC)


def file_is_sqlite(path: str) -> bool:
    """Whether ``path`` is a regular file starting like an SQLite database (False if it cannot be read)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a pipe or a device (/dev/stdout): reading it could block, and it holds no log
        with open(path, "rb") as handle:
            return is_sqlite(handle.read(len(SQLITE_MAGIC)))
    except OSError:
        return False


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
        # (PRAGMA synchronous is set by writers, see begin_immediate: it reads the
        # schema, so here it could wait behind another writer's lock.)
        conn.execute("PRAGMA trusted_schema = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


class Store:
    """One decision log file: opened (or created, mode 0600) and checked when made.

    An existing file must be a decision log of schema version :data:`LOG_SCHEMA_VERSION`;
    anything else is refused with :class:`LogError` and left untouched. With ``read_only``
    the file is never created or written (SQLite ``mode=ro``). ``timeout`` is how many
    seconds an operation waits for another process's lock.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool, timeout: float) -> None:
        self.path = os.path.abspath(os.fspath(path))
        self.read_only = read_only
        self.timeout = timeout
        try:
            st_ = os.stat(self.path)
        except FileNotFoundError:
            if read_only:
                raise LogError(
                    "there is no decision log here",
                    [Problem(self.path, "no file", "an existing decision log (it is opened read-only, so none is created)")],
                    source=self.path,
                ) from None
            if self._create():
                return
            st_ = os.stat(self.path)  # another process created it first: open theirs
        except OSError as exc:
            raise self.os_error(exc, "open") from exc
        if not stat.S_ISREG(st_.st_mode):
            raise self.not_a_log("not a regular file")
        self._check_header()
        with self.connection("open"):
            pass  # opening a connection checks the meta table and the schema version

    # ------------------------------------------------------------------ creating and opening

    def _create(self) -> bool:
        """Create and initialise a new log at the path; False if another process got there first."""
        try:
            # Exclusive: never adopt or truncate a file that appeared meanwhile; 0600 from the
            # very first moment, before SQLite (which copies the database file's mode to its
            # -journal file) touches it.
            fd = private_fd(self.path, exclusive=True)
        except FileExistsError:
            return False
        except OSError as exc:
            raise self.os_error(exc, "create") from exc
        try:
            os.close(fd)
            conn = _open_connection(self.path, read_only=False, timeout=self.timeout)
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
            for leftover in (self.path, self.path + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
            if isinstance(exc, sqlite3.Error):
                raise self.sqlite_error(exc, "create") from exc
            raise self.os_error(exc, "create") from exc
        _fsync_dir(os.path.dirname(self.path))
        return True

    def _check_header(self) -> None:
        """Refuse, from its raw header and without SQLite, a file that is not a decision log.

        SQLite is never given a foreign file: it could roll back a stray -journal into it.
        An empty file may be a log another process is creating this instant (it is
        created empty, then initialised), so it is given up to ``timeout`` to appear.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with open(self.path, "rb") as f:
                    header = f.read(100)
            except OSError as exc:
                raise self.os_error(exc, "open") from exc
            if header or time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        if not header:
            raise self.not_a_log(
                "an empty file",
                "an empty file is not a log; one left by a crash while creating a log can be removed",
            )
        if len(header) < 100 or not is_sqlite(header):
            raise self.not_a_log("a file that is not an SQLite database")
        app_id = int.from_bytes(header[_APPLICATION_ID_OFFSET:_APPLICATION_ID_OFFSET + 4], "big")
        if app_id != APPLICATION_ID:
            raise self.not_a_log(f"an SQLite database of another kind (application_id {app_id})")

    # ------------------------------------------------------------------ connections and transactions

    def connection(self, action: str, *, writing: bool = False) -> _Connection:
        """A context manager giving one short-lived, checked connection; SQLite errors leave it as LogErrors."""
        return _Connection(self, action, writing)

    def connect(self, action: str, *, check: bool) -> sqlite3.Connection:
        """Open a connection; with ``check``, first check the file is still a log of a version we know.

        Writers check inside their write transaction instead (see :meth:`begin_write`): a read
        here would wait in SQLite's back-off busy handler behind another writer's commit.
        """
        try:
            conn = _open_connection(self.path, read_only=self.read_only, timeout=self.timeout)
        except sqlite3.Error as exc:
            raise self.sqlite_error(exc, action) from exc
        if check:
            try:
                self.check_meta(conn)
            except sqlite3.Error as exc:
                conn.close()
                raise self.sqlite_error(exc, action) from exc
            except BaseException:
                conn.close()
                raise
        return conn

    def check_meta(self, conn: sqlite3.Connection) -> None:
        """Refuse a file without the log's tables or with a log schema version we do not know."""
        tables = self.tables(conn)
        if not {"meta", "entries"} <= tables:
            raise self.not_a_log("an SQLite database without the log's tables")
        row = conn.execute("SELECT value FROM meta WHERE key = 'log_schema_version'").fetchone()
        if row is None:
            raise self.not_a_log("an SQLite database without a log schema version")
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
                source=self.path,
            )

    @staticmethod
    def tables(conn: sqlite3.Connection) -> set[str]:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    @staticmethod
    def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
        """The recorded head (last seq, last hash), or None if it is missing or malformed."""
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('head_seq', 'head_hash')").fetchall())
        seq, hash_ = rows.get("head_seq"), rows.get("head_hash")
        if not (isinstance(seq, str) and seq.isascii() and seq.isdigit()):
            return None
        if not (isinstance(hash_, str) and len(hash_) == 64 and all(c in "0123456789abcdef" for c in hash_)):
            return None
        return int(seq), hash_

    def require_head(self, conn: sqlite3.Connection) -> tuple[int, str]:
        head = self.read_head(conn)
        if head is None:
            raise LogError(
                "the decision log's head record (meta head_seq, head_hash) is missing or malformed; run verify",
                [Problem("meta.head_seq/head_hash", "missing or malformed", "a sequence number and a 64-digit hex hash")],
                source=self.path,
            )
        return head

    def begin_write(self, conn: sqlite3.Connection) -> None:
        """Start a write transaction: refuse a read-only log, take the write lock, check the file again."""
        if self.read_only:
            raise LogError(
                "the decision log was opened read-only; nothing was written",
                [Problem(self.path, "opened with read_only=True", "a log opened for writing")],
                source=self.path,
            )
        # IMMEDIATE takes the write lock now, before the head is read, so two writers can
        # never both chain onto the same last entry.
        self._begin_immediate(conn)
        self.check_meta(conn)

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, waiting up to ``timeout`` for other writers, fairly.

        SQLite's own busy handler backs off to sleeps of up to 100 ms, so a writer that
        keeps appending can hold the lock for a whole batch while another one sleeps
        (measured: waits of 200-800 ms behind a 200-append batch, where the batch took
        0.2 s). Polling here every millisecond or two, with jitter, gives each waiting
        writer its turn within a few of the other's commits. Nothing before this in a
        write touches the file, so nothing else waits in SQLite's handler.
        """
        deadline = time.monotonic() + self.timeout
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
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    @staticmethod
    def end_write(conn: sqlite3.Connection) -> None:
        """After a write: roll back a transaction still open (one that failed before its COMMIT)."""
        if conn.in_transaction:
            # SQLite may already have rolled back (e.g. on a full disk): only roll back a
            # transaction that is still open.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    # ------------------------------------------------------------------ errors

    def not_a_log(self, found: str, suggestion: str | None = None) -> LogError:
        return LogError(
            "not a decision log; the file was not changed",
            [Problem(self.path, found, f"a scr-eligibility decision log (schema version {LOG_SCHEMA_VERSION})", suggestion)],
            source=self.path,
        )

    def os_error(self, exc: OSError, action: str) -> LogError:
        return LogError(
            f"cannot {action} the decision log: {exc.strerror or exc}",
            [Problem(self.path, exc.strerror or type(exc).__name__,
                     "a file (and folder) this process can read and write")],
            source=self.path,
        )

    def sqlite_error(self, exc: sqlite3.Error, action: str, *, writing: bool = False) -> LogError:
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
                f"(waited {self.timeout:g} s){unchanged}"
            )
            suggestion = "try again when the other process has finished"
        elif writing and (name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")) or "readonly" in text):
            message = f"cannot {action}: {self._unwritable_part(name)}{unchanged}"
            suggestion = "check the permissions of the log file and its folder"
        elif name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_READONLY")):
            message = f"cannot {action}: the decision log cannot be opened (moved, deleted, or not readable)"
            suggestion = "check the path and the permissions of the log file and its folder"
        elif name.startswith("SQLITE_NOTADB"):
            return self.not_a_log("a file SQLite does not recognise as a database")
        elif name.startswith("SQLITE_CORRUPT"):
            message = f"cannot {action}: the decision log file is damaged (SQLite reports it corrupt)"
            suggestion = "restore it from a backup; check a copy with verify"
        else:
            message = f"cannot {action} the decision log: {text}{unchanged}"
            suggestion = None
        found = f"{name or type(exc).__name__}: {text}"
        return LogError(
            message, [Problem(self.path, found, "a readable, writable decision log", suggestion)], source=self.path
        )

    def _unwritable_part(self, name: str) -> str:
        """Say which part cannot be written: the folder, the file, or (if unknown) either."""
        if self.read_only:
            return "the decision log was opened read-only"
        folder = os.path.dirname(self.path)
        # os.access answers for this process's real ids; as root it says yes to all, and
        # SQLite's own code is the better witness.
        if not os.access(folder, os.W_OK):
            return f"the folder holding the decision log is read-only (the journal file cannot be created in {folder})"
        if os.path.exists(self.path) and not os.access(self.path, os.W_OK):
            return "the decision log file is read-only"
        if name.startswith("SQLITE_READONLY"):
            return "the decision log is read-only (its file, or its folder, cannot be written)"
        return "the decision log or its journal file cannot be opened for writing (check the file and its folder)"


class _Connection:
    """Context manager: one short-lived, checked connection per operation.

    Any SQLite error raised inside the ``with`` block leaves it as a :class:`LogError`,
    so no raw ``sqlite3`` exception escapes this package.
    """

    def __init__(self, store: Store, action: str, writing: bool) -> None:
        self._store = store
        self._action = action
        self._writing = writing
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        self._conn = self._store.connect(self._action, check=not self._writing)
        return self._conn

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        assert self._conn is not None
        self._conn.close()
        if isinstance(exc, sqlite3.Error):
            raise self._store.sqlite_error(exc, self._action, writing=self._writing) from exc


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


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
