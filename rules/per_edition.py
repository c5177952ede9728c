"""One object per edition version, built on first use and shared by all threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from ..criteria.model import Edition

T = TypeVar("T")


class PerEdition(Generic[T]):
    """Builds ``build(edition)`` once per (id@version, content hash): an edited file is built anew."""

    def __init__(self, build: Callable[[Edition], T]):
        self._build = build
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], T] = {}

    def __call__(self, edition: Edition) -> T:
        key = (edition.ref, edition.content_hash)
        item = self._items.get(key)  # no lock on the hot path: dict reads are atomic
        if item is None:
            with self._lock:
                item = self._items.get(key)
                if item is None:
                    item = self._items[key] = self._build(edition)
        return item

    def values(self) -> list[T]:
        with self._lock:
            return list(self._items.values())
