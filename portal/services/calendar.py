"""Working days as the portal counts them: ``domain.workdays`` with HQ's holiday table
(``CalendarDay``) on top, which wins over the statutory holidays and the published calendar
(SPEC §5 "Working-day calendar").

Services and views ask this module, never ``domain.workdays`` directly, for whether a day is a
working day, so an entry HQ makes holds everywhere at once. The table is read with one query
and kept for the rest of the request (in the request's environ: ``flask.g`` lives as long as
the app context, which a test — or a job — may keep across several requests), or of the app
context outside a request (``flask.g``); a change made through this module drops that copy.
"""

from collections.abc import Iterator
from datetime import date

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import extract, select

from portal.domain import workdays
from portal.extensions import db
from portal.models import CalendarDay, User
from portal.services.records import clean_text, set_changed, use_case

_KEY = "portal.calendar_overrides"


def _cache() -> dict:
    """Where the table is kept: the request's, else the app context's, else nowhere."""
    if has_request_context():
        return request.environ.setdefault(_KEY, {})
    if has_app_context():
        return g.setdefault(_KEY, {})
    return {}


def overrides() -> dict[date, bool]:
    """HQ's table: date → is a working day (one query, then kept for the request)."""
    cache = _cache()
    if "table" not in cache:
        rows = db.session.execute(select(CalendarDay.day, CalendarDay.workday)).tuples()
        cache["table"] = dict(rows.all())
    return cache["table"]


def forget() -> None:
    """Drop the request's copy of the table (after a change)."""
    _cache().pop("table", None)


def is_workday(day: date) -> bool:
    return workdays.is_workday(day, overrides())


def previous_workday(day: date) -> date:
    return workdays.previous_workday(day, overrides())


def add_workdays(day: date, n: int) -> date:
    return workdays.add_workdays(day, n, overrides())


def workdays_between(first: date, last: date) -> Iterator[date]:
    return workdays.workdays_between(first, last, overrides())


def entries(year: int) -> list[CalendarDay]:
    """The year's entries, in date order."""
    query = select(CalendarDay).where(extract("year", CalendarDay.day) == year)
    return list(db.session.scalars(query.order_by(CalendarDay.day)))


def entry_on(day: date) -> CalendarDay | None:
    return db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))


def years_with_entries() -> list[int]:
    days = db.session.scalars(select(CalendarDay.day)).all()
    return sorted({day.year for day in days})


def without_table(day: date) -> tuple[bool, str]:
    """What ``domain.workdays`` says of ``day`` without HQ's table, and why (for the page)."""
    workday = workdays.is_workday(day)
    holiday = workdays.statutory_holidays(day.year).get(day)
    weekend = day.weekday() >= 5
    if holiday and not workday:
        why = f"法定节假日：{holiday}"
    elif weekend:
        why = "国家调休上班" if workday else "周末"
    else:
        why = "工作日" if workday else "国家放假安排"
    return workday, why


@use_case
def save_entry(entry: CalendarDay | None, data: dict, user: User) -> CalendarDay:
    """Add a date's entry (or change ``entry``): working day or not, and why. Adding a date
    that already has one changes that one."""
    entry = entry or entry_on(data["day"])
    if entry is None:
        entry = CalendarDay(entered_by_id=user.id)
        db.session.add(entry)
    values = {
        "day": data["day"],
        "workday": bool(data["workday"]),
        "note": clean_text(data["note"]),
    }
    if entry.id is not None and any(getattr(entry, k) != v for k, v in values.items()):
        values["entered_by_id"] = user.id
    set_changed(entry, values)
    db.session.flush()
    forget()
    return entry


@use_case
def delete_entry(entry: CalendarDay, reason: str) -> None:
    """Remove an entry; the reason is written to its note first, so the trail keeps it."""
    set_changed(entry, {"note": clean_text(reason)})
    db.session.flush()
    db.session.delete(entry)
    forget()
