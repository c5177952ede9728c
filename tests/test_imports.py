"""The package's import graph: no cycle anywhere, counting imports made inside functions too.

A cycle kept alive by an import inside a function (the ledger and the records once imported
each other so) works until someone moves the import to the top; then the package fails to
import. The graph is read from the source with ``ast``, so every import is seen, whether or
not a test happens to run it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where each part of the installed package lives in the repository (pyproject.toml's package-dir).
FOLDERS = {
    "scr_eligibility": ROOT / "src" / "scr_eligibility",
    "scr_eligibility.criteria": ROOT / "criteria",
    "scr_eligibility.rules": ROOT / "rules",
    "scr_eligibility.engine": ROOT / "engine",
    "scr_eligibility.cli": ROOT / "cli",
}


def modules() -> dict[str, tuple[Path, bool]]:
    """``{module name: (file, is a package)}`` for every module of the package."""
    found: dict[str, tuple[Path, bool]] = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join([package, *parts])] = (path, is_package)
    return found


def import_graph() -> dict[str, set[str]]:
    """``{module: the package's modules it imports}``, from every import statement in its source."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in known.items():
        here = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name in known)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    # `from . import x` names a module x; `from .m import f` names the module m.
                    full = f"{target}.{alias.name}"
                    targets.add(full if full in known else target)
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check itself can fail: a -> b -> c -> a is found, d hanging off it is not part of it."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_made_inside_functions() -> None:
    """The records import the ledger; the CLI's log command imports the ledger inside a function."""
    graph = import_graph()
    assert "scr_eligibility.engine.audit.ledger" in graph["scr_eligibility.engine.audit.records"]
    assert "scr_eligibility.engine.audit.ledger" in graph["scr_eligibility.cli.log"]


def test_no_module_of_the_package_takes_part_in_an_import_cycle() -> None:
    """No cycle, not even one hidden behind an import inside a function."""
    assert cycles(import_graph()) == []


def test_the_ledger_imports_nothing_of_the_records_redaction_or_replay() -> None:
    """The ledger knows entries, hashes and chains, not the record format: filters and redaction are handed in."""
    graph = import_graph()
    reached: set[str] = set()
    todo = ["scr_eligibility.engine.audit.ledger"]
    while todo:
        for target in graph[todo.pop()] - reached:
            reached.add(target)
            todo.append(target)
    audit = "scr_eligibility.engine.audit."
    assert {m for m in reached if m.startswith(audit)} <= {audit + "store", audit + "canonical", audit + "checkpoints"}
    assert not {m for m in reached if m.startswith(("scr_eligibility.engine.evaluation", "scr_eligibility.rules"))}


# The stages of docs/architecture.md, in order: a module may import its own stage and those before it.
STAGES = ("core", "criteria", "rules", "engine", "cli")
#: The facade names engine functions but loads them lazily (scr_eligibility._lazy), so it may look ahead.
FACADE = "scr_eligibility"
DOC = ROOT / "docs" / "architecture.md"
_BEGIN, _END = "<!-- modules:", "<!-- end modules -->"


def stage(module: str) -> str:
    part = module.split(".")[1] if module.count(".") else ""
    return part if part in STAGES else "core"


def module_table() -> str:
    """The architecture document's module table, from the package itself (names, stages, docstrings)."""
    lines = ["| Module | Stage | Holds |", "| --- | --- | --- |"]
    for name, (path, _) in sorted(modules().items()):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")
        lines.append(f"| `{name}` | {stage(name)} | {first} |")
    return "\n".join(lines)


def _documented_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n", text.index(_BEGIN)) + 1
    return text[start:text.index(_END)].strip()


def backwards(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """The imports that go against the stages (the facade excepted)."""
    return sorted((m, t) for m, targets in graph.items() for t in targets
                  if m != FACADE and STAGES.index(stage(t)) > STAGES.index(stage(m)))


def test_no_module_imports_a_later_stage() -> None:
    """facts -> criteria -> rules -> engine -> cli: an import the other way is a layering fault."""
    assert backwards(import_graph()) == []


def test_the_layer_check_can_fail() -> None:
    """An engine module importing the CLI, or the facts importing the engine, is caught; the facade is exempt."""
    graph = {"scr_eligibility.engine.batch": {"scr_eligibility.cli.check"},
             "scr_eligibility.facts": {"scr_eligibility.engine.decision"},
             FACADE: {"scr_eligibility.engine.evaluation"}, "scr_eligibility.cli.check": {"scr_eligibility.facts"}}
    assert backwards(graph) == [("scr_eligibility.engine.batch", "scr_eligibility.cli.check"),
                                ("scr_eligibility.facts", "scr_eligibility.engine.decision")]


def test_the_architecture_document_lists_every_module_with_its_stage() -> None:
    """docs/architecture.md's module table is the package as it is (regenerate: python tests/test_imports.py --write-doc)."""
    assert _documented_table() == module_table()


def test_every_module_says_what_it_holds() -> None:
    """A module without a docstring leaves a blank in the architecture document."""
    assert [name for name, (path, _) in modules().items()
            if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))] == []


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-doc"]:
        text = DOC.read_text(encoding="utf-8")
        start = text.index("\n", text.index(_BEGIN)) + 1
        DOC.write_text(text[:start] + module_table() + "\n" + text[text.index(_END):], encoding="utf-8")
