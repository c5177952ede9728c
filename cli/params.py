"""Parameter types shared by the commands (kept apart from cli/main.py so command modules need not import it)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import click

from ..dates import DATE_FORMATS, parse_date


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError as error:
            self.fail(f"{value!r} is not {DATE_FORMATS} ({error})", param, ctx)


DATE = IsoDate()


#: The output formats of a decision.
FORMATS = click.Choice(["table", "json", "markdown"])
