"""Helpers shared by the services that keep records: the transaction of a use case, and
change-only updates for a clean audit trail. Beijing time is ``domain.beijing``.

Every use case in ``portal.services`` (and the demo's seeding) commits through
:func:`use_case`, never by hand. A use case that calls another one (``risk.current_version``
loading version 1 inside ``record_assessment``) commits the inner one's work first.
"""

from functools import wraps

from portal.extensions import db


def use_case(function):
    """Commit on success; on any error roll back, so a refused change leaves nothing behind."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    return wrapper


def set_changed(record, values: dict) -> None:
    """Set only what changed, so that the audit trail shows only real changes."""
    for field, value in values.items():
        if getattr(record, field) != value:
            setattr(record, field, value)


def sync_rows(items: list, make, rows: list[dict]) -> None:
    """Make the ordered child records ``items`` (a relationship list with a ``position``) hold
    ``rows`` in order: the existing records are reused position by position, so the trail
    shows the fields that changed rather than a delete and an insert; new ones are made with
    ``make()``, and those left over are removed (and recorded as deleted)."""
    existing = list(items)
    for position, values in enumerate(rows, start=1):
        if position <= len(existing):
            item = existing[position - 1]
        else:
            item = make()
            items.append(item)
        set_changed(item, {"position": position, **values})
    for item in existing[len(rows) :]:
        items.remove(item)


def clean_text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
