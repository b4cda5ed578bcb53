"""Inquiries for the tests: logged through the service at fixed Beijing times."""

from datetime import datetime

from activity_data import user

from portal.domain.beijing import to_utc
from portal.extensions import db
from portal.models import Client
from portal.services import calendar, inquiries

WORKING = datetime(2030, 1, 2, 10, 0)
"""Wednesday 2 January 2030, 10:00 Beijing time: within working hours."""


def log(username: str, client_id: int | None = None, channel: str = "phone", **data):
    """An inquiry ``username`` heard (they own it), from the client or from 访客 张女士."""
    client = db.session.get(Client, client_id) if client_id else None
    values = {
        "channel": channel,
        "received_at": to_utc(data.pop("at", WORKING)),
        "question": data.pop("question", "开户需要带什么证件？"),
    }
    if client is None:
        values |= {"asker_name": "张女士", "asker_phone": "13900002222"}
    record = inquiries.log_inquiry(values | data, user(username), client)
    calendar.forget()  # the test's app context is the requests' too: no stale holiday table
    return record
