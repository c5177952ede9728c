"""Evaluation, the decision and its explanation. Names load when first used (see ``scr_eligibility._lazy``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .cases import load_case
    from .decision import (
        CriterionResult,
        Decision,
        DeterminationResult,
        DutyResult,
        EditionResult,
        Evidence,
        PossibleOutcome,
    )
    from .evaluation import evaluate, evaluate_edition
    from .questions import Answer, Impact, Question, decisive_questions
    from .selection import select_editions

_WHERE = {
    "Answer": ".questions",
    "CriterionResult": ".decision",
    "Decision": ".decision",
    "DeterminationResult": ".decision",
    "DutyResult": ".decision",
    "EditionResult": ".decision",
    "Evidence": ".decision",
    "Impact": ".questions",
    "PossibleOutcome": ".decision",
    "Question": ".questions",
    "decisive_questions": ".questions",
    "evaluate": ".evaluation",
    "evaluate_edition": ".evaluation",
    "load_case": ".cases",
    "select_editions": ".selection",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
