"""One fact's value: what a person may type, turned into the model's value or refused, never guessed.

:mod:`.facts` describes each fact by a :class:`Kind` (a date, yes/no, a whole number in a
range, a short text, or one of a fixed list) and hands every value it is given to
:func:`normalise`. This module knows nothing of particular facts, so the fact model can
grow without a change here; and it never imports :mod:`.facts` (no import cycle). It also
holds the two rules the readers of text share with the fact model (the most keys of a mapping,
and which written numbers are never read as numbers), so that importing the fact model needs
no YAML parser.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import reprlib
from dataclasses import dataclass
from typing import Any, Literal

from .dates import EXAMPLE, parse_date
from .errors import Problem

#: Keys of any one mapping of facts (and, in parsing.py, of any mapping read): a fact set has under 50.
#: Defined here, beside the one-value rules, so that the fact model needs no YAML to know it.
MAX_KEYS = 200

#: Text that YAML 1.1 or Python's int() would read as a number a person does not mean: a leading
#: zero (014, 0012), a base prefix (0x0E, 0o17, 0b101), underscores (1_4) or colons (12:30).
NUMBER_LOOKALIKE = re.compile(
    r"[-+]?(0[0-9_]+|0[xXoObB][0-9a-fA-F_]*|[0-9][0-9_]*_[0-9_]*|[0-9][0-9_]*(:[0-9_]+)+)(\.[0-9_]*)?")
NUMBER_SYNTAX = ("a number written with a leading zero, a base prefix (0x, 0o, 0b), underscores or colons "
                 "is not read as a number: write it in plain decimal digits")


@dataclass(frozen=True)
class Kind:
    """What one fact accepts."""

    kind: Literal["date", "bool", "int", "text", "choice"]
    expected: str  # in words, for every message about this fact
    allowed: tuple[Any, ...] = ()  # the values of a choice
    low: int = 0  # the range of a whole number
    high: int = 0
    too_low: str | None = None  # the suggestions when a whole number is out of range (too_high: or a text too long)
    too_high: str | None = None
    max_text: int = 200


class BadValue(ValueError):
    """One value refused, with its :class:`~scr_eligibility.errors.Problem`."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxdict = 3, 6, 6, 6
_SHORT.maxset, _SHORT.maxfrozenset, _SHORT.maxstring, _SHORT.maxother = 6, 6, 60, 60


def describe(value: Any) -> str:
    """A value as it was found, at most 60 characters, for any input at all.

    Plain repr() is not safe here: an int of more than 4,300 digits raises ValueError,
    a deeply nested list raises RecursionError, and a list shared many times over (as
    YAML aliases make) takes as long as its expanded size.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a whole number about {digits:,} digits long"
    try:
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            text = _SHORT.repr(value)
        elif isinstance(value, (str, bytes)):
            text = repr(value[:61])  # the prefix is enough: the text is cut to 60 below
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - a value that cannot even be shown is still reported, by its type
        text = f"a value of type {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def key_name(key: Any) -> str:
    """A key as a location: itself if it is a short printable name, else shown escaped and cut.

    Keys are echoed to a terminal, so control characters (escape sequences) and lone
    surrogates (which cannot be encoded for output) must never be printed as they are.
    """
    if isinstance(key, str) and key.isprintable() and len(key) <= 60:
        return key
    return describe(key)


def bad(name: str, value: Any, kind: Kind, suggestion: str | None = None) -> BadValue:
    return BadValue(Problem(name, describe(value), kind.expected, suggestion))


def is_unknown(value: Any) -> bool:
    """``None``, or the word unknown in any case: the fact is not known."""
    return value is None or (isinstance(value, str) and value.strip().lower() == "unknown")


def normalise(name: str, value: Any, kind: Kind) -> Any:
    """Turn what a person may type into the model's value (``None`` for unknown), or raise :class:`BadValue`."""
    if is_unknown(value):
        return None
    if kind.kind == "date":
        return _date(name, value, kind)
    if kind.kind == "int":
        return _whole_number(name, value, kind)
    if kind.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
            return value.strip().lower() in ("yes", "true")
        raise bad(name, value, kind)
    if kind.kind == "text":
        return _text(name, value, kind)
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_").replace("'", "")
        if key in kind.allowed:
            return key
        close = difflib.get_close_matches(key[:100], kind.allowed, n=1)
        raise bad(name, value, kind, f"did you mean {close[0]}?" if close else None)
    raise bad(name, value, kind)


def _date(name: str, value: Any, kind: Kind) -> _dt.date:
    if isinstance(value, _dt.datetime):
        raise bad(name, value, kind, "give the date alone, without a time")
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            raise bad(name, value, kind, f"dates are written like {EXAMPLE}") from None
    raise bad(name, value, kind)


def _whole_number(name: str, value: Any, kind: Kind) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            raise bad(name, value, kind, f"write {int(value)} without a decimal point")
        if isinstance(value, str) and NUMBER_LOOKALIKE.fullmatch(value.strip()):
            raise bad(name, value, kind, NUMBER_SYNTAX)
        raise bad(name, value, kind)
    if value < kind.low:
        raise bad(name, value, kind, kind.too_low)
    if value > kind.high:
        raise bad(name, value, kind, kind.too_high)
    return value


def _text(name: str, value: Any, kind: Kind) -> str:
    # An int is accepted as the digits it was written with: case files read only plain decimal
    # digits as numbers (parsing.py), so str() gives back exactly what was typed.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise bad(name, value, kind)
    if isinstance(value, int) and value.bit_length() > 4 * kind.max_text:
        # Far longer than any text allowed, and str() raises ValueError past 4,300 digits.
        raise bad(name, value, kind, kind.too_high)
    text = str(value)
    if len(text) > kind.max_text or not text.isprintable():
        raise bad(name, value, kind, kind.too_high)
    return text
