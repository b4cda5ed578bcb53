"""Beijing time: pure conversions, no clock (``models.base.utcnow`` reads the clock).

Every branch works in Beijing time (UTC+8, no daylight saving): times are typed and shown in
it, and a date is a Beijing business date. The database keeps every timestamp as naive UTC.
"""

from datetime import date, datetime, time, timedelta

CHINA_OFFSET = timedelta(hours=8)


def to_local(moment: datetime | None) -> datetime | None:
    """Stored naive UTC → Beijing wall-clock time."""
    return None if moment is None else moment + CHINA_OFFSET


def to_utc(local: datetime) -> datetime:
    """A Beijing wall-clock time, as typed (to the minute) → stored naive UTC."""
    return local.replace(tzinfo=None, second=0, microsecond=0) - CHINA_OFFSET


def local_date(moment: datetime) -> date:
    """The Beijing date of a stored naive-UTC time."""
    return (moment + CHINA_OFFSET).date()


def utc_start(day: date) -> datetime:
    """The first moment of a Beijing date, as stored naive UTC."""
    return datetime.combine(day, time()) - CHINA_OFFSET


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The stored-UTC half-open range [start, end) of the Beijing dates ``first`` … ``last``."""
    return utc_start(first), utc_start(last + timedelta(days=1))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
