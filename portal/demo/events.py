"""Demo client events and branch profiles: a few events of each kind in both demo branches
over the last two months (one in the current week of mgr1), each with some of the branch's
clients attended — one attendance withdrawn as recorded by mistake — and the profiles of both
branches. Through the services, like a user's entries; only into a database without events
(and only profiles not yet filled). Deterministic apart from the dates, which follow today."""

from datetime import timedelta

from sqlalchemy import select

from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Branch, Client, User
from portal.models.event import ClientEvent
from portal.services import events, profiles

# organiser, kind, days ago, topic, speaker, place, whose clients attended (manager, how many)
EVENTS = [
    ("mgr1", "seminar", 0, "年末行情展望与资产配置", "李明", "营业部三楼会议室", [("mgr1", 6)]),
    (
        "head1",
        "lecture",
        9,
        "理财大讲堂：养老目标基金入门",
        "王建国",
        "营业部多功能厅",
        [("mgr1", 5), ("mgr2", 4)],
    ),
    ("mgr2", "social", 16, "客户联谊茶话会", "陈静", "滨江茶社", [("mgr2", 5)]),
    (
        "head1",
        "training",
        23,
        "网上交易与手机证券使用培训",
        "刘芳",
        "营业部大厅",
        [("mgr1", 3), ("mgr2", 3)],
    ),
    ("mgr1", "lecture", 37, "理财大讲堂：可转债的投资要点", "李明", "", [("mgr1", 4)]),
    (
        "mgr2",
        "seminar",
        45,
        "新能源行业投资研讨会",
        "研究所 张研究员",
        "营业部三楼会议室",
        [("mgr2", 4)],
    ),
    ("mgr3", "seminar", 2, "半导体产业链投资机会", "赵磊", "金融街营业部会议室", [("mgr3", 5)]),
    ("mgr3", "social", 20, "秋季客户联谊会", "赵磊", "西山农庄", [("mgr3", 4)]),
    ("mgr3", "training", 30, "融资融券业务规则培训", "赵磊", "", [("mgr3", 3)]),
    (
        "mgr3",
        "lecture",
        50,
        "理财大讲堂：家庭资产配置",
        "研究所 王研究员",
        "营业部多功能厅",
        [("mgr3", 4)],
    ),
]

PROFILES = {
    "第一营业部": {
        "address": "上海市浦东新区世纪大道100号",
        "hotline": "021-95500",
        "services": "一对一客户经理服务\n每周投资研讨会\n老年客户上门开户与交易培训",
        "offers": "新开户三个月内免费使用Level-2行情\n资产50万元以上客户享受专属佣金方案",
        "latest_events": "每月第二个周六：理财大讲堂\n年末行情展望投资研讨会（本周）",
    },
    "第二营业部": {
        "address": "北京市西城区金融大街8号",
        "hotline": "010-95500",
        "services": "融资融券业务专席\n机构客户综合服务",
        "offers": "两融新客户首月利率优惠",
        "latest_events": "半导体产业链投资机会研讨会\n秋季客户联谊会",
    },
}


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _clients_of(manager: User, offset: int, n: int) -> list[Client]:
    return db.session.scalars(
        select(Client)
        .where(Client.manager_id == manager.id)
        .order_by(Client.id)
        .offset(offset)
        .limit(n)
    ).all()


def seed_events() -> int:
    """The demo events and profiles; return how many events were made."""
    for name, data in PROFILES.items():
        branch = db.session.scalar(select(Branch).where(Branch.name == name))
        if branch is not None and not branch.services:
            profiles.update_profile(branch, data)
    if db.session.scalar(select(ClientEvent.id).limit(1)) is not None:
        return 0
    today = china_today()
    made = 0
    for number, (organiser, kind, ago, topic, speaker, place, attendees) in enumerate(EVENTS):
        organiser = _user(organiser)
        if organiser is None:
            continue
        data = {"kind": kind, "held_on": today - timedelta(days=ago), "topic": topic}
        data |= {"speaker": speaker, "place": place, "notes": ""}
        event = events.record_event(data, organiser)
        made += 1
        for manager_name, n in attendees:
            manager = _user(manager_name)
            # The head records the clients of their branch; managers their own.
            recorder = organiser if organiser.role == "branch_head" else manager
            for client in _clients_of(manager, number, n):
                events.add_attendee(event, client, recorder)
        if number == 1:  # one entry made by mistake, withdrawn with its reason
            attendance = event.attendances[-1]
            events.withdraw_attendee(attendance, "登记有误：客户当天未到场", _user("head1"))
    return made
