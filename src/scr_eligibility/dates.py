"""The one date parser, and the one source of "today".

Case files, the interview, the web form and the command line all accept a date written
``YYYY-MM-DD`` (ISO 8601) or ``DD/MM/YYYY`` (as British case records write it). A date
with a slash is always read day first: ``03/04/2019`` is 3 April 2019, never 4 March,
and a date that only makes sense month first (``04/13/2019``) is refused, not flipped.

``today()`` is the only place the product asks the clock for the date, so that tests
and replays can fix it (:func:`fixed_today`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
from collections.abc import Callable, Iterator

#: What every error about a date says it expected.
DATE_FORMATS = "a date written YYYY-MM-DD or DD/MM/YYYY"
#: An example in both forms, for suggestions.
EXAMPLE = "2019-03-31 or 31/03/2019"

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

_clock: Callable[[], _dt.date] = _dt.date.today


def today() -> _dt.date:
    """Today's date (fixed by :func:`fixed_today` in tests)."""
    return _clock()


@contextlib.contextmanager
def fixed_today(day: _dt.date) -> Iterator[None]:
    """Within the block, :func:`today` returns ``day``."""
    global _clock
    before = _clock
    _clock = lambda: day  # noqa: E731 - a one-line clock
    try:
        yield
    finally:
        _clock = before


def parse_date(text: str) -> _dt.date:
    """A date from ``YYYY-MM-DD`` or ``DD/MM/YYYY`` text; :class:`ValueError` saying why otherwise."""
    value = text.strip()
    iso = _ISO.fullmatch(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        dmy = _DMY.fullmatch(value)
        if not dmy:
            raise ValueError(f"not {DATE_FORMATS}")
        day, month, year = (int(part) for part in dmy.groups())
        if month > 12 and day <= 12:
            raise ValueError("dates with slashes are read day first (DD/MM/YYYY); "
                             f"{value} would need a month {month}")
    try:
        return _dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"no such date ({error})") from None


def try_parse_date(text: str) -> _dt.date | None:
    """Like :func:`parse_date`, but ``None`` for text that is not a date."""
    try:
        return parse_date(text)
    except ValueError:
        return None
