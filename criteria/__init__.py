"""The criteria of each edition of the guidance, as data, and their loader."""

from .loader import (
    all_editions,
    content_hash,
    criteria_json,
    current_editions,
    editions_in_force,
    get_edition,
    latest_editions,
    load_edition_file,
    release_status,
    released_hashes,
)
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
