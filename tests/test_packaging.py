"""Packaging: one import package, no bare top-level modules, typed, the console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import scr_eligibility


def _run_elsewhere(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # -I: isolated mode, so neither the repository nor the current folder is on sys.path.
    return subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


def test_the_folders_install_as_subpackages_and_no_bare_engine_or_cli_module_exists(tmp_path: Path) -> None:
    """After installing, `import engine` (or cli, rules, criteria) from another folder fails."""
    for name in ("engine", "cli", "rules", "criteria"):
        result = _run_elsewhere(f"import {name}", tmp_path)
        assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr, name
    ok = _run_elsewhere("import scr_eligibility.engine, scr_eligibility.cli, scr_eligibility.rules, "
                        "scr_eligibility.criteria; print('ok')", tmp_path)
    assert ok.stdout.strip() == "ok", ok.stderr


def test_the_package_is_typed_and_ships_its_edition_files() -> None:
    """py.typed is installed and the edition files are package data."""
    root = Path(scr_eligibility.__file__).parent
    assert (root / "py.typed").exists()
    from scr_eligibility.criteria.loader import EDITIONS_DIR

    assert list(EDITIONS_DIR.glob("*.yaml"))


def test_the_facade_exports_a_sorted_all() -> None:
    """The public API is small and its __all__ is sorted."""
    assert scr_eligibility.__all__ == sorted(scr_eligibility.__all__)
    for name in scr_eligibility.__all__:
        assert hasattr(scr_eligibility, name)


def test_only_rules_imports_durable_rules() -> None:
    """durable_rules is imported in rules/ and nowhere else in the product."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for folder in ("scr_eligibility", "criteria", "engine", "cli"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text()
            if "import durable" in text or "durable_rules_engine" in text:
                offenders.append(str(path))
    assert offenders == []
