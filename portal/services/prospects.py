"""Appointments to open an account (预约开户, Art. 32): entered by the branch's staff for a
manager, followed up (each follow-up dated, with its outcome), and — when the account is
opened — turned into a client file with what is known filled in, the link kept both ways.

A prospect not followed up within two working days of its entry or last follow-up is due
(:func:`portal.domain.prospects.follow_up_due`, HQ's holiday table applied): the manager's
to-do list counts them in one indexed query (``last_touch_on``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.domain import prospects as rules
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Client, User
from portal.models.prospect import Prospect, ProspectFollowUp
from portal.services import calendar, scope
from portal.services.records import clean_text, use_case

LIST_LIMIT = 300


class ProspectRefused(ValueError):
    """A change the rules refuse: ``field`` names the form field the message belongs under."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def latest_untouched_day(today: date) -> date:
    """The last ``last_touch_on`` that is overdue today: a prospect touched on that day or
    before has passed its two working days."""
    day = today
    while rules.follow_up_due(day, calendar.overrides()) >= today:
        day = date.fromordinal(day.toordinal() - 1)
    return day


def is_overdue(prospect: Prospect, today: date) -> bool:
    return (
        prospect.is_open
        and rules.follow_up_due(prospect.last_touch_on, calendar.overrides()) < today
    )


def due_on(prospect: Prospect) -> date:
    return rules.follow_up_due(prospect.last_touch_on, calendar.overrides())


@dataclass(frozen=True)
class Filters:
    state: str = "open"  # open | overdue | all
    day: date | None = None  # the appointment date


STATES = {"open": "跟进中", "overdue": "逾期未跟进", "all": "全部"}


def listing(user: User, filters: Filters, today: date) -> list[Prospect]:
    stmt = scope.scoped(Prospect, user)
    if filters.state in ("open", "overdue"):
        stmt = stmt.where(Prospect.status == "open")
    if filters.state == "overdue":
        stmt = stmt.where(Prospect.last_touch_on <= latest_untouched_day(today))
    if filters.day is not None:
        stmt = stmt.where(Prospect.appointment_on == filters.day)
    stmt = stmt.order_by(Prospect.appointment_on.desc(), Prospect.id.desc()).limit(LIST_LIMIT)
    return list(db.session.scalars(stmt))


def overdue_count(user: User, today: date) -> int:
    """How many of the user's open prospects are past their two working days (one query)."""
    return db.session.scalar(
        select(func.count(Prospect.id)).where(
            scope.clause(Prospect, user),
            Prospect.status == "open",
            Prospect.last_touch_on <= latest_untouched_day(today),
        )
    )


def _manager(manager_id: int | None, user: User) -> User:
    if user.role == "manager":
        return user
    manager = db.session.get(User, manager_id) if manager_id else None
    if manager is None or manager.role != "manager" or manager.branch_id != user.branch_id:
        raise ProspectRefused("请选择本营业部的客户经理。", "manager_id")
    return manager


@use_case
def enter(data: dict, user: User) -> Prospect:
    """Enter an appointment for a manager of the user's branch (a manager: for themself)."""
    manager = _manager(data.get("manager_id"), user)
    prospect = Prospect(
        branch_id=manager.branch_id,
        manager_id=manager.id,
        name=clean_text(data["name"]),
        phone=clean_text(data["phone"]),
        appointment_on=data["appointment_on"],
        source=data["source"],
        note=clean_text(data.get("note")),
        # The day it was entered (the demo backdates it; a user's entry is today's).
        last_touch_on=data.get("entered_on") or china_today(),
        created_by_id=user.id,
    )
    db.session.add(prospect)
    db.session.flush()
    return prospect


@use_case
def follow_up(prospect: Prospect, data: dict, user: User) -> ProspectFollowUp:
    """Record a follow-up (dated, not after today) of an open prospect."""
    if not prospect.is_open:
        raise ProspectRefused("该预约已结束（已开户或已放弃），不能再跟进。")
    if data["on"] > china_today():
        raise ProspectRefused("跟进日期不能晚于今天。", "on")
    record = ProspectFollowUp(
        prospect=prospect,
        on=data["on"],
        outcome=data["outcome"],
        note=clean_text(data.get("note")),
        by_id=user.id,
    )
    db.session.add(record)
    prospect.last_touch_on = max(prospect.last_touch_on, data["on"])
    prospect.status = rules.status_after(data["outcome"])
    return record


def client_defaults(prospect: Prospect) -> dict:
    """What the client form starts with when the prospect opens an account."""
    return {
        "name": prospect.name,
        "mobile": prospect.phone,
        "manager_id": prospect.manager_id,
        "opened_on": china_today(),
    }


@use_case
def opened(prospect: Prospect, client: Client) -> None:
    """The prospect opened an account: ``client`` is its file. Closes the prospect."""
    if not prospect.is_open:
        raise ProspectRefused("该预约已结束，不能再开户。")
    prospect.client_id = client.id
    prospect.status = "opened"


def of_client(client: Client) -> Prospect | None:
    """The appointment a client's account came from, if any (for the client's file)."""
    return db.session.scalar(select(Prospect).where(Prospect.client_id == client.id))
