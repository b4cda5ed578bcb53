"""Demo investment advice: two months of advice with follow-ups for the demo managers, a few
texts the screening flags, and last month's review of 第一营业部 signed off.

Everything goes through :mod:`portal.services.advice`, like a manager's own entries, so the
suitability check, the screening and the audit trail apply. Only into a database without
advice; deterministic apart from its dates, which follow today's date.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, User
from portal.models.advice import Advice
from portal.models.base import CHINA_OFFSET, china_today
from portal.services import advice as service
from portal.services import risk

SEED = 20261125
SECTORS = ["银行", "新能源汽车", "半导体", "医药", "白酒", "军工", "光伏", "券商"]
STOCKS = ["招商银行", "贵州茅台", "宁德时代", "比亚迪", "中信证券", "隆基绿能", "恒瑞医药"]
TEMPLATES = {
    "大盘": (
        "最近大盘走势怎么看？要不要加仓？",
        "大盘在{n}点附近震荡，成交量有所萎缩，建议仓位控制在五成左右，逢低分批布局，不追高。",
        ("stock", "fund_high", "fund_mid"),
    ),
    "行业": (
        "{sector}板块最近涨得多，还能买吗？",
        "{sector}板块估值已回到历史中位，政策面仍有支撑，可逢回调关注行业龙头，"
        "单一行业仓位不超过三成。",
        ("stock", "fund_high"),
    ),
    "个股": (
        "手里的{stock}要不要卖？",
        "{stock}三季报业绩符合预期，但短期涨幅较大，建议继续持有观察，跌破二十日均线减仓一半。",
        ("stock",),
    ),
    "其他": (
        "有什么稳健一点的理财安排？",
        "结合您的风险承受能力，建议配置部分债券型基金和货币型基金，平衡组合波动。",
        ("bond", "fund_low", "fund_mid"),
    ),
}
FLAGGED = [
    "这只股票是今年的大黑马，跟着买稳赚。",
    "您把账户交给我，我帮您操作，省心。",
    "放心，赚了收益分成，亏了我赔。",
    "我有内幕消息，下周有重组，可以提前布局。",
]
FOLLOWUPS = [
    ("{stock}累计上涨，建议继续持有，设好止盈位。", "已按建议持有"),
    ("市场回调，建议暂不加仓，保持现有配置。", "客户认可，暂不操作"),
    ("已按计划分批建仓，后续关注成交量变化。", "客户希望每周沟通一次"),
]


def seed_advice() -> int:
    """Create the demo advice (see the module docstring); returns how many were created."""
    if db.session.scalar(select(Advice.id).limit(1)) is not None:
        return 0
    rng = random.Random(SEED)
    today = china_today()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    managers = db.session.scalars(select(User).where(User.role == "manager").order_by(User.id))
    created = 0
    flagged = iter(FLAGGED)
    for manager in managers:
        clients = [
            c
            for c in db.session.scalars(
                select(Client).where(Client.manager_id == manager.id).order_by(Client.id)
            )
            if risk.is_current(c)
        ]
        if not clients:
            continue
        days = [last_month + timedelta(days=d) for d in range((today - last_month).days)]
        workdays = [d for d in days if d.weekday() < 5]
        for _ in range(min(30, len(workdays))):
            day = rng.choice(workdays)
            client = rng.choice(clients)
            record = _advise(rng, manager, client, day, flagged if rng.random() < 0.06 else None)
            if record is None:
                continue
            created += 1
            for number in range(rng.choice((0, 1, 1, 2, 3))):
                follow_day = day + timedelta(days=3 * (number + 1))
                if follow_day > today:
                    break
                content, feedback = FOLLOWUPS[number]
                service.add_followup(
                    record,
                    {
                        "at": _at(rng, follow_day),
                        "allocation": f"{rng.choice((2, 3, 5))}成仓位",
                        "cumulative_gain": Decimal(rng.randint(-80, 250)) / 10,
                        "content": content.format(stock=rng.choice(STOCKS)),
                        "feedback": feedback,
                    },
                    manager,
                )
    _sign_off_last_month(last_month)
    return created


def _advise(rng, manager, client, day, flagged) -> Advice | None:
    category = rng.choice(list(TEMPLATES))
    question, text, products = TEMPLATES[category]
    product = next((p for p in products if risk.check_product(client, p).allowed), None)
    if product is None:
        return None
    words = {
        "n": rng.randrange(2900, 3500, 50),
        "sector": rng.choice(SECTORS),
        "stock": rng.choice(STOCKS),
    }
    advice_text = next(flagged, None) if flagged else None
    return service.record_advice(
        client,
        {
            "given_at": _at(rng, day),
            "category": category,
            "product_code": product,
            "question": question.format(**words),
            "advice": advice_text or text.format(**words),
            "remarks": "",
        },
        manager,
    )


def _at(rng, day) -> datetime:
    local = datetime.combine(day, time(rng.randrange(9, 17), rng.randrange(0, 60, 5)))
    return local - CHINA_OFFSET


def _sign_off_last_month(month) -> None:
    head = db.session.scalar(select(User).where(User.username == "head1"))
    if head is None:
        return
    meeting = service.save_review(
        head.branch_id,
        month,
        {
            "held_on": service.next_month(month) - timedelta(days=1),
            "attendees": "王建国（营业部总经理）、李明、陈静（客户经理）",
            "minutes": "回顾本月投资建议和跟踪服务情况；对筛查提示的表述逐条讨论，"
            "强调不得作出收益保证、不得代客操作。",
            "decisions": "1. 被标记的建议由客户经理更正并向客户补充风险提示；"
            "2. 下月重点跟踪持仓集中度高的客户。",
        },
    )
    service.sign_off(meeting, head)
