"""Shared column helpers for every model."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import BigInteger, Integer

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")


CHINA_OFFSET = timedelta(hours=8)
"""Beijing time (UTC+8, no daylight saving): how every timestamp is shown."""


def china_today() -> date:
    """Today's date in Beijing: the business day of every branch (the server may run in UTC)."""
    return (utcnow() + CHINA_OFFSET).date()


def utcnow() -> datetime:
    """The current time as naive UTC; the database stores every timestamp this way."""
    return datetime.now(UTC).replace(tzinfo=None)


class Audited:
    """Marker mixin: every insert, update and delete of the model is written to the audit log.

    ``__audit_secret__`` names columns whose values are never written (only that they changed);
    ``__audit_ignore__`` names columns that are not worth a trace (bookkeeping; the audit row's
    own time already says when a record was created or updated).
    """

    __audit_secret__: frozenset[str] = frozenset()
    __audit_ignore__: frozenset[str] = frozenset({"created_at", "updated_at"})
    __audit_label__: str = ""
