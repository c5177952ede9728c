"""Signed checkpoints: the ledger's head signed by its writer, so that a rewrite needs the private key.

A writer given a signer (:mod:`.signing`) adds, in the same transaction as each append, a
row to the log's ``checkpoints`` table: the new head's ``seq`` and ``entry_hash``, the
signer's key id and its Ed25519 signature of :func:`message`. The table is made by the first
signed append; a log that was never signed has none, reads and verifies as before, and older
releases ignore the table (so the log schema version stays 1).

:func:`check` finds, with the public key alone:

* a rewrite of the chain (an entry edited and every later hash recomputed): a checkpoint's
  hash no longer matches the entry it signed (or, if that was rewritten too, its signature
  fails);
* an append made without the private key: the head has no valid checkpoint;
* a forged or foreign checkpoint: its signature fails, or its key id is another key's.

What it cannot find on its own: the log cut back to an earlier signed checkpoint (the
later entries and their checkpoints removed). Keep the last signed head somewhere the
writers cannot change, and check it with ``scr log verify --expect-head``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Protocol

_TABLE = (
    "CREATE TABLE IF NOT EXISTS checkpoints ("
    " seq INTEGER PRIMARY KEY NOT NULL,"
    " entry_hash TEXT NOT NULL,"
    " key_id TEXT NOT NULL,"
    " signature TEXT NOT NULL)"
)


class Signer(Protocol):
    """What signs checkpoints (:class:`.signing.SigningKey`): its key id and a signature over bytes."""

    key_id: str

    def sign(self, message: bytes) -> bytes: ...


class Verifier(Protocol):
    """What checks checkpoints (:class:`.signing.PublicKey`): its key id and the check."""

    key_id: str

    def verify(self, signature: bytes, message: bytes) -> bool: ...


@dataclass(frozen=True)
class Checkpoint:
    """One stored checkpoint, as read (any field may have been tampered with)."""

    seq: int
    entry_hash: str
    key_id: str
    signature: str


def message(seq: int, head_hash: str) -> bytes:
    """The bytes a checkpoint signs: the log's head after entry ``seq``."""
    return f"scr-eligibility decision log checkpoint v1\n{seq}\n{head_hash}".encode()


def write(conn: sqlite3.Connection, signer: Signer, seq: int, head_hash: str) -> None:
    """Sign the head (``seq``, ``head_hash``) and store it; inside the caller's write transaction."""
    conn.execute(_TABLE)
    conn.execute("INSERT OR REPLACE INTO checkpoints (seq, entry_hash, key_id, signature) VALUES (?, ?, ?, ?)",
                 (seq, head_hash, signer.key_id, signer.sign(message(seq, head_hash)).hex()))


def read(conn: sqlite3.Connection) -> list[Checkpoint]:
    """Every stored checkpoint, in order of seq (none if the log was never signed)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'").fetchone():
        return []
    rows = conn.execute("SELECT seq, entry_hash, key_id, signature FROM checkpoints ORDER BY seq").fetchall()
    return [Checkpoint(*(str(v) if i else v for i, v in enumerate(row))) for row in rows]


def key_ids(checkpoints: list[Checkpoint]) -> list[str]:
    """The key ids the checkpoints name, each once, in order of first use."""
    return list(dict.fromkeys(c.key_id for c in checkpoints))


@dataclass(frozen=True)
class Finding:
    """What :func:`check` found: ``ok``; the entries vouched for by good checkpoints; the first bad entry; why."""

    ok: bool
    signed_entries: int
    signatures: int
    first_bad_seq: int | None = None
    reason: str | None = None


def check(checkpoints: list[Checkpoint], chain: dict[int, str], head_seq: int, key: Verifier) -> Finding:
    """Check every checkpoint against the chain (``{seq: entry_hash}``, already verified) and ``key``.

    Good when every checkpoint is signed by ``key``, its signature is valid and its hash is
    the chain's at its entry, and the head itself is signed (an empty log needs none).
    """
    good_upto = 0
    for number, point in enumerate(checkpoints):
        first = good_upto + 1
        if not isinstance(point.seq, int) or not 1 <= point.seq <= head_seq:
            return Finding(False, good_upto, number, first,
                           f"a checkpoint names entry {point.seq}, which the log does not hold (forged)")
        if point.key_id != key.key_id:
            return Finding(False, good_upto, number, first,
                           f"the checkpoint of entry {point.seq} is signed with another key ({point.key_id}), "
                           f"not {key.key_id}")
        try:
            signature = bytes.fromhex(point.signature)
        except ValueError:
            signature = b""
        if not key.verify(signature, message(point.seq, point.entry_hash)):
            return Finding(False, good_upto, number, first,
                           f"the signature of the checkpoint of entry {point.seq} is not valid: the checkpoint was "
                           "forged or changed")
        if chain.get(point.seq) != point.entry_hash:
            where = f"entry {first}" if first == point.seq else f"an entry from {first} to {point.seq}"
            return Finding(False, good_upto, number, first,
                           f"{where} was changed after it was signed: entry {point.seq}'s hash is not the one its "
                           "checkpoint signed (the chain was rewritten)")
        good_upto = point.seq
    if good_upto < head_seq:
        where = f"entry {head_seq}" if good_upto + 1 == head_seq else f"entries {good_upto + 1} to {head_seq}"
        return Finding(False, good_upto, len(checkpoints), good_upto + 1,
                       f"{where} {'is' if good_upto + 1 == head_seq else 'are'} not covered by a signed checkpoint: "
                       "appended without the signing key")
    return Finding(True, good_upto, len(checkpoints))
