"""Beijing time: the clock (``utcnow``, ``china_today``, ``china_now``) and pure conversions.

Every branch works in Beijing time (UTC+8, no daylight saving): times are typed and shown in
it, and a date is a Beijing business date. The database keeps every timestamp as naive UTC.
"""

from datetime import UTC, date, datetime, time, timedelta

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


def china_today() -> date:
    """Today's date in Beijing: the business day of every branch (the server may run in UTC)."""
    return local_date(utcnow())


def china_now() -> datetime:
    """The current Beijing wall-clock time to the minute (the default of a time typed in)."""
    return to_local(utcnow()).replace(second=0, microsecond=0)


def utcnow() -> datetime:
    """The current time as naive UTC; the database stores every timestamp this way."""
    return datetime.now(UTC).replace(tzinfo=None)


def previous_month(month: date) -> date:
    """The first day of the month before ``month``'s."""
    return month_start(month_start(month) - timedelta(days=1))


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return month_end(month) + timedelta(days=1)
