"""`scr schema`: the JSON Schema of a fact set, a decision or a decision record."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--decision", "which", flag_value="decision", help="The JSON Schema of a decision instead.")
@click.option("--record", "which", flag_value="record", help="The JSON Schema of a decision record instead.")
def schema(which: str | None) -> None:
    """Print the JSON Schema of a fact set (or of a decision, or a decision record)."""
    if which == "decision":
        from ..engine.decision import Decision

        data = Decision.model_json_schema()
    elif which == "record":
        from ..engine.audit.records import DecisionRecord

        data = DecisionRecord.model_json_schema()
    else:
        from ..facts import Facts

        data = Facts.model_json_schema()
    click.echo(json.dumps(data, indent=2))
