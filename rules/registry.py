"""One compiled ruleset per edition version, built on first use and shared by all threads."""

from __future__ import annotations

import threading

from ..criteria.model import Edition
from .compiler import compile_edition
from .runtime import Ruleset

_lock = threading.Lock()
_rulesets: dict[tuple[str, str], Ruleset] = {}


def ruleset_for(edition: Edition) -> Ruleset:
    """The ruleset of ``edition`` (keyed by id@version and content hash, so an edited file is compiled anew)."""
    key = (edition.ref, edition.content_hash)
    ruleset = _rulesets.get(key)
    if ruleset is None:
        with _lock:
            ruleset = _rulesets.get(key)
            if ruleset is None:
                ruleset = Ruleset(compile_edition(edition, edition.ref))
                _rulesets[key] = ruleset
    return ruleset


def loaded_rulesets() -> list[Ruleset]:
    """The rulesets compiled so far in this process (for tests that count engine state)."""
    with _lock:
        return list(_rulesets.values())
