"""Compiling editions into durable_rules rulesets and running them. The only package that imports durable_rules."""

from .compiler import CompiledEdition, compile_edition
from .registry import loaded_rulesets, ruleset_for
from .runtime import Ruleset

__all__ = ["CompiledEdition", "Ruleset", "compile_edition", "loaded_rulesets", "ruleset_for"]
