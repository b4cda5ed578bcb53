"""Factories: the few records a test needs, built through the services (so they are valid,
classified and audited as a user's entry would be) rather than the whole demo book.

Call them inside an application context. The organisation itself (branches, hq, head1,
mgr1 … counter1) is the ``org`` fixture; :func:`user` looks those users up or adds more.
"""

import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from portal.demo import DEMO_PASSWORD
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import Branch, Client, User
from portal.services import accounts, advice, clients, contacts, risk, weekly, worklogs

_numbers = itertools.count(1)


def user(username: str) -> User:
    """The user ``username`` (one of the ``org`` fixture's, or one made by :func:`new_user`)."""
    return db.session.scalar(select(User).where(User.username == username))


def client_named(name: str) -> Client:
    return db.session.scalar(select(Client).where(Client.name == name))


def branch(name: str) -> Branch:
    return db.session.scalar(select(Branch).where(Branch.name == name))


def new_user(role: str, branch_id: int | None, username: str | None = None, **fields) -> User:
    """A user of ``role`` who logs in with the demo password."""
    n = next(_numbers)
    data = {
        "username": username or f"{role}{n}",
        "display_name": fields.pop("display_name", f"测试{n}"),
        "role": role,
        "branch_id": branch_id,
        "phone": "",
    }
    return accounts.create_user(data | fields, DEMO_PASSWORD)


def monthly_figures(
    last: date, months: int = 12, end_assets: Decimal = Decimal("2100000"), turnover: int = 3
) -> list[dict]:
    """``months`` months of figures ending with the month of ``last``: steady assets of
    ``end_assets`` and a yearly turnover of about ``turnover``."""
    rows = []
    year, month = last.year, last.month
    for _ in range(months):
        rows.append(
            {
                "month": date(year, month, 15),
                "avg_assets": end_assets,
                "end_assets": end_assets,
                "traded_amount": end_assets * turnover / 12,
            }
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return rows


def client(
    manager: str | User, name: str = "张三丰", related: list[dict] | None = None, **fields
) -> Client:
    """A client of ``manager`` (a username or a ``User``) with a valid resident ID number and
    its own fund account and mobile; ``fields`` as ``services.clients.create_client`` takes
    them (e.g. ``figures=monthly_figures(...)`` to have it classified); ``related`` its 相关人物."""
    n = next(_numbers)
    manager = user(manager) if isinstance(manager, str) else manager
    data = {
        "name": name,
        "fund_account": f"9{n:09d}",
        "id_type": "resident",
        "id_number": build_resident_id("310115", date(1975, 3, 8), 101),
        "mobile": f"138{n:08d}",
        "opened_on": date(2019, 6, 1),
        "commission_rate": Decimal("0.000250"),
    } | fields
    return clients.create_client(data | {"manager_id": manager.id}, manager, related)


def assessment(client: Client, answers: dict, by: User | None = None, **kwargs):
    """A risk assessment of ``client`` (answers as ``tests/answers.py`` has them)."""
    risk.ensure_default_version()
    by = by or db.session.get(User, client.manager_id)
    return risk.record_assessment(client, answers, by, **kwargs)


def contact(client: Client, at: datetime, kind: str = "home", **values):
    """A done contact of the client's manager at Beijing time ``at``."""
    data = {"kind": kind, "status": "done", "at": at, "content": f"{kind} 的拜访内容"}
    data |= {"core_client": True, "place": "客户家中"} | values
    return contacts.log_contact(client, data, db.session.get(User, client.manager_id))


def work_log(manager: User, day: date, **texts):
    return worklogs.save_log(manager, day, texts, [])


def weekly_summary(manager: User, monday: date, submit: bool = False, **texts):
    return weekly.save_summary(manager, monday, texts, submit=submit)


def advice_for(client: Client, product_code: str = "stock", **fields):
    """Advice of the client's manager (the client needs a current assessment that allows
    ``product_code``)."""
    data = {
        "category": "个股",
        "product_code": product_code,
        "question": "近期市场怎么看",
        "advice": "保持现有配置",
    } | fields
    return advice.record_advice(client, data, db.session.get(User, client.manager_id))
