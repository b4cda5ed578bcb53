"""Investment advice (Art. 59–61): the daily summary (附件8), advice and follow-ups (附件9),
the weekly consulting summary (附件10) and the branch's monthly review.

- Suitability: advice on a product the client may not be offered is refused with the reason;
  a client without a current assessment must be assessed first (``services.risk``).
- Screening: the text is screened (``domain.screening``); a hit does not block saving, it
  flags the record for the branch head, who clears it or sends it back with a comment.
- Retention: nothing here is deleted within two years of its date (the database refuses too).
- Sign-off (Art. 61 每月末召开例会, ``domain.review``): a month is signed from its last working
  day on, once its meeting is held. After that, a change to that month's advice (or advice
  recorded late into it) needs a reason and is marked as made after sign-off; follow-ups are
  dated when made and need none.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.domain import consulting, screening
from portal.domain import review as review_rules
from portal.domain.beijing import (
    china_today,
    local_date,
    month_end,
    month_start,
    to_local,
    utc_bounds,
    utcnow,
)
from portal.extensions import db
from portal.models import Client, User
from portal.models.advice import (
    RETENTION_YEARS,
    Advice,
    AdviceFollowUp,
    DailyAdviceSummary,
    MonthlyReview,
)
from portal.services import calendar, risk, scope
from portal.services.records import use_case

ADVICE_TEXT = ("question", "advice", "remarks")
FOLLOWUP_TEXT = ("allocation", "content", "feedback")
SUMMARY_FIELDS = (
    "market_broad",
    "market_sector",
    "market_stock",
    "market_other",
    "morning_broad",
    "morning_sector",
    "morning_stock",
    "other",
    "personal",
)


class AdviceRefused(ValueError):
    """The advice may not be recorded; ``reasons`` say why, in Chinese. ``field`` names the
    form field the reasons concern, when there is one (e.g. ``"at"`` for a follow-up's time)."""

    def __init__(self, reasons: list[str], field: str | None = None):
        super().__init__("；".join(reasons))
        self.reasons = reasons
        self.field = field


def retained_until(moment: datetime) -> datetime:
    """The moment from which a record of ``moment`` may be deleted: two years on, the same
    rule as the database's triggers (naive UTC, like every stored time)."""
    try:
        return moment.replace(year=moment.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + RETENTION_YEARS, day=28)


# ----------------------------------------------------------------------- daily summary


@use_case
def save_daily_summary(manager: User, day: date, data: dict) -> DailyAdviceSummary:
    summary = db.session.scalar(
        select(DailyAdviceSummary).where(
            DailyAdviceSummary.manager_id == manager.id, DailyAdviceSummary.day == day
        )
    )
    if summary is None:
        summary = DailyAdviceSummary(manager_id=manager.id, branch_id=manager.branch_id, day=day)
        db.session.add(summary)
    for name in SUMMARY_FIELDS:
        value = (data.get(name) or "").strip()
        if getattr(summary, name) != value:
            setattr(summary, name, value)
    return summary


def daily_summary(manager_id: int, day: date) -> DailyAdviceSummary | None:
    return db.session.scalar(
        select(DailyAdviceSummary).where(
            DailyAdviceSummary.manager_id == manager_id, DailyAdviceSummary.day == day
        )
    )


# ------------------------------------------------------------------------------ advice


def _screen_fields(record, names) -> list[dict]:
    hits = []
    for name in names:
        for hit in screening.screen(getattr(record, name) or ""):
            hits.append(
                {
                    "field": name,
                    "rule": hit.rule,
                    "name": hit.name,
                    "clause": hit.clause,
                    "matched": hit.matched,
                    "start": hit.start,
                    "end": hit.end,
                }
            )
    return hits


def _rescreen(advice: Advice) -> None:
    """Screen the advice and its follow-ups again; a new hit flags it for the branch head.
    Once nothing is found any more, a record flagged only by the screening (the branch head
    has not reviewed it yet) goes back to clear; one the head has reviewed stays as it is
    (a returned record, once corrected, waits for the head again). The audit trail keeps
    the earlier hits and states."""
    before = {(h["field"], h["matched"]) for h in advice.screening_hits or []}
    advice.screening_hits = _screen_fields(advice, ADVICE_TEXT)
    found = {(h["field"], h["matched"]) for h in advice.screening_hits}
    for followup in advice.followups:
        followup.screening_hits = _screen_fields(followup, FOLLOWUP_TEXT)
        found |= {
            (f"followup{followup.number}.{h['field']}", h["matched"])
            for h in followup.screening_hits
        }
    if found - before or (found and advice.review_state == "clear"):
        advice.review_state = "flagged"
    elif not found and advice.review_state == "flagged" and advice.reviewed_by_id is None:
        advice.review_state = "clear"


def signed_off(branch_id: int, day: date) -> MonthlyReview | None:
    review = db.session.scalar(
        select(MonthlyReview).where(
            MonthlyReview.branch_id == branch_id, MonthlyReview.month == month_start(day)
        )
    )
    return review if review is not None and review.signed_off_at is not None else None


def _after_signoff(advice: Advice, reason: str | None, *, late: bool = False) -> None:
    """A change to the advice of a signed month (``late``: new advice dated into it) needs a
    reason, and is marked as made after sign-off."""
    day = local_date(advice.given_at)
    if signed_off(advice.branch_id, day):
        if not (reason or "").strip():
            what = "补记该月的投资建议" if late else "修改该月的投资建议"
            raise AdviceRefused(
                [f"{day:%Y年%m月}的投资咨询例会已签署，{what}须填写修改原因，并将标记为签署后修改"],
                field="reason",
            )
        advice.changed_after_signoff = True
        advice.change_reason = reason.strip()


@use_case
def record_advice(client: Client, data: dict, user: User, reason: str | None = None) -> Advice:
    """Record advice a manager gave their client (附件9), after the suitability check."""
    verdict = risk.check_product(client, data["product_code"])
    if not verdict.allowed:
        raise AdviceRefused(verdict.reasons)
    advice = Advice(
        client_id=client.id,
        manager_id=user.id if user.role == "manager" else client.manager_id,
        branch_id=client.branch_id,
        given_at=data.get("given_at") or utcnow(),
        client_class=client.class_code,
        client_risk_level=client.risk_level,
        category=data["category"],
        product_code=data["product_code"],
        question=data["question"].strip(),
        advice=data["advice"].strip(),
        remarks=(data.get("remarks") or "").strip(),
        screening_hits=[],
    )
    _after_signoff(advice, reason, late=True)
    db.session.add(advice)
    _rescreen(advice)
    return advice


@use_case
def correct_advice(advice: Advice, data: dict, user: User, reason: str | None = None) -> Advice:
    """A correction keeps the earlier text in the audit trail; after the month's sign-off it
    needs a reason. A record sent back by the branch head goes back to review."""
    _after_signoff(advice, reason)
    for name in ("category", *ADVICE_TEXT):
        value = (data.get(name) or "").strip()
        if getattr(advice, name) != value:
            setattr(advice, name, value)
    if advice.review_state == "returned":
        advice.review_state = "flagged"
    _rescreen(advice)
    return advice


@use_case
def add_followup(advice: Advice, data: dict, user: User) -> AdviceFollowUp:
    """A follow-up is dated when it is made; the month's sign-off does not concern it."""
    if not advice.may_follow_up:
        raise AdviceRefused(["每条投资建议最多记录三次跟踪服务（跟踪服务一、二、三）"])
    at = data.get("at") or utcnow()
    if at < advice.given_at:
        shown = to_local(advice.given_at).strftime("%Y-%m-%d %H:%M")
        raise AdviceRefused([f"跟踪服务的时间不能早于投资建议的时间（{shown}）。"], field="at")
    followup = AdviceFollowUp(
        advice=advice,
        number=len(advice.followups) + 1,
        at=at,
        allocation=(data.get("allocation") or "").strip(),
        cumulative_gain=data.get("cumulative_gain"),
        content=data["content"].strip(),
        feedback=(data.get("feedback") or "").strip(),
        screening_hits=[],
    )
    db.session.add(followup)
    _rescreen(advice)
    return followup


@use_case
def review(advice: Advice, action: str, comment: str, user: User) -> None:
    """The branch head clears a flagged record or sends it back with a comment."""
    if user.role != "branch_head" or user.branch_id != advice.branch_id:
        raise PermissionError("只有本营业部总经理可以审核")
    if action == "return" and not comment.strip():
        raise AdviceRefused(["退回时请写明意见"])
    advice.review_state = "cleared" if action == "clear" else "returned"
    advice.review_comment = comment.strip()
    advice.reviewed_by_id = user.id
    advice.reviewed_at = utcnow()


@use_case
def delete_advice(advice: Advice, now: datetime | None = None) -> None:
    """Only after the retention period (two years from the advice date and time)."""
    until = retained_until(advice.given_at)
    if (now or utcnow()) < until:
        shown = to_local(until).strftime("%Y-%m-%d %H:%M")
        raise AdviceRefused([f"投资建议及其依据自建议之日起保存不少于两年，{shown}前不能删除"])
    for followup in advice.followups:
        db.session.delete(followup)
    db.session.delete(advice)


def month_list(month: date, flagged_only: bool = False) -> list[Advice]:
    """The month's advice the current user may see, newest first, with what the list shows."""
    start, end = utc_bounds(month, month_end(month))
    stmt = (
        scope.scoped(Advice)
        .options(
            selectinload(Advice.client),
            selectinload(Advice.followups),
            selectinload(Advice.manager),
        )
        .where(Advice.given_at >= start, Advice.given_at < end)
    )
    if flagged_only:
        stmt = stmt.where(Advice.review_state.in_(("flagged", "returned")))
    return list(db.session.scalars(stmt.order_by(Advice.given_at.desc())))


def for_client(client: Client, limit: int = 20) -> list[Advice]:
    """The latest advice to a client that the current user may see (for the client's file)."""
    return list(
        db.session.scalars(
            scope.scoped(Advice)
            .options(selectinload(Advice.followups))
            .where(Advice.client_id == client.id)
            .order_by(Advice.given_at.desc())
            .limit(limit)
        )
    )


# -------------------------------------------------------------------------- summaries


def weekly_table(manager_id: int, monday: date) -> consulting.WeeklyTable:
    """附件10 for a manager and the week starting ``monday``."""
    start, end = utc_bounds(monday, monday + timedelta(days=6))
    advice = db.session.execute(
        select(Advice.given_at, Advice.category).where(
            Advice.manager_id == manager_id, Advice.given_at >= start, Advice.given_at < end
        )
    ).all()
    followups = db.session.execute(
        select(AdviceFollowUp.at, Advice.category)
        .join(Advice)
        .where(Advice.manager_id == manager_id, AdviceFollowUp.at >= start, AdviceFollowUp.at < end)
    ).all()
    return consulting.weekly_table(
        monday,
        [(local_date(at), category) for at, category in advice],
        [(local_date(at), category) for at, category in followups],
    )


@dataclass
class ManagerMonth:
    manager: User
    advice: list[Advice] = field(default_factory=list)
    followups: int = 0
    last_month_advice: int = 0
    last_month_followups: int = 0

    @property
    def flagged(self) -> list[Advice]:
        return [a for a in self.advice if a.review_state in ("flagged", "returned")]


def month_items(branch_id: int, month: date) -> list[ManagerMonth]:
    """Each manager of the branch with the month's advice (and its follow-ups, loaded in one
    query), and the counts of the month before."""
    start, end = utc_bounds(month, month_end(month))
    previous = utc_bounds(month_start(month - timedelta(days=1)), month - timedelta(days=1))
    managers = db.session.scalars(
        select(User).where(User.branch_id == branch_id, User.role == "manager").order_by(User.id)
    ).all()
    rows = {m.id: ManagerMonth(m) for m in managers}
    advice = db.session.scalars(
        select(Advice)
        .options(selectinload(Advice.followups), selectinload(Advice.client))
        .where(Advice.branch_id == branch_id, Advice.given_at >= start, Advice.given_at < end)
        .order_by(Advice.given_at)
    ).all()
    for item in advice:
        _row(rows, item.manager_id).advice.append(item)
    for (first, last), attr in (((start, end), "followups"), (previous, "last_month_followups")):
        for manager_id, count in db.session.execute(
            select(Advice.manager_id, func.count(AdviceFollowUp.id))
            .join(Advice)
            .where(
                Advice.branch_id == branch_id, AdviceFollowUp.at >= first, AdviceFollowUp.at < last
            )
            .group_by(Advice.manager_id)
        ):
            setattr(_row(rows, manager_id), attr, count)
    for manager_id, count in db.session.execute(
        select(Advice.manager_id, func.count())
        .where(
            Advice.branch_id == branch_id,
            Advice.given_at >= previous[0],
            Advice.given_at < previous[1],
        )
        .group_by(Advice.manager_id)
    ):
        _row(rows, manager_id).last_month_advice = count
    return list(rows.values())


def _row(rows: dict[int, "ManagerMonth"], manager_id: int) -> "ManagerMonth":
    """A manager's row; one who has since left the branch still shows with their advice."""
    if manager_id not in rows:
        rows[manager_id] = ManagerMonth(db.session.get(User, manager_id))
    return rows[manager_id]


def get_review(branch_id: int, month: date) -> MonthlyReview | None:
    return db.session.scalar(
        select(MonthlyReview).where(
            MonthlyReview.branch_id == branch_id, MonthlyReview.month == month
        )
    )


@use_case
def save_review(branch_id: int, month: date, data: dict) -> MonthlyReview:
    review_record = get_review(branch_id, month)
    if review_record is None:
        review_record = MonthlyReview(branch_id=branch_id, month=month)
        db.session.add(review_record)
    if review_record.signed_off_at is not None:
        raise AdviceRefused(["会议记录已签署，不能再修改"])
    for name in ("held_on", "attendees", "minutes", "decisions"):
        value = data.get(name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(review_record, name) != value:
            setattr(review_record, name, value)
    return review_record


def awaiting_review(branch_id: int, month: date) -> int:
    """How many of the branch's advice of ``month`` are flagged and wait for the head."""
    start, end = utc_bounds(month, month_end(month))
    return db.session.scalar(
        select(func.count(Advice.id)).where(
            Advice.branch_id == branch_id,
            Advice.given_at >= start,
            Advice.given_at < end,
            Advice.review_state == "flagged",
        )
    )


@use_case
def sign_off(review_record: MonthlyReview, user: User) -> None:
    """The head signs the month's meeting record: from the month's last working day on, once
    the meeting is held and every flagged advice is reviewed."""
    if user.role != "branch_head" or user.branch_id != review_record.branch_id:
        raise PermissionError("只有本营业部总经理可以签署")
    refusals = review_record.sign_refusals(china_today())
    if refusals:
        raise AdviceRefused(refusals)
    waiting = awaiting_review(review_record.branch_id, review_record.month)
    if waiting:
        raise AdviceRefused([f"本月还有{waiting}条待审核的投资建议，请先审核后再签署。"])
    review_record.signed_off_by_id = user.id
    review_record.signed_off_at = utcnow()


@dataclass(frozen=True)
class MeetingState:
    """Where a branch stands with the meeting due today (for to-do lists)."""

    month: date
    signable_from: date
    held: bool
    signed: bool


def meeting_state(branch_id: int, today: date | None = None) -> MeetingState:
    """The branch's meeting of the month due ``today`` (``domain.review.due_month``): held
    (date and minutes recorded)? signed?"""
    month = review_rules.due_month(today or china_today(), calendar.overrides())
    record = get_review(branch_id, month)
    return MeetingState(
        month=month,
        signable_from=review_rules.signable_from(month, calendar.overrides()),
        held=bool(record and record.held_on and (record.minutes or "").strip()),
        signed=bool(record and record.signed_off_at),
    )
