"""Basic client classification in the database (SPEC §2): turnover thresholds, the clients'
12-month figures and their class, all in set-based SQL.

The rules themselves live in :mod:`portal.domain.classification`; the SQL here is built from
its ``BANDS`` so that the two cannot drift apart (a test compares them over every edge).

The bulk statements below (``UPDATE … FROM``, ``INSERT … SELECT``) bypass the ORM and so the
audit-trail session events: the figures themselves are audited when they are saved, and every
change of class leaves a :class:`ClassChange` row (from → to, when, why, who).

**Which threshold is in force** for a client in year *Y* (:func:`thresholds_in_force`): among
the *approved* rows of year ≤ *Y* for the client's branch or company-wide (``branch_id`` NULL),
the most recent year wins; in the same year a branch's own approved value wins over HQ's; in
the same year and scope the latest decision wins. Without any row it is 3 (Art. 6). So HQ's
year-end reset (Art. 6) supersedes a branch's adjustment of an earlier year, and a branch's
adjustment approved for the current year applies until HQ sets a later year. A value set for
a future year takes effect at the first reclassification in that year.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    true,
    update,
)
from sqlalchemy.sql import ColumnElement

from portal import queue
from portal.domain import classification as rules
from portal.domain.beijing import china_today, utcnow
from portal.extensions import db
from portal.models import (
    AssetBandSetting,
    Branch,
    ClassChange,
    Client,
    MonthlyFigure,
    TurnoverThreshold,
    User,
)
from portal.models.audit import current_actor
from portal.models.client import FLOOR_COLUMNS
from portal.services.records import use_case

CAUSE_FIGURES = "月度数据变更"
CAUSE_THRESHOLD = "周转率阈值调整"
CAUSE_NEW = "新建客户"
CAUSE_NEW_YEAR = "新年度阈值生效"
CAUSE_BANDS = "资产分档标准调整"

FIGURE_COLUMNS = ("figures_month", "total_assets", "stock_value", "traded_12m", "avg_assets_12m")
_CHUNK = 5000  # ids per statement: well under SQLite's and PostgreSQL's bind-parameter limits

clients = Client.__table__
figures = MonthlyFigure.__table__


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class InForce:
    """The thresholds in force in a year: company-wide, and the branches that have their own."""

    default: Decimal
    branches: dict[int, Decimal]

    def for_branch(self, branch_id: int | None) -> Decimal:
        return self.branches.get(branch_id, self.default) if branch_id else self.default


def current_year() -> int:
    return china_today().year


def thresholds_in_force(year: int | None = None) -> InForce:
    """Every threshold in force in ``year`` (default: this year); see the module docstring."""
    year = year or current_year()
    rows = db.session.execute(
        select(TurnoverThreshold.branch_id, TurnoverThreshold.year, TurnoverThreshold.value)
        .where(TurnoverThreshold.status == "approved", TurnoverThreshold.year <= year)
        .order_by(
            TurnoverThreshold.year,
            func.coalesce(TurnoverThreshold.decided_at, TurnoverThreshold.set_at),
            TurnoverThreshold.id,
        )
    ).all()
    latest = {row.branch_id: row for row in rows}  # ascending order: the last one wins
    company = latest.pop(None, None)
    default = company.value if company else rules.DEFAULT_THRESHOLD
    own = {
        branch_id: row.value
        for branch_id, row in latest.items()
        if company is None or row.year >= company.year
    }
    return InForce(default=default, branches=own)


def threshold_for(year: int, branch_id: int | None = None) -> Decimal:
    """The turnover threshold in force in ``year`` for a branch (None: the company-wide one)."""
    return thresholds_in_force(year).for_branch(branch_id)


@use_case
def set_threshold(year: int, value: Decimal, user: User, note: str = "") -> TurnoverThreshold:
    """HQ sets the company-wide threshold of a year; it is approved at once."""
    _require(user.role == "hq", "只有经纪业务管理总部可以设定周转率阈值")
    row = TurnoverThreshold(
        year=year, value=_threshold_value(value), **_version(None, user, note, approved=True)
    )
    _apply_setting_change(lambda: db.session.add(row), thresholds_in_force, CAUSE_THRESHOLD, user)
    return row


def _version(branch_id: int | None, user: User, note: str, approved: bool) -> dict:
    """The fields of a new version of the standard (a threshold, asset bands): HQ's own,
    approved at once, or a branch's proposal."""
    now = utcnow()
    fields = {
        "branch_id": branch_id,
        "status": "approved" if approved else "proposed",
        "note": (note or "").strip(),
        "set_by_id": user.id,
        "set_at": now,
    }
    return fields | ({"decided_by_id": user.id, "decided_at": now} if approved else {})


def _decide(version, approve: bool, user: User, in_force, cause: str) -> int:
    """HQ's decision on a branch's proposal (in the caller's use case): the classes of the
    branch are recomputed when it comes into force. Returns how many changed."""
    _require(user.role == "hq", "只有经纪业务管理总部可以审批分类标准")
    if version.status != "proposed":
        raise ValueError("该申请已处理，不能再次审批")

    def decide():
        version.status = "approved" if approve else "rejected"
        version.decided_by_id = user.id
        version.decided_at = utcnow()

    return _apply_setting_change(decide, in_force, cause, user)


@use_case
def propose_threshold(
    year: int, value: Decimal, branch_id: int, user: User, note: str = ""
) -> TurnoverThreshold:
    """A branch proposes its own threshold; it takes effect only once HQ approves it."""
    _require(
        user.role == "hq" or (user.role == "branch_head" and user.branch_id == branch_id),
        "只有本营业部总经理可以申请调整周转率阈值",
    )
    if db.session.get(Branch, branch_id) is None:
        raise ValueError("营业部不存在")
    row = TurnoverThreshold(
        year=year,
        value=_threshold_value(value),
        **_version(branch_id, user, note, approved=False),
    )
    db.session.add(row)
    return row


@use_case
def decide_threshold(threshold: TurnoverThreshold, approve: bool, user: User) -> int:
    """HQ approves or rejects a branch's proposal; returns the number of clients reclassified."""
    return _decide(threshold, approve, user, thresholds_in_force, CAUSE_THRESHOLD)


def _apply_setting_change(change, in_force, cause: str, user: User) -> int:
    """Make a change to a setting (thresholds, asset bands) and reclassify the clients of the
    branches whose setting in force it moved (in the caller's use case); ``in_force()`` gives
    the settings with a ``for_branch(branch_id)``."""
    branch_ids = list(db.session.scalars(select(Branch.id)))
    before = in_force()
    change()
    db.session.flush()
    after = in_force()
    moved = [b for b in branch_ids if before.for_branch(b) != after.for_branch(b)]
    changed = 0
    if moved:
        everyone = len(moved) == len(branch_ids)
        changed = reclassify(cause=cause, user=user, branch_ids=None if everyone else moved)
    return changed


# --------------------------------------------------------------------------- asset bands


@dataclass(frozen=True)
class BandsInForce:
    """The asset bands in force: company-wide, and the branches that have their own (each
    as its five lower bounds, ascending)."""

    default: tuple[Decimal, ...]
    branches: dict[int, tuple[Decimal, ...]]

    def for_branch(self, branch_id: int | None) -> tuple[Decimal, ...]:
        return self.branches.get(branch_id, self.default) if branch_id else self.default


def bands_in_force() -> BandsInForce:
    """The latest approved version of each branch's own bands, and of the company's (else
    the policy's table, Art. 6)."""
    rows = db.session.scalars(
        select(AssetBandSetting)
        .where(AssetBandSetting.status == "approved")
        .order_by(
            func.coalesce(AssetBandSetting.decided_at, AssetBandSetting.set_at),
            AssetBandSetting.id,
        )
    ).all()
    latest = {row.branch_id: row.floors for row in rows}  # ascending order: the last one wins
    company = latest.pop(None, None)
    return BandsInForce(default=company or rules.DEFAULT_FLOORS, branches=latest)


@use_case
def set_bands(floors, user: User, note: str = "") -> int:
    """HQ sets the company-wide asset bands; in force at once. Returns the number of clients
    reclassified."""
    _require(user.role == "hq", "只有经纪业务管理总部可以设定资产分档标准")
    row = AssetBandSetting(**_floors(floors), **_version(None, user, note, approved=True))
    return _apply_setting_change(lambda: db.session.add(row), bands_in_force, CAUSE_BANDS, user)


@use_case
def propose_bands(floors, branch_id: int, user: User, note: str = "") -> AssetBandSetting:
    """A branch proposes its own asset bands; in force only once HQ approves them."""
    _require(
        user.role == "hq" or (user.role == "branch_head" and user.branch_id == branch_id),
        "只有本营业部总经理可以申请调整资产分档标准",
    )
    row = AssetBandSetting(**_floors(floors), **_version(branch_id, user, note, approved=False))
    db.session.add(row)
    return row


def _floors(floors) -> dict:
    return dict(zip(FLOOR_COLUMNS, rules.check_floors(floors), strict=True))


@use_case
def decide_bands(setting: AssetBandSetting, approve: bool, user: User) -> int:
    """HQ approves or rejects a branch's bands; returns the number of clients reclassified."""
    return _decide(setting, approve, user, bands_in_force, CAUSE_BANDS)


@use_case
def apply_thresholds_in_force() -> int:
    """Give every client the class today's thresholds call for; the number changed.

    The worker runs it every day just after midnight, Beijing time (``portal.queue``): on
    1 January a threshold HQ set ahead for the new year takes effect; on any other day nothing
    is left to change (figures and threshold changes reclassify at once), and it costs one
    statement that finds no row.
    """
    changed = reclassify(None, cause=CAUSE_NEW_YEAR)
    return changed


NEW_YEAR_TASK = "apply_thresholds_in_force"

TASKS = (queue.Task(NEW_YEAR_TASK, apply_thresholds_in_force, queue.daily_at(time(0, 5))),)
"""The background tasks of this module, given to the queue by ``create_app``: the daily job."""


def _threshold_value(value) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError("周转率阈值须为 Decimal")
    value = Decimal(value)
    if not value.is_finite() or value <= 0 or value >= Decimal("1000000"):
        raise ValueError("周转率阈值须为正数")
    return value.quantize(Decimal("0.01"))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionError(message)


def year_to_prepare() -> int:
    """The year whose threshold HQ prepares by default: Art. 6 resets it at each year end for
    the year to come (a correction of the current year is still a choice of the form)."""
    return current_year() + 1


def suggested_threshold(year: int) -> Decimal | None:
    """Art. 6: the mean company-wide turnover of the three years before ``year`` (for HQ).

    **Decision:** a year's company-wide turnover is asset-weighted — the total traded amount of
    all clients in the year ÷ the company's average monthly total assets, i.e. the sum over
    clients of 月日均总资产 averaged over the months of that year that have figures. It is the
    same measure as a client's turnover, applied to the whole company, so large accounts weigh
    in proportion to their assets (a plain mean of client rates would let tiny accounts with
    huge rates dominate). ``None`` unless each of the three years has figures.
    """
    monthly = db.session.execute(
        select(
            MonthlyFigure.month,
            func.sum(MonthlyFigure.traded_amount).label("traded"),
            func.sum(MonthlyFigure.avg_assets).label("assets"),
        )
        .where(MonthlyFigure.month >= date(year - 3, 1, 1), MonthlyFigure.month < date(year, 1, 1))
        .group_by(MonthlyFigure.month)
    ).all()
    per_year: dict[int, tuple[Decimal, list[Decimal]]] = {}
    for month, traded, assets in monthly:
        total, months = per_year.setdefault(month.year, (Decimal(0), []))
        per_year[month.year] = (total + Decimal(traded), [*months, Decimal(assets)])
    yearly = []
    for y in range(year - 3, year):
        if y not in per_year:
            return None
        traded, months = per_year[y]
        yearly.append(rules.turnover_rate(traded, sum(months, Decimal(0)) / len(months)))
    return rules.suggested_threshold(yearly)


# --------------------------------------------------------------------------- figures


def refresh_client_figures(client_ids: Iterable[int] | None = None) -> None:
    """Recompute the figures columns of the clients (all when ``client_ids`` is None).

    From each client's monthly figures: ``figures_month`` (latest month), ``total_assets`` and
    ``stock_value`` (that month's 月末总资产 / 月末股票市值), and over the trailing twelve months
    ending at that month (``month > latest − 12 months``): ``traded_12m`` (sum of 成交金额),
    ``avg_assets_12m`` (mean of 月日均总资产 over the months present, to the fen) and
    ``turnover`` = ``domain.turnover_rate(traded_12m, avg_assets_12m)``. Clients without
    figures get NULLs. Does not reclassify and does not commit.
    """
    for ids in _chunks(client_ids):
        _refresh(ids)
    _expire_clients(client_ids, (*FIGURE_COLUMNS, "turnover", "updated_at"))


def _refresh(ids: Sequence[int] | None) -> None:
    dialect = db.session.get_bind().dialect.name
    latest_q = select(figures.c.client_id, func.max(figures.c.month).label("month"))
    if ids is not None:
        latest_q = latest_q.where(figures.c.client_id.in_(ids))
    latest = latest_q.group_by(figures.c.client_id).subquery("latest")
    at_latest = figures.c.month == latest.c.month
    agg = (
        select(
            latest.c.client_id,
            latest.c.month,
            func.max(case((at_latest, figures.c.end_assets))).label("end_assets"),
            func.max(case((at_latest, figures.c.end_stock_value))).label("stock_value"),
            func.sum(figures.c.traded_amount).label("traded"),
            func.sum(figures.c.avg_assets).label("assets_sum"),
            func.count().label("months"),
        )
        .join(latest, figures.c.client_id == latest.c.client_id)
        .where(figures.c.month > _months_before(latest.c.month, 12, dialect))
        .group_by(latest.c.client_id, latest.c.month)
        .subquery("agg")
    )
    avg_assets, turnover = _average_and_turnover(agg.c.assets_sum, agg.c.months, agg.c.traded)
    db.session.execute(
        update(clients)
        .where(clients.c.id == agg.c.client_id)
        .values(
            figures_month=agg.c.month,
            total_assets=agg.c.end_assets,
            stock_value=agg.c.stock_value,
            traded_12m=agg.c.traded,
            avg_assets_12m=avg_assets,
            turnover=turnover,
        )
    )
    # Clients whose figures are all gone lose their figures (and, when reclassified, class).
    gone = update(clients).where(
        clients.c.figures_month.is_not(None),
        ~exists().where(figures.c.client_id == clients.c.id),
    )
    if ids is not None:
        gone = gone.where(clients.c.id.in_(ids))
    db.session.execute(gone.values(**dict.fromkeys((*FIGURE_COLUMNS, "turnover"), None)))


def _months_before(month: ColumnElement, n: int, dialect: str) -> ColumnElement:
    if dialect == "sqlite":  # dates are ISO text on SQLite; date() keeps them comparable
        return func.date(month, f"-{n} months", type_=Date)
    return cast(month - literal_column(f"INTERVAL '{n} months'"), Date)


def _average_and_turnover(total: ColumnElement, count: ColumnElement, traded: ColumnElement):
    """(mean to the fen, turnover to 4 places), both rounded half up exactly as the domain does.

    PostgreSQL's NUMERIC is exact and its ROUND rounds half away from zero (= ROUND_HALF_UP).
    SQLite stores NUMERIC as binary floating point, so there the rounding is done on whole fen
    in integer arithmetic: exact for any amount below 4.6e12 yuan.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        average = func.round(total / count, 2)
        turnover = case((average <= 0, 0), else_=func.round(traded / average, 4))
        return average, turnover
    fen = cast(func.round(total * 100), Integer)
    avg_fen = case(
        (fen >= 0, (2 * fen + count) // (2 * count)),
        else_=-((-2 * fen + count) // (2 * count)),
    )
    traded_fen = cast(func.round(traded * 100), Integer)
    turnover_e4 = (20000 * traded_fen + avg_fen) // (2 * avg_fen)
    return avg_fen / 100.0, case((avg_fen <= 0, 0), else_=turnover_e4 / 10000.0)


# --------------------------------------------------------------------------- classes


def class_expression(
    assets: ColumnElement,
    turnover: ColumnElement,
    threshold: ColumnElement,
    bands: tuple[rules.Band, ...] = rules.BANDS,
) -> ColumnElement:
    """SQL ``CASE`` giving the class of ``assets`` and ``turnover``, built from ``bands``."""
    high = turnover >= threshold
    whens = []
    for band in bands[:-1]:
        floor = literal(band.floor, Numeric(16, 2))
        whens.append((and_(assets >= floor, high), literal(band.high)))
        whens.append((assets >= floor, literal(band.low)))
    lowest = bands[-1]
    return case(*whens, else_=case((high, literal(lowest.high)), else_=literal(lowest.low)))


def new_class_expression(year: int | None = None) -> ColumnElement:
    """The class each client should have now; NULL for a client without figures."""
    in_force = thresholds_in_force(year)
    threshold: ColumnElement = literal(in_force.default, Numeric(8, 2))
    if in_force.branches:
        threshold = case(
            {b: literal(v, Numeric(8, 2)) for b, v in in_force.branches.items()},
            value=clients.c.branch_id,
            else_=threshold,
        )
    turnover = func.coalesce(clients.c.turnover, 0)
    bands = bands_in_force()

    def classes(floors: tuple[Decimal, ...]) -> ColumnElement:
        bands_ = rules.bands_from_floors(floors)
        return class_expression(clients.c.total_assets, turnover, threshold, bands_)

    by_bands = classes(bands.default)
    if bands.branches:
        by_bands = case(
            {b: classes(floors) for b, floors in bands.branches.items()},
            value=clients.c.branch_id,
            else_=by_bands,
        )
    return case((clients.c.figures_month.is_(None), null()), else_=by_bands)


def reclassify(
    client_ids: Iterable[int] | None = None,
    cause: str = CAUSE_FIGURES,
    user: User | None = None,
    *,
    branch_ids: Sequence[int] | None = None,
) -> int:
    """Give each client (all, the ``client_ids``, or those of ``branch_ids``) the class its
    figures and threshold call for; write a history row (from → to, cause, user) for each
    change. Returns the number of clients whose class changed. Does not commit.
    """
    new_class = new_class_expression()
    user_id = user.id if user is not None else current_actor()[0]
    now = utcnow()
    changed = 0
    for ids in _chunks(client_ids):
        where = [clients.c.class_code.is_distinct_from(new_class)]
        if ids is not None:
            where.append(clients.c.id.in_(ids))
        if branch_ids is not None:
            where.append(clients.c.branch_id.in_(branch_ids))
        history = select(
            clients.c.id,
            literal(now, DateTime),
            clients.c.class_code,
            new_class,
            literal(cause, String),
            literal(user_id, Integer),
        ).where(*where)
        db.session.execute(
            insert(ClassChange.__table__).from_select(
                ["client_id", "at", "from_class", "to_class", "cause", "user_id"], history
            )
        )
        result = db.session.execute(
            update(clients).where(*where).values(class_code=new_class, updated_at=now)
        )
        changed += result.rowcount
    _expire_clients(client_ids, ("class_code", "updated_at"))
    return changed


def class_counts(user_clause: ColumnElement | None = None) -> dict[str, int]:
    """Number of clients per class (``None`` key: not yet classified), optionally scoped."""
    query = select(Client.class_code, func.count()).group_by(Client.class_code)
    query = query.where(user_clause if user_clause is not None else true())
    return dict(db.session.execute(query).all())


# --------------------------------------------------------------------------- helpers


def _chunks(ids: Iterable[int] | None):
    if ids is None:
        yield None
        return
    ids = sorted(set(ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _expire_clients(client_ids: Iterable[int] | None, attributes: Sequence[str]) -> None:
    """Bulk statements do not touch loaded objects: expire what they changed."""
    wanted = None if client_ids is None else set(client_ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Client) and (wanted is None or obj.id in wanted):
            db.session.expire(obj, list(attributes))
