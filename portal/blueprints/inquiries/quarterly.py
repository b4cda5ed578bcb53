"""The quarterly report's section on inquiries (首问负责制, Art. 29, 31, 36): inquiries by
channel, and the e-mails answered within two working days (Art. 36: the answer's Beijing date
on or before the inquiry's 最迟回复日期) against those answered late or still open. Two
queries; the e-mails are bucketed here (their due day is a date, their answer a UTC time)."""

from datetime import date

from sqlalchemy import func, select

from portal.domain.beijing import china_today, local_date, utc_bounds
from portal.domain.inquiries import CHANNELS
from portal.extensions import db
from portal.models.inquiry import Inquiry
from portal.services import quarterly


def lines(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    start, end = utc_bounds(first, last)
    received = Inquiry.branch_id == branch_id, Inquiry.received_at >= start
    received += (Inquiry.received_at < end,)
    by_channel = dict(
        db.session.execute(
            select(Inquiry.channel, func.count()).where(*received).group_by(Inquiry.channel)
        ).all()
    )
    today = china_today()
    on_time = late = overdue = waiting = 0
    for due_on, answered_at in db.session.execute(
        select(Inquiry.due_on, Inquiry.answered_at).where(*received, Inquiry.channel == "email")
    ):
        if answered_at is not None:
            if due_on is None or local_date(answered_at) <= due_on:
                on_time += 1
            else:
                late += 1
        elif due_on is not None and today > due_on:
            overdue += 1
        else:
            waiting += 1
    return [
        *(
            quarterly.Line(f"{label}咨询（件）", by_channel.get(key, 0))
            for key, label in CHANNELS.items()
        ),
        quarterly.Line("咨询合计（件）", sum(by_channel.values()), "按受理时间"),
        quarterly.Line(
            "电子邮件两个工作日内答复（件）", on_time, "第三十六条：最迟不超过两个工作日"
        ),
        quarterly.Line("电子邮件逾期答复（件）", late),
        quarterly.Line("电子邮件逾期未答复（件）", overdue),
        quarterly.Line("电子邮件未到期未答复（件）", waiting),
    ]


quarterly.register("inquiries", "客户咨询", lines, rank=40)
