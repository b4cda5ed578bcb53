"""Helpers shared by the activity services (contacts, work logs, weekly summaries): the
transaction of a use case, change-only updates for a clean audit trail, and Beijing time.

Times are entered and shown in Beijing time and stored as naive UTC; dates are Beijing
business dates.
"""

from datetime import date, datetime, time, timedelta

from portal.models.base import CHINA_OFFSET
from portal.services.clients import _use_case

use_case = _use_case
"""Commit on success, roll back on any error (the same transaction rule as client files)."""


def set_changed(record, values: dict) -> None:
    """Set only what changed, so that the audit trail shows only real changes."""
    for field, value in values.items():
        if getattr(record, field) != value:
            setattr(record, field, value)


def clean_text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def to_utc(local: datetime) -> datetime:
    """A Beijing wall-clock time (as typed) → stored naive UTC."""
    return local.replace(tzinfo=None, second=0, microsecond=0) - CHINA_OFFSET


def to_local(moment: datetime | None) -> datetime | None:
    """Stored naive UTC → Beijing wall-clock time (for a form's initial value)."""
    return None if moment is None else moment + CHINA_OFFSET


def local_date(moment: datetime) -> date:
    """The Beijing date of a stored naive-UTC time."""
    return (moment + CHINA_OFFSET).date()


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC half-open range [start, end) of the Beijing dates ``first`` … ``last``."""
    start = datetime.combine(first, time()) - CHINA_OFFSET
    return start, datetime.combine(last + timedelta(days=1), time()) - CHINA_OFFSET
