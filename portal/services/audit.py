"""Reading the audit trail (the rows themselves are written by session events).

The history of a record is its own rows and those of its parts (``__audit_parent__``: a
client's 相关人物 and 月度数据, a work log's 理财咨询 rows, a visit's self-evaluation and its
items …), deleted parts included: their rows carry the parent. Values are shown as the forms
show them, as each column's ``info`` says beside its label (:func:`_info`): choice codes as
their labels, the commission rate as 万分之…, screening hits as the phrases found; ids of
users, branches and clients as names (with the id). Numbers of people are masked (SPEC §8).
"""

import ast
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlalchemy import Column, and_, func, literal, or_, select
from sqlalchemy.sql.visitors import replacement_traverse

from portal.domain.crypto import is_sealed
from portal.domain.formats import commission
from portal.domain.idcard import mask_mobile
from portal.extensions import db
from portal.models import AuditLog, Branch, Client, User
from portal.models.audit import SECRET, current_actor
from portal.models.base import Audited
from portal.models.encrypted import keyring
from portal.services import scope
from portal.services.records import use_case
from portal.services.scope import RULES

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "view": "查看完整信息"}
VIEWS = {"edit_form": "编辑页显示的号码", "print": "打印件上的号码"}
"""``field`` of a view row that names no column (services.pii) → its label."""


@cache
def _audited_models() -> dict[str, type]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    }


def audited_model(table_name: str) -> type | None:
    """The audited model of a table, if records of it can be loaded through scope."""
    cls = _audited_models().get(table_name)
    return cls if cls is not None and cls in RULES else None


# --- which records: the record and its parts ---------------------------------------------


def _parent_tables() -> set[str]:
    return {
        cls.__audit_parent__[0]
        for cls in _audited_models().values()
        if getattr(cls, "__audit_parent__", None)
    }


def _matching(type_column, id_column, keys: set[tuple[str, int]]):
    by_type = defaultdict(set)
    for record_type, record_id in keys:
        by_type[record_type].add(record_id)
    return or_(*(and_(type_column == t, id_column.in_(sorted(ids))) for t, ids in by_type.items()))


def life_start(record_type: str, record_id: int) -> int:
    """The first trail row of this record's life. SQLite may give a deleted row's id to a new
    record, so the rows of the same (type, id) up to the delete before its latest insert
    belong to an earlier record."""
    key = (AuditLog.record_type == record_type, AuditLog.record_id == record_id)
    latest_insert = db.session.scalar(
        select(func.max(AuditLog.id)).where(*key, AuditLog.action == "insert")
    )
    if latest_insert is None:
        return 0
    previous_end = db.session.scalar(
        select(func.max(AuditLog.id)).where(
            *key, AuditLog.action == "delete", AuditLog.id < latest_insert
        )
    )
    return (previous_end or 0) + 1


def parts_of(record_type: str, record_id: int, since: int) -> set[tuple[tuple, tuple]]:
    """(part, its parent) of every part of the record (and parts of parts) the trail knows
    since ``since``, deleted ones too."""
    found: set[tuple[tuple, tuple]] = set()
    frontier = {(record_type, record_id)}
    parents = _parent_tables()
    while frontier := {key for key in frontier if key[0] in parents}:
        rows = db.session.execute(
            select(
                AuditLog.record_type, AuditLog.record_id, AuditLog.parent_type, AuditLog.parent_id
            )
            .where(_matching(AuditLog.parent_type, AuditLog.parent_id, frontier))
            .where(AuditLog.id >= since)
            .distinct()
        )
        new = {((t, i), (pt, pi)) for t, i, pt, pi in rows} - found
        found |= new
        frontier = {part for part, _ in new}
    return found


def history_of(record_type: str, record_id: int) -> list[AuditLog]:
    """Every audit row of a record's life and of its parts (each part's rows written as a part
    of its parent, so a reused id never brings in another record's trail): the newest change
    first, its fields in order."""
    since = life_start(record_type, record_id)
    own = and_(AuditLog.record_type == record_type, AuditLog.record_id == record_id)
    parts = [
        and_(
            AuditLog.record_type == t,
            AuditLog.record_id == i,
            AuditLog.parent_type == parent_type,
            AuditLog.parent_id == parent_id,
        )
        for (t, i), (parent_type, parent_id) in parts_of(record_type, record_id, since)
    ]
    return db.session.scalars(
        select(AuditLog)
        .where(AuditLog.id >= since, or_(own, *parts))
        .order_by(AuditLog.at.desc(), AuditLog.id)
    ).all()


# --- a deleted record ----------------------------------------------------------------------


def _python_value(column: Column, text: str | None):
    if text is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return text
    if python_type is int:
        return int(text)
    if python_type is str:
        return text
    raise ValueError(f"{column.key} is not compared by scope")


def deleted_record_visible(model: type, record_id: int) -> bool:
    """Whether the current user may read the trail of a deleted record: it no longer exists,
    the trail saw it deleted, and the record's scope rule admits its last values (those the
    delete rows kept) as it admitted the record itself."""
    if not 0 < record_id < 2**31 or db.session.get(model, record_id) is not None:
        return False
    last = {
        row.field: row.old_value
        for row in db.session.scalars(
            select(AuditLog).where(
                AuditLog.record_type == model.__tablename__,
                AuditLog.record_id == record_id,
                AuditLog.action == "delete",
                AuditLog.id >= life_start(model.__tablename__, record_id),
            )
        )
    }
    if not last:
        return False
    table = model.__table__
    failed = []

    def replace(element):
        if isinstance(element, Column) and element.table is table:
            try:
                value = _python_value(element, last.get(element.key))
            except ValueError:
                failed.append(element.key)
                return None
            return literal(value, type_=element.type)
        return None

    rule = replacement_traverse(scope.clause(model), {}, replace)
    if failed:
        return False
    return db.session.scalar(select(literal(1)).where(rule)) is not None


# --- how values are shown --------------------------------------------------------------------


NAMED = {
    "users": (User, lambda user: user.display_name),
    "branches": (Branch, lambda branch: branch.name),
    "clients": (Client, lambda client: client.name),
}
"""Tables whose ids are shown with a name: the model and how to name a row."""


def field_label(model: type, field: str) -> str:
    """The Chinese label of a column (``info={"label": ...}``), or its name."""
    if field in VIEWS:
        return VIEWS[field]
    column = model.__table__.columns.get(field)
    return column.info.get("label", field) if column is not None else field


def _info(record_type: str, field: str) -> dict:
    """What the model says of a column beside its label (``info``), for showing its values:

    ``choices``: its codes' labels (code → label, or → a choice with a ``label``); with
    ``several``, the value holds several codes in one string. ``masked``: a number of a person,
    shown masked (SPEC §8: the trail keeps it whole but sealed, like the record; the page
    masks it as everywhere else; the client's file has the logged "显示完整"). ``shown_as``:
    ``month``, ``commission`` or ``screening_hits`` (:data:`SHOWN_AS`). ``names_part``: the
    field that names a part of a record on its parent's history ("相关人物 张三：…")."""
    column = _column(record_type, field)
    return column.info if column is not None else {}


def _column(record_type: str, field: str) -> Column | None:
    model = _audited_models().get(record_type)
    return model.__table__.columns.get(field) if model is not None else None


def _label(choices, code: str) -> str:
    label = choices.get(code, code)
    return getattr(label, "label", label)


def _target_table(record_type: str, field: str) -> str | None:
    column = _column(record_type, field)
    if column is None:
        return None
    for key in column.foreign_keys:
        if key.column.table.name in NAMED:
            return key.column.table.name
    return None


def _hits(value: str) -> str:
    """Screening hits (a JSON list; older rows: a Python repr) as the phrases found."""
    try:
        hits = json.loads(value)
    except ValueError:
        try:
            hits = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    if not isinstance(hits, list):
        return value
    if not hits:
        return "无"
    return "；".join(
        f"「{hit.get('matched', '')}」（{hit.get('name', '')}）"
        if isinstance(hit, dict)
        else str(hit)
        for hit in hits
    )


def _commission(value: str) -> str:
    try:
        return commission(Decimal(value))
    except InvalidOperation:
        return value


SHOWN_AS = {"month": lambda value: value[:7], "commission": _commission, "screening_hits": _hits}
"""How a stored value is shown, by the kind its column's ``info["shown_as"]`` names."""


class _Shower:
    """Shows values of audit rows; names of referenced users, branches and clients are read
    once for all the rows of a page."""

    def __init__(self, entries: list[AuditLog]):
        wanted = defaultdict(set)
        for entry in entries:
            target = _target_table(entry.record_type, entry.field)
            if target is None:
                continue
            for value in (entry.old_value, entry.new_value):
                if value and value.isdigit():
                    wanted[target].add(int(value))
        self.names: dict[tuple[str, int], str] = {}
        for table, ids in wanted.items():
            model, name = NAMED[table]
            for row in db.session.scalars(select(model).where(model.id.in_(sorted(ids)))):
                self.names[(table, row.id)] = name(row)

    def value(self, record_type: str, field: str, value: str | None) -> str | None:
        if value is None or value == SECRET:
            return value
        if is_sealed(value):  # identity data (models.encrypted): opened here, masked below
            value = keyring().open(value)
        info = _info(record_type, field)
        if info.get("masked"):
            return mask_mobile(value)
        if "choices" in info and info.get("several"):
            return "、".join(_label(info["choices"], code) for code in value) or "无"
        if "choices" in info:
            return _label(info["choices"], value)
        if "shown_as" in info:
            return SHOWN_AS[info["shown_as"]](value)
        target = _target_table(record_type, field)
        if target is not None and value.isdigit():
            name = self.names.get((target, int(value)))
            return f"{name}（#{value}）" if name else f"#{value}"
        return value


def shown_value(entry: AuditLog, which: str) -> str | None:
    """The old or new value of an audit row as the history page shows it."""
    value = entry.old_value if which == "old" else entry.new_value
    return _Shower([entry]).value(entry.record_type, entry.field, value)


@dataclass(frozen=True)
class HistoryLine:
    """One line of a history page."""

    at: datetime
    who: str
    action: str
    what: str
    old: str | None
    new: str | None
    request_id: str


def _part_titles(entries: list[AuditLog], shower: _Shower) -> dict[tuple[str, int], str]:
    """The name of each part on the page, from its trail (its last known value)."""
    titles = {}
    for entry in sorted(entries, key=lambda e: e.id):
        if not _info(entry.record_type, entry.field).get("names_part"):
            continue
        value = entry.new_value if entry.new_value is not None else entry.old_value
        if value is not None:
            titles[(entry.record_type, entry.record_id)] = shower.value(
                entry.record_type, entry.field, value
            )
    return titles


def history_lines(record_type: str, record_id: int) -> list[HistoryLine]:
    """The history page of a record: its own changes and those of its parts, labelled."""
    entries = history_of(record_type, record_id)
    models = _audited_models()
    shower = _Shower(entries)
    titles = _part_titles(entries, shower)
    lines = []
    for entry in entries:
        model = models.get(entry.record_type)
        what = field_label(model, entry.field) if model is not None else entry.field
        if (entry.record_type, entry.record_id) != (record_type, record_id):
            label = model.__audit_label__ if model is not None else entry.record_type
            title = titles.get((entry.record_type, entry.record_id)) or f"#{entry.record_id}"
            what = f"{label} {title}：{what}"
        lines.append(
            HistoryLine(
                at=entry.at,
                who=entry.user.display_name if entry.user else entry.actor,
                action=ACTIONS.get(entry.action, entry.action),
                what=what,
                old=shower.value(entry.record_type, entry.field, entry.old_value),
                new=shower.value(entry.record_type, entry.field, entry.new_value),
                request_id=(entry.request_id or "")[:8],
            )
        )
    return lines


def record_title(record) -> str:
    """How the history page names a record: its own name if it has one, else its client or
    manager and its number."""
    if type(record).__str__ is not object.__str__:
        return str(record)
    parts = []
    for attr in ("client", "manager"):
        related = getattr(record, attr, None)
        if related is not None:
            parts.append(str(related))
            break
    parts.append(f"#{record.id}")
    return " ".join(parts)


@use_case
def record_export(user: User, what: str, description: str) -> None:
    """Leave a row in the audit trail (on the exporting user) for a file of many clients' data
    taken out of the portal: ``what`` names the kind of file, ``description`` its contents."""
    user_id, actor, request_id = current_actor()
    db.session.add(
        AuditLog(
            user_id=user_id,
            actor=actor,
            record_type=User.__tablename__,
            record_id=user.id,
            action="export",
            field=what,
            new_value=description,
            request_id=request_id,
        )
    )
