"""Numbers and dates read from a request (query strings, path parts): anything malformed or
out of range reads as None, so that a hand-edited URL gets the default page or a 404, never
a 500. Years are kept within 1900–2100, where every date computation of the portal is safe."""

import re
from datetime import date, datetime

_SMALL_INT = re.compile(r"[0-9]{1,9}")
MIN_YEAR, MAX_YEAR = 1900, 2100


def int_arg(value: str | None) -> int | None:
    """A non-negative whole number of at most nine ASCII digits, else None."""
    return int(value) if value and _SMALL_INT.fullmatch(value) else None


def in_range(day: date | None) -> date | None:
    return day if day is not None and MIN_YEAR <= day.year <= MAX_YEAR else None


def date_arg(value: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) within the supported years, else None."""
    try:
        return in_range(date.fromisoformat(value or ""))
    except ValueError:
        return None


def month_arg(value: str | None) -> date | None:
    """The first day of a month written YYYY-MM, within the supported years, else None."""
    try:
        return in_range(datetime.strptime(value or "", "%Y-%m").date())
    except ValueError:
        return None
