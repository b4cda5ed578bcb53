"""The classification overview (SPEC §2) of a book: its clients on the assets × turnover chart,
and the number of clients per class with the change from last month.

**Last month's class** of a client is read from its class history (``ClassChange``): the
``to_class`` of its latest change before the first moment of this month, Beijing time. The
history records every class a client was actually given — at creation, on new figures, after a
threshold change — with the threshold then in force, and it is never rewritten. Recomputing
last month's class from the figures instead would apply today's threshold and today's
corrections of old figures to the past, i.e. answer a different question ("what would it
have been") and disagree with what the branch saw then. A client without a change before that
moment was not yet classified (or not yet a client) at the end of last month.

The book is the user's scope (a manager's own clients, a branch head's branch, HQ's whole
company), optionally narrowed to one manager; clients are counted where they are now (a client
reassigned this month counts in its new manager's book for both months).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Float, and_, cast, func, select

from portal.args import int_arg
from portal.domain import beijing
from portal.domain import chart as geometry
from portal.domain.beijing import china_today, utc_start
from portal.domain.classification import CLASSES, describe
from portal.extensions import db
from portal.models import AuditLog, Branch, Client, User
from portal.models.client import ClassChange
from portal.services import scope, selection
from portal.services.classification import thresholds_in_force


@dataclass(frozen=True)
class ClassCount:
    code: str
    description: str
    now: int
    last_month: int

    @property
    def change(self) -> int:
        return self.now - self.last_month


@dataclass(frozen=True)
class Overview:
    manager: User | None
    chart: geometry.Chart
    counts: list[ClassCount]
    unclassified: int
    unclassified_last_month: int
    threshold: Decimal
    month_start: date

    @property
    def total(self) -> int:
        return sum(c.now for c in self.counts) + self.unclassified


def _book(user: User, manager_id) -> tuple[ColumnElement[bool], User | None]:
    condition = scope.clause(Client, user)
    if int_arg(str(manager_id or "")) is None:
        return condition, None
    manager = selection.manager_for(user, manager_id)
    return and_(condition, Client.manager_id == manager.id), manager


def counts_now(condition: ColumnElement[bool]) -> dict[str | None, int]:
    query = select(Client.class_code, func.count()).where(condition).group_by(Client.class_code)
    return dict(db.session.execute(query).all())


def classes_at(condition: ColumnElement[bool], moment: datetime, name: str = "classes_at"):
    """Each client matching ``condition`` with a class history before ``moment`` (UTC), and
    the class it then had, as a subquery (client_id, code)."""
    ranked = (
        select(
            ClassChange.client_id,
            ClassChange.to_class,
            func.row_number()
            .over(
                partition_by=ClassChange.client_id,
                order_by=(ClassChange.at.desc(), ClassChange.id.desc()),
            )
            .label("rank"),
        )
        .where(
            ClassChange.at < moment, ClassChange.client_id.in_(select(Client.id).where(condition))
        )
        .subquery()
    )
    return (
        select(ranked.c.client_id, ranked.c.to_class.label("code"))
        .where(ranked.c.rank == 1)
        .subquery(name)
    )


def counts_at(condition: ColumnElement[bool], moment: datetime) -> dict[str | None, int]:
    """Clients per class as their history stood just before ``moment`` (UTC); clients without
    history then are counted under ``None``."""
    at = classes_at(condition, moment)
    counted = dict(db.session.execute(select(at.c.code, func.count()).group_by(at.c.code)).all())
    total = db.session.scalar(select(func.count()).select_from(Client).where(condition)) or 0
    counted[None] = counted.get(None, 0) + total - sum(counted.values())
    return counted


def _thresholds(user: User, manager: User | None) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    """The threshold splitting the regions (the book's branch's, or the company-wide one for a
    book across branches) and the other branches' own thresholds, drawn dashed."""
    in_force = thresholds_in_force(china_today().year)
    branch_id = manager.branch_id if manager else user.branch_id
    if branch_id is not None:
        return in_force.for_branch(branch_id), []
    names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    others = sorted(
        (names.get(b, str(b)), value)
        for b, value in in_force.branches.items()
        if value != in_force.default
    )
    return in_force.default, others


_CACHE: OrderedDict[tuple, Overview] = OrderedDict()
_CACHE_SIZE = 64
_lock = threading.Lock()


SOURCES = (
    "clients",
    "client_monthly_figures",
    "turnover_thresholds",
    "asset_band_settings",
    "branches",
    "users",
)
"""The records the overview is computed from (their trail rows say when they changed): the
clients (their figures, managers, classes), the classification standard, the branches and
users it names. A contact or a work log — most of a working day's writes — leaves it as it
was (under 50 sessions every write had recomputed it, 0.4 s a view)."""


def version() -> tuple:
    """What the overview is computed from, as of now: the latest audit row of its
    :data:`SOURCES` (``view`` rows excepted) and the latest class change (a reclassification
    rewrites classes without audit rows of their own)."""
    latest_audit = db.session.execute(
        select(AuditLog.id, AuditLog.at)
        .where(AuditLog.action != "view", AuditLog.record_type.in_(SOURCES))
        .order_by(AuditLog.id.desc())
        .limit(1)
    ).first()
    latest_change = db.session.execute(
        select(ClassChange.id, ClassChange.at).order_by(ClassChange.id.desc()).limit(1)
    ).first()
    return (
        tuple(latest_audit or ()),
        tuple(latest_change or ()),
        beijing.month_start(china_today()),
        db.engine.url.render_as_string(hide_password=True),
    )


def overview(user: User, manager_id=None) -> Overview:
    """The overview of the user's book (or one manager's), computed once per version of the
    data (:func:`version`) and kept in this process: the chart of 100,000 clients takes
    half a second to build, a kept one nothing."""
    condition, manager = _book(user, manager_id)
    key = (
        user.role,
        user.branch_id,
        user.id if user.role == "manager" else None,
        manager.id if manager else None,
        version(),
    )
    with _lock:
        kept = _CACHE.get(key)
        if kept is not None:
            _CACHE.move_to_end(key)
    if kept is None:
        kept = replace(_compute(user, manager, condition), manager=None)
        with _lock:
            _CACHE[key] = kept
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return replace(kept, manager=manager)


def _compute(user: User, manager: User | None, condition) -> Overview:
    now = counts_now(condition)
    month_start = beijing.month_start(china_today())
    before = counts_at(condition, utc_start(month_start))
    threshold, others = _thresholds(user, manager)
    # Floats for the picture, read as plain rows (assets, turnover, class_code): no Decimal
    # and no object per point for 100,000 clients.
    table = Client.__table__.c
    points = db.session.execute(
        select(
            cast(table.total_assets, Float).label("assets"),
            cast(func.coalesce(table.turnover, 0), Float).label("turnover"),
            table.class_code,
        ).where(condition, table.total_assets.is_not(None))
    ).all()
    counts = {code: now.get(code, 0) for code in CLASSES}
    return Overview(
        manager=manager,
        chart=geometry.build(points, threshold, others, counts),
        counts=[ClassCount(c, describe(c), counts[c], before.get(c, 0)) for c in CLASSES],
        unclassified=now.get(None, 0),
        unclassified_last_month=before.get(None, 0),
        threshold=threshold,
        month_start=month_start,
    )
