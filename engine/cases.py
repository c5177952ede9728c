"""Case files: reading one (JSON or YAML, a path, ``-`` for standard input, or an open stream) into facts,
and writing facts as one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import yaml

from ..errors import InputError, Problem
from ..facts import FACT_NAMES, Facts, parse_facts
from ..parsing import load_data


def load_case(source: str | Path | TextIO) -> Facts:
    """Load and validate a case file; raises :class:`~scr_eligibility.errors.InputError` naming the problem."""
    data, name = load_data(source)
    if isinstance(data, dict) and {"facts", "expect"} <= set(data):
        # A suite case holds a fact set under "facts": read as facts, each of its keys would be "unknown".
        raise InputError("this file is a test case (a case's facts and what each edition is expected to decide), "
                         "not a fact set", [Problem(
                             "facts", "a test case with name, facts and expect",
                             "a fact set: the facts at the top level (`scr template` prints one)",
                             f"run `scr test {name}` to check it against what it expects, or put its facts in a "
                             "file of their own for `scr check`")], name)
    return parse_facts(data, name)


def case_file(facts: Mapping[str, Any], comments: Sequence[str], unknown: Iterable[str] = ()) -> str:
    """A YAML case file :func:`load_case` reads back: ``comments`` (each a ``#`` line), then the facts.

    The facts come in the fact model's order, then the names in ``unknown`` that ``facts``
    does not hold, written ``unknown`` (a fact asked about but not known, as opposed to one
    never asked).
    """
    ordered = {name: facts[name] for name in FACT_NAMES if name in facts}
    left = set(unknown)
    ordered.update({name: "unknown" for name in FACT_NAMES if name in left and name not in facts})
    body: str = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True)
    return "\n".join(comments) + "\n" + body
