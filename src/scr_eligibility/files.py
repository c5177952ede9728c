"""Files only their owner can read: every file the product writes that holds the facts of a case.

The facts of a safeguarding case (a child's dates, what happened) must not become readable by
other users of the machine because of a permissive umask, or because an older file of the same
name was readable by all. :func:`open_private` (and :func:`private_fd` beneath it) creates a
file with mode 0600 from its first moment and tightens an existing one to 0600 before anything
is written into it. Used for `scr batch -o`, `scr log export -o`, the decision log itself and
the signing key; the web form's and the interview's saved files can use it too.
"""

from __future__ import annotations

import os
import stat
from typing import IO, Any

#: Owner read and write, nothing for anyone else.
PRIVATE_MODE = 0o600


def private_fd(path: str | os.PathLike[str], *, exclusive: bool = False) -> int:
    """Open ``path`` for writing, created (or truncated) owner-only (0600); return the file descriptor.

    ``exclusive``: the file must not exist yet (``FileExistsError`` otherwise), so that no
    file another process made meanwhile is adopted or emptied. A file that is not a regular
    file (``/dev/stdout``, a pipe) is opened as it is and its mode left alone. ``OSError``
    is the caller's to report.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_MODE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            # A umask can only remove bits (0o277 would take the owner's write), and an existing
            # file keeps its mode through O_CREAT: make it exactly 0600 either way.
            os.fchmod(fd, PRIVATE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_private(path: str | os.PathLike[str], mode: str = "w", *, exclusive: bool = False) -> IO[Any]:
    """:func:`private_fd` as an open file: text (UTF-8, ``\\n`` line ends) for ``"w"``, bytes for ``"wb"``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_private writes new files: mode 'w' or 'wb', not {mode!r}")
    fd = private_fd(path, exclusive=exclusive)
    try:
        if mode == "wb":
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    except BaseException:
        os.close(fd)
        raise


__all__ = ["PRIVATE_MODE", "open_private", "private_fd"]
