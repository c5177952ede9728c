"""Auditing decisions: the ledger (a hash-chained log that knows entries, not records), decision records,
their redaction and their replay. Names load when first used (see ``scr_eligibility._lazy``).

What may import what: ``ledger`` (with ``store`` and ``canonical``) imports nothing of the others, so
reading or verifying a log loads neither the record models nor the rule engine; ``records`` imports
``ledger``; ``stored`` (records as stored JSON, and their filter) imports neither; ``redaction``
imports ``stored``; ``replay`` imports ``records``, ``stored`` and the engine. ``signing`` (the keys)
and ``checkpoints`` (the signed heads, which ``ledger`` imports) stand apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_names

if TYPE_CHECKING:
    from .ledger import Ledger, VerifyReport
    from .records import DecisionRecord, append_to_log, make_record, parse_record, record_dict
    from .stored import record_filter
    from .redaction import redact
    from .replay import ReplayResult, replay

_WHERE = {
    "DecisionRecord": ".records",
    "Ledger": ".ledger",
    "ReplayResult": ".replay",
    "VerifyReport": ".ledger",
    "append_to_log": ".records",
    "make_record": ".records",
    "parse_record": ".records",
    "record_dict": ".records",
    "record_filter": ".stored",
    "redact": ".redaction",
    "replay": ".replay",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
