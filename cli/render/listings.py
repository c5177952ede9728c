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
        out.append("")
    return "\n".join(out)


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
