"""Compiling editions into durable_rules rulesets and running them. The only package that imports durable_rules.

Names load when first used, so importing a sibling such as :mod:`.per_edition` does not load the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .compiler import CompiledEdition, compile_edition
    from .registry import loaded_rulesets, ruleset_for
    from .runtime import Ruleset

_WHERE = {
    "CompiledEdition": ".compiler",
    "Ruleset": ".runtime",
    "compile_edition": ".compiler",
    "loaded_rulesets": ".registry",
    "ruleset_for": ".registry",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
