"""The one canonical JSON text: what the ledger stores and hashes, and what a record's ``facts_hash`` hashes."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: keys sorted, no spaces, non-ASCII characters as they are.

    Raises ``ValueError`` or ``TypeError`` for what JSON cannot carry exactly: NaN and the
    infinities (JSON has no such numbers), keys that are not strings or numbers, objects
    that are not JSON values, lone surrogates (they pass ``json.dumps`` but cannot be
    stored as UTF-8, so they are found here rather than half-way through a write), and
    ``RecursionError`` for nesting Python cannot walk.
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")
    return text
