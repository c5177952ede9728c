"""Parameter types shared by the commands (kept apart from cli/main.py so command modules need not import it)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import click


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


DATE = IsoDate()
