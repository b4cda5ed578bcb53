"""Contacts with clients and their visits (Art. 50.5, 54; 附件6, 附件7): logging, planning and
completing a contact, the home-visit self-evaluation and readiness checklist, and reading
them — always with 拜访次序 computed, never stored.

What counts where is decided in :mod:`portal.domain.visits`. Times are entered and shown in
Beijing time and stored as naive UTC (``services.records``).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.domain import surname, visits
from portal.domain.beijing import to_utc, utc_bounds, utc_start, utcnow
from portal.extensions import db
from portal.models import (
    Client,
    Contact,
    User,
    VisitEvaluation,
    VisitEvaluationItem,
    VisitReadiness,
)
from portal.models.client import NAME_ORDER
from portal.services import scope
from portal.services.records import clean_text, set_changed, use_case

CONTACT_TEXT = ("place", "content", "improvements")
EVALUATION_TEXT = ("went_well", "to_improve", "next_time")
FUTURE_SLACK = timedelta(minutes=5)
"""A done contact may be dated at most this far ahead of the clock (a watch running fast)."""


# --------------------------------------------------------------------------- use cases


@use_case
def log_contact(client: Client, data: dict, user: User) -> Contact:
    """Record a contact with ``client`` made (or planned) by ``user``, the client's manager.

    ``data``: kind, status ('done' or 'planned'), at (Beijing time: when it happened, or when
    it is planned), place, content, improvements, core_client."""
    if user.role != "manager" or client.manager_id != user.id:
        raise PermissionError("只有客户的客户经理可以登记拜访")
    contact = Contact(
        client_id=client.id, manager_id=user.id, branch_id=client.branch_id, client=client
    )
    _apply(contact, data)
    db.session.add(contact)
    return contact


@use_case
def update_contact(contact: Contact, data: dict, user: User) -> Contact:
    """Correct a contact; only the manager who made it may. ``data`` as for
    :func:`log_contact` (its status too: a done contact may not go back to planned)."""
    _check_owner(contact, user)
    if contact.status == "done" and data.get("status") == "planned":
        raise ValueError("已完成的拜访不能改回计划")
    _apply(contact, data)
    return contact


@use_case
def complete_contact(contact: Contact, data: dict, user: User) -> Contact:
    """Mark a planned contact done, with when it happened and what was said."""
    _check_owner(contact, user)
    if contact.status != "planned":
        raise ValueError("该拜访已完成")
    _apply(contact, {**data, "status": "done", "kind": data.get("kind") or contact.kind})
    return contact


@use_case
def cancel_contact(contact: Contact, user: User) -> None:
    """Drop a planned contact that will not take place (the audit trail keeps it); a done
    contact is a record and stays."""
    _check_owner(contact, user)
    if contact.status != "planned":
        raise ValueError("已完成的拜访是工作记录，不能删除")
    db.session.delete(contact)


@use_case
def save_evaluation(contact: Contact, data: dict, user: User) -> VisitEvaluation:
    """附件6 for a done home visit: ``data`` holds ``evaluated_on`` and, per aspect code of
    ``domain.visits.ASPECTS``, a dict with rating, went_well, to_improve, next_time."""
    _check_owner(contact, user)
    if contact.kind != "home" or contact.status != "done":
        raise ValueError("自我评估表用于已完成的上门拜访")
    if not isinstance(data.get("evaluated_on"), date):
        raise ValueError("请填写日期")
    evaluation = contact.evaluation or VisitEvaluation(contact=contact)
    if evaluation.evaluated_on != data["evaluated_on"]:
        evaluation.evaluated_on = data["evaluated_on"]
    existing = {item.aspect: item for item in evaluation.items}
    for position, aspect in enumerate(visits.ASPECTS, start=1):
        values = data.get(aspect) or {}
        if values.get("rating") not in visits.RATINGS:
            raise ValueError(f"请为“{visits.ASPECTS[aspect]}”选择效果评估")
        item = existing.get(aspect)
        if item is None:
            item = VisitEvaluationItem(aspect=aspect, position=position)
            evaluation.items.append(item)
        changes = {"rating": values["rating"]} | {
            field: clean_text(values.get(field)) for field in EVALUATION_TEXT
        }
        set_changed(item, changes)
    db.session.add(evaluation)
    return evaluation


@use_case
def save_readiness(contact: Contact, data: dict, user: User) -> VisitReadiness:
    """The six readiness questions of the visit guidance, ticked before a home visit."""
    _check_owner(contact, user)
    if contact.kind != "home":
        raise ValueError("准备完成的标准用于上门拜访")
    readiness = contact.readiness or VisitReadiness(contact=contact)
    changes = {q.field: bool(data.get(q.field)) for q in visits.READINESS}
    set_changed(readiness, changes | {"note": clean_text(data.get("note"))})
    db.session.add(readiness)
    return readiness


def _apply(contact: Contact, data: dict) -> None:
    """Check the values of a contact, then set them (nothing is set unless all are valid)."""
    kind, status = data.get("kind"), data.get("status") or contact.status or "done"
    if kind not in visits.KINDS:
        raise ValueError("请选择联系方式")
    if status not in visits.STATUSES:
        raise ValueError("未知的状态")
    at = data.get("at")
    if not isinstance(at, datetime):
        raise ValueError("请填写拜访时间" if status == "done" else "请填写计划时间")
    at = to_utc(at)
    values = {field: clean_text(data.get(field)) for field in CONTACT_TEXT}
    if status == "done":
        if at > utcnow() + FUTURE_SLACK:
            raise ValueError("已完成的拜访时间不能晚于现在")
        if not values["content"]:
            raise ValueError("请填写拜访主要内容")
        values |= {"occurred_at": at}  # a completed plan keeps its planned time
    else:
        values |= {"planned_at": at, "occurred_at": None}
    values |= {"kind": kind, "status": status, "core_client": bool(data.get("core_client"))}
    set_changed(contact, values)


def _check_owner(contact: Contact, user: User) -> None:
    if user.role != "manager" or contact.manager_id != user.id:
        raise PermissionError("只有登记该拜访的客户经理可以修改")


# --------------------------------------------------------------------------- reading


def visit_numbers(client_ids) -> dict[int, int]:
    """拜访次序 of every done visit of these clients: contact id → its number among the
    client's visits, by time (then by id). One windowed query over these clients only."""
    client_ids = sorted(set(client_ids))
    if not client_ids:
        return {}
    numbered = (
        select(
            Contact.id,
            func.row_number()
            .over(partition_by=Contact.client_id, order_by=(Contact.occurred_at, Contact.id))
            .label("visit_no"),
        )
        .where(
            Contact.client_id.in_(client_ids),
            Contact.status == "done",
            Contact.kind.in_(visits.VISIT_KINDS),
        )
        .subquery()
    )
    return dict(db.session.execute(select(numbered.c.id, numbered.c.visit_no)).tuples().all())


@dataclass
class ContactRow:
    contact: Contact
    visit_no: int | None  # 拜访次序; None for a planned contact or a non-visit


def _rows(contacts) -> list[ContactRow]:
    contacts = list(contacts)
    numbers = visit_numbers(c.client_id for c in contacts)
    return [ContactRow(c, numbers.get(c.id)) for c in contacts]


def client_contacts(client: Client, user: User) -> list[ContactRow]:
    """The client's contacts the user may see: planned first (soonest first), then done,
    newest first."""
    stmt = (
        scope.scoped(Contact, user)
        .where(Contact.client_id == client.id)
        .options(joinedload(Contact.manager))
        .order_by(
            (Contact.status == "done"),
            Contact.planned_at,
            Contact.occurred_at.desc(),
            Contact.id.desc(),
        )
    )
    return _rows(db.session.scalars(stmt))


def visit_number(contact: Contact) -> int | None:
    """拜访次序 of one contact (None unless it is a done visit)."""
    return visit_numbers([contact.client_id]).get(contact.id)


@dataclass
class ContactFilter:
    manager_id: int | None = None
    kind: str = ""
    status: str = ""
    first: date | None = None
    last: date | None = None


def contacts_page(
    user: User, filters: ContactFilter, limit: int = 50, offset: int = 0
) -> tuple[list[ContactRow], int]:
    """The user's contacts (a manager's own and their clients'; the branch's for its head),
    filtered, newest first; returns the page's rows and the total."""
    stmt = scope.scoped(Contact, user)
    if filters.manager_id:
        stmt = stmt.where(Contact.manager_id == filters.manager_id)
    if filters.kind in visits.KINDS:
        stmt = stmt.where(Contact.kind == filters.kind)
    if filters.status in visits.STATUSES:
        stmt = stmt.where(Contact.status == filters.status)
    moment = func.coalesce(Contact.occurred_at, Contact.planned_at)
    if filters.first:
        stmt = stmt.where(moment >= utc_start(filters.first))
    if filters.last:
        stmt = stmt.where(moment < utc_start(filters.last + timedelta(days=1)))
    total = db.session.scalar(
        stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
    page = (
        stmt.options(joinedload(Contact.client), joinedload(Contact.manager))
        .order_by(moment.desc(), Contact.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return _rows(db.session.scalars(page)), total


@dataclass
class RecordSection:
    """One section of 附件7: the visits of the clients whose surname starts with ``letter``."""

    letter: str
    rows: list[ContactRow]


def visit_record(manager: User, first: date | None = None, last: date | None = None):
    """附件7 客户经理客户拜访记录表 of a manager: the done visits they made, by surname initial
    (A–Z, then #), then by client and 拜访次序."""
    stmt = (
        select(Contact)
        .join(Client, Client.id == Contact.client_id)
        .where(
            Contact.manager_id == manager.id,
            Contact.status == "done",
            Contact.kind.in_(visits.VISIT_KINDS),
        )
        .order_by(
            (Client.surname_initial == surname.OTHER),
            *NAME_ORDER,
            Contact.occurred_at,
            Contact.id,
        )
    )
    if first:
        stmt = stmt.where(Contact.occurred_at >= utc_start(first))
    if last:
        stmt = stmt.where(Contact.occurred_at < utc_start(last + timedelta(days=1)))
    sections: list[RecordSection] = []
    for row in _rows(db.session.scalars(stmt.options(joinedload(Contact.client)))):
        letter = row.contact.client.surname_initial
        if not sections or sections[-1].letter != letter:
            sections.append(RecordSection(letter, []))
        sections[-1].rows.append(row)
    return sections


def default_core(client: Client) -> bool:
    """The core-client flag a new contact starts with: as at the client's last contact
    (a client is core until the manager says otherwise)."""
    last = db.session.scalar(
        select(Contact.core_client)
        .where(Contact.client_id == client.id)
        .order_by(Contact.id.desc())
        .limit(1)
    )
    return True if last is None else last


@dataclass
class Today:
    """A manager's day at a glance (home page)."""

    planned: list[Contact]
    done: list[Contact]


def today_for(manager: User, day: date) -> Today:
    """The manager's contacts planned for ``day`` and those done on it."""
    start, end = utc_bounds(day, day)
    base = (
        select(Contact).where(Contact.manager_id == manager.id).options(joinedload(Contact.client))
    )
    planned = db.session.scalars(
        base.where(
            Contact.status == "planned", Contact.planned_at >= start, Contact.planned_at < end
        ).order_by(Contact.planned_at)
    ).all()
    done = db.session.scalars(
        base.where(
            Contact.status == "done", Contact.occurred_at >= start, Contact.occurred_at < end
        ).order_by(Contact.occurred_at)
    ).all()
    return Today(list(planned), list(done))
