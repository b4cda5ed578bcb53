"""Small, explicit data for the activity tests: a few clients per demo manager and contacts
at given Beijing times (faster than the full demo, and every number visible in the test)."""

import itertools
from datetime import date, datetime

from sqlalchemy import select

from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import Client, User
from portal.services import clients, contacts

_numbers = itertools.count(1)

WEEK = date(2024, 10, 14)
"""A past week (Monday 14 – Sunday 20 October 2024) with no holiday in it."""
DAY = date(2024, 10, 15)
"""A Tuesday in it: a working day."""


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def new_client(manager: str, name: str = "张三丰", opened_on: date = date(2019, 6, 1)) -> Client:
    """A client of ``manager`` (username), opened on ``opened_on``."""
    n = next(_numbers)
    return clients.create_client(
        {
            "name": name,
            "fund_account": f"7{n:09d}",
            "id_type": "resident",
            "id_number": build_resident_id("310115", date(1975, 3, 8), 101),
            "mobile": f"139{n:08d}",
            "opened_on": opened_on,
        },
        user(manager),
    )


def visit(client: Client, at: datetime, kind: str = "home", **values):
    """A done contact of the client's manager at Beijing time ``at``."""
    data = {"kind": kind, "status": "done", "at": at, "content": f"{kind} 的拜访内容"}
    data |= {"core_client": True, "place": "客户家中"} | values
    return contacts.log_contact(client, data, db.session.get(User, client.manager_id))


def setup_branch() -> dict[str, int]:
    """Two clients of mgr1, one of mgr2 (same branch), one of mgr3 (other branch); one visit
    each on ``DAY``. Returns their ids and the managers' (``mgr1`` …)."""
    ids = {name: user(name).id for name in ("mgr1", "mgr2", "mgr3")}
    for key, manager, name in (
        ("own", "mgr1", "李四"),
        ("own2", "mgr1", "欧阳明"),
        ("colleague", "mgr2", "王五"),
        ("elsewhere", "mgr3", "赵六"),
    ):
        client = new_client(manager, name)
        ids[key] = client.id
        ids[f"{key}_visit"] = visit(client, datetime(2024, 10, 15, 10, 0)).id  # home, core
    return ids
