"""The editions this installation ships: finding one by id, those in force on a date, their release status.

An edition another names in its ``supersedes`` stays loadable (old records replay under it, and it can be
named outright) but is no longer chosen for new decisions by date.
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import EditionNotFound, Problem, unknown_name
from .loader import EDITIONS_DIR, load_edition_file
from .model import Edition, edition_ref

RELEASED_FILE = Path(__file__).with_name("released.json")


@lru_cache(maxsize=1)
def released_hashes() -> dict[str, str]:
    """The pinned content hash of every released edition version, ``{"id@version": "sha256:..."}``."""
    return dict(json.loads(RELEASED_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _all_shipped() -> tuple[Edition, ...]:
    editions = [load_edition_file(p) for p in sorted(EDITIONS_DIR.glob("*.yaml"))]
    return tuple(sorted(editions, key=lambda e: (e.content.in_force.from_, e.id, e.version)))


def all_editions() -> tuple[Edition, ...]:
    """Every edition version shipped with this installation, oldest in force first."""
    return _all_shipped()


def latest_editions() -> tuple[Edition, ...]:
    """The newest version of each edition (worked out once for the editions shipped; every decision asks)."""
    shipped = all_editions()
    memo = _latest_memo.get("latest")
    if memo is not None and memo[0] is shipped:
        return memo[1]
    latest: dict[str, Edition] = {}
    for edition in shipped:
        if edition.id not in latest or edition.version > latest[edition.id].version:
            latest[edition.id] = edition
    result = tuple(sorted(latest.values(), key=lambda e: (e.content.in_force.from_, e.id)))
    _latest_memo["latest"] = (shipped, result)  # keyed on the very tuple: a reloaded catalogue is worked out anew
    return result


_latest_memo: dict[str, tuple[tuple[Edition, ...], tuple[Edition, ...]]] = {}


def get_edition(edition_id: str, version: int | None = None) -> Edition:
    """An edition by id (``id`` or ``id@version``); the newest version unless one is named."""
    if "@" in edition_id and version is None:
        edition_id, _, text = edition_id.partition("@")
        try:
            version = int(text.lstrip("v"))
        except ValueError:
            raise EditionNotFound("no such edition version", [Problem("edition", repr(text), "a version number")]) from None
    candidates = [e for e in all_editions() if e.id == edition_id]
    if not candidates:
        raise EditionNotFound("no such edition", [unknown_name(
            "edition", edition_id, [e.id for e in latest_editions()], "one of " + ", ".join(
                e.id for e in latest_editions()))])
    if version is None:
        return max(candidates, key=lambda e: e.version)
    for edition in candidates:
        if edition.version == version:
            return edition
    raise EditionNotFound("this installation does not have that edition version", [Problem(
        "edition", edition_ref(edition_id, version), "one of " + ", ".join(e.ref for e in candidates),
        "replay it with a version of scr-eligibility that shipped it")])


@lru_cache(maxsize=1)
def _superseding() -> dict[str, tuple[str, ...]]:
    """For each edition id some shipped edition supersedes, the ids of those that do."""
    by: dict[str, set[str]] = {}
    for edition in all_editions():
        for old in edition.content.supersedes:
            by.setdefault(old, set()).add(edition.id)
    return {old: tuple(sorted(ids)) for old, ids in by.items()}


def superseded_by(edition: Edition) -> tuple[str, ...]:
    """The ids of the editions that replace ``edition`` for new decisions (empty if none does)."""
    return _superseding().get(edition.id, ())


#: The nations whose editions apply when none is named: England's, as before the nations were added.
ENGLAND: tuple[str, ...] = ("england",)


def editions_in_force(day: _dt.date, nations: Iterable[str] = ENGLAND) -> tuple[Edition, ...]:
    """The newest version of every edition of ``nations`` in force on ``day``, leaving out superseded editions.

    Each nation's editions are chosen by date on their own: a Welsh edition in force says nothing of England's.
    """
    wanted = frozenset(nations)
    return tuple(e for e in latest_editions()
                 if e.content.nation in wanted and e.in_force_on(day) and not superseded_by(e))


def current_editions(nations: Iterable[str] = ENGLAND) -> tuple[Edition, ...]:
    """The editions of ``nations`` in force now (those with no end date)."""
    wanted = frozenset(nations)
    return tuple(e for e in latest_editions()
                 if e.content.nation in wanted and e.content.in_force.until is None and not superseded_by(e))


def release_status(edition: Edition) -> str:
    """``released``, ``superseded`` (released, and replaced for new decisions by another edition),
    ``changed_since_release`` (a released file was edited) or ``not_released``."""
    pinned = released_hashes().get(edition.ref)
    if pinned is None:
        return "not_released"
    if pinned != edition.content_hash:
        return "changed_since_release"
    return "superseded" if superseded_by(edition) else "released"


def criteria_json(edition: Edition) -> dict[str, Any]:
    """An edition and its criteria (without their conditions), as `scr criteria --format json` and the API give it.

    What an edition does not use (readings, notes, supersedes, a replacement) is left out, and so is the nation
    of an English edition (and the calendar of its deadlines), so the JSON of an edition without them is as it
    was before editions could have them.
    """
    data = edition.content.model_dump(mode="json", exclude={"definitions", "criteria", "notes"})
    for key in ("supersedes", "readings"):
        if not data[key]:
            del data[key]
    if data["nation"] == "england":  # England's editions: their JSON as before the nations were added
        del data["nation"]
    for determination in data["determinations"]:
        if determination["replaced"] is None:
            del determination["replaced"]
        for outcome in determination["outcomes"]:
            for duty in outcome["duties"]:
                if duty["deadline"] is not None and duty["deadline"]["calendar"] == "england":
                    del duty["deadline"]["calendar"]
    if edition.content.notes:
        data["notes"] = [n.model_dump(mode="json", exclude={"condition"}) for n in edition.content.notes]
    return data | {
        "ref": edition.ref, "content_hash": edition.content_hash,
        "criteria": [c.model_dump(mode="json", exclude={"condition"}) for c in edition.content.criteria]}
