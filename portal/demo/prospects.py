"""Demo appointments to open an account (预约开户): today's, some followed up, two overdue
(past their two working days), one given up, and one whose account was opened — a client
file made from it, linked both ways. Dated from today; through :mod:`portal.services`, like a
user's own entries; only into a database without any."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from portal.domain.beijing import china_today
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import User
from portal.models.prospect import Prospect
from portal.services import clients
from portal.services import prospects as service
from portal.services.calendar import previous_workday

ROWS = (
    # name, phone, manager, source, entered working days ago, follow-ups (days ago, outcome)
    ("杜明远", "13912340001", "mgr1", "phone", 0, ()),
    ("韩雪梅", "13912340002", "mgr1", "counter", 0, ()),
    ("卢振华", "13912340003", "mgr1", "referral", 1, ((0, "contacted"),)),
    ("蒋文静", "13912340004", "mgr1", "online", 4, ()),  # overdue
    ("沈国栋", "13912340005", "mgr2", "event", 5, ((4, "no_answer"),)),  # overdue
    ("潘晓燕", "13912340006", "mgr2", "phone", 3, ((2, "dropped"),)),
    ("魏子涵", "13912340007", "mgr2", "counter", 2, ((1, "rescheduled"),)),
)
OPENED = ("程立新", "13912340008", "mgr1", "referral")


def _workdays_ago(n: int) -> date:
    day = china_today()
    for _ in range(n):
        day = previous_workday(day)
    return day


def seed_prospects() -> int:
    """Create the demo appointments; returns how many (0 when there are some)."""
    if db.session.scalar(select(func.count(Prospect.id))):
        return 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    if not {"head1", "mgr1", "mgr2", "counter1"} <= users.keys():
        return 0
    counter = users["counter1"]
    for name, phone, manager, source, ago, follow_ups in ROWS:
        entered = _workdays_ago(ago)
        prospect = service.enter(
            {
                "name": name,
                "phone": phone,
                "manager_id": users[manager].id,
                "appointment_on": entered + timedelta(days=1),
                "source": source,
                "note": "",
                "entered_on": entered,
            },
            counter,
        )
        for days_ago, outcome in follow_ups:
            service.follow_up(
                prospect,
                {"on": _workdays_ago(days_ago), "outcome": outcome, "note": "电话联系客户。"},
                users[manager],
            )
    name, phone, manager, source = OPENED
    prospect = service.enter(
        {
            "name": name,
            "phone": phone,
            "manager_id": users[manager].id,
            "appointment_on": china_today(),
            "source": source,
            "note": "老客户介绍，当日到营业部开户。",
        },
        counter,
    )
    client = clients.create_client(
        service.client_defaults(prospect)
        | {
            "client_no": "880000001",
            "fund_account": "660188000001",
            "gender": "男",
            "id_type": "resident",
            "id_number": build_resident_id("310115", date(1986, 5, 20), 131),
            "birthday": date(1986, 5, 20),
            "commission_rate": Decimal("0.000250"),
        },
        users["head1"],
    )
    service.opened(prospect, client)
    return len(ROWS) + 1
