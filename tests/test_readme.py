"""The README stays true: its examples run, and its two set-up commands are the ones CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scr_eligibility.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, re.S)


def test_the_readme_case_suite_example_passes_scr_test(tmp_path: Path) -> None:
    """The suite file shown under "Case suites" is valid and passes."""
    suite = [body for lang, body in BLOCKS if lang == "yaml" and body.startswith("name:")]
    assert suite
    (tmp_path / "case.yaml").write_text(suite[0])
    result = CliRunner().invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_the_readme_library_example_runs() -> None:
    """The Python example under "The library" runs from the repository root."""
    code = [body for lang, body in BLOCKS if lang == "python"]
    assert code
    result = subprocess.run([sys.executable, "-c", code[0]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "scr_required" in result.stdout and "undetermined" in result.stdout


def test_the_readme_has_exactly_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    """One command installs and decides an example; the other installs and runs the tests, as .ci/run does."""
    commands = [body.strip() for lang, body in BLOCKS if lang == "sh" and body.strip().startswith("python3 -m venv")]
    assert len(commands) == 2
    assert "scr check examples/" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def test_ci_turns_a_skipped_browser_test_into_a_failure(tmp_path: Path) -> None:
    """Without Chromium the browser tests skip, saying why (-rs), and the check .ci/run makes of that output fails."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SCR_CHROMIUM": str(tmp_path / "no-chromium")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-rs", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "test_browser.py")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.returncode == 0 and "needs headless Chromium" in run.stdout
    ci = (ROOT / ".ci" / "run").read_text()
    check = ci[ci.index("if grep"):ci.index("fi", ci.index("if grep")) + 2]
    log = tmp_path / "log"
    log.write_text(run.stdout)
    failed = subprocess.run(["bash", "-c", f'log={log}\n{check}'], capture_output=True, text=True)
    assert failed.returncode == 1 and "browser tests were skipped" in failed.stderr
    log.write_text("8 passed in 20.1s\n")
    assert subprocess.run(["bash", "-c", f'log={log}\n{check}']).returncode == 0
