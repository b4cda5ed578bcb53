"""Client events (Art. 50.4, 50.6, 50.8, 50.11): record an event, the clients who attended,
correct either; the events on a client's file, in a manager's week and in the branch's figures
for the quarterly report.

Decisions (shown in the UI where a user would wonder):

* An event is organised by a client manager or the branch head, and belongs to their branch.
  Its organiser and the branch head may correct its details; nothing is deleted.
* Attendees are picked with the client picker, so each user adds the clients they may see:
  a manager their own clients (to any event of the branch, e.g. the head's 理财大讲堂), the
  head any client of the branch. A client of another branch is refused.
* An attendance recorded by mistake is withdrawn with a reason: kept, shown struck through,
  no longer counted. Entering the same client again brings the row back.
* In a manager's week (附件5's page, *not* its points) the portal counts the attendances of
  the manager's clients at events held that week — the manager the client had when the
  attendance was recorded — and the events the manager organised.
* Events are held, not planned: the date is not after today. Upcoming ones go in the branch
  profile's 最新活动.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.domain.beijing import china_today, utcnow
from portal.extensions import db
from portal.models import Client, User
from portal.models.event import EVENT_KINDS, ClientEvent, EventAttendance
from portal.services import scope
from portal.services.records import clean_text, set_changed, use_case

EVENT_FIELDS = ("kind", "held_on", "topic", "speaker", "place", "notes")


class EventRefused(ValueError):
    """A change the rules refuse; ``field`` is the form field the message belongs under."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _event_values(data: dict) -> dict:
    values = {name: data[name] for name in EVENT_FIELDS if name in data}
    for name in ("topic", "speaker", "place", "notes"):
        if name in values:
            values[name] = clean_text(values[name])
    if values.get("kind") not in EVENT_KINDS:
        raise EventRefused("请选择活动类型。", "kind")
    held_on = values.get("held_on")
    if held_on is None:
        raise EventRefused("请填写日期。", "held_on")
    if held_on > china_today():
        raise EventRefused("活动日期不能晚于今天：登记的是已举办的活动。", "held_on")
    return values


def may_edit(event: ClientEvent, user: User) -> bool:
    """The organiser and the head of the event's branch correct an event's details."""
    return user.id == event.organiser_id or (
        user.role == "branch_head" and user.branch_id == event.branch_id
    )


@use_case
def record_event(data: dict, organiser: User) -> ClientEvent:
    if organiser.branch_id is None:
        raise EventRefused("只有营业部的客户经理或总经理可以登记客户活动。")
    event = ClientEvent(branch_id=organiser.branch_id, organiser_id=organiser.id)
    set_changed(event, {"place": "", "notes": ""} | _event_values(data))
    db.session.add(event)
    db.session.flush()
    return event


@use_case
def correct_event(event: ClientEvent, data: dict, user: User) -> ClientEvent:
    if not may_edit(event, user):
        raise EventRefused("只有活动的组织人或营业部总经理可以修改活动。")
    set_changed(event, _event_values(data))
    return event


@use_case
def add_attendee(event: ClientEvent, client: Client, user: User) -> EventAttendance:
    """Record that ``client`` attended ``event`` (the client must be in the user's scope —
    the view loads it through scope — and of the event's branch)."""
    if client.branch_id != event.branch_id:
        raise EventRefused("只能登记本营业部的客户。", "client_id")
    attendance = db.session.scalar(
        select(EventAttendance).where(
            EventAttendance.event_id == event.id, EventAttendance.client_id == client.id
        )
    )
    if attendance is not None and not attendance.withdrawn:
        raise EventRefused(f"{client.name}已登记为到场客户。", "client_id")
    values = {
        "manager_id": client.manager_id,
        "recorded_by_id": user.id,
        "recorded_at": utcnow(),
        "withdrawn_at": None,
        "withdrawn_by_id": None,
        "withdrawn_reason": "",
    }
    if attendance is None:
        attendance = EventAttendance(event_id=event.id, client_id=client.id, **values)
        db.session.add(attendance)
    else:
        set_changed(attendance, values)
    db.session.flush()
    return attendance


@use_case
def withdraw_attendee(attendance: EventAttendance, reason: str, user: User) -> None:
    """An attendance recorded by mistake: kept with who withdrew it, when and why."""
    reason = clean_text(reason)
    if not reason:
        raise EventRefused("请填写撤销原因。", "reason")
    if attendance.withdrawn:
        raise EventRefused("该登记已撤销。", "reason")
    set_changed(
        attendance,
        {"withdrawn_at": utcnow(), "withdrawn_by_id": user.id, "withdrawn_reason": reason},
    )


# --------------------------------------------------------------------------- reading


def event_list(user: User, first: date, last: date, kind: str | None = None) -> list[dict]:
    """The events in the user's scope held from ``first`` to ``last``, newest first, each with
    the number of attendees the user may see and of all attendees."""
    counted = (
        select(EventAttendance.event_id, func.count().label("n"))
        .where(EventAttendance.withdrawn_at.is_(None))
        .group_by(EventAttendance.event_id)
        .subquery()
    )
    query = (
        scope.scoped(ClientEvent, user)
        .add_columns(func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.event_id == ClientEvent.id)
        .where(ClientEvent.held_on.between(first, last))
        .order_by(ClientEvent.held_on.desc(), ClientEvent.id.desc())
    )
    if kind in EVENT_KINDS:
        query = query.where(ClientEvent.kind == kind)
    return [{"event": event, "attendees": n} for event, n in db.session.execute(query)]


@dataclass
class Attendees:
    """An event's attendances the user may see (withdrawn ones last), and how many others."""

    shown: list[EventAttendance]
    present: int
    hidden: int


def attendees(event: ClientEvent, user: User) -> Attendees:
    rows = db.session.scalars(
        scope.scoped(EventAttendance, user)
        .where(EventAttendance.event_id == event.id)
        .join(Client, Client.id == EventAttendance.client_id)
        .order_by(EventAttendance.withdrawn_at.is_not(None), Client.name_sort_key)
    ).all()
    total = db.session.scalar(
        select(func.count())
        .select_from(EventAttendance)
        .where(EventAttendance.event_id == event.id, EventAttendance.withdrawn_at.is_(None))
    )
    present = sum(1 for a in rows if not a.withdrawn)
    return Attendees(shown=list(rows), present=total, hidden=total - present)


def for_client(client: Client) -> list[EventAttendance]:
    """The events the client attended (withdrawn entries too, marked), newest first."""
    return db.session.scalars(
        select(EventAttendance)
        .join(ClientEvent, ClientEvent.id == EventAttendance.event_id)
        .where(EventAttendance.client_id == client.id)
        .order_by(ClientEvent.held_on.desc(), ClientEvent.id.desc())
    ).all()


@dataclass
class KindCount:
    kind: str
    label: str
    events: int = 0
    attendances: int = 0


def _empty() -> dict[str, KindCount]:
    return {kind: KindCount(kind, label) for kind, label in EVENT_KINDS.items()}


def week_of(manager: User, monday: date, sunday: date) -> dict:
    """A manager's client events in a week, for the weekly summary page (not 附件5's points):
    per kind the events the manager organised and the attendances of their clients, and the
    events themselves."""
    rows = _empty()
    organised = db.session.execute(
        select(ClientEvent.kind, func.count())
        .where(ClientEvent.organiser_id == manager.id, ClientEvent.held_on.between(monday, sunday))
        .group_by(ClientEvent.kind)
    )
    for kind, n in organised:
        rows[kind].events = n
    attended = db.session.execute(
        select(ClientEvent.kind, func.count())
        .join(EventAttendance, EventAttendance.event_id == ClientEvent.id)
        .where(
            EventAttendance.manager_id == manager.id,
            EventAttendance.withdrawn_at.is_(None),
            ClientEvent.held_on.between(monday, sunday),
        )
        .group_by(ClientEvent.kind)
    )
    for kind, n in attended:
        rows[kind].attendances = n
    events = db.session.scalars(
        select(ClientEvent)
        .where(
            ClientEvent.held_on.between(monday, sunday),
            (ClientEvent.organiser_id == manager.id)
            | ClientEvent.id.in_(
                select(EventAttendance.event_id).where(
                    EventAttendance.manager_id == manager.id,
                    EventAttendance.withdrawn_at.is_(None),
                )
            ),
        )
        .order_by(ClientEvent.held_on, ClientEvent.id)
    ).all()
    return {
        "rows": list(rows.values()),
        "events": events,
        "total_events": sum(r.events for r in rows.values()),
        "total_attendances": sum(r.attendances for r in rows.values()),
    }


def counts(branch_id: int, first: date, last: date) -> dict[str, dict[str, int]]:
    """The branch's client events held from ``first`` to ``last`` (both included), for the
    quarterly report: ``{kind: {"label": 中文, "events": n, "attendances": m}}`` for every kind
    of ``EVENT_KINDS`` in order (zeros included); withdrawn attendances are not counted."""
    rows = _empty()
    held = ClientEvent.branch_id == branch_id, ClientEvent.held_on.between(first, last)
    for kind, n in db.session.execute(
        select(ClientEvent.kind, func.count()).where(*held).group_by(ClientEvent.kind)
    ):
        rows[kind].events = n
    for kind, n in db.session.execute(
        select(ClientEvent.kind, func.count())
        .join(EventAttendance, EventAttendance.event_id == ClientEvent.id)
        .where(*held, EventAttendance.withdrawn_at.is_(None))
        .group_by(ClientEvent.kind)
    ):
        rows[kind].attendances = n
    return {
        kind: {"label": row.label, "events": row.events, "attendances": row.attendances}
        for kind, row in rows.items()
    }
