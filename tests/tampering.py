"""What an intruder with write access to a decision log (but not its signing key) can do to it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from scr_eligibility.engine.audit.ledger import entry_hash


def rewrite_chain_from(path: Path, seq: int, change: dict[str, Any]) -> None:
    """Change entry ``seq`` and recompute every later hash and the head: all that write access allows."""
    conn = sqlite3.connect(path, isolation_level=None)
    rows = conn.execute("SELECT seq, record_json FROM entries WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
    prev = conn.execute("SELECT entry_hash FROM entries WHERE seq = ?", (seq - 1,)).fetchone()[0]
    for n, text in rows:
        if n == seq:
            text = json.dumps(json.loads(text) | change, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        new = entry_hash(prev, n, text)
        conn.execute("UPDATE entries SET record_json = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?",
                     (text, prev, new, n))
        prev = new
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (prev,))
    conn.close()
