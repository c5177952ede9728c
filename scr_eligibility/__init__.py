"""scr-eligibility: does a child safeguarding case meet the Serious Case Review (and, later, the national
Panel notification and Child Safeguarding Practice Review) thresholds, and why, in the words of the law.

The small public API::

    from scr_eligibility import evaluate, load_case
    decision = evaluate(load_case("examples/m1-died-abuse-known.scr-required.yaml"))
    decision.editions[0].primary.outcome   # 'scr_required'
"""

from ._version import __version__
from .engine import Decision, evaluate, load_case
from .errors import CriteriaError, EditionNotFound, EngineError, InputError, LogError, Problem, ScrError
from .facts import Facts, parse_facts

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
