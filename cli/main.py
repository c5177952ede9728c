"""The `scr` command: a thin click layer over the library.

Exit codes: 0 decided (whatever the outcome) or check passed; 1 bad input or a failed
check; 2 usage; 3 a fault of the engine or the decision log.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import sys
from typing import Any

import click

from .._version import __version__
from ..errors import ScrError, printable
from .params import DATE


class ScrGroup(click.Group):
    """Turns every :class:`ScrError` into its message on stderr and its exit code: never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # File names and keys are echoed as given; one that is not valid UTF-8 (a surrogate-escaped
        # byte) or a character the terminal's encoding lacks raised UnicodeEncodeError mid-output.
        # Write such a character as an escape (\udcff), as Problem messages already do.
        for stream in (sys.stdout, sys.stderr):
            if getattr(stream, "errors", None) in ("strict", "surrogateescape"):
                try:
                    stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
                except (AttributeError, ValueError, OSError):
                    pass  # not a TextIOWrapper (or already closed): leave it as it is
        try:
            return super().invoke(ctx)
        except ScrError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:
            # A full disk or a failing device under standard output (or an output file) is the
            # machine's, not the case's: say so in a line. A closed pipe (`| head`) is left to
            # click, which already ends quietly.
            if error.errno == errno.EPIPE:
                raise
            where = f" ({printable(str(error.filename))})" if error.filename else ""
            click.echo(f"Error: cannot complete the command: {error.strerror or error}{where}", err=True)
            ctx.exit(1)


FORMATS = click.Choice(["table", "json", "markdown"])


@click.group(cls=ScrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scr-eligibility")
def main() -> None:
    """Does a child safeguarding case meet the Serious Case Review / Panel notification thresholds?

    Give the facts a rapid review gathers (a YAML or JSON case file; `scr template` prints a blank
    one) and get the decision, the criteria that decided it in the words of the law, what is still
    unknown, and the deadlines.
    """


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help="How to print the decision.")
@click.option("--as-of", type=DATE, help="Apply the rules in force on this date instead of the case's own date.")
@click.option("--edition", "editions", multiple=True, metavar="ID",
              help="Apply this edition (id or id@version); repeat for several. See `scr editions`.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append the decision record to this log.")
def check(case: str, fmt: str, as_of: _dt.date | None, editions: tuple[str, ...], log_path: str | None) -> None:
    """Decide the case in CASE (a path, or - for standard input)."""
    from ..engine import evaluate, load_case
    from .render import render_json, render_markdown, render_table

    facts = load_case(case)
    decision = evaluate(facts, as_of=as_of, editions=list(editions) or None)
    if log_path:
        from ..engine.record import append_to_log

        append_to_log(log_path, decision)
    renderer = {"table": render_table, "json": render_json, "markdown": render_markdown}[fmt]
    click.echo(renderer(decision))


@main.command()
@click.argument("edition", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
def criteria(edition: str | None, fmt: str) -> None:
    """List the criteria of EDITION (default: every edition) with their citations."""
    from ..criteria import criteria_json, get_edition, latest_editions
    from .render import render_criteria

    # `is not None`: an empty EDITION ('' from an unset shell variable) is a bad id, not "every edition".
    chosen = [get_edition(edition)] if edition is not None else list(latest_editions())
    if fmt == "json":
        click.echo(json.dumps([criteria_json(e) for e in chosen], indent=2))
    else:
        click.echo(render_criteria(chosen, fmt))


@main.command()
@click.option("--all-versions", is_flag=True, help="Show every version, not just the newest of each edition.")
def editions(all_versions: bool) -> None:
    """List the editions of the rules with their in-force dates, versions and content hashes."""
    from ..criteria import all_editions, latest_editions
    from .render import render_editions

    click.echo(render_editions(all_editions() if all_versions else latest_editions()))


def _print(data: Any) -> None:
    click.echo(json.dumps(data, indent=2))


@main.command()
@click.option("--decision", "which", flag_value="decision", help="The JSON Schema of a decision instead.")
@click.option("--record", "which", flag_value="record", help="The JSON Schema of a decision record instead.")
def schema(which: str | None) -> None:
    """Print the JSON Schema of a fact set (or of a decision, or a decision record)."""
    from ..engine import Decision
    from ..facts import Facts

    if which == "decision":
        _print(Decision.model_json_schema())
    elif which == "record":
        from ..engine.record import DecisionRecord

        _print(DecisionRecord.model_json_schema())
    else:
        _print(Facts.model_json_schema())


# Commands kept in modules of their own, registered here (one line each, keep sorted).
from . import ask as _ask; main.add_command(_ask.ask)  # noqa: E402, E702
from . import batch as _batch; main.add_command(_batch.batch)  # noqa: E402, E702
from . import deadlines as _deadlines; main.add_command(_deadlines.deadlines)  # noqa: E402, E702
from . import log as _log; main.add_command(_log.log_group)  # noqa: E402, E702
from . import replay as _replay; main.add_command(_replay.replay)  # noqa: E402, E702
from . import serve as _serve; main.add_command(_serve.serve)  # noqa: E402, E702
from . import suite as _suite; main.add_command(_suite.suite_test)  # noqa: E402, E702
from . import template as _template; main.add_command(_template.template)  # noqa: E402, E702
# (end of command registrations)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
