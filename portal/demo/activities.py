"""Demo data of a manager's working day (part of ``flask seed demo``): eight weeks of contacts
for every demo manager — visits of their clients on working days, home visits with their
self-evaluations (附件6), e-mails and SMS for the record — the daily work logs (附件2), the
weekly summaries (附件5) submitted and commented, a few clients handed over to each manager
in those weeks (新增客户), and today's and the coming days' planned visits.

Generated data is bulk-inserted (outside the audit trail, like the historical risk
assessments); deterministic apart from its dates, which follow today's date.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from portal.domain import visits, workdays
from portal.domain.beijing import china_today, to_utc, utcnow
from portal.extensions import db
from portal.models import (
    Client,
    ClientAssignment,
    Consultation,
    Contact,
    User,
    VisitEvaluation,
    VisitEvaluationItem,
    WeeklySummary,
    WorkLog,
)
from portal.services.records import use_case

SEED = 20240605
WEEKS = 8
CORE_CLASSES = {"A+", "B+", "A", "B"}

CONTENTS = {
    "home": [
        "登门拜访，介绍研究所最新策略报告，了解客户近期资金安排",
        "上门为客户安装并讲解网上委托软件的使用",
        "生日问候，赠送带公司VI标识的小礼品，交流后市看法",
        "与客户及家人面谈子女教育金规划，介绍固定收益产品",
        "回访客户持仓，针对重仓的银行股提出操作参考建议",
    ],
    "phone": [
        "电话沟通持仓情况，提示近期市场波动风险",
        "电话告知晨会要点和本周新股申购安排",
        "电话预约下周登门拜访时间",
        "电话回访，了解客户对交易软件的使用意见",
        "电话推荐新发行的债券基金，客户表示考虑",
    ],
    "onsite": [
        "在营业部与客户面对面交流，研讨大盘走势",
        "现场为客户讲解融资融券业务规则和风险",
        "客户来营业部办理业务，顺便交流行业配置",
        "在大户室分发研究报告并听取客户意见",
    ],
    "email": ["发送本周投资策略周报", "邮件回复客户关于基金定投的咨询"],
    "sms": ["短信发送晨会简要信息", "短信提醒新股申购"],
    "other": ["参加营业部举办的客户联谊活动"],
}
IMPROVEMENTS = [
    "下次准备客户关心的医药行业研究报告",
    "提前了解客户持仓，拜访时间控制在一小时内",
    "跟进客户对债券基金的意向",
    "整理客户提出的交易软件问题反馈给信息技术部",
    "",
    "",
]
PLACES = {"phone": "电话", "email": "电子邮件", "sms": "短信", "other": "营业部多功能厅"}
ONSITE_PLACES = ["营业部大户室", "营业部贵宾室", "营业部交易大厅"]
KIND_WEIGHTS = [("home", 2), ("phone", 9), ("onsite", 3), ("email", 1), ("sms", 1), ("other", 1)]
EVALUATION_TEXTS = {
    "preparation": (
        "提前查阅了客户服务档案，准备了研究报告",
        "展示夹资料不够齐全",
        "准备客户关心的板块资料",
    ),
    "etiquette": ("着装得体，准时到达", "进门寒暄略显拘谨", "先问候客户家人近况"),
    "communication": ("认真倾听客户对市场的看法", "提问不够深入", "多用开放式问题探询需求"),
    "knowledge": ("对客户持仓个股的基本面解释清楚", "对衍生品规则不够熟悉", "复习融资融券业务规则"),
    "technique": ("适时赞美客户的投资经验", "异议处理时急于反驳", "按“赞美认同+反问+回答”处理异议"),
}
MORNING = [
    "晨会：研究所认为大盘短期震荡，关注消费和医药板块；本周有三只新股申购。",
    "晨会：央行公开市场操作释放流动性，银行、地产板块活跃；提醒客户控制仓位。",
    "晨会：节前资金面偏紧，建议客户适当降低仓位；介绍新发行的债券基金。",
]
INSIGHTS = [
    "客户更关心风险控制，介绍产品时应先讲风险再讲收益。",
    "电话拜访前先看客户持仓，沟通更有针对性。",
    "登门拜访准备充分，客户愿意介绍朋友开户。",
]
PLANS = [
    "电话联系5位核心客户，下午登门拜访一位客户。",
    "整理本周客户反馈，准备周工作总结。",
    "跟进昨日客户的基金购买意向，参加营业部周例会。",
]
REVIEWS = ["已完成。", "大部分完成，一位客户改约到下周。", "已完成，并额外回访了两位客户。"]
CONSULTATIONS = [
    "咨询新股申购规则",
    "咨询债券基金的风险和收益",
    "询问所持个股的研究报告",
    "咨询融资融券开户条件",
]
WEEK_TEXTS = {
    "work_news": "本周完成核心客户电话回访，登门拜访重点客户，协助营业部举办投资研讨会。",
    "client_feedback": "部分客户希望增加行业研究报告的推送频率；有客户反映交易软件行情刷新较慢。",
    "own_suggestions": "建议营业部增加小型客户联谊活动，加强与客户的情感交流。",
    "summary": "本周拜访计划基本完成，新增客户按计划推进；下周重点跟进债券基金意向客户。",
}
COMMENTS = ["计划执行较好，继续保持。", "上门拜访偏少，下周请加强核心客户的登门拜访。"]


@use_case
def seed_activities() -> int:
    """Create the demo activity of mgr1, mgr2 and mgr3 (only into a database without
    contacts); returns the number of contacts created."""
    backfill_assignments()
    if db.session.scalar(select(Contact.id).limit(1)) is not None:
        return 0
    managers = db.session.scalars(
        select(User).where(User.role == "manager").order_by(User.id)
    ).all()
    rng = random.Random(SEED)
    today = china_today()
    first = workdays.week_start(today) - timedelta(days=7 * (WEEKS - 1))
    heads = {
        u.branch_id: u.id
        for u in db.session.scalars(select(User).where(User.role == "branch_head"))
    }
    total = 0
    for manager in managers:
        clients = db.session.scalars(
            select(Client).where(Client.manager_id == manager.id).order_by(Client.id)
        ).all()
        if not clients:
            continue
        total += _contacts(rng, manager, clients, first, today)
        _handovers(rng, manager, clients, first, today)
        _logs(rng, manager, clients, first, today)
        _summaries(rng, manager, first, today, heads.get(manager.branch_id))
    db.session.flush()
    _evaluations(rng)
    return total


@use_case
def backfill_assignments() -> None:
    """Clients without an assignment row (created outside ``services.clients``, as the demo
    clients are) are served by their manager since their opening date."""
    missing = select(Client.id, Client.manager_id, Client.opened_on, Client.created_at).where(
        ~select(ClientAssignment.id).where(ClientAssignment.client_id == Client.id).exists()
    )
    db.session.execute(
        insert(ClientAssignment.__table__).from_select(
            ["client_id", "manager_id", "since", "recorded_at"], missing
        )
    )


def _opened_by(clients: list[Client], day: date) -> list[Client]:
    """The clients whose account was open on ``day``: nobody is visited before opening."""
    return [c for c in clients if c.opened_on is None or c.opened_on <= day]


def _is_core(client: Client) -> bool:
    return client.class_code in CORE_CLASSES or client.value_class in ("G", "S")


def _moment(day: date, rng: random.Random, hours=(9, 17)) -> datetime:
    local = datetime.combine(day, time(rng.randrange(*hours), rng.choice((0, 15, 30, 45))))
    return to_utc(local)


def _contacts(rng, manager: User, clients: list[Client], first: date, today: date) -> int:
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    rows = []
    for day in workdays.workdays_between(first, today - timedelta(days=1)):
        opened = _opened_by(clients, day)
        for _ in range(rng.randrange(2, 6) if opened else 0):
            kind = rng.choices(kinds, weights)[0]
            rows.append(_row(rng, manager, rng.choice(opened), kind, "done", day))
    upcoming = [today, *workdays.workdays_between(today + timedelta(days=1), today + timedelta(7))]
    for day in upcoming[:4]:
        for _ in range(2 if day == today else 1):
            kind = rng.choice(("home", "phone", "onsite"))
            rows.append(_row(rng, manager, rng.choice(clients), kind, "planned", day))
    db.session.execute(insert(Contact.__table__), rows)
    return len(rows)


def _row(rng, manager, client, kind, status, day) -> dict:
    at = _moment(day, rng, (14, 18) if status == "planned" else (9, 17))
    place = PLACES.get(kind) or (
        rng.choice(ONSITE_PLACES)
        if kind == "onsite"
        else (client.home_address or client.work_address or "客户家中")
    )
    now = utcnow()
    return {
        "client_id": client.id,
        "manager_id": manager.id,
        "branch_id": client.branch_id,
        "kind": kind,
        "status": status,
        "planned_at": at if status == "planned" else None,
        "occurred_at": at if status == "done" else None,
        "place": place,
        "content": rng.choice(CONTENTS[kind]) if status == "done" else "",
        "improvements": rng.choice(IMPROVEMENTS) if status == "done" else "",
        "core_client": _is_core(client) if kind in visits.VISIT_KINDS else False,
        "created_at": now,
        "updated_at": now,
    }


def _handovers(rng, manager: User, clients: list[Client], first: date, today: date) -> None:
    """A few clients handed over to the manager during the weeks (from a manager who left)."""
    rows = []
    for client in rng.sample(clients, min(len(clients), 6)):
        since = first + timedelta(days=rng.randrange((today - first).days or 1))
        since = max(since, client.opened_on or since)
        rows.append(
            {
                "client_id": client.id,
                "manager_id": manager.id,
                "since": since,
                "recorded_at": utcnow(),
            }
        )
    db.session.execute(insert(ClientAssignment.__table__), rows)


def _logs(rng, manager: User, clients: list[Client], first: date, today: date) -> None:
    """附件2 for most working days before today (today's is left to write)."""
    now = utcnow()
    logs, consultations = [], []
    days = [d for d in workdays.workdays_between(first, today - timedelta(days=1))]
    for day in days:
        if rng.random() < 0.1:
            continue
        logs.append(
            {
                "manager_id": manager.id,
                "branch_id": manager.branch_id,
                "day": day,
                "morning_notes": rng.choice(MORNING),
                "product_sales": Decimal(rng.randrange(0, 5000)) / 100,
                "plan_review": rng.choice(REVIEWS),
                "insights": rng.choice(INSIGHTS),
                "tomorrow_plan": rng.choice(PLANS),
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(WorkLog.__table__), logs)
    ids = dict(
        db.session.execute(
            select(WorkLog.day, WorkLog.id).where(WorkLog.manager_id == manager.id)
        ).all()
    )
    for log in logs:
        opened = _opened_by(clients, log["day"])
        for position in range(1, rng.randrange(0, 4) + 1 if opened else 1):
            consultations.append(
                {
                    "log_id": ids[log["day"]],
                    "position": position,
                    "client_id": rng.choice(opened).id,
                    "summary": rng.choice(CONSULTATIONS),
                }
            )
    if consultations:
        db.session.execute(insert(Consultation.__table__), consultations)


def _summaries(rng, manager: User, first: date, today: date, head_id: int | None) -> None:
    """附件5 for every past week, submitted (some commented); this week's is still open."""
    rows, this_week = [], workdays.week_start(today)
    monday = first
    while monday < this_week:
        submitted_at = to_utc(datetime.combine(monday + timedelta(days=4), time(17, 30)))
        commented = head_id is not None and rng.random() < 0.6
        rows.append(
            {
                "manager_id": manager.id,
                "branch_id": manager.branch_id,
                "week_start": monday,
                **WEEK_TEXTS,
                "plan_home": rng.randrange(1, 4),
                "plan_phone": rng.randrange(8, 16),
                "plan_onsite": rng.randrange(2, 6),
                "plan_new_client": rng.randrange(0, 3),
                "status": "submitted",
                "submitted_at": submitted_at,
                "head_comment": rng.choice(COMMENTS) if commented else "",
                "commented_by_id": head_id if commented else None,
                "commented_at": submitted_at + timedelta(days=3) if commented else None,
                "created_at": submitted_at,
                "updated_at": submitted_at,
            }
        )
        monday += timedelta(days=7)
    if rows:
        db.session.execute(insert(WeeklySummary.__table__), rows)


def _evaluations(rng) -> None:
    """附件6 for most done home visits."""
    visits_done = db.session.execute(
        select(Contact.id, Contact.occurred_at)
        .where(Contact.kind == "home", Contact.status == "done")
        .order_by(Contact.id)
    ).all()
    now = utcnow()
    rows = [
        {
            "contact_id": contact_id,
            "evaluated_on": (occurred_at + timedelta(hours=8)).date(),
            "created_at": now,
            "updated_at": now,
        }
        for contact_id, occurred_at in visits_done
        if rng.random() < 0.85
    ]
    if not rows:
        return
    db.session.execute(insert(VisitEvaluation.__table__), rows)
    ids = db.session.scalars(select(VisitEvaluation.id).order_by(VisitEvaluation.id)).all()
    items = []
    for evaluation_id in ids:
        for position, aspect in enumerate(visits.ASPECTS, start=1):
            well, improve, next_time = EVALUATION_TEXTS[aspect]
            items.append(
                {
                    "evaluation_id": evaluation_id,
                    "position": position,
                    "aspect": aspect,
                    "rating": rng.choices(visits.RATINGS, (3, 5, 2, 0.3))[0],
                    "went_well": well,
                    "to_improve": improve if rng.random() < 0.7 else "",
                    "next_time": next_time,
                }
            )
    db.session.execute(insert(VisitEvaluationItem.__table__), items)
