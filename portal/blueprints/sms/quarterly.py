"""The quarterly report's section on SMS to new accounts (Art. 34–35): of the messages whose
last day fell in the quarter (for the accounts the branch opened), those sent by that day,
those sent late, and those not sent. One query (the accounts opened from three months before
the quarter to its end, with their messages); the due days are computed here
(:func:`portal.domain.sms.due_dates`)."""

from datetime import date

from sqlalchemy import and_, select

from portal.domain import sms as rules
from portal.domain.beijing import local_date
from portal.extensions import db
from portal.models import Client, SmsMessage
from portal.services import quarterly


def lines(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    sent: dict[tuple[int, str], date | None] = {}
    opened: dict[int, date] = {}
    for client_id, opened_on, kind, sent_at in db.session.execute(
        select(Client.id, Client.opened_on, SmsMessage.kind, SmsMessage.sent_at)
        .outerjoin(
            SmsMessage,
            and_(SmsMessage.client_id == Client.id, SmsMessage.status == "sent"),
        )
        .where(
            Client.branch_id == branch_id,
            Client.opened_on >= rules.add_months(first, -3),
            Client.opened_on <= last,
        )
    ):
        opened[client_id] = opened_on
        if kind is not None:
            sent[(client_id, kind)] = local_date(sent_at)
    on_time = late = unsent = 0
    for client_id, opened_on in opened.items():
        for kind, due_on in zip(rules.KIND_LABELS, rules.due_dates(opened_on), strict=True):
            if not first <= due_on <= last:
                continue
            day = sent.get((client_id, kind))
            if day is None:
                unsent += 1
            elif day <= due_on:
                on_time += 1
            else:
                late += 1
    return [
        quarterly.Line("开户短信按时发送（条）", on_time, "第三十四条：两周内、三个月内"),
        quarterly.Line("开户短信逾期发送（条）", late),
        quarterly.Line("开户短信未发送（条）", unsent, "最迟发送日在本季度内"),
    ]


quarterly.register("sms", "开户短信", lines, rank=45)
