"""Reading the audit trail (the rows themselves are written by session events)."""

from sqlalchemy import select

from portal.domain.idcard import mask_mobile
from portal.extensions import db
from portal.models import AuditLog
from portal.models.base import Audited
from portal.services.scope import RULES


def audited_model(table_name: str) -> type | None:
    """The audited model of a table, if records of it can be loaded through scope."""
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited) and cls.__tablename__ == table_name and cls in RULES:
            return cls
    return None


def history_of(record) -> list[AuditLog]:
    """Every audit row of one record: the newest change first, its fields in order."""
    return db.session.scalars(
        select(AuditLog)
        .where(AuditLog.record_type == record.__tablename__, AuditLog.record_id == record.id)
        .order_by(AuditLog.at.desc(), AuditLog.id)
    ).all()


def field_label(model: type, field: str) -> str:
    """The Chinese label of a column (``info={"label": ...}``), or its name."""
    column = model.__table__.columns.get(field)
    return column.info.get("label", field) if column is not None else field


# Numbers masked on the history page as everywhere else (SPEC §8): the trail keeps them whole,
# the page shows them masked; the client's file has the logged "显示完整".
MASKED_IN_HISTORY = {
    "clients": {"id_number", "mobile", "home_phone", "work_phone"},
    "client_related_persons": {"phone"},
}


def shown_value(entry: AuditLog, which: str) -> str | None:
    """The old or new value of an audit row as the history page shows it."""
    value = entry.old_value if which == "old" else entry.new_value
    if value and entry.field in MASKED_IN_HISTORY.get(entry.record_type, ()):
        return mask_mobile(value)
    return value
