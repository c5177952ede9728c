"""The one documented exception family of scr-eligibility.

Every error a user can cause is a :class:`ScrError`. Each carries structured fields
(where the problem is, what was found, what was expected, a suggestion) so that a
caller can render it, and the exit code the CLI uses for it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes.

    Problems quote what the user gave (file names, keys, values); a terminal escape code
    or a lone surrogate there must neither reach the terminal nor crash printing or JSON.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def expected_from_pydantic(error: dict[str, Any]) -> str:
    """What a pydantic validation error expected, in words a person reads ("a value (it is required)")."""
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "no field of that name (remove it or correct its spelling)"
    if kind == "missing":
        return "a value (it is required)"
    message = str(error.get("msg", "a valid value"))
    return message[:1].lower() + message[1:]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was found, what was expected."""

    location: str
    found: str
    expected: str
    suggestion: str | None = None

    def __post_init__(self) -> None:
        for name in ("location", "found", "expected", "suggestion"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, printable(str(value)))

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


class ScrError(Exception):
    """Base of every error scr-eligibility raises on purpose.

    ``exit_code`` is what the CLI exits with: 1 for bad input or a failed check, 3 for a
    fault of the engine or the decision log that the user did not cause. Subclasses set it,
    and ``kind`` (the ``error`` field of the JSON shape), as class attributes.
    """

    exit_code: int = 1
    kind: str = "error"

    def __init__(self, message: str, problems: list[Problem] | None = None, source: str | None = None, *,
                 exit_code: int | None = None, kind: str | None = None):
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        self.source = None if source is None else printable(str(source))
        if exit_code is not None:
            self.exit_code = exit_code
        if kind is not None:
            self.kind = kind

    def __reduce__(self) -> Any:  # picklable for worker processes, with every field
        return (_rebuild, (type(self), self.message, self.problems, self.source, self.exit_code, self.kind))

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


def _rebuild(cls: type[ScrError], message: str, problems: list[Problem], source: str | None, exit_code: int,
             kind: str) -> ScrError:
    return cls(message, problems, source, exit_code=exit_code, kind=kind)


class InputError(ScrError):
    """A case file or fact set that cannot be read or is not valid."""

    kind = "input_error"


class CriteriaError(ScrError):
    """A criteria (edition) file that is not valid."""

    kind = "criteria_error"


class EditionNotFound(ScrError):
    """An edition id or version this installation does not have."""

    kind = "edition_not_found"


class EngineError(ScrError):
    """The rule engine failed while evaluating a case: not the user's fault, nothing was decided."""

    exit_code = 3
    kind = "engine_error"


class LogError(ScrError):
    """The decision log could not be read or written; nothing already recorded was changed."""

    exit_code = 3
    kind = "log_error"


def unknown_name(where: str, name: str, choices: list[str], expected: str) -> Problem:
    """A problem for a name that is not one of ``choices``, suggesting the closest."""
    close = difflib.get_close_matches(str(name), choices, n=1)
    return Problem(where, repr(name), expected, f"did you mean {close[0]}?" if close else None)
