"""The README's auditing walkthrough matches what the shipped examples produce (issue 14.7).

The walkthrough is run on the shipped examples, as the README shows it, and its counts compared
with the README's: the entries verified, the rows `scr log show --outcome scr_required` lists, the
replay summary and the what-if summary. Ids, times and hashes differ per run and are not compared.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from scr_eligibility.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _walkthrough() -> str:
    start = README.index("$ for case in examples/*.yaml; do scr check")
    return README[start:README.index("```", start)]


def _after(text: str, command: str) -> str:
    """The output the walkthrough shows for ``command``, up to the next command."""
    part = text[text.index("$ " + command + "\n") + len(command) + 3:]
    return part.split("\n$ ", 1)[0]


def test_the_auditing_walkthrough_gives_the_counts_the_readme_shows(tmp_path: Path) -> None:
    shown = _walkthrough()
    runner = CliRunner()
    log = str(tmp_path / "decisions.db")
    for case in EXAMPLES:
        assert runner.invoke(main, ["check", str(case), "--log", log]).exit_code == 0, case

    verify = runner.invoke(main, ["log", "verify", log]).output
    said = re.search(r"(\d+) entries verified", _after(shown, "scr log verify decisions.db"))
    assert said is not None and f"{said.group(1)} entries verified" in verify
    assert int(said.group(1)) == len(EXAMPLES)

    listed = runner.invoke(main, ["log", "show", log, "--outcome", "scr_required"]).output
    rows = [line for line in listed.splitlines() if re.match(r"\s*\d+\s+\d{4}-", line)]
    readme_rows = [line for line in _after(shown, "scr log show decisions.db --outcome scr_required").splitlines()
                   if re.match(r"\s*\d+\s+\d{4}-", line)]
    assert [r.split()[4] for r in rows] == [r.split()[4] for r in readme_rows]  # the case references, in order
    matched = re.search(r"\d+ of \d+ entries match\.", shown)
    assert matched is not None and matched.group(0) in listed

    replay = runner.invoke(main, ["replay", log]).output
    summary = re.search(r"\d+ records replayed under the editions they name: .*", shown)
    assert summary is not None and summary.group(0) in replay

    what_if = runner.invoke(main, ["replay", log, "--under", "wt2023"]).output
    said_if = re.search(r"What-if under wt2023@\d+: .*", shown)
    assert said_if is not None and said_if.group(0) in what_if
