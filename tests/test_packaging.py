"""Packaging: one import package, nothing at the repository root that shadows it, a lazy entry point.

Three ways of installing are covered: the editable install this suite normally runs under, a
regular install used from the repository root (where a folder named like the package would win
over site-packages), and a built wheel. Builds go to a temporary folder with ``--no-deps``: the
dependencies come from the running environment's site-packages, reached without its ``.pth``
files, so the editable install's finder cannot answer for the copy under test.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
import zipfile
from importlib import import_module
from pathlib import Path

import pytest

import scr_eligibility

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_FOLDERS = ("src/scr_eligibility", "criteria", "engine", "rules", "cli")


def _run_elsewhere(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # -I: isolated mode, so neither the repository nor the current folder is on sys.path.
    return subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


def _run_with(target: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``target`` (an installed copy) before the dependencies, and no .pth processing (-S)."""
    paths = [str(target)] + [p for p in site.getsitepackages() if Path(p).is_dir()]
    prologue = f"import sys; sys.path[1:1] = {paths!r}; "
    return subprocess.run([sys.executable, "-S", "-c", prologue + code], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built as pip builds one for a regular install."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("scr_eligibility-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (not editable) into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return target


def test_the_folders_install_as_subpackages_and_no_bare_engine_or_cli_module_exists(tmp_path: Path) -> None:
    """After installing, `import engine` (or cli, rules, criteria) from another folder fails."""
    for name in ("engine", "cli", "rules", "criteria"):
        result = _run_elsewhere(f"import {name}", tmp_path)
        assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr, name
    ok = _run_elsewhere("import scr_eligibility.engine, scr_eligibility.cli, scr_eligibility.rules, "
                        "scr_eligibility.criteria; print('ok')", tmp_path)
    assert ok.stdout.strip() == "ok", ok.stderr


def test_nothing_at_the_repository_root_is_named_like_the_package() -> None:
    """The root holds the card's folders; the rest of the package lives under src/, so it cannot shadow an install."""
    assert not (ROOT / "scr_eligibility").exists()
    assert (ROOT / "src" / "scr_eligibility" / "__init__.py").exists()


def test_a_regular_install_works_from_the_repository_root(installed: Path) -> None:
    """From the repository root, with a non-editable install, the import and a test module both work."""
    imported = _run_with(installed, "from scr_eligibility import evaluate; import scr_eligibility.engine.evaluation as m;"
                         " print(m.__file__)", ROOT)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip().startswith(str(installed)), imported.stdout
    tests = _run_with(installed, "import pytest; raise SystemExit(pytest.main(['-q', '-p', 'no:cacheprovider', "
                      "'tests/test_facts.py']))", ROOT)
    assert tests.returncode == 0, tests.stdout[-2000:] + tests.stderr[-2000:]


def test_the_wheel_holds_every_subpackage_and_its_data(wheel: Path) -> None:
    """Every folder with an __init__.py is in the wheel, with py.typed and the edition files."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in PACKAGE_FOLDERS:
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.relative_to(base).parent.as_posix()
            top = "scr_eligibility" if folder.startswith("src/") else f"scr_eligibility/{folder}"
            inside = top if relative == "." else f"{top}/{relative}"
            assert f"{inside}/__init__.py" in names, inside
    assert "scr_eligibility/py.typed" in names
    shipped = {n.rsplit("/", 1)[-1] for n in names if n.startswith("scr_eligibility/criteria/editions/")}
    assert shipped == {p.name for p in (ROOT / "criteria" / "editions").glob("*.yaml")}
    assert "scr_eligibility/criteria/released.json" in names
    for folder in ("templates", "static"):
        shipped = {n.rsplit("/", 1)[-1] for n in names if n.startswith(f"scr_eligibility/cli/render/{folder}/")}
        assert shipped == {p.name for p in (ROOT / "cli" / "render" / folder).iterdir() if p.is_file()}, folder


def test_the_installed_wheel_serves_the_form_from_its_templates(installed: Path, tmp_path: Path) -> None:
    """The wheel's copy renders the form and a decision page from its own templates and stylesheet."""
    code = ("import warnings; warnings.simplefilter('ignore'); from fastapi.testclient import TestClient; "
            "from scr_eligibility.cli import web; import scr_eligibility.cli.render.html as h; "
            "c = TestClient(web.create_app()); form = c.get('/'); "
            "page = c.post('/decide', data={'outcome': 'died', 'abuse_or_neglect': 'known', 'age': '10', "
            "'awareness_date': '2017-05-02', 'csrf': c.cookies['scr_csrf']}); "
            "print(h.__file__, form.status_code, page.status_code, 'SCR required' in page.text, "
            "h.CSS in form.text)")
    result = _run_with(installed, code, tmp_path)
    assert result.returncode == 0, result.stderr
    where, *rest = result.stdout.split()
    assert where.startswith(str(installed)) and rest == ["200", "200", "True", "True"], result.stdout


def test_the_installed_wheel_decides_an_example_from_another_folder(installed: Path, tmp_path: Path) -> None:
    """The wheel's own copy decides a shipped example exactly as this checkout does."""
    example = ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"
    code = ("from scr_eligibility import evaluate, load_case; import json; "
            f"print(json.dumps(evaluate(load_case({str(example)!r})).outcomes))")
    result = _run_with(installed, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"wt2015": "scr_required"}  # a 2017 case: Working Together 2015


def test_the_package_is_typed_and_ships_its_edition_files() -> None:
    """py.typed is installed and the edition files are package data."""
    root = Path(scr_eligibility.__file__).parent
    assert (root / "py.typed").exists()
    from scr_eligibility.criteria.loader import EDITIONS_DIR

    assert list(EDITIONS_DIR.glob("*.yaml"))


def test_the_facade_exports_a_sorted_all() -> None:
    """The public API is small and its __all__ is sorted; every name resolves."""
    assert scr_eligibility.__all__ == sorted(scr_eligibility.__all__)
    for name in scr_eligibility.__all__:
        assert hasattr(scr_eligibility, name)
    assert sorted(dir(scr_eligibility)) == dir(scr_eligibility) and set(scr_eligibility.__all__) <= set(
        dir(scr_eligibility))


HEAVY = ("durable_rules_engine", "pydantic", "fastapi", "holidays.countries", "yaml", "tabulate")


def _loaded_after(code: str, tmp_path: Path) -> set[str]:
    probe = (f"{code}\nimport sys, json; print(json.dumps(sorted(m for m in sys.modules "
             f"if m.split('.')[0] in {sorted({h.split('.')[0] for h in HEAVY})!r} or m in {list(HEAVY)!r})))")
    result = _run_elsewhere(probe, tmp_path)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_package_loads_nothing_heavy(tmp_path: Path) -> None:
    """`import scr_eligibility` loads neither the rule engine, pydantic, FastAPI, YAML nor the holiday calendars."""
    assert _loaded_after("import scr_eligibility", tmp_path) == set()


def test_version_and_help_load_nothing_heavy(tmp_path: Path) -> None:
    """`scr --version` and `scr --help` print without loading the engine, the models or the web layer."""
    for argv in (["--version"], ["--help"]):
        code = (f"import sys; sys.argv = ['scr'] + {argv!r}\nfrom scr_eligibility.cli.main import main\n"
                "try:\n    main()\nexcept SystemExit:\n    pass")
        assert _loaded_after(code, tmp_path) == set(), argv


def test_a_name_of_the_facade_loads_its_module_on_first_use(tmp_path: Path) -> None:
    """`scr_eligibility.evaluate` loads the rule engine only when it is first looked up."""
    assert "durable_rules_engine" in _loaded_after("import scr_eligibility; scr_eligibility.evaluate", tmp_path)


def test_the_short_help_of_every_command_is_its_own() -> None:
    """`scr --help` lists commands from a table (so as not to import them): it must say what each command says."""
    from scr_eligibility.cli.main import COMMANDS

    for name, (where, short_help) in COMMANDS.items():
        module, attribute = where.split(":")
        command = getattr(import_module("scr_eligibility.cli" + module), attribute)
        assert command.name == name
        assert command.get_short_help_str(limit=1000) == short_help, name
    assert list(COMMANDS) == sorted(COMMANDS)


def test_only_rules_imports_durable_rules() -> None:
    """durable_rules is imported in rules/ and nowhere else in the product."""
    offenders = []
    for folder in ("src/scr_eligibility", "criteria", "engine", "cli"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if "import durable" in text or "durable_rules_engine" in text:
                offenders.append(str(path))
    assert offenders == []
