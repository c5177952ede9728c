"""The fault policy of callers that must keep going (a batch of thousands, a server): one definition.

An exception that is not an :class:`~scr_eligibility.errors.ScrError` is a fault of the engine,
never of the input: it becomes an :class:`~scr_eligibility.errors.EngineError` saying nothing was
decided, naming the kind of fault but not its text (which may hold internals, and reaches a
client of the server).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import EngineError, Problem, ScrError
from .decision import Decision
from .evaluation import evaluate


def engine_fault(error: BaseException) -> EngineError:
    """The error a caller reports for an unexpected exception: nothing was decided."""
    return EngineError("the engine failed while evaluating the case; nothing was decided", [Problem(
        "engine", type(error).__name__, "a decision", "report this with the facts that caused it")])


def decide(facts: Any, *, as_of: _dt.date | None = None, editions: Iterable[Any] | None = None,
           readings: Mapping[str, str] | None = None) -> Decision:
    """:func:`~scr_eligibility.engine.evaluation.evaluate` under the fault policy: an ScrError or a decision."""
    try:
        return evaluate(facts, as_of=as_of, editions=editions, readings=readings)
    except ScrError:
        raise
    except Exception as error:  # a fault of the engine, not of the input: say so, decide nothing
        raise engine_fault(error) from error


__all__ = ["decide", "engine_fault"]
