"""The one documented exception family of scr-eligibility.

Every error a user can cause is a :class:`ScrError`. Each carries structured fields
(where the problem is, what was found, what was expected, a suggestion) so that a
caller can render it, and the exit code the CLI uses for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was found, what was expected."""

    location: str
    found: str
    expected: str
    suggestion: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: found {self.found}; expected {self.expected}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "found": self.found,
            "expected": self.expected,
            "suggestion": self.suggestion,
        }


@dataclass
class ScrError(Exception):
    """Base of every error scr-eligibility raises on purpose.

    ``exit_code`` is what the CLI exits with: 1 for bad input or a failed check,
    3 for a fault of the engine or the decision log that the user did not cause.
    """

    message: str
    problems: list[Problem] = field(default_factory=list)
    source: str | None = None
    exit_code: int = 1
    kind: str = "error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        head = f"{self.source}: {self.message}" if self.source else self.message
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.kind,
            "message": self.message,
            "source": self.source,
            "problems": [p.to_dict() for p in self.problems],
        }


class InputError(ScrError):
    """A case file or fact set that cannot be read or is not valid."""

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None):
        super().__init__(message, problems or [], source, exit_code=1, kind="input_error")


class CriteriaError(ScrError):
    """A criteria (edition) file that is not valid."""

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None):
        super().__init__(message, problems or [], source, exit_code=1, kind="criteria_error")


class EditionNotFound(ScrError):
    """An edition id or version this installation does not have."""

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None):
        super().__init__(message, problems or [], source, exit_code=1, kind="edition_not_found")


class EngineError(ScrError):
    """The rule engine failed while evaluating a case: not the user's fault, nothing was decided."""

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None):
        super().__init__(message, problems or [], source, exit_code=3, kind="engine_error")


class LogError(ScrError):
    """The decision log could not be read or written; nothing already recorded was changed."""

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None):
        super().__init__(message, problems or [], source, exit_code=3, kind="log_error")
