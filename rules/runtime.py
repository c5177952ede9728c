"""Run a compiled edition through durable_rules, one case at a time, leaving nothing behind.

durable_rules is used the way its field notes (shared/notes/DURABLE_RULES.md) show to be safe:

* We drive its C extension directly and never create a ``durable.engine.Host``: a Host
  starts background dispatcher threads that run actions late and crash under load. With
  no Host there is no dispatcher, and no action can run outside the call that asserted
  the fact.
* One fact per case, asserted with ``assert_fact`` (an event from ``post`` fires only one
  rule), then every queued action is taken in turn, then the fact is retracted, so no
  state survives an evaluation. On any failure the whole session is deleted.
* A lock per ruleset serialises evaluations: the extension never releases the GIL, so
  threads lose nothing, and two evaluations can never see each other's facts.
* Actions are not Python callbacks: we read the name of each fired rule, so no error can
  be swallowed inside an action. Every failure of the engine raises :class:`EngineError`.
* Every leaf on a known fact must fire exactly one of its two rules; if the engine returns
  nothing (or both), that is reported as an engine fault rather than read as "unknown".
"""

from __future__ import annotations

import json
import threading
from itertools import count
from typing import Any

import durable_rules_engine as _engine

from ..errors import EngineError, Problem
from .compiler import CASE_MARKER, CompiledEdition

_NAMES = count(1)
_SID = "0"
_NOT_HANDLED = 1


class Ruleset:
    """A compiled edition registered in durable_rules under a name of its own."""

    def __init__(self, compiled: CompiledEdition):
        self.compiled = compiled
        # A fresh name per instance: several editions, and versions of one, coexist in a process.
        self.name = f"{compiled.name}#{next(_NAMES)}"
        self._lock = threading.Lock()
        try:
            self._handle = _engine.create_ruleset(self.name, json.dumps(compiled.definition))
        except Exception as error:  # the extension raises bare Exceptions with error codes
            raise EngineError(f"durable_rules refused the ruleset {compiled.name}: {error}") from error

    def fire(self, fact: dict[str, Any], case: str | None = None) -> set[str]:
        """Assert one case's fact, collect the names of every rule that fired, and retract it."""
        message = dict(fact)
        message["sid"] = _SID
        message[CASE_MARKER] = True
        payload = json.dumps(message)
        fired: set[str] = set()
        with self._lock:
            try:
                result = _engine.assert_fact(self._handle, payload)
                if not isinstance(result, tuple) or len(result) != 2:
                    raise self._error(f"durable_rules returned {result!r} for assert_fact", case)
                code, state = result
                if code == 0:
                    action = _engine.start_action_for_state(self._handle, state)
                    text = action[1] if action else None
                    while text:
                        # The message is {"<rule name>": {...}}; rule names carry no quotes.
                        fired.add(text[2:text.index('"', 2)])
                        text = _engine.complete_and_start_action(self._handle, state)
                elif code != _NOT_HANDLED:
                    raise self._error(f"durable_rules returned code {code} for assert_fact", case)
                _engine.retract_fact(self._handle, payload)
            except BaseException as error:
                self._reset()
                if isinstance(error, EngineError):
                    error.source = error.source or case
                    raise
                if isinstance(error, Exception):
                    raise EngineError(
                        f"the rule engine failed while evaluating under {self.compiled.name}: {error}",
                        [Problem("edition", self.compiled.name, "an evaluation that completes")], case) from error
                raise
        return fired

    def _error(self, what: str, case: str | None, problems: list[Problem] | None = None) -> EngineError:
        return EngineError(f"{what} under {self.compiled.name}",
                           (problems or []) + [Problem("edition", self.compiled.name, "an evaluation that completes")],
                           case)

    def _reset(self) -> None:
        try:
            _engine.delete_state(self._handle, _SID)
        except Exception:  # noqa: BLE001 - nothing more to clean; the caller gets the original error
            pass

    def state_size(self) -> int:
        """How many facts the engine holds for this ruleset (0 between evaluations)."""
        with self._lock:
            try:
                return len(json.loads(_engine.get_facts(self._handle, _SID)))
            except Exception as error:  # noqa: BLE001
                if "309" in str(error):  # error 309: no such session (a failure deleted it): nothing is held
                    return 0
                raise

    def evaluate(self, fact: dict[str, Any], case: str | None = None) -> tuple[dict[str, bool], dict[int, bool]]:
        """Criterion truth and leaf truth for one case; a missing key means unknown."""
        meaning = self.compiled.meaning
        criteria: dict[str, bool] = {}
        leaves: dict[int, bool] = {}
        try:
            for rule in self.fire(fact, case):
                what, key, truth = meaning[rule]
                target: dict[Any, bool] = criteria if what == "criterion" else leaves  # type: ignore[assignment]
                if target.get(key, truth) != truth:
                    raise self._error(f"durable_rules found {what} {key} both true and false", case)
                target[key] = truth
            for index, leaf in enumerate(self.compiled.leaves):
                if leaf.fact in fact and index not in leaves:
                    raise self._error(
                        f"durable_rules returned nothing for the condition on {leaf.fact}", case,
                        [Problem(leaf.fact, repr(fact[leaf.fact]), "the engine to find the condition true or false")])
        except EngineError:
            # A fault can leave actions queued in the session: delete it, so the next evaluation starts clean.
            with self._lock:
                self._reset()
            raise
        return criteria, leaves
