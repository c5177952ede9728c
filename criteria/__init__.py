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
)
from .loader import content_hash, load_edition_file
from .model import Criterion, Deadline, Determination, Duty, Edition, EditionFile, OutcomeDef

__all__ = [
    "Criterion",
    "Deadline",
    "Determination",
    "Duty",
    "Edition",
    "EditionFile",
    "OutcomeDef",
    "all_editions",
    "content_hash",
    "criteria_json",
    "current_editions",
    "editions_in_force",
    "get_edition",
    "latest_editions",
    "load_edition_file",
    "release_status",
    "released_hashes",
]
