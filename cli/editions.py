"""`scr criteria` and `scr editions`: what each edition of the rules holds, and when it is in force."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("edition", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
def criteria(edition: str | None, fmt: str) -> None:
    """List the criteria of EDITION (default: every edition) with their citations."""
    from ..criteria.catalogue import criteria_json, get_edition, latest_editions
    from .render import render_criteria

    # `is not None`: an empty EDITION ('' from an unset shell variable) is a bad id, not "every edition".
    chosen = [get_edition(edition)] if edition is not None else list(latest_editions())
    if fmt == "json":
        click.echo(json.dumps([criteria_json(e) for e in chosen], indent=2))
    else:
        click.echo(render_criteria(chosen, fmt))


@click.command()
@click.option("--all-versions", is_flag=True, help="Show every version, not just the newest of each edition.")
def editions(all_versions: bool) -> None:
    """List the editions of the rules with their in-force dates, versions and content hashes."""
    from ..criteria.catalogue import all_editions, latest_editions
    from .render import render_editions

    click.echo(render_editions(all_editions() if all_versions else latest_editions()))
