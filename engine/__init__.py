"""Evaluation, the decision and its explanation."""

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
from .evaluate import evaluate, evaluate_edition, select_editions
from .questions import Answer, Impact, Question, decisive_questions

__all__ = [
    "Answer",
    "CriterionResult",
    "Decision",
    "DeterminationResult",
    "DutyResult",
    "EditionResult",
    "Evidence",
    "Impact",
    "PossibleOutcome",
    "Question",
    "decisive_questions",
    "evaluate",
    "evaluate_edition",
    "load_case",
    "select_editions",
]
