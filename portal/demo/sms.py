"""Demo SMS to new accounts: a few of the demo managers' clients opened recently (so that
messages are due, some overdue), messages written and sent for some — one batch exported and
marked sent, one message still in the outbox. Through :mod:`portal.services`; only into a
database without any message."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.domain import sms as rules
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Client, SmsMessage, User
from portal.services import clients
from portal.services import sms as service

OPENED_DAYS_AGO = {"mgr1": (2, 9, 20, 45, 75, 100), "mgr2": (5, 30, 95)}
"""Accounts of each manager re-dated as opened this many days ago."""

PACKAGES = ("VIP理财", "基础服务", "融资融券")


def seed_sms() -> int:
    """Create the demo messages; returns how many (0 when there are some)."""
    if db.session.scalar(select(func.count(SmsMessage.id))):
        return 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    if not {"head1", "mgr1", "mgr2"} <= users.keys():
        return 0
    today = china_today()
    recent: dict[str, list[Client]] = {}
    for username, days in OPENED_DAYS_AGO.items():
        found = db.session.scalars(
            select(Client)
            .where(Client.manager_id == users[username].id, Client.mobile != "")
            .order_by(Client.id.desc())
            .limit(len(days))
        ).all()
        for n, (client, ago) in enumerate(zip(found, days, strict=False)):
            clients.update_client(
                client,
                {"opened_on": today - timedelta(days=ago), "service_package": PACKAGES[n % 3]},
            )
        recent[username] = list(found)
    written = 0
    # Messages written in time for the older accounts of mgr1 and mgr2.
    for username, client_list in recent.items():
        manager = users[username]
        for client in client_list:
            age = (today - client.opened_on).days
            kinds = [rules.TWO_WEEKS] if age > 40 else []
            if age > 95:
                kinds.append(rules.THREE_MONTHS)
            for kind in kinds:
                service.queue(client, kind, service.draft(client, kind), manager)
                written += 1
    head = users["head1"]
    batch = service.make_batch(head.branch_id, head)
    if batch is not None:
        service.mark_sent(batch, head)
    # One written today, still in the outbox.
    newest = recent["mgr1"][0]
    service.queue(newest, rules.TWO_WEEKS, service.draft(newest, rules.TWO_WEEKS), users["mgr1"])
    return written + 1
