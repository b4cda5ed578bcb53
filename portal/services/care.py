"""Care of clients (Art. 50.9, 50.10): birthdays of the coming days, the clients at risk of
leaving (客户流失风险) with why, and the retention (挽留) and 转销户 records kept on a client's
file. The rules are :mod:`portal.domain.care`'s; here they run in SQL over a manager's or a
branch's clients (a :class:`portal.services.selection.Selection` or any scope condition), a few
queries per page whatever the number of clients."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, exists, func, null, or_, select, true
from sqlalchemy.orm import aliased

from portal.domain import care
from portal.extensions import db
from portal.models import Client, CloseRequest, MonthlyFigure, Retention, User
from portal.models.client import NAME_ORDER
from portal.services.records import clean_text, use_case

# --- birthdays ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Birthday:
    client_id: int
    name: str
    client_no: str
    birthday: date
    manager: str
    day: date  # the day it is celebrated this time
    age: int  # the age reached that day
    days_away: int  # 0: today


def birthdays(condition: ColumnElement[bool], today: date) -> list[Birthday]:
    """The clients (of ``condition``: a manager's, a branch's) whose birthday is celebrated in
    the seven days from ``today``, soonest first; one indexed query on the month-day."""
    rows = db.session.execute(
        select(Client.id, Client.name, Client.client_no, Client.birthday, User.display_name)
        .join(User, Client.manager_id == User.id)
        .where(condition, Client.birthday_md.in_(care.window_month_days(today)))
    ).all()
    found = []
    for row in rows:
        day = care.next_birthday(row.birthday, today)
        found.append(
            Birthday(
                row.id,
                row.name,
                row.client_no,
                row.birthday,
                row.display_name,
                day,
                care.age_on(row.birthday, day),
                (day - today).days,
            )
        )
    found.sort(key=lambda b: (b.day, b.client_no))
    return found


# --- clients at risk of leaving ------------------------------------------------------------


@dataclass
class AtRisk:
    client_id: int
    name: str
    client_no: str
    manager: str
    reasons: list[str]
    latest_assets: Decimal | None
    earlier_assets: Decimal | None
    requested_on: date | None
    retention: Retention | None = None

    @property
    def reason_labels(self) -> list[str]:
        return [care.REASONS[code] for code in self.reasons]

    @property
    def drop(self) -> Decimal | None:
        return care.drop_share(self.latest_assets, self.earlier_assets)


@dataclass
class RiskPage:
    window: care.Window | None
    rows: list[AtRisk]
    total: int


def reference_month(condition: ColumnElement[bool]) -> date | None:
    """The latest month of figures loaded for the clients of ``condition``."""
    return db.session.scalar(select(func.max(Client.figures_month)).where(condition))


def _risk_query(condition: ColumnElement[bool], window: care.Window | None):
    """The at-risk clients of ``condition`` (the rules of domain.care in SQL) and the rules
    that order them (a request first, then a fall of assets)."""
    requested = (
        select(func.max(CloseRequest.requested_on))
        .where(CloseRequest.client_id == Client.id)
        .scalar_subquery()
    )
    request_rule = requested.is_not(None)
    columns = [
        Client.id,
        Client.name,
        Client.client_no,
        User.display_name,
        Client.opened_on,
        requested.label("requested_on"),
    ]
    if window is None:  # no figures loaded at all: only the requests
        stmt = select(
            *columns,
            null().label("latest_assets"),
            null().label("earlier_assets"),
            true().label("traded"),
        )
        stmt = stmt.join(User, Client.manager_id == User.id).where(condition, request_rule)
        return stmt, [request_rule]
    latest, earlier = aliased(MonthlyFigure), aliased(MonthlyFigure)
    traded = exists().where(
        MonthlyFigure.client_id == Client.id,
        MonthlyFigure.month >= window.first_trade_month,
        MonthlyFigure.month <= window.month,
        MonthlyFigure.traded_amount > 0,
    )
    asset_rule = and_(earlier.end_assets > 0, latest.end_assets * 2 <= earlier.end_assets)
    trade_rule = and_(Client.opened_on < window.first_trade_month, ~traded)
    stmt = (
        select(
            *columns,
            latest.end_assets.label("latest_assets"),
            earlier.end_assets.label("earlier_assets"),
            traded.label("traded"),
        )
        .join(User, Client.manager_id == User.id)
        .outerjoin(latest, and_(latest.client_id == Client.id, latest.month == window.month))
        .outerjoin(earlier, and_(earlier.client_id == Client.id, earlier.month == window.earlier))
        .where(condition, or_(request_rule, asset_rule, trade_rule))
    )
    return stmt, [request_rule, asset_rule]


def at_risk(condition: ColumnElement[bool], limit: int = 100, offset: int = 0) -> RiskPage:
    """A page of the clients of ``condition`` at risk of leaving, with why and their latest
    retention: those with a 转销户 request first, then those whose assets fell, by name.
    Three queries: the reference month, the page (with the total), the page's retentions."""
    month = reference_month(condition)
    window = care.Window(month) if month else None
    stmt, first_rules = _risk_query(condition, window)
    order = case(*((rule, n) for n, rule in enumerate(first_rules)), else_=len(first_rules))
    rows = db.session.execute(
        stmt.add_columns(func.count().over().label("total"))
        .order_by(order, *NAME_ORDER)
        .limit(limit)
        .offset(offset)
    ).all()
    total = rows[0].total if rows else (_count(stmt) if offset else 0)
    page = []
    for row in rows:
        if window is None:
            reasons = ["close_request"]
        else:
            reasons = care.reasons(
                row.latest_assets,
                row.earlier_assets,
                [Decimal(1)] if row.traded else [],
                row.opened_on,
                window,
                row.requested_on is not None,
            )
        page.append(
            AtRisk(
                row.id,
                row.name,
                row.client_no,
                row.display_name,
                reasons,
                row.latest_assets,
                row.earlier_assets,
                row.requested_on,
            )
        )
    latest = latest_retentions([r.client_id for r in page])
    for r in page:
        r.retention = latest.get(r.client_id)
    return RiskPage(window, page, total)


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def at_risk_count(condition: ColumnElement[bool]) -> int:
    """How many clients of ``condition`` are at risk of leaving (the home page's to-do)."""
    month = reference_month(condition)
    stmt, _ = _risk_query(condition, care.Window(month) if month else None)
    return _count(stmt)


def latest_retentions(client_ids: list[int]) -> dict[int, Retention]:
    """The latest retention record of each client (one query)."""
    if not client_ids:
        return {}
    newest = (
        select(Retention.client_id, func.max(Retention.id).label("id"))
        .where(Retention.client_id.in_(client_ids))
        .group_by(Retention.client_id)
        .subquery()
    )
    records = db.session.scalars(select(Retention).join(newest, Retention.id == newest.c.id))
    return {r.client_id: r for r in records}


# --- records on the client's file --------------------------------------------------------


def client_records(client: Client) -> dict:
    """The client's retention records and 转销户 requests, newest first."""
    return {
        "retentions": list(
            db.session.scalars(
                select(Retention)
                .where(Retention.client_id == client.id)
                .order_by(Retention.on.desc(), Retention.id.desc())
            )
        ),
        "close_requests": list(
            db.session.scalars(
                select(CloseRequest)
                .where(CloseRequest.client_id == client.id)
                .order_by(CloseRequest.requested_on.desc(), CloseRequest.id.desc())
            )
        ),
    }


@use_case
def record_retention(client: Client, data: dict, user: User) -> Retention:
    outcome = data.get("outcome")
    if outcome not in care.OUTCOMES:
        raise ValueError("请选择挽留结果。")
    action = clean_text(data.get("action"))
    if not action:
        raise ValueError("请填写挽留措施。")
    record = Retention(
        client_id=client.id, on=data["on"], action=action, outcome=outcome, recorded_by_id=user.id
    )
    db.session.add(record)
    db.session.flush()
    return record


@use_case
def record_close_request(client: Client, data: dict, user: User) -> CloseRequest:
    record = CloseRequest(
        client_id=client.id,
        requested_on=data["requested_on"],
        note=clean_text(data.get("note")),
        recorded_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    return record
