"""Shared column helpers for every model."""

from sqlalchemy import BigInteger, Integer

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Audited:
    """Marker mixin: every insert, update and delete of the model is written to the audit log.

    ``__audit_secret__`` names columns whose values are never written (only that they changed);
    ``__audit_ignore__`` names columns that are not worth a trace (bookkeeping; the audit row's
    own time already says when a record was created or updated).
    """

    __audit_secret__: frozenset[str] = frozenset()
    __audit_ignore__: frozenset[str] = frozenset({"created_at", "updated_at"})
    __audit_label__: str = ""


def one_of(column: str, values) -> str:
    """A CHECK constraint's SQL: ``column`` holds one of the (string) ``values``."""
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))
