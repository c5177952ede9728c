"""The decision as JSON: the contract of :mod:`scr_eligibility.engine.decision`, byte for byte."""

from __future__ import annotations

from ...engine.decision import Decision


def render_json(decision: Decision) -> str:
    """The decision's JSON, indented: what ``scr check --format json`` prints and the web form downloads."""
    return decision.model_dump_json(indent=2)


__all__ = ["render_json"]
