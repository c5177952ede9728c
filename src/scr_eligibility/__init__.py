"""scr-eligibility: does a child safeguarding case meet the Serious Case Review or Child Safeguarding Practice
Review thresholds, what must be done and by when, and why, in the words of the law.

The small public API::

    from scr_eligibility import evaluate, load_case
    decision = evaluate(load_case("examples/m1-death-abuse-known.scr_required.yaml"))
    decision.editions[0].primary.outcome   # 'scr_required'

Names are loaded when first used (as attrs does), so ``import scr_eligibility`` costs
nothing: the rule engine, the fact model and the decision models load with the first
name that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from ._version import __version__

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load lazily below
    from .engine.cases import load_case
    from .engine.decision import Decision
    from .engine.evaluation import evaluate
    from .errors import CriteriaError, EditionNotFound, EngineError, InputError, LogError, Problem, ScrError
    from .facts import Facts, parse_facts

#: Public name -> the module that holds it.
_WHERE: dict[str, str] = {
    "CriteriaError": ".errors",
    "Decision": ".engine.decision",
    "EditionNotFound": ".errors",
    "EngineError": ".errors",
    "Facts": ".facts",
    "InputError": ".errors",
    "LogError": ".errors",
    "Problem": ".errors",
    "ScrError": ".errors",
    "evaluate": ".engine.evaluation",
    "load_case": ".engine.cases",
    "parse_facts": ".facts",
}

__all__ = [
    "CriteriaError",
    "Decision",
    "EditionNotFound",
    "EngineError",
    "Facts",
    "InputError",
    "LogError",
    "Problem",
    "ScrError",
    "__version__",
    "evaluate",
    "load_case",
    "parse_facts",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE)
