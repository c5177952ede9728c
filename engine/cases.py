"""Reading a case file (JSON or YAML, a path, ``-`` for standard input, or an open stream) into facts."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..facts import Facts, parse_facts
from ..parsing import load_data


def load_case(source: str | Path | TextIO) -> Facts:
    """Load and validate a case file; raises :class:`~scr_eligibility.errors.InputError` naming the problem."""
    data, name = load_data(source)
    return parse_facts(data, name)
