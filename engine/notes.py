"""An edition's conditional notes: what it says about a case like this one that is not one of its duties.

A note (``notes:`` in an edition file) names another process that applies, with its source: for
example that a death in custody reaches the Panel only with abuse or neglect known or suspected,
and goes to the coroner and the Prisons and Probation Ombudsman. It is shown when its condition is
met (not when it is unknown), and it never creates a duty or changes an outcome.
"""

from __future__ import annotations

from typing import Any

from ..criteria.model import Edition
from ..facts import Facts
from .decision import NoteResult
from .truth import compiled_truth, named_conditions


def shown_notes(facts: Facts, edition: Edition) -> tuple[NoteResult, ...]:
    """The notes of ``edition`` whose condition is met by ``facts``."""
    content = edition.content
    if not content.notes:
        return ()
    values: dict[str, Any] = facts.__dict__
    named = named_conditions(edition)
    return tuple(NoteResult.build(id=n.id, title=n.title, text=n.text, source=n.source, kind=n.kind)
                 for n in content.notes if compiled_truth(f"notes.{n.id}", n.condition, named)(values) is True)
