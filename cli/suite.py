"""`scr test PATH...`: run case files, or folders of them, against their expected decisions (a partnership's own
case suite)."""

from __future__ import annotations

import click
from tabulate import tabulate


@click.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(exists=True))
@click.option("--failures-only", is_flag=True, help="List only the cases that failed.")
def suite_test(paths: tuple[str, ...], failures_only: bool) -> None:
    """Run every case file in each PATH (a case file, or a folder of them) against what it expects; exit 1 if
    any fails.

    Each file holds a case's facts and the expected outcome per edition (see the README,
    "Case suites").
    """
    from pathlib import Path

    from ..engine.suite import run_case, suite_files

    files = [f for path in paths for f in (suite_files(path) if Path(path).is_dir() else [Path(path)])]
    if not files:
        raise click.UsageError(f"no .yaml, .yml or .json case files in {', '.join(paths)}")
    results = [run_case(f) for f in files]
    rows = []
    for result in results:
        if failures_only and result.passed:
            continue
        if result.error:
            verdict, detail = "ERROR", result.error
        elif result.differences:
            verdict, detail = "FAIL", "\n".join(result.differences)
        else:
            verdict, detail = "pass", ""
        rows.append([result.path, result.name or "", verdict, detail])
    if rows:
        click.echo(tabulate(rows, headers=["Case file", "Name", "Result", "Difference"], tablefmt="simple"))
    failed = sum(not r.passed for r in results)
    click.echo(f"\n{len(results) - failed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)
