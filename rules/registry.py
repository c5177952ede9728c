"""One compiled ruleset per edition version, built on first use and shared by all threads."""

from __future__ import annotations

from .per_edition import PerEdition
from .compiler import compile_edition
from .runtime import Ruleset

#: The ruleset of an edition (keyed by id@version and content hash, so an edited file is compiled anew).
ruleset_for: PerEdition[Ruleset] = PerEdition(lambda edition: Ruleset(compile_edition(edition, edition.ref)))


def loaded_rulesets() -> list[Ruleset]:
    """The rulesets compiled so far in this process (for tests that count engine state)."""
    return ruleset_for.values()
