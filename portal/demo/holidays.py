"""Demo entries of HQ's holiday table and two contact changes with evidence.

The table: for this year and the next, the week-long 国庆 arrangement (the days after the
statutory 1–3 October off, the Saturday after worked, 调休) and the next 春节's (four more
days off after 初三, the following Saturday worked) — the pattern of the State Council's
yearly notices, computed from the statutory days so that the dates follow today's. Dates
within two weeks of today are left out, so the demo's work logs stay as the calendar had
them. Two clients of 李明 (mgr1) had their mobile or e-mail changed on evidence. Only into a
database without such records (idempotent).
"""

from datetime import date, timedelta

from sqlalchemy import select

from portal.domain.beijing import china_today
from portal.domain.workdays import statutory_holidays
from portal.extensions import db
from portal.models import CalendarDay, Client, ContactChange, User
from portal.services import calendar, clients


def _next_saturday(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


def _arrangement(year: int, name: str) -> list[tuple[date, bool, str]]:
    days = sorted(d for d, n in statutory_holidays(year).items() if n == name)
    if not days:
        return []
    last = days[-1]
    off = [last + timedelta(days=n) for n in range(1, 5)]
    rows = [(d, False, f"{name}调休放假") for d in off if d.weekday() < 5]
    rows.append((_next_saturday(off[-1]), True, f"{name}调休上班"))
    return rows


def seed_holidays() -> int:
    """HQ's demo entries and the demo contact changes (see the module docstring); returns how
    many records were created."""
    return seed_calendar() + seed_contact_changes()


def seed_calendar() -> int:
    """HQ's demo entries (see the module docstring); returns how many were created."""
    if db.session.scalar(select(CalendarDay.id).limit(1)) is not None:
        return 0
    hq = db.session.scalar(select(User).where(User.role == "hq").order_by(User.id))
    if hq is None:
        return 0
    today = china_today()
    rows = [
        *_arrangement(today.year, "国庆节"),
        *_arrangement(today.year + 1, "春节"),
        *_arrangement(today.year + 1, "国庆节"),
    ]
    created = 0
    for day, workday, note in rows:
        if abs((day - today).days) > 14:
            data = {"day": day, "workday": workday, "note": f"{note}（按国务院办公厅通知）"}
            calendar.save_entry(None, data, hq)
            created += 1
    return created


CHANGES = [
    ({"mobile": "13700{:06d}"}, {"kind": "recording", "ref": "LY{:%Y%m%d}-0031"}),
    ({"email": "client{:06d}@example.com"}, {"kind": "letter", "ref": "书面申请 {:%Y}-118"}),
]


def seed_contact_changes() -> int:
    """Two of mgr1's clients with a changed mobile / e-mail; returns how many."""
    if db.session.scalar(select(ContactChange.id).limit(1)) is not None:
        return 0
    manager = db.session.scalar(select(User).where(User.username == "mgr1"))
    if manager is None:
        return 0
    query = select(Client).where(Client.manager_id == manager.id).order_by(Client.id).limit(2)
    made = 0
    for client, (values, evidence) in zip(db.session.scalars(query).all(), CHANGES, strict=False):
        data = {field: pattern.format(client.id) for field, pattern in values.items()}
        ref = evidence["ref"].format(china_today())
        clients.update_client(client, data, evidence={**evidence, "ref": ref}, user=manager)
        made += 1
    return made
