"""The inquiry register (首问负责制, Art. 29, 31, 36, 44, 47; SPEC §5): logging a question,
asking a colleague, the after-hours note, the answer and the head's review of a flagged one.

- Ownership: the user who logs an inquiry owns it, and stays its owner: asking a colleague
  records the colleague beside the owner; nothing here ever changes ``owner_id``.
- Who may do what to one inquiry (beyond :mod:`portal.services.permissions`): the owner asks
  a colleague and records the after-hours note; the owner or the colleague answers; the
  branch head reviews a flagged answer. Anything else is :class:`InquiryRefused`
  (``forbidden``: the view answers 403).
- Dates follow the working-day calendar (:func:`overrides`: HQ's holiday table wins).
- Screening (Art. 44): an answer with a forbidden phrase is saved and flagged for the head.
- Nothing is deleted; every change leaves an audit trace (the model is ``Audited``).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from portal.domain import inquiries as rules
from portal.domain import screening
from portal.domain.beijing import to_local, utcnow
from portal.domain.workdays import is_workday
from portal.extensions import db
from portal.models import Client, User
from portal.models.inquiry import Inquiry
from portal.services import calendar, scope
from portal.services.records import clean_text, use_case

STAFF_ROLES = ("manager", "counter", "branch_head")
LIST_LIMIT = 300


class InquiryRefused(ValueError):
    """The change may not be made: ``reasons`` in Chinese, the form ``field`` they concern,
    and whether it is a matter of who the user is (``forbidden``: 403)."""

    def __init__(self, reasons: list[str], field: str | None = None, forbidden: bool = False):
        super().__init__("；".join(reasons))
        self.reasons = reasons
        self.field = field
        self.forbidden = forbidden


def overrides() -> dict[date, bool]:
    """HQ's holiday table (date → working day), which wins over the statutory holidays and
    the published calendar (:mod:`portal.services.calendar`)."""
    return calendar.overrides()


def screen_answer(text: str) -> list[dict]:
    """The forbidden phrases of Art. 44 in an answer, as stored on the inquiry."""
    return [
        {"matched": hit.matched, "name": hit.name, "clause": hit.clause}
        for hit in screening.screen_service(text)
    ]


# ------------------------------------------------------------------------------ changes


@use_case
def log_inquiry(data: dict, user: User, client: Client | None = None) -> Inquiry:
    """Log a question ``user`` has just heard (they own it). ``data``: channel, received_at
    (naive UTC), question, asker_name / asker_phone (a non-client), told_client and
    follow_up_on (outside working hours)."""
    if user.role not in STAFF_ROLES or user.branch_id is None:
        raise InquiryRefused(["只有营业部人员可以登记咨询。"], forbidden=True)
    if client is not None and client.branch_id != user.branch_id:
        raise InquiryRefused(["该客户不属于本营业部。"], field="client_id")
    name = "" if client else clean_text(data.get("asker_name"))
    if client is None and not name:
        raise InquiryRefused(["请选择客户，或填写非客户咨询人的姓名。"], field="asker_name")
    received = data.get("received_at") or utcnow()
    local = to_local(received)
    hours = overrides()
    inquiry = Inquiry(
        branch_id=user.branch_id,
        channel=data["channel"],
        client_id=client.id if client else None,
        asker_name=name,
        asker_phone="" if client else clean_text(data.get("asker_phone")),
        question=clean_text(data.get("question")),
        received_at=received,
        owner_id=user.id,
        after_hours=not rules.within_working_hours(local, hours),
        due_on=rules.email_due(local.date(), hours) if data["channel"] == "email" else None,
        screening_hits=[],
    )
    told = clean_text(data.get("told_client"))
    if inquiry.after_hours:
        if not told:
            raise InquiryRefused(
                ["非工作时间受理的咨询，请记录告知客户的内容。"], field="told_client"
            )
        inquiry.told_client = told
        inquiry.follow_up_on = _follow_up(data.get("follow_up_on"), local, hours)
    db.session.add(inquiry)
    return inquiry


def _follow_up(chosen: date | None, local: datetime, hours) -> date:
    """The follow-up day of an after-hours inquiry: the one chosen, a working day not before
    the day it came in; by default the rule's (:func:`rules.follow_up_day`)."""
    if chosen is None:
        return rules.follow_up_day(local, hours)
    if chosen < local.date():
        raise InquiryRefused(["跟进日期不能早于受理日期。"], field="follow_up_on")
    if not is_workday(chosen, hours):
        raise InquiryRefused(["跟进日期应为工作日。"], field="follow_up_on")
    return chosen


@use_case
def record_after_hours(inquiry: Inquiry, told: str, chosen: date | None, user: User) -> Inquiry:
    """The owner's note of what the client was told outside working hours, and the follow-up
    day."""
    _open_and_owned(inquiry, user)
    told = clean_text(told)
    if not told:
        raise InquiryRefused(["请记录告知客户的内容。"], field="told_client")
    follow_up = _follow_up(chosen, to_local(inquiry.received_at), overrides())
    if inquiry.told_client != told:
        inquiry.told_client = told
    if inquiry.follow_up_on != follow_up:
        inquiry.follow_up_on = follow_up
    return inquiry


def colleagues(user: User) -> list[User]:
    """Whom the user may ask for help: the active staff of their branch but themself."""
    if user.branch_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.branch_id == user.branch_id,
                User.active.is_(True),
                User.role.in_(STAFF_ROLES),
                User.id != user.id,
            )
            .order_by(User.display_name, User.id)
        )
    )


@use_case
def ask_colleague(inquiry: Inquiry, colleague_id: int, note: str, user: User) -> Inquiry:
    """The owner asks a colleague of the branch, who is recorded beside them; the owner stays
    responsible (the ownership does not move)."""
    _open_and_owned(inquiry, user)
    colleague = db.session.get(User, colleague_id)
    if (
        colleague is None
        or colleague.id == inquiry.owner_id
        or colleague.branch_id != inquiry.branch_id
        or not colleague.active
        or colleague.role not in STAFF_ROLES
    ):
        raise InquiryRefused(["请选择本营业部的一位同事。"], field="colleague_id")
    if inquiry.colleague_id != colleague.id:
        inquiry.colleague_id = colleague.id
        inquiry.colleague_asked_at = utcnow()
    inquiry.colleague_note = clean_text(note)
    return inquiry


@use_case
def answer(inquiry: Inquiry, text: str, user: User, at: datetime | None = None) -> Inquiry:
    """The answer given to the client, by the owner or the colleague asked, now (``at``: the
    demo's past answers); screened (Art. 44): a hit saves it all the same and flags it for
    the branch head."""
    if inquiry.answered:
        raise InquiryRefused(["该咨询已答复。"], field="answer")
    if not inquiry.responsible(user):
        raise InquiryRefused(["只有首问责任人或被请协助的同事可以答复。"], forbidden=True)
    text = clean_text(text)
    if not text:
        raise InquiryRefused(["请填写答复内容。"], field="answer")
    inquiry.answer = text
    inquiry.answered_at = at or utcnow()
    inquiry.answered_by_id = user.id
    inquiry.screening_hits = screen_answer(text)
    if inquiry.screening_hits:
        inquiry.review_state = "flagged"
    return inquiry


@use_case
def review(inquiry: Inquiry, user: User) -> Inquiry:
    """The branch head has read a flagged answer (and spoken to its author)."""
    if user.role != "branch_head" or user.branch_id != inquiry.branch_id:
        raise InquiryRefused(["只有本营业部总经理可以审核。"], forbidden=True)
    if inquiry.review_state != "flagged":
        raise InquiryRefused(["该答复无需审核。"])
    inquiry.review_state = "cleared"
    inquiry.reviewed_by_id = user.id
    inquiry.reviewed_at = utcnow()
    return inquiry


def _open_and_owned(inquiry: Inquiry, user: User) -> None:
    if inquiry.owner_id != user.id:
        raise InquiryRefused(["只有首问责任人可以办理。"], forbidden=True)
    if inquiry.answered:
        raise InquiryRefused(["该咨询已答复。"])


# ------------------------------------------------------------------------------ queries


def may_see_phone(inquiry: Inquiry, user: User) -> bool:
    """A non-client's phone in full: for whoever calls back (the owner, the colleague asked)
    and the branch's head; masked for the others (SPEC §8)."""
    if inquiry.responsible(user):
        return True
    return user.role == "branch_head" and user.branch_id == inquiry.branch_id


@dataclass(frozen=True)
class Filters:
    state: str = ""  # "", "open", "answered", "overdue", "flagged"
    channel: str = ""
    mine: bool = False


STATES = {
    "open": "未答复",
    "answered": "已答复",
    "overdue": "逾期未复（电子邮件）",
    "flagged": "答复待审核",
}


def filtered(query: Select, filters: Filters, user: User, today: date) -> Select:
    if filters.state == "open":
        query = query.where(Inquiry.answered_at.is_(None))
    elif filters.state == "answered":
        query = query.where(Inquiry.answered_at.is_not(None))
    elif filters.state == "overdue":
        query = query.where(overdue_clause(today))
    elif filters.state == "flagged":
        query = query.where(Inquiry.review_state == "flagged")
    if filters.channel in rules.CHANNELS:
        query = query.where(Inquiry.channel == filters.channel)
    if filters.mine:
        query = query.where(or_(Inquiry.owner_id == user.id, Inquiry.colleague_id == user.id))
    return query


def overdue_clause(today: date):
    """An e-mail not answered by its last day (Art. 36)."""
    return and_(
        Inquiry.channel == "email",
        Inquiry.answered_at.is_(None),
        Inquiry.due_on < today,
    )


def listing(user: User, filters: Filters, today: date) -> list[Inquiry]:
    """The inquiries the user sees, newest first (at most ``LIST_LIMIT``)."""
    query = filtered(scope.scoped(Inquiry, user), filters, user, today)
    return list(
        db.session.scalars(
            query.options(
                selectinload(Inquiry.client),
                selectinload(Inquiry.owner),
                selectinload(Inquiry.colleague),
                selectinload(Inquiry.branch),
            )
            .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def for_client(client: Client, user: User | None = None) -> list[Inquiry]:
    """Every inquiry of the client the user sees, newest first (the client's file)."""
    return list(
        db.session.scalars(
            scope.scoped(Inquiry, user)
            .where(Inquiry.client_id == client.id)
            .options(selectinload(Inquiry.owner), selectinload(Inquiry.colleague))
            .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
        )
    )


def file_panel(client: Client, user: User, today: date) -> dict:
    """The inquiries panel of a client's file: the rows and the day overdue is judged on."""
    return {"rows": for_client(client, user), "today": today}
