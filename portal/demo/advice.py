"""Demo investment advice: two months of advice with follow-ups for the demo managers, a few
texts the screening flags (two per manager), last month's review of 第一营业部 signed off
after its head sent that month's flagged advice back, and the managers' daily summaries
(附件8) of their recent working days.

Everything goes through :mod:`portal.services.advice`, like a manager's own entries, so the
suitability check, the screening and the audit trail apply. The advice only goes into a
database without advice, the daily summaries only into one without daily summaries;
deterministic apart from the dates, which follow today's date.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.domain.beijing import china_today, month_end, to_utc, utc_bounds
from portal.domain.workdays import workdays_between
from portal.extensions import db
from portal.models import Client, User
from portal.models.advice import Advice, DailyAdviceSummary
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
FLAG_SLOTS = (4, 19)
"""Which of a manager's advice (by position) carry a flagged text: two each."""
FOLLOWUPS = [
    ("{stock}累计上涨，建议继续持有，设好止盈位。", "已按建议持有"),
    ("市场回调，建议暂不加仓，保持现有配置。", "客户认可，暂不操作"),
    ("已按计划分批建仓，后续关注成交量变化。", "客户希望每周沟通一次"),
]


def seed_advice() -> int:
    """Create the demo advice and daily summaries (see the module docstring); returns how
    many advice records were created."""
    seed_daily_summaries()
    if db.session.scalar(select(Advice.id).limit(1)) is not None:
        return 0
    rng = random.Random(SEED)
    today = china_today()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    managers = db.session.scalars(select(User).where(User.role == "manager").order_by(User.id))
    created = 0
    flagged_texts = 0
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
        flags_due = 0
        for position in range(min(30, len(workdays))):
            flags_due += position in FLAG_SLOTS
            day = rng.choice(workdays)
            client = rng.choice(clients)
            text = FLAGGED[flagged_texts % len(FLAGGED)] if flags_due else None
            record = _advise(rng, manager, client, day, text)
            if record is None:
                continue
            created += 1
            if text:
                flags_due -= 1
                flagged_texts += 1
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


def _advise(rng, manager, client, day, flagged_text: str | None) -> Advice | None:
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
    return service.record_advice(
        client,
        {
            "given_at": _at(rng, day),
            "category": category,
            "product_code": product,
            "question": question.format(**words),
            "advice": flagged_text or text.format(**words),
            "remarks": "",
        },
        manager,
    )


def _at(rng, day) -> datetime:
    local = datetime.combine(day, time(rng.randrange(9, 17), rng.randrange(0, 60, 5)))
    return to_utc(local)


def _sign_off_last_month(month) -> None:
    """The head of 第一营业部 sends the month's flagged advice back at the meeting (it may
    not be signed off over open flags), then signs the record."""
    head = db.session.scalar(select(User).where(User.username == "head1"))
    if head is None:
        return
    start, end = utc_bounds(month, month_end(month))
    for record in db.session.scalars(
        select(Advice)
        .where(
            Advice.branch_id == head.branch_id,
            Advice.given_at >= start,
            Advice.given_at < end,
            Advice.review_state == "flagged",
        )
        .order_by(Advice.id)
    ).all():
        service.review(record, "return", "请删除违反第五十九条的表述，并向客户补充风险提示。", head)
    meeting = service.save_review(
        head.branch_id,
        month,
        {
            "held_on": month_end(month),
            "attendees": "王建国（营业部总经理）、李明、陈静（客户经理）",
            "minutes": "回顾本月投资建议和跟踪服务情况；对筛查提示的表述逐条讨论，"
            "强调不得作出收益保证、不得代客操作。",
            "decisions": "1. 被标记的建议由客户经理更正并向客户补充风险提示；"
            "2. 下月重点跟踪持仓集中度高的客户。",
        },
    )
    service.sign_off(meeting, head)


# ----------------------------------------------------------------- daily summaries (附件8)

SUMMARY_DAYS = 10
"""How many of the latest working days (today included) have a daily summary."""
INDEX_VIEWS = [
    "多家券商晨报认为指数在{n}点附近震荡整固，成交量温和，短期以结构性行情为主。",
    "机构观点分歧加大：部分券商认为政策面偏暖、估值处于历史中低位，也有机构提示外部不确定性。",
    "券商策略普遍建议关注量能变化，指数站稳{n}点之前以均衡配置为宜。",
]
SECTOR_VIEWS = [
    "研究机构关注{sector}板块的估值修复，同时提示板块内部业绩分化。",
    "多家机构认为{sector}行业景气度边际改善，但需跟踪后续订单和价格数据。",
    "部分券商下调{sector}板块评级至“中性”，理由是短期涨幅较大、估值偏高。",
]
STOCK_VIEWS = [
    "有研报上调{stock}盈利预测，理由是三季度收入增长，但提示当前估值已不低。",
    "机构调研纪要显示{stock}经营稳定，分红方案已公布，股息率处于行业中游。",
    "卖方对{stock}观点不一，维持评级的居多，主要分歧在毛利率能否修复。",
]
OTHER_VIEWS = [
    "债券市场收益率小幅下行，货币基金七日年化收益率维持低位。",
    "两融余额小幅回升，北向资金净流入、流出交替，暂无明显趋势。",
    "公募基金发行偏冷，新发基金以债券型和指数型为主。",
]
MORNING_BROAD = [
    "晨会：大盘在{n}点附近窄幅震荡，量能不足，维持中性判断。",
    "晨会：指数短期有技术性回调压力，下方支撑看{n}点一线。",
    "晨会：市场风格在大盘价值和成长之间切换较快，不宜追涨杀跌。",
]
MORNING_SECTOR = [
    "晨会：关注{sector}行业的政策落地节奏，仓位以观察为主。",
    "晨会：{sector}板块资金流入放缓，提示前期涨幅较大的个股注意回调风险。",
    "晨会：{sector}行业三季报整体符合预期，龙头公司表现好于行业平均。",
]
MORNING_STOCK = [
    "晨会：{stock}成交放大，短期波动可能加大，已持有的客户注意设好止损位。",
    "晨会：{stock}基本面未见明显变化，维持跟踪，不建议短线频繁操作。",
    "晨会：{stock}公告回购计划，关注实施进度。",
]
OTHER_NOTES = [
    "今日接待客户咨询若干，主要关心仓位安排和基金定投。",
    "提醒到期理财产品的客户及时确认后续安排。",
    "两位客户风险测评即将到期，已预约重新评估。",
    "",
]
PERSONAL = [
    "维持中性仓位，均衡配置，单一行业集中度不超过三成；过往业绩不代表未来表现。",
    "短期以观察为主，对高位个股建议逢高减仓，等待量能确认后再考虑加仓。",
    "结合客户风险承受能力分类施策：稳健型客户以债券型基金为主，积极型客户可分批布局。",
    "市场波动加大，跟踪服务中重点提示风险，不追高，不满仓。",
]


def seed_daily_summaries() -> int:
    """Each demo manager's daily summary (附件8) for the latest working days; only into a
    database without daily summaries. Returns how many were created."""
    if db.session.scalar(select(DailyAdviceSummary.id).limit(1)) is not None:
        return 0
    rng = random.Random(SEED + 8)
    today = china_today()
    days = list(workdays_between(today - timedelta(days=3 * SUMMARY_DAYS), today))
    days = days[-SUMMARY_DAYS:]
    created = 0
    managers = db.session.scalars(select(User).where(User.role == "manager").order_by(User.id))
    for manager in managers.all():
        for day in days:
            words = {
                "n": rng.randrange(2900, 3500, 50),
                "sector": rng.choice(SECTORS),
                "stock": rng.choice(STOCKS),
            }
            pools = {
                "market_broad": INDEX_VIEWS,
                "market_sector": SECTOR_VIEWS,
                "market_stock": STOCK_VIEWS,
                "market_other": OTHER_VIEWS,
                "morning_broad": MORNING_BROAD,
                "morning_sector": MORNING_SECTOR,
                "morning_stock": MORNING_STOCK,
                "other": OTHER_NOTES,
                "personal": PERSONAL,
            }
            data = {name: rng.choice(pool).format(**words) for name, pool in pools.items()}
            service.save_daily_summary(manager, day, data)
            created += 1
    return created
