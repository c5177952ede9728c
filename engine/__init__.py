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

__all__ = [
    "CriterionResult",
    "Decision",
    "DeterminationResult",
    "DutyResult",
    "EditionResult",
    "Evidence",
    "PossibleOutcome",
    "evaluate",
    "evaluate_edition",
    "load_case",
    "select_editions",
]
