"""Demo inquiries (首问负责制): every channel, e-mails overdue and on time, answered ones, one
handed to a colleague, one from a non-client, one taken after hours, one answer flagged for
the head — in both branches, dated from today.

Everything goes through :mod:`portal.services.inquiries`, like a user's own entries; the
inquiries only go into a database without any.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from portal.domain.beijing import china_today, to_utc
from portal.extensions import db
from portal.models import Client, User
from portal.models.inquiry import Inquiry
from portal.services import inquiries as service
from portal.services.calendar import add_workdays, previous_workday


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _client(manager: User, n: int = 0) -> Client | None:
    return db.session.scalar(
        select(Client).where(Client.manager_id == manager.id).order_by(Client.id).offset(n)
    )


def _workdays_ago(n: int):
    day = china_today()
    for _ in range(n):
        day = previous_workday(day)
    return day


def _at(day, hour: int, minute: int = 0) -> datetime:
    return to_utc(datetime.combine(day, time(hour, minute)))


def seed_inquiries() -> int:
    """Create the demo inquiries; returns how many were created (0 when there are some)."""
    if db.session.scalar(select(func.count(Inquiry.id))):
        return 0
    head, mgr1, mgr2, mgr3, counter = (
        _user(n) for n in ("head1", "mgr1", "mgr2", "mgr3", "counter1")
    )
    if not all((head, mgr1, mgr2, mgr3, counter)) or _client(mgr1) is None:
        return 0
    made = []

    def log(user, channel, received, question, client=None, **extra):
        data = {"channel": channel, "received_at": received, "question": question, **extra}
        made.append(service.log_inquiry(data, user, client))
        return made[-1]

    def answer(record, user, text, after: timedelta = timedelta(hours=3)):
        service.answer(record, text, user, at=record.received_at + after)

    # Overdue e-mails (Art. 36): received four and five working days ago, still open.
    log(
        mgr1,
        "email",
        _at(_workdays_ago(5), 10, 20),
        "邮件咨询：融资融券开户需要满足哪些条件？需要带哪些材料？",
        _client(mgr1, 0),
    )
    log(
        counter,
        "email",
        _at(_workdays_ago(4), 15, 5),
        "邮件咨询：我的账户为什么不能申购创业板新股？",
        _client(mgr2, 0),
    )
    log(
        mgr3,
        "email",
        _at(_workdays_ago(4), 11, 0),
        "邮件咨询：如何办理三方存管银行变更？",
        _client(mgr3, 0),
    )
    # An e-mail due in the coming days.
    log(
        mgr1,
        "email",
        _at(_workdays_ago(1), 14, 30),
        "邮件咨询：能否把对账单改为每月邮寄？",
        _client(mgr1, 1),
    )
    # An e-mail answered on time by the head.
    answer(
        log(
            head,
            "email",
            _at(_workdays_ago(3), 9, 40),
            "邮件咨询：营业部周六是否办理业务？",
            _client(mgr2, 1),
        ),
        head,
        "您好！本营业部周六不办理柜台业务，网上交易和电话委托可正常使用。欢迎您工作日前来办理。",
        timedelta(hours=5),
    )
    # A non-client's phone call, answered by counter staff.
    answer(
        log(
            counter,
            "phone",
            _at(_workdays_ago(2), 11, 0),
            "非客户来电：想了解开户需要什么证件，能否周末开户。",
            asker_name="张先生",
            asker_phone="13912345678",
        ),
        counter,
        "您好！开户请携带本人有效身份证件和银行卡，工作日9:00–17:00到营业部柜台办理，也可以通过手机开户。",
    )
    # A visit mgr1 could not answer: mgr2 is asked, mgr1 stays responsible.
    handed = log(
        mgr1,
        "visit",
        _at(_workdays_ago(1), 10, 15),
        "客户到营业部咨询：可转债如何申购、中签后怎么缴款？",
        _client(mgr1, 2),
    )
    service.ask_colleague(handed, mgr2.id, "请陈静讲解可转债申购与缴款流程。", mgr1)
    # Online questions, one answered.
    answer(
        log(
            mgr2,
            "online",
            _at(_workdays_ago(2), 16, 10),
            "网上留言：基金定投可以随时停止吗？",
            _client(mgr2, 2),
        ),
        mgr2,
        "您好！基金定投可以随时申请终止，已扣款的部分不受影响。如需帮助请随时联系我。",
    )
    # A call after working hours: what the client was told, and the follow-up day.
    evening = _workdays_ago(1)
    log(
        mgr1,
        "phone",
        _at(evening, 19, 30),
        "客户晚间来电：忘记交易密码，如何重置？",
        _client(mgr1, 3),
        told_client="交易密码需本人携带身份证件到柜台或通过手机业务办理重置，明天上午回电确认。",
        follow_up_on=add_workdays(evening, 1),
    )
    # An answer the screening flags for the head (Art. 44).
    answer(
        log(
            counter,
            "phone",
            _at(_workdays_ago(3), 14, 0),
            "客户来电询问：分红什么时候到账？",
            _client(mgr2, 3),
        ),
        counter,
        "不知道。",
        timedelta(minutes=5),
    )
    # 第二营业部: an online question answered.
    answer(
        log(
            mgr3,
            "online",
            _at(_workdays_ago(2), 10, 0),
            "网上留言：国债逆回购怎么操作？",
            _client(mgr3, 1),
        ),
        mgr3,
        "您好！国债逆回购在交易软件的“债券回购”菜单中以卖出方式操作，资金次一交易日可用。",
    )
    return len(made)
