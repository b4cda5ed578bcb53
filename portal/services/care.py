"""Care of clients (Art. 50.9, 50.10): birthdays of the coming days, the clients at risk of
leaving (客户流失风险) with why, and the retention (挽留) and 转销户 records kept on a client's
file. The rules are :mod:`portal.domain.care`'s; here they run in SQL over a manager's or a
branch's clients (a :class:`portal.services.selection.Selection` or any scope condition), a few
queries per page whatever the number of clients."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
)

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
    return db.session.scalar(_reference_month(condition))


def _reference_month(condition: ColumnElement[bool]):
    return select(func.max(Client.figures_month)).where(condition)


def _risk_query(condition: ColumnElement[bool], month, earlier, first):
    """The at-risk clients of ``condition`` (the rules of domain.care in SQL) and the rules
    that order them (a request first, then a fall of assets). ``month``, ``earlier`` and
    ``first`` are the window's months (:class:`domain.care.Window`), as dates or as SQL.

    The six months' figures of the clients in view are read once, grouped by client: one
    range of the (client, month) index per client gives the latest and the earlier month-end
    assets and whether anything was traded."""
    months = (
        select(
            MonthlyFigure.client_id,
            func.max(case((MonthlyFigure.month == month, MonthlyFigure.end_assets))).label(
                "latest"
            ),
            func.max(case((MonthlyFigure.month == earlier, MonthlyFigure.end_assets))).label(
                "earlier"
            ),
            func.max(case((MonthlyFigure.traded_amount > 0, 1), else_=0)).label("traded"),
        )
        .where(
            MonthlyFigure.month >= first,
            MonthlyFigure.month <= month,
            MonthlyFigure.client_id.in_(select(Client.id).where(condition).correlate(None)),
        )
        .group_by(MonthlyFigure.client_id)
        .subquery("window_figures")
    )
    requested = (
        select(func.max(CloseRequest.requested_on))
        .where(CloseRequest.client_id == Client.id)
        .scalar_subquery()
    )
    request_rule = requested.is_not(None)
    asset_rule = and_(months.c.earlier > 0, months.c.latest * 2 <= months.c.earlier)
    trade_rule = and_(Client.opened_on < first, func.coalesce(months.c.traded, 0) == 0)
    stmt = (
        select(
            Client.id,
            Client.name,
            Client.client_no,
            User.display_name,
            Client.opened_on,
            requested.label("requested_on"),
            months.c.latest.label("latest_assets"),
            months.c.earlier.label("earlier_assets"),
            func.coalesce(months.c.traded, 0).label("traded"),
        )
        .join(User, Client.manager_id == User.id)
        .outerjoin(months, months.c.client_id == Client.id)
        .where(condition, or_(request_rule, asset_rule, trade_rule))
    )
    return stmt, [request_rule, asset_rule]


def _requests_only(condition: ColumnElement[bool]):
    """Without any figures, only the 转销户 requests put a client at risk."""
    requested = (
        select(func.max(CloseRequest.requested_on))
        .where(CloseRequest.client_id == Client.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            Client.id,
            Client.name,
            Client.client_no,
            User.display_name,
            Client.opened_on,
            requested.label("requested_on"),
            null().label("latest_assets"),
            null().label("earlier_assets"),
            literal(1).label("traded"),
        )
        .join(User, Client.manager_id == User.id)
        .where(condition, requested.is_not(None))
    )
    return stmt, []


def at_risk(condition: ColumnElement[bool], limit: int = 100, offset: int = 0) -> RiskPage:
    """A page of the clients of ``condition`` at risk of leaving, with why and their latest
    retention: those with a 转销户 request first, then those whose assets fell, by name.
    Three queries: the reference month, the page (with the total), the page's retentions."""
    month = reference_month(condition)
    window = care.Window(month) if month else None
    if window is None:
        stmt, first_rules = _requests_only(condition)
    else:
        stmt, first_rules = _risk_query(
            condition, window.month, window.earlier, window.first_trade_month
        )
    order = [case((rule, 0), else_=1) for rule in first_rules]
    rows = db.session.execute(
        stmt.add_columns(func.count().over().label("total"))
        .order_by(*order, *NAME_ORDER)
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
    """How many clients of ``condition`` are at risk of leaving (the home page's to-do), in
    one query: the window's months are computed in SQL from the reference month. Without
    figures the month is NULL, no figure matches and only the requests count (the no-trade
    rule compares ``opened_on`` with NULL: unknown, not true)."""
    reference = _reference_month(condition).add_columns(literal(1).label("one")).cte("reference")
    month = select(reference.c[0]).scalar_subquery()  # the CTE is read once, not per use
    dialect = db.engine.dialect.name
    stmt, _ = _risk_query(
        condition,
        month,
        _months_before(month, care.ASSET_MONTHS, dialect),
        _months_before(month, care.NO_TRADE_MONTHS - 1, dialect),
    )
    return _count(stmt)


def _months_before(month, n: int, dialect: str):
    """``month`` minus ``n`` months, in SQL (a DATE; ISO text on SQLite)."""
    if dialect == "sqlite":
        return func.date(month, f"-{n} months", type_=Date)
    return cast(month - literal_column(f"INTERVAL '{n} months'"), Date)


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
