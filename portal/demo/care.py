"""Demo care data (Art. 50.9, 50.10): three of mgr1's clients have their birthday this week
(today, in two days, in five days), one of mgr1's clients lost more than half of its assets in
three months, another asked to close the account (转销户) and has a retention record.

Only into a database without 转销户 requests (running it again changes nothing); the dates
follow today's date. Birthdays move together with the client's ID number (SPEC §8: they must
agree); changes go through the ORM, so they are in the audit trail.
"""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.domain import care
from portal.domain.beijing import china_today
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import Client, CloseRequest, MonthlyFigure, User
from portal.services import care as service
from portal.services import classification
from portal.services.records import use_case

BIRTHDAYS_IN = (0, 2, 5)
"""Days from today of the demo birthdays."""


def seed_care() -> int:
    """Returns the number of clients changed (0 when there is nothing to do)."""
    if db.session.scalar(select(CloseRequest.id).limit(1)) is not None:
        return 0
    manager = db.session.scalar(select(User).where(User.username == "mgr1"))
    if manager is None:
        return 0
    clients = list(
        db.session.scalars(
            select(Client)
            .where(Client.manager_id == manager.id, Client.id_type == "resident")
            .order_by(Client.id)
            .limit(10)
        )
    )
    if len(clients) < 5:
        return 0
    today = china_today()
    _birthdays(clients[:3], today)
    by_assets, by_request = clients[3], clients[4]
    _assets_fall(by_assets)
    service.record_close_request(
        by_request,
        {"requested_on": today - timedelta(days=3), "note": "客户来电称拟转至其他券商。"},
        manager,
    )
    service.record_retention(
        by_request,
        {
            "on": today - timedelta(days=2),
            "action": "电话回访了解原因（佣金偏高），约定下周到营业部面谈，介绍VIP服务套餐。",
            "outcome": "following",
        },
        manager,
    )
    return 5


@use_case
def _birthdays(clients: list[Client], today: date) -> None:
    for client, days in zip(clients, BIRTHDAYS_IN, strict=False):
        day = today + timedelta(days=days)
        old = client.birthday or date(1970, 1, 1)
        year = old.year if not (day.month == 2 and day.day == 29) else 1980
        birthday = date(year, day.month, day.day)
        if care.is_birthday_soon(old, today) or not client.id_number:
            continue
        sequence = int(client.id_number[14:17])
        client.id_number = build_resident_id(client.id_number[:6], birthday, sequence)
        client.birthday = birthday


@use_case
def _assets_fall(client: Client) -> None:
    """The client's 月末总资产 of its latest month falls to 40% of three months before."""
    month = client.figures_month
    if month is None:
        return
    figures = {
        f.month: f
        for f in db.session.scalars(
            select(MonthlyFigure).where(
                MonthlyFigure.client_id == client.id,
                MonthlyFigure.month.in_((month, care.add_months(month, -3))),
            )
        )
    }
    latest, earlier = figures.get(month), figures.get(care.add_months(month, -3))
    if latest is None or earlier is None:
        return
    latest.end_assets = (earlier.end_assets * Decimal("0.4")).quantize(Decimal("0.01"))
    latest.avg_assets = (earlier.avg_assets * Decimal("0.7")).quantize(Decimal("0.01"))
    db.session.flush()
    classification.refresh_client_figures([client.id])
