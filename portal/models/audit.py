"""The audit trail (留痕): an append-only row per changed field of every audited record.

Rows are written by session events, never by views: ``after_flush`` sees each audited
object's attribute history and inserts one row per field that was set, changed or removed.

Deleted rows are collected by a mapper-level ``after_delete`` event, which fires for every row
the flush deletes — an explicit ``session.delete``, a ``delete-orphan`` removal from a parent's
list and a cascade alike — whereas ``session.deleted`` holds only the explicit ones. Children
that the database would delete by ``ON DELETE CASCADE`` (``passive_deletes``) without the ORM
ever seeing them are loaded and deleted through the ORM in ``before_flush``, so they are
recorded too. Bulk ``DELETE``/``UPDATE`` statements bypass all of this; the services do not use
them for audited models.

A part of a record (a client's 相关人物 and 月度数据, a row of a work log, the self-evaluation
of a visit …) declares its parent with ``__audit_parent__ = (parent table, FK attribute)``;
its rows carry the parent's ``parent_type``/``parent_id`` so that the parent's history shows
them, even after the part is deleted. A part is always seen by whoever sees its parent (its
scope rule is the parent's: ``services.scope``), so the parent's history may show it.
"""

import contextvars
import json
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.domain.beijing import to_local, utcnow
from portal.extensions import db
from portal.models.base import Audited, BigId
from portal.models.encrypted import Encrypted, keyring

SECRET = "******"

_cli_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("cli_actor", default=None)
_cause: contextvars.ContextVar[str | None] = contextvars.ContextVar("cause", default=None)


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "record_type", "record_id", "id"),
        Index("ix_audit_log_parent", "parent_type", "parent_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete | view
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(40))
    # The record this one is a part of (``__audit_parent__``), else NULL.
    parent_type: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(BigId)

    user = relationship("User", lazy="joined")


@contextmanager
def acting_as(name: str):
    """Name the actor of changes made outside a request (CLI commands, background jobs)."""
    token = _cli_actor.set(name)
    try:
        yield
    finally:
        _cli_actor.reset(token)


@contextmanager
def caused_by(request_id: str):
    """Name the cause of the changes made inside (an import: ``import-<id>``) in place of the
    request's id, so that the trail rows of every record it changed point to it."""
    token = _cause.set(request_id)
    try:
        yield
    finally:
        _cause.reset(token)


def current_actor() -> tuple[int | None, str, str | None]:
    """(user id, actor name, request id) of whoever is making the change now."""
    cause = _cause.get()
    if has_request_context():
        request_id = cause or g.get("request_id")
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username, request_id
        return None, "anonymous", request_id
    return None, _cli_actor.get() or "system", cause


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):  # stored naive UTC, written as Beijing time
        return to_local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, list | dict):  # JSON columns: kept as JSON, readable again
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _sealed(text: str | None) -> str | None:
    return keyring().seal(text) if text else text


def _value_before(obj, key: str):
    """The value of ``key`` as it was loaded (before this flush's change), else as it is."""
    history = inspect(obj).attrs[key].history
    return history.deleted[0] if history.deleted else getattr(obj, key)


def _parent_of(obj, action: str) -> tuple[str | None, int | None]:
    """(parent table, parent id) of a part of a record (``__audit_parent__``), else (None, None)."""
    declared = getattr(type(obj), "__audit_parent__", None)
    if declared is None:
        return None, None
    table, key = declared
    parent_id = _value_before(obj, key) if action == "delete" else getattr(obj, key)
    return (table, parent_id) if parent_id is not None else (None, None)


def _rows_for(obj, action: str) -> list[dict]:
    state = inspect(obj)
    model = type(obj)
    rows = []
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in model.__audit_ignore__ or key == "id":
            continue
        history = state.attrs[key].history
        if action == "insert":
            old, new = None, getattr(obj, key)
            if new is None:
                continue
        elif action == "delete":
            old, new = _value_before(obj, key), None
            if old is None:
                continue
        else:
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        old_text, new_text = _text(old), _text(new)
        if isinstance(attr.columns[0].type, Encrypted):  # identity data: sealed here too
            old_text, new_text = _sealed(old_text), _sealed(new_text)
        if key in model.__audit_secret__:
            old_text = SECRET if old is not None else None
            new_text = SECRET if new is not None else None
        rows.append({"field": key, "old_value": old_text, "new_value": new_text})
    return rows


def record_view(obj, field: str, shown: str | None = None) -> None:
    """Leave a trace that someone saw a protected value in full (e.g. an ID number); ``shown``
    says what, where ``field`` is no single column (a form showing several)."""
    user_id, actor, request_id = current_actor()
    db.session.add(
        AuditLog(
            user_id=user_id,
            actor=actor,
            record_type=obj.__tablename__,
            record_id=obj.id,
            action="view",
            field=field,
            new_value=shown,
            request_id=request_id,
        )
    )


APPEND_ONLY_TRIGGERS = {
    "postgresql": ("audit_log_append_only",),
    "sqlite": ("audit_log_no_update",),
}
"""The row triggers of migration 0001 that refuse an UPDATE of the trail."""


@contextmanager
def values_rewritable(connection):
    """Within the caller's transaction, let UPDATE rewrite the trail's stored values: only
    the key rotation and migration 0010 do, to re-seal identity data (the same values under
    another key). PostgreSQL disables the append-only trigger (which needs the table's owner:
    run them as the migrations' role) and takes an exclusive lock on the table until the
    transaction ends; SQLite drops the trigger and creates it again. Either way a failure
    rolls the trigger back with everything else; no other session ever sees it off."""
    if connection.dialect.name == "postgresql":
        for name in APPEND_ONLY_TRIGGERS["postgresql"]:
            connection.exec_driver_sql(f"ALTER TABLE audit_log DISABLE TRIGGER {name}")
        yield
        for name in APPEND_ONLY_TRIGGERS["postgresql"]:
            connection.exec_driver_sql(f"ALTER TABLE audit_log ENABLE TRIGGER {name}")
        return
    (name,) = APPEND_ONLY_TRIGGERS["sqlite"]
    # pysqlite opens its transaction only before a DML statement: touch no row, so that the
    # DROP TRIGGER below belongs to the transaction rather than committing on its own.
    connection.exec_driver_sql("UPDATE audit_log SET id = id WHERE 0")
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar_one()
    connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    connection.exec_driver_sql(sql)


def write_trail(
    model,
    entries: list[tuple[int, int | None, str, dict[str, tuple]]],
    request_id: str | None = None,
) -> None:
    """The trail of changes that bulk statements made (the session events do not see them):
    each entry is (record id, parent id, action, {field: (old, new)}), written as the events
    would write it, one row per field. ``request_id`` names their cause (else the request's)."""
    user_id, actor, own_request = current_actor()
    now = utcnow()
    parent_type = model.__audit_parent__[0] if getattr(model, "__audit_parent__", None) else None
    rows = [
        {
            "at": now,
            "user_id": user_id,
            "actor": actor,
            "record_type": model.__tablename__,
            "record_id": record_id,
            "action": action,
            "field": field,
            "old_value": _text(old),
            "new_value": _text(new),
            "request_id": request_id or own_request,
            "parent_type": parent_type if parent_id is not None else None,
            "parent_id": parent_id,
        }
        for record_id, parent_id, action, changes in entries
        for field, (old, new) in changes.items()
    ]
    if rows:
        bulk_insert(AuditLog.__table__, rows)


def bulk_insert(table, rows: list[dict]) -> None:
    """Insert many rows (all with the same keys) in the session's transaction: on PostgreSQL
    with ``COPY`` (an order of magnitude faster than many-row ``INSERT``s), elsewhere with one
    executemany ``INSERT``."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


_DELETED = "audit_deleted"  # key in ``session.info``: the audited objects the flush deleted


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog):
            raise PermissionError("留痕记录只可追加，不可修改或删除")


@event.listens_for(Session, "before_flush")
def _delete_audited_children(session, flush_context, instances) -> None:
    """Delete through the ORM the audited children a deleted object's ``delete`` cascade
    reaches but that are not loaded (``passive_deletes``: the database would remove them
    unseen), and load what is expired of every deleted object, so its old values are known."""
    session.info[_DELETED] = []
    pending = [obj for obj in session.deleted if isinstance(obj, Audited)]
    seen = set()
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        state = inspect(obj)
        for key in set(state.mapper.column_attrs.keys()) & state.unloaded:
            getattr(obj, key)
        for rel in state.mapper.relationships:
            if not rel.cascade.delete or not issubclass(rel.mapper.class_, Audited):
                continue
            value = getattr(obj, rel.key)
            children = value if rel.uselist else ([value] if value is not None else [])
            for child in children:
                if child not in session.deleted:
                    session.delete(child)
                pending.append(child)


@event.listens_for(Audited, "after_delete", propagate=True)
def _collect_deleted(mapper, connection, target):
    session = inspect(target).session
    if session is not None:
        session.info.setdefault(_DELETED, []).append(target)


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session, flush_context):
    changes = [(obj, "insert") for obj in session.new]
    changes += [(obj, "update") for obj in session.dirty if session.is_modified(obj)]
    changes += [(obj, "delete") for obj in session.info.pop(_DELETED, [])]
    user_id, actor, request_id = current_actor()
    now = utcnow()
    rows = []
    for obj, action in changes:
        if not isinstance(obj, Audited):
            continue
        parent_type, parent_id = _parent_of(obj, action)
        for row in _rows_for(obj, action):
            row.update(
                at=now,
                user_id=user_id,
                actor=actor,
                record_type=obj.__tablename__,
                record_id=obj.id,
                action=action,
                request_id=request_id,
                parent_type=parent_type,
                parent_id=parent_id,
            )
            rows.append(row)
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)
