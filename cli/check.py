"""`scr check`: decide one case file."""

from __future__ import annotations

import datetime as _dt

import click

from .params import DATE, FORMATS, READINGS, SIGN_KEY, log_for_writing


@click.command()
@click.argument("case", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help="How to print the decision.")
@click.option("--as-of", type=DATE, help="Apply the rules in force on this date instead of the case's own date.")
@click.option("--edition", "editions", multiple=True, metavar="ID",
              help="Apply this edition (id or id@version); repeat for several. See `scr editions`.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append the decision record to this log.")
@READINGS
@SIGN_KEY
def check(case: str, fmt: str, as_of: _dt.date | None, editions: tuple[str, ...], log_path: str | None,
          readings: dict[str, str], sign_key: str | None) -> None:
    """Decide the case in CASE (a path, or - for standard input)."""
    from ..engine.cases import load_case
    from ..engine.evaluation import evaluate
    from .edited import warn_if_edited
    from .render import render_json, render_markdown, render_table

    if sign_key and not log_path:
        log_for_writing(log_path, sign_key)  # a usage error, before any work
    facts = load_case(case)
    decision = evaluate(facts, as_of=as_of, editions=list(editions) or None, readings=readings or None)
    warn_if_edited(e.ref for e in decision.editions)
    if log_path:
        from ..engine.audit.records import append_to_log

        append_to_log(log_for_writing(log_path, sign_key), decision)
    renderer = {"table": render_table, "json": render_json, "markdown": render_markdown}[fmt]
    click.echo(renderer(decision))
