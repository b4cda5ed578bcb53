"""Reading clients for the list page: search as you type, filters, sorting and paging, always
inside the user's scope (SPEC §1). Built for 100,000 clients: every search term is a prefix
range or an equality on an indexed column, and a page is one indexed, limited query."""

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from portal.args import int_arg
from portal.domain import visits
from portal.domain.beijing import china_today
from portal.domain.classification import CLASS_INFO, CLASSES
from portal.extensions import db
from portal.models import Client, Contact, User
from portal.models.client import NAME_ORDER, ClassChange, MonthlyFigure
from portal.models.encrypted import id_number_hash
from portal.models.risk import RISK_LEVELS
from portal.services import scope

PAGE_SIZE = 50
RISK_FILTERS = (*RISK_LEVELS, "none")
SORTS: dict[str, tuple[str, tuple]] = {
    "name": ("姓名", NAME_ORDER),
    "client_no": ("客户编号", (Client.client_no,)),
    "-assets": ("总资产（高→低）", (Client.total_assets.desc().nulls_last(), Client.id)),
    "-opened": ("开户日期（新→旧）", (Client.opened_on.desc(), Client.id.desc())),
}


@dataclass
class ClientQuery:
    q: str = ""
    class_code: str = ""
    manager_id: int | None = None
    value_class: str = ""
    risk_level: str = ""
    sort: str = "name"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "ClientQuery":
        """Read the URL's query string; anything unknown falls back to the default."""
        manager = args.get("manager", "")
        page = args.get("page", "1")
        query = cls(
            q=(args.get("q") or "").strip()[:40],
            class_code=args.get("class", "") if args.get("class", "") in CLASSES else "",
            manager_id=int_arg(manager),
            value_class=args.get("value", "") if args.get("value", "") in "GSMU" else "",
            risk_level=args.get("risk", "") if args.get("risk", "") in RISK_FILTERS else "",
            sort=args.get("sort", "name") if args.get("sort") in SORTS else "name",
            page=max(1, int_arg(page) or 1),
        )
        return query

    def args(self, **changes) -> dict[str, Any]:
        """The query string of this query with some values changed (for links)."""
        values = {
            "q": self.q,
            "class": self.class_code,
            "manager": self.manager_id or "",
            "value": self.value_class,
            "risk": self.risk_level,
            "sort": self.sort,
            "page": self.page,
        }
        values.update(changes)
        return {
            k: v
            for k, v in values.items()
            if v not in ("", None) and (k, v) != ("page", 1) and (k, v) != ("sort", "name")
        }


@dataclass
class Page:
    items: list[Client]
    total: int
    page: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / PAGE_SIZE))

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last, and those around the current (None =
        gap)."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        window: list[int | None] = []
        for n in numbers:
            if window and n - window[-1] > 1:
                window.append(None)
            window.append(n)
        return window


def _prefix(column, text: str):
    """``column`` starts with ``text``, as a range an ordinary btree index serves."""
    return and_(column >= text, column < text + "\U0010ffff")


ID_NUMBER_MIN = 8
"""The shortest text the search box also tries as a whole ID number (passports have 9)."""


def search_condition(q: str):
    """What the search box matches: the start of the name or of its initials (ZSF), the start
    of the fund account or client number, the last four digits of the mobile, or a whole ID
    number (stored encrypted: matched by its keyed hash, ``Client.id_number_hash``)."""
    if not q:
        return None
    terms = []
    if len(q) >= ID_NUMBER_MIN and q.isascii() and q.isalnum():
        terms.append(Client.id_number_hash == id_number_hash(q))
    if q.isdigit():
        terms += [_prefix(Client.fund_account, q), _prefix(Client.client_no, q)]
        if len(q) == 4:
            terms.append(Client.mobile_last4 == q)
    elif q.isascii() and q.isalnum():
        terms += [
            _prefix(Client.name_initials, q.upper()),
            _prefix(Client.client_no, q),
            _prefix(Client.fund_account, q),
            _prefix(Client.name, q),
        ]
    else:
        terms.append(_prefix(Client.name, q))
    return or_(*terms)


def search(query: ClientQuery, user: User | None = None) -> Page:
    stmt = filtered(query, user)
    total = db.session.scalar(
        stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
    page = min(query.page, max(1, math.ceil(total / PAGE_SIZE)))
    items = db.session.scalars(
        stmt.options(joinedload(Client.manager))
        .order_by(*SORTS[query.sort][1])
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(items=list(items), total=total, page=page)


def filtered(query: ClientQuery, user: User | None = None):
    """The clients in the user's scope that the query's search box and filters match
    (unordered)."""
    stmt = scope.scoped(Client, user)
    condition = search_condition(query.q)
    if condition is not None:
        # As a subquery of ids: the planner then reads the few matching rows from the search
        # indexes first, instead of walking the scope's name index hoping to meet them.
        stmt = stmt.where(Client.id.in_(select(Client.id).where(condition)))
    if query.class_code:
        stmt = stmt.where(Client.class_code == query.class_code)
    if query.manager_id:
        stmt = stmt.where(Client.manager_id == query.manager_id)
    if query.value_class:
        stmt = stmt.where(Client.value_class == query.value_class)
    if query.risk_level == "none":
        stmt = stmt.where(Client.risk_level.is_(None))
    elif query.risk_level:
        stmt = stmt.where(Client.risk_level == query.risk_level)
    return stmt


PICK_LIMIT = 10  # a client picker offers this many matches


def pick(q: str, user: User | None = None) -> list[Client]:
    """The clients a picker offers for what was typed (the search box's matching: name,
    initials, fund account…), inside the user's scope, at most ``PICK_LIMIT``."""
    condition = search_condition(q.strip())
    if condition is None:
        return []
    return list(
        db.session.scalars(
            scope.scoped(Client, user)
            .where(Client.id.in_(select(Client.id).where(condition)))
            .order_by(*SORTS["name"][1])
            .limit(PICK_LIMIT)
        )
    )


def pick_label(client_id: int | None, user: User | None = None) -> str | None:
    """How a picker shows a chosen client, or None if there is none such in the user's scope."""
    if client_id is None or not 0 < client_id < 2**31:
        return None
    row = db.session.execute(
        select(Client.name, Client.fund_account).where(
            Client.id == client_id, scope.clause(Client, user)
        )
    ).one_or_none()
    return None if row is None else client_label(*row)


def client_label(name: str, fund_account: str) -> str:
    return f"{name}（{fund_account}）"


def managers_in_scope(user: User) -> list[User]:
    """The client managers whose clients the user may see (for filters and reassignment)."""
    stmt = select(User).where(User.role == "manager").order_by(User.branch_id, User.id)
    if user.role == "manager":
        stmt = stmt.where(User.id == user.id)
    elif user.role != "hq":
        stmt = stmt.where(User.branch_id == user.branch_id)
    return list(db.session.scalars(stmt))


def file_context(client: Client) -> dict[str, Any]:
    """What the client's file shows beside the 附件3 fields: figures, class and its history."""
    from portal.services.classification import threshold_for

    figures = db.session.scalars(
        select(MonthlyFigure)
        .where(MonthlyFigure.client_id == client.id)
        .order_by(MonthlyFigure.month.desc())
        .limit(24)
    ).all()
    history = db.session.scalars(
        select(ClassChange)
        .where(ClassChange.client_id == client.id)
        .order_by(ClassChange.at.desc(), ClassChange.id.desc())
    ).all()
    year = (client.figures_month or china_today()).year
    return {
        "figures": figures,
        "class_history": history,
        "threshold": threshold_for(year, client.branch_id),
        "class_info": CLASS_INFO.get(client.class_code) if client.class_code else None,
    }


def visit_counts(client_ids: list[int]) -> dict[int, int]:
    """累计拜访次数 of each client: its done visits (上门/电话/现场拜访; e-mail, SMS and other
    contacts are not visits — see ``domain.visits``), whoever made them. One grouped query;
    a client without visits is absent (read it with ``.get(id, 0)``)."""
    if not client_ids:
        return {}
    counts: dict[int, int] = {}
    for start in range(0, len(client_ids), 5000):  # keep the IN list within bound limits
        rows = db.session.execute(
            select(Contact.client_id, func.count())
            .where(
                Contact.client_id.in_(client_ids[start : start + 5000]),
                Contact.status == "done",
                Contact.kind.in_(visits.VISIT_KINDS),
            )
            .group_by(Contact.client_id)
        )
        counts.update({client_id: count for client_id, count in rows})
    return counts
