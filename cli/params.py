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


def _readings(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """``--reading ID=OPTION`` (repeatable) as a mapping; ids and options are checked against the editions later."""
    chosen: dict[str, str] = {}
    for value in values:
        reading, sep, option = value.partition("=")
        reading, option = reading.strip(), option.strip()
        if not sep or not reading or not option:
            raise click.BadParameter(f"{value!r} is not ID=OPTION (for example lscb-discretionary-list=seed); "
                                     "`scr criteria` lists each edition's readings and their options", ctx, param)
        if reading in chosen and chosen[reading] != option:
            raise click.BadParameter(f"{reading} is given twice, as {chosen[reading]} and as {option}", ctx, param)
        chosen[reading] = option
    return chosen


#: ``--reading ID=OPTION``: apply another option of a declared reading of the law (repeatable).
READINGS = click.option(
    "--reading", "readings", multiple=True, metavar="ID=OPTION", callback=_readings,
    help="Apply this option of a declared reading of an open passage (repeat for several); the others take their "
         "defaults. `scr criteria` lists each edition's readings and options.")


#: ``--sign-key KEY`` for the commands that write the decision log (check, batch, serve).
SIGN_KEY = click.option(
    "--sign-key", "sign_key", type=click.Path(dir_okay=False), metavar="KEY",
    help="Sign the log's head with this private key (made by `scr log keygen`) as each decision is appended, so "
         "that `scr log verify --public-key` finds a rewrite of the log; needs --log.")


def log_for_writing(log_path: str | None, sign_key: str | None) -> Any:
    """The decision log to append to (opened or created now, signing with ``sign_key`` if given), or None.

    Opened before any case is decided: a log that cannot be written, or a key that cannot be
    read, must fail before a decision is shown, not leave output that was never recorded.
    """
    if sign_key and not log_path:
        raise click.UsageError("--sign-key signs the decision log: give --log FILE too")
    if not log_path:
        return None
    from ..engine.audit.ledger import Ledger

    signer = None
    if sign_key:
        from ..engine.audit.signing import load_signing_key

        signer = load_signing_key(sign_key)
    return Ledger(log_path, signer=signer)
