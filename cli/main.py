"""The `scr` command: a thin click layer over the library.

Exit codes: 0 decided (whatever the outcome) or check passed; 1 bad input or a failed
check; 2 usage; 3 a fault of the engine or the decision log.
"""

from __future__ import annotations

import errno
import sys
from importlib import import_module
from typing import Any

import click

from .._version import __version__
from ..errors import ScrError, printable


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


class LazyGroup(ScrGroup):
    """Imports a command's module only when that command runs, so `scr --help` and `scr --version` stay light.

    The one-line help of each command is kept here (a test checks it matches the command's own),
    because asking a command for its help would import it.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attribute = entry[0].split(":")
        return getattr(import_module(module, __package__), attribute)  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)  # as click.Group does
        with formatter.section("Commands"):
            # A bare Command of the same help shortens it exactly as the real command would.
            formatter.write_dl([(name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit))
                                for name in names])


#: command name -> ("module:attribute", the command's short help). Keep sorted; a test checks the help.
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": (".ask:ask", "Interview: ask only the questions that can change the decision, most decisive first."),
    "batch": (".batch:batch", "Decide every case in INPUT: a JSON Lines file (one fact set per line, - for standard "
              "input) or a folder of .yaml/.yml/.json case files (taken in name order)."),
    "check": (".check:check", "Decide the case in CASE (a path, or - for standard input)."),
    "criteria": (".editions:criteria", "List the criteria of EDITION (default: every edition) with their citations."),
    "deadlines": (".deadlines:deadlines", "Print the duties of the editions in force on the awareness date, each "
                  "with its due date and rule."),
    "editions": (".editions:editions", "List the editions of the rules with their in-force dates, versions and "
                 "content hashes."),
    "event": (".event:event_group", "Record events on logged decisions: notifications, the rapid review, the "
              "partners' decision, corrections."),
    "log": (".log:log_group", "Check, list, export and import a decision log (the file `scr check --log FILE` "
            "writes)."),
    "replay": (".replay:replay", "Re-run every decision in SOURCE and say whether the same rules still give the "
               "same answer."),
    "schema": (".schema:schema", "Print the JSON Schema of a fact set (or of a decision, or a decision record)."),
    "serve": (".serve:serve", "Serve the web form (for subgroup members) and the HTTP API (for other systems)."),
    "template": (".template:template", "Print a blank fact set (YAML) with a comment per fact; every value is "
                 "unknown."),
    "test": (".suite:suite_test", "Run every case file in each PATH (a case file, or a folder of them) against "
             "what it expects; exit 1 if any fails."),
    "timeline": (".timeline:timeline", "Show each case's duties, the events that met them, the partners' decisions "
                 "and the corrections."),
}


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scr-eligibility")
def main() -> None:
    """Does a child safeguarding case meet the Serious Case Review / Panel notification thresholds?

    Give the facts a rapid review gathers (a YAML or JSON case file; `scr template` prints a blank
    one) and get the decision, the criteria that decided it in the words of the law, what is still
    unknown, and the deadlines.
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
