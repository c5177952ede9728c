"""A warning on standard error when a released edition file was edited (its content hash is not the released one)."""

from __future__ import annotations

from collections.abc import Iterable

import click


def warn_if_edited(refs: Iterable[str], warned: set[str] | None = None) -> None:
    """Warn once per edition (``id@version``) among ``refs`` whose file was changed after its release.

    Released editions are immutable: a decision made with an edited file is not a decision
    under the released rules, and its record will not replay under them elsewhere. ``warned``
    holds the refs already warned about (a batch sees each edition many times).
    """
    from ..criteria.catalogue import get_edition, release_status, released_hashes

    for ref in refs:
        if warned is not None:
            if ref in warned:
                continue
            warned.add(ref)
        edition = get_edition(ref)
        if release_status(edition) == "changed_since_release":
            click.echo(f"Warning: the edition file of {ref} ({edition.path}) was edited after {ref} was released: "
                       f"its content hash is {edition.content_hash}, released as {released_hashes()[ref]}. Decisions "
                       "made with it are not decisions under the released rules; a change to a released edition "
                       "must ship as a new version file.", err=True)
