"""The daily work log (附件2 工作日志记录表; Art. 51–54): one per manager per day with work.

Every working day is due a log. A weekend or holiday on which the manager logged contacts may
have one too (Art. 51 expects evening and 7×24 work); it is never due.

客户服务（次/天） counts the manager's done contacts of the day — every kind, e-mail and SMS
included (``domain.visits``); 理财咨询（次/天） counts the day's consultation rows; 产品销售
is entered in 万元. 昨日计划 is the 明日计划 of the manager's previous log.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.domain.beijing import china_today, local_date, month_end, month_start, utc_bounds
from portal.extensions import db
from portal.models import Client, Consultation, Contact, User, WorkLog
from portal.services import calendar, contacts
from portal.services.records import clean_text, set_changed, sync_rows, use_case

LOG_TEXT = ("morning_notes", "plan_review", "insights", "tomorrow_plan")
MAX_CONSULTATIONS = 30
SALES_LIMIT = Decimal("99999999.99")


@use_case
def save_log(manager: User, day: date, data: dict, consultations: list[dict]) -> WorkLog:
    """Write (or rewrite) the manager's log of ``day``, a day not in the future on which
    a log may be written (``log_writable``).

    ``data``: the texts of ``LOG_TEXT`` and ``product_sales`` (万元, Decimal);
    ``consultations``: rows of ``client_id`` (one of the manager's clients) and ``summary``;
    rows left blank are dropped."""
    if manager.role != "manager":
        raise PermissionError("工作日志由客户经理本人填写")
    if day > china_today():
        raise ValueError("不能填写未来日期的工作日志")
    if not log_writable(manager, day):
        raise ValueError(f"{day} 不是工作日，当天也没有登记已完成的联系，不能填写工作日志")
    sales = data.get("product_sales")
    sales = Decimal("0") if sales in (None, "") else _decimal(sales)
    if not Decimal("0") <= sales <= SALES_LIMIT:
        raise ValueError("产品销售金额应为不小于0的万元数")
    rows = _consultation_rows(manager, consultations)
    log = log_of(manager.id, day) or WorkLog(
        manager_id=manager.id, branch_id=manager.branch_id, day=day
    )
    set_changed(log, {f: clean_text(data.get(f)) for f in LOG_TEXT} | {"product_sales": sales})
    sync_rows(log.consultations, Consultation, rows)
    db.session.add(log)
    return log


def _consultation_rows(manager: User, rows: list[dict]) -> list[dict]:
    wanted = []
    for row in rows:
        client_id, summary = row.get("client_id"), clean_text(row.get("summary"))
        if not client_id and not summary:
            continue
        if not client_id:
            raise ValueError("理财咨询须选择客户")
        wanted.append({"client_id": int(client_id), "summary": summary})
    if len(wanted) > MAX_CONSULTATIONS:
        raise ValueError(f"一天最多登记{MAX_CONSULTATIONS}条理财咨询")
    ids = {row["client_id"] for row in wanted}
    if ids:
        own = set(
            db.session.scalars(
                select(Client.id).where(Client.id.in_(ids), Client.manager_id == manager.id)
            )
        )
        if ids - own:
            raise ValueError("理财咨询只能选择本人名下的客户")
    return wanted


def _decimal(value) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError("product_sales must be Decimal")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"无效的数值：{value}") from None
    if not result.is_finite():
        raise ValueError(f"无效的数值：{value}")
    return result


def may_write_on(day: date, today: date, contacts_done: int) -> bool:
    """A log may be written for a day up to today that is a working day, or a weekend or
    holiday with work: at least one contact done that day."""
    return day <= today and (calendar.is_workday(day) or contacts_done > 0)


def log_writable(user: User, day: date) -> bool:
    """Whether ``user`` may write their own work log of ``day``."""
    if user.role != "manager":
        return False
    return may_write_on(day, china_today(), service_counts(user.id, day, day).get(day, 0))


# --------------------------------------------------------------------------- reading


def log_of(manager_id: int, day: date) -> WorkLog | None:
    return db.session.scalar(
        select(WorkLog)
        .where(WorkLog.manager_id == manager_id, WorkLog.day == day)
        .options(selectinload(WorkLog.consultations).joinedload(Consultation.client))
    )


def previous_log(manager_id: int, day: date) -> WorkLog | None:
    """The manager's latest log before ``day`` (its 明日计划 is 昨日计划)."""
    return db.session.scalar(
        select(WorkLog)
        .where(WorkLog.manager_id == manager_id, WorkLog.day < day)
        .order_by(WorkLog.day.desc())
        .limit(1)
    )


def service_counts(manager_id: int, first: date, last: date) -> dict[date, int]:
    """客户服务 per day: the manager's done contacts (every kind) per Beijing date."""
    start, end = utc_bounds(first, last)
    moments = db.session.scalars(
        select(Contact.occurred_at).where(
            Contact.manager_id == manager_id,
            Contact.status == "done",
            Contact.occurred_at >= start,
            Contact.occurred_at < end,
        )
    )
    counts: dict[date, int] = {}
    for moment in moments:
        day = local_date(moment)
        counts[day] = counts.get(day, 0) + 1
    return counts


@dataclass
class DaySheet:
    """What 附件2 shows for a manager's day: the stored log (if written), the day's done
    contacts (客户服务) and the previous log (昨日计划)."""

    manager: User
    day: date
    log: WorkLog | None
    contacts: list[Contact]
    previous: WorkLog | None

    @property
    def services(self) -> int:
        return len(self.contacts)

    @property
    def writable(self) -> bool:
        """Whether the manager may write the day's log (``may_write_on``)."""
        return may_write_on(self.day, china_today(), self.services)

    @property
    def consultations(self) -> int:
        return len(self.log.consultations) if self.log else 0

    @property
    def sales(self) -> Decimal:
        return self.log.product_sales if self.log else Decimal("0")


def day_sheet(manager: User, day: date) -> DaySheet:
    return DaySheet(
        manager=manager,
        day=day,
        log=log_of(manager.id, day),
        contacts=contacts.today_for(manager, day).done,
        previous=previous_log(manager.id, day),
    )


@dataclass
class MonthDay:
    day: date
    workday: bool
    log: WorkLog | None
    services: int
    consultations: int
    writable: bool
    """A log may be written for the day (``may_write_on``)."""


@dataclass
class Month:
    first: date
    days: list[MonthDay] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(1 for d in self.days if d.log)

    @property
    def due(self) -> int:
        """Working days up to today: only they are due a log."""
        today = china_today()
        return sum(1 for d in self.days if d.workday and d.day <= today)

    @property
    def missing(self) -> int:
        """Working days up to today without a log."""
        today = china_today()
        return sum(1 for d in self.days if d.workday and d.day <= today and not d.log)


def month_of(manager: User, first: date) -> Month:
    """Every day of the month up to today: working day or not, the log and the counts (three
    queries whatever the month's length)."""
    first = month_start(first)
    last = min(month_end(first), china_today())
    if last < first:
        return Month(first)
    logs = {
        log.day: log
        for log in db.session.scalars(
            select(WorkLog).where(
                WorkLog.manager_id == manager.id, WorkLog.day >= first, WorkLog.day <= last
            )
        )
    }
    consultations = dict(
        db.session.execute(
            select(WorkLog.day, func.count(Consultation.id))
            .join(Consultation, Consultation.log_id == WorkLog.id)
            .where(WorkLog.manager_id == manager.id, WorkLog.day >= first, WorkLog.day <= last)
            .group_by(WorkLog.day)
        )
        .tuples()
        .all()
    )
    services = service_counts(manager.id, first, last)
    month, today = Month(first), china_today()
    day = last
    while day >= first:
        month.days.append(
            MonthDay(
                day,
                calendar.is_workday(day),
                logs.get(day),
                services.get(day, 0),
                consultations.get(day, 0),
                may_write_on(day, today, services.get(day, 0)),
            )
        )
        day -= date.resolution
    return month


def written_today(manager: User) -> bool:
    return (
        db.session.scalar(
            select(WorkLog.id).where(WorkLog.manager_id == manager.id, WorkLog.day == china_today())
        )
        is not None
    )
