"""Shared column helpers for every model."""

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Integer

from portal.domain.beijing import local_date, to_local

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")


def china_today() -> date:
    """Today's date in Beijing: the business day of every branch (the server may run in UTC)."""
    return local_date(utcnow())


def china_now() -> datetime:
    """The current Beijing wall-clock time to the minute (the default of a time typed in)."""
    return to_local(utcnow()).replace(second=0, microsecond=0)


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
