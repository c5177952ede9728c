"""The tamper-evident ledger: an append-only hash chain of JSON entries kept in one SQLite file.

Every decision the engine makes can be recorded here, so that an auditor can later show
which facts, editions and outcomes it was based on and that nothing recorded has been
changed since. The ledger does not know what an entry says: it keeps, chains, verifies,
exports and imports JSON objects. What a decision record is (and how to filter, redact or
validate one) lives in :mod:`.records`, :mod:`.redaction` and :mod:`.replay`, and is handed
in as callables; the SQLite file itself is :mod:`.store`'s.

(About 470 lines, more than the house's 400: writing, reading and verifying the chain belong
together; the file is :mod:`.store`'s and the signatures :mod:`.checkpoints`'.)

The chain
---------
Each entry stores the canonical JSON of its body (:func:`.canonical.canonical_json`),
``prev_hash``, the previous entry's hash (64 zeros, :data:`GENESIS_HASH`, for entry 1) and::

    entry_hash = sha256_hex(prev_hash + "\\n" + str(seq) + "\\n" + record_json)

over the UTF-8 bytes. Sequence numbers run 1, 2, 3 ... without gaps. The head (last seq
and hash) is kept in the file's ``meta`` table, updated in the same transaction.

What "tamper-evident" means here
--------------------------------
:meth:`Ledger.verify` detects an entry that was edited, deleted (in the middle or at the
end), inserted or moved by anyone who did not also recompute every later hash and the
head. Anyone who can write the file *can* rewrite the whole chain, unless its writers sign
it: a writer given a ``signer`` (:mod:`.signing`) adds a signed checkpoint of the head with
each append (:mod:`.checkpoints`), and ``verify(public_key=...)`` then finds a rewrite or an
append made without the private key. Without signing, record :meth:`Ledger.head` somewhere
the writer cannot reach (a ticket, a signed note) and compare it later.

Faults and concurrency
----------------------
A write is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, so a fault or a crash leaves
either the whole entry or none of it, and never harms what was already recorded. Each
operation opens its own short-lived SQLite connection, so one :class:`Ledger` may be shared
by threads, and any number of processes may append to one file at once.

Entries of other kinds (events, say) can be added as bodies the callers tell apart: the
chain, the head and the checkpoints cover every entry alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ...errors import InputError, LogError, Problem, ScrError
from ...parsing import json_lines
from . import checkpoints
from .canonical import canonical_json
from .checkpoints import Signer, Verifier
from .store import GENESIS_HASH, LOG_SCHEMA_VERSION, Store

__all__ = [
    "GENESIS_HASH",
    "LOG_SCHEMA_VERSION",
    "Ledger",
    "VerifyReport",
    "entry_hash",
    "entry_text",
]

# Entries are read in pages so that no read holds the file's shared lock (which, in
# rollback-journal mode, stops writers committing) for longer than one page.
_PAGE = 500

Body = dict[str, Any]
#: ``where(seq, body)``: keep this entry? It may raise a :class:`ScrError` for an entry it cannot judge.
Where = Callable[[int, Body], bool]


@dataclass(frozen=True)
class VerifyReport:
    """The result of :meth:`Ledger.verify`.

    ``entries_checked`` counts the entries found good, in order, before the first bad
    one (all of them when ``ok``). ``first_bad_seq`` is the sequence number of the first
    entry that is wrong or missing, or ``None`` when the log is good (or the fault is
    not in any one entry, e.g. the head is missing). ``reason`` says what is wrong.
    ``signatures_checked`` counts the signed checkpoints found good (0 unless a public key
    was given). ``signature_fault`` is true when the chain is intact but its signatures do
    not vouch for it; ``entries_checked`` then counts the entries good signatures cover.
    """

    ok: bool
    entries_checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    signatures_checked: int = 0
    signature_fault: bool = False


def entry_text(body: Body) -> str:
    """The canonical JSON text of an entry's ``body``: the exact text that is hashed and stored.

    Raises :class:`LogError` if ``body`` is not a JSON object (a ``dict``) that JSON can
    represent exactly (NaN and infinities are refused, as JSON has no such numbers).
    """
    if not isinstance(body, dict):
        raise LogError(
            "a decision record must be a JSON object",
            [Problem("record", type(body).__name__, "a dict (JSON object)")],
        )
    try:
        return canonical_json(body)
    except (TypeError, ValueError, RecursionError) as exc:
        raise LogError(
            "a decision record cannot be written as JSON",
            [Problem(
                "record",
                str(exc),
                "JSON values only: objects with string keys, arrays, strings, finite numbers, true, false, null",
            )],
        ) from exc


def entry_hash(prev_hash: str, seq: int, record_json: str) -> str:
    """Return the hex SHA-256 chaining ``prev_hash``, ``seq`` and the canonical ``record_json``."""
    return _hash_bytes(prev_hash.encode("ascii"), seq, record_json.encode("utf-8"))


def _hash_bytes(prev_hash: bytes, seq: int, record_json: bytes) -> str:
    # Verification works on the raw stored bytes, so that any change to any byte (even
    # one that is no longer valid UTF-8) is seen as a mismatch rather than a crash.
    return hashlib.sha256(prev_hash + b"\n" + str(seq).encode("ascii") + b"\n" + record_json).hexdigest()


class Ledger:
    """An append-only, hash-chained log of JSON entries in one SQLite file.

    ``Ledger(path)`` opens the log at ``path``, creating it (mode 0600) if there is no
    file there. An existing file must be a decision log of schema version
    :data:`LOG_SCHEMA_VERSION`; anything else is refused with :class:`LogError` and left
    untouched. With ``read_only=True`` the file is never created or written (SQLite
    ``mode=ro``) and :meth:`append` and :meth:`import_jsonl` raise :class:`LogError`.
    ``timeout`` is how many seconds an operation waits for another process's lock.
    ``signer`` (a :class:`.signing.SigningKey`) signs the head in every write transaction.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, timeout: float = 5.0,
                 signer: Signer | None = None) -> None:
        self._store = Store(path, read_only=read_only, timeout=timeout)
        self._signer = signer

    @property
    def path(self) -> str:
        """The absolute path of the log file."""
        return self._store.path

    # ------------------------------------------------------------------ writing

    def append(self, body: Body) -> int:
        """Append ``body`` as one new entry, in one transaction; return its sequence number."""
        text = entry_text(body)
        with self._store.connection("append a decision", writing=True) as conn:
            return self._write(conn, [text])[0]

    def append_many(self, bodies: Iterable[Body]) -> list[int]:
        """Append each body in its own transaction; return their sequence numbers.

        Every body is checked before the first is written, so one that is not JSON
        writes nothing. A fault part-way (full disk, lock) keeps the entries already
        committed, and the :class:`LogError` says how many those are.
        """
        texts = []
        for index, body in enumerate(bodies):
            try:
                texts.append(entry_text(body))
            except LogError as exc:
                raise LogError(
                    f"record {index} of the batch cannot be written; nothing was written",
                    [Problem(f"record {index}", p.found, p.expected, p.suggestion) for p in exc.problems],
                    source=self.path,
                ) from exc
        seqs: list[int] = []
        try:
            with self._store.connection("append a decision", writing=True) as conn:
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

    def import_jsonl(self, inp: TextIO | str | bytes, validate: Callable[[Body, str], object] | None = None, *,
                     source: str | None = None, what: str = "a decision record") -> int:
        """Append every entry read from ``inp`` (JSON Lines: one JSON object per line); return how many.

        The entries are re-chained in this log (new sequence numbers and hashes). All
        lines are read and checked first, and all are written in ONE transaction, so a
        bad line (named by its 1-based number) or a fault writes nothing. Blank lines
        are skipped. ``validate(body, where)`` may refuse an entry by raising a
        :class:`ScrError` (the ledger itself does not know the record format; ``what`` names the
        entries it expects, for the message). Errors name ``source``, else the stream's name, else this log.
        """
        name = getattr(inp, "name", None)
        source = source or (name if isinstance(name, str) else self.path)
        data = inp if isinstance(inp, (str, bytes)) else inp.read()
        try:
            lines = json_lines(data, source)
        except InputError as exc:
            exc.message += "; nothing was imported"
            raise
        texts: list[str] = []
        for line in lines:
            where = f"line {line.number}"
            if line.value is None:
                raise LogError(f"{where} is {line.reason}; nothing was imported",
                               [Problem(where, line.detail, "one JSON object per line")], source=source)
            if validate is not None:
                try:
                    validate(line.value, f"{source} {where}")
                except ScrError as exc:
                    raise InputError(f"{where} is not {what} ({exc.message}); nothing was imported",
                                     exc.problems, source) from None
            try:
                texts.append(entry_text(line.value))
            except LogError as exc:
                raise LogError(
                    f"{where} cannot be recorded; nothing was imported",
                    [Problem(where, p.found, p.expected) for p in exc.problems],
                    source=source,
                ) from exc
        if not texts:
            return 0
        with self._store.connection("import decisions", writing=True) as conn:
            self._write(conn, texts)
        return len(texts)

    def _write(self, conn: sqlite3.Connection, texts: list[str]) -> list[int]:
        """Append ``texts`` (canonical JSON) in ONE transaction; return their sequence numbers."""
        self._store.begin_write(conn)
        try:
            head_seq, head_hash = self._store.require_head(conn)
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
                    source=self.path,
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
            if self._signer is not None:
                checkpoints.write(conn, self._signer, seq, prev)
            conn.execute("COMMIT")
        finally:
            self._store.end_write(conn)
        return seqs

    # ------------------------------------------------------------------ reading

    def head(self) -> tuple[int, str]:
        """Return the recorded head: the last entry's sequence number and hash ((0, 64 zeros) when empty).

        Keep this somewhere the log's writers cannot reach to detect a rewrite of the
        whole chain later.
        """
        with self._store.connection("read") as conn:
            return self._store.require_head(conn)

    def numbered_entries(self, where: Where | None = None) -> Iterator[tuple[int, Body]]:
        """Yield ``(seq, body)`` for the recorded entries in order, those ``where`` keeps if given.

        ``where(seq, body)`` may raise a :class:`ScrError` for an entry it cannot judge
        (a record filter given an unreadable date, say); it leaves here naming this log.
        This does not verify the chain: call :meth:`verify` for that. Entries appended
        after the iteration started are not yielded.
        """
        upto = self.head()[0]
        for seq, raw, _prev, _hash in self._raw_entries(upto):
            body = _parse(raw, seq, self.path)
            if where is not None:
                try:
                    keep = where(seq, body)
                except ScrError as exc:
                    exc.source = exc.source or self.path
                    raise
                if not keep:
                    continue
            yield seq, body

    def hash_at(self, seq: int) -> str | None:
        """The stored ``entry_hash`` of entry ``seq``, or None if there is no such entry.

        With a head noted earlier (``head()``, kept where the log's writers cannot reach),
        ``hash_at(noted_seq) == noted_hash`` after a good :meth:`verify` shows that the
        chain up to that entry was not rewritten since.
        """
        with self._store.connection("read") as conn:
            row = conn.execute("SELECT CAST(entry_hash AS BLOB) FROM entries WHERE seq = ?", (seq,)).fetchone()
        if row is None or row[0] is None:
            return None
        return bytes(row[0]).decode("ascii", "replace")

    def export_jsonl(self, out: TextIO, redact: Callable[[Body], Body] | None = None) -> int:
        """Write every entry to ``out``, one canonical JSON object per line; return how many.

        Without ``redact`` each line is the stored canonical text as is: byte for byte what
        was hashed. With it (e.g. :func:`.redaction.redact`) each body is passed through it
        and its result written. Errors writing to ``out`` are the caller's and are not wrapped.
        """
        upto = self.head()[0]
        count = 0
        for seq, raw, _prev, _hash in self._raw_entries(upto):
            if redact is not None:
                line = entry_text(redact(_parse(raw, seq, self.path)))
            else:
                line = _decode(raw, seq, self.path)
            out.write(line + "\n")
            count += 1
        return count

    def _raw_entries(self, upto: int) -> Iterator[tuple[int, bytes | None, bytes | None, bytes | None]]:
        """Yield (seq, record_json, prev_hash, entry_hash) as raw bytes for seq <= upto, in pages."""
        after: int | None = None  # no lower bound at first: even a forged seq below 1 is seen
        while True:
            with self._store.connection("read") as conn:
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

    # ------------------------------------------------------------------ verifying

    def signing_keys(self) -> list[str]:
        """The key ids of the log's signed checkpoints, each once (none if it was never signed)."""
        with self._store.connection("read") as conn:
            return checkpoints.key_ids(checkpoints.read(conn))

    def verify(self, public_key: Verifier | None = None) -> VerifyReport:
        """Check the whole chain and the head (and, with ``public_key``, every signed checkpoint).

        Detects an edited entry (its hash no longer recomputes, or no longer links to the
        one before), a deleted, inserted or reordered entry (the sequence numbers are not
        1, 2, 3 ... or a link breaks), and deleted or added entries at the end (the last
        entry is not the recorded head). With ``public_key`` (a :class:`.signing.PublicKey`)
        it also finds what only the key can: a chain rewritten with every hash recomputed,
        and entries appended without the signing key (see :func:`.checkpoints.check`).
        Reading is done page by page, so writers are not held up; entries appended while
        it runs are not checked.
        """
        with self._store.connection("verify") as conn:
            conn.execute("BEGIN")  # head, last seq and checkpoints from one snapshot
            try:
                head = self._store.read_head(conn)
                last_stored = conn.execute("SELECT MAX(seq) FROM entries").fetchone()[0] or 0
                signed = checkpoints.read(conn) if public_key is not None else []
            finally:
                conn.execute("COMMIT")
        if head is None:
            return VerifyReport(False, 0, None, "the log's head (head_seq, head_hash in meta) is missing or malformed")
        head_seq, head_hash = head
        upto = max(last_stored, head_seq)

        signed_seqs = {point.seq for point in signed}
        chain: dict[int, str] = {}  # the hashes at the signed entries, for the checkpoints
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
            if seq in signed_seqs:
                chain[seq] = stored_hash.decode("ascii", "replace")
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
        if public_key is None:
            return VerifyReport(True, checked)
        found = checkpoints.check(signed, chain, head_seq, public_key)
        return VerifyReport(found.ok, checked if found.ok else found.signed_entries, found.first_bad_seq,
                            found.reason, found.signatures, signature_fault=not found.ok)


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


def _parse(body: bytes | None, seq: int, path: str) -> Body:
    text = _decode(body, seq, path)
    try:
        parsed: Any = json.loads(text)
    except (ValueError, RecursionError) as exc:
        parsed = exc
    if not isinstance(parsed, dict):
        raise LogError(
            f"entry {seq} cannot be read (its stored JSON is not a JSON object); run verify",
            [Problem(f"entry {seq}", str(parsed)[:200], "a JSON object")],
            source=path,
        )
    return parsed
