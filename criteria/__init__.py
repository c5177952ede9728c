"""The criteria of each edition of the guidance, as data, and their loader."""

from .catalogue import (
    all_editions,
    criteria_json,
    current_editions,
    editions_in_force,
    get_edition,
    latest_editions,
    release_status,
    released_hashes,
    superseded_by,
)
from .loader import content_hash, load_edition_file
from .model import Criterion, Deadline, Determination, Duty, Edition, EditionFile, OutcomeDef, Reading
from .readings import derive, readings_of

__all__ = [
    "Criterion",
    "Deadline",
    "Determination",
    "Duty",
    "Edition",
    "EditionFile",
    "OutcomeDef",
    "Reading",
    "all_editions",
    "content_hash",
    "criteria_json",
    "current_editions",
    "editions_in_force",
    "get_edition",
    "latest_editions",
    "derive",
    "load_edition_file",
    "readings_of",
    "release_status",
    "released_hashes",
    "superseded_by",
]
