"""The editions and their criteria as tables (`scr editions`, `scr criteria`)."""

from __future__ import annotations

from collections.abc import Iterable

from tabulate import tabulate

from ...criteria.catalogue import release_status
from ...criteria.model import Edition
from .text import wrap
from .view import in_force_words, period_words

_RELEASE_WORDS = {"released": "released", "changed_since_release": "CHANGED since release",
                  "not_released": "not released", "superseded": "superseded"}


def render_criteria(editions: Iterable[Edition], fmt: str = "table") -> str:
    """An edition's criteria with their kind, title and citation."""
    out = []
    for edition in editions:
        content = edition.content
        start, until = content.in_force.from_, content.in_force.until
        rows = [[c.id, c.kind, wrap(c.title, 40), wrap(c.citation, 44)] for c in content.criteria]
        if fmt == "markdown":
            out.append(f"## {content.title} ({edition.ref}, {period_words(start, until)})\n")
            out.append(tabulate(rows, headers=["Id", "Kind", "Criterion", "Citation"], tablefmt="github"))
        else:
            out.append(f"{content.title}\n{edition.ref}, {in_force_words(start, until)}")
            out.append(tabulate(rows, headers=["Id", "Kind", "Criterion", "Citation"], tablefmt="simple"))
        if content.readings:
            out.append("")
            out.extend(_reading_lines(edition, fmt))
        out.append("")
    return "\n".join(out)


def _reading_lines(edition: Edition, fmt: str) -> list[str]:
    """An edition's readings of its open passages, each with its options (choose one with --reading ID=OPTION)."""
    content = edition.content
    if fmt == "markdown":
        lines = ["### Readings (choose an option with `--reading ID=OPTION`)", ""]
        for reading in content.readings:
            lines.append(f"- **`{reading.id}`**: {' '.join(reading.question.split())}")
            for option in reading.options:
                default = " (default)" if option.id == reading.default else ""
                lines.append(f"  - `{option.id}`{default}: {option.says}")
        return lines
    lines = ["Readings (choose an option with --reading ID=OPTION):"]
    for reading in content.readings:
        lines.append(wrap(f"{reading.id}: {' '.join(reading.question.split())}", 110))
        for option in reading.options:
            default = " (default)" if option.id == reading.default else ""
            lines.append("    " + wrap(f"{option.id}{default}: {option.says}", 104).replace("\n", "\n      "))
    return lines


def readings_markdown(editions: Iterable[Edition]) -> str:
    """Every reading the editions declare, once, with the editions that declare it: the README's section.

    Generated from the edition files (a test holds the README to it): the question, each option in plain words
    (the default marked, with why), and the sources of each option.
    """
    by_id: dict[str, list[Edition]] = {}
    for edition in editions:
        for reading in edition.content.readings:
            by_id.setdefault(reading.id, []).append(edition)
    lines: list[str] = []
    for reading_id, declaring in by_id.items():
        reading = declaring[0].content.reading(reading_id)
        refs = ", ".join(f"`{e.ref}`" for e in declaring)
        lines.append(f"- **`{reading_id}`** ({refs}): {' '.join(reading.question.split())}")
        for option in reading.options:
            default = " **(default)**" if option.id == reading.default else ""
            lines.append(f"  - `{option.id}`{default}: {option.says}. Sources: {'; '.join(option.sources)}.")
        lines.append(f"  - Why the default: {' '.join(reading.why_default.split())}")
    return "\n".join(lines) + "\n"


def render_editions(editions: Iterable[Edition]) -> str:
    """Every edition with its version, in-force dates, release status and content hash."""
    rows = []
    for edition in editions:
        content = edition.content
        status = _RELEASE_WORDS[release_status(edition)]
        rows.append([content.id, content.version, content.short_title, content.in_force.from_.isoformat(),
                     content.in_force.until.isoformat() if content.in_force.until else "(in force)", status,
                     edition.content_hash[:19] + "…"])
    return tabulate(rows, headers=["Edition", "Version", "Title", "From", "Until", "Status", "Content hash"],
                    tablefmt="simple")


__all__ = ["render_criteria", "render_editions"]
