"""The demo data of ``flask seed demo``. Running it again changes nothing.

:func:`seed_organisation` creates the branches and users, :func:`seed_clients` about 300
clients of mgr1, mgr2 (第一营业部) and mgr3 (第二营业部) with 24 months of figures ending last
month, chosen so that every one of the eleven classes has members. The data is deterministic
(a fixed random seed) apart from its dates, which follow today's date.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import insert, select, update
from werkzeug.security import generate_password_hash

from portal.demo.advice import seed_advice
from portal.demo.care import seed_care
from portal.demo.events import seed_events
from portal.demo.holidays import seed_holidays
from portal.demo.inquiries import seed_inquiries
from portal.demo.institutions import seed_institutions
from portal.demo.prospects import seed_prospects
from portal.demo.quarterly import seed_quarterly
from portal.demo.sms import seed_sms
from portal.domain import questionnaire, suitability, supplementary
from portal.domain.beijing import china_today, utcnow
from portal.domain.classification import BANDS, CLASSES
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import (
    Branch,
    ClassChange,
    Client,
    MonthlyFigure,
    RelatedPerson,
    RiskAssessment,
    RiskDisclosure,
    TurnoverThreshold,
    User,
)
from portal.models.client import FIN_FIELDS, MEETING_PLACES, PREFERENCE_ORDER
from portal.services import classification, clients, risk, risk_daily
from portal.services.records import use_case

DEMO_PASSWORD = "demo1234"

BRANCHES = [
    {"name": "第一营业部", "address": "上海市浦东新区世纪大道100号", "hotline": "021-95500"},
    {"name": "第二营业部", "address": "北京市西城区金融大街8号", "hotline": "010-95500"},
]

USERS = [
    # username, display name, role, branch index (None for HQ), phone
    ("hq", "总部管理员", "hq", None, "13800000001"),
    ("head1", "王建国", "branch_head", 0, "13800000002"),
    ("mgr1", "李明", "manager", 0, "13800000003"),
    ("mgr2", "陈静", "manager", 0, "13800000004"),
    ("mgr3", "赵磊", "manager", 1, "13800000005"),
    ("counter1", "刘芳", "counter", 0, "13800000006"),
    ("ops1", "孙立新", "branch_head", 0, "13800000007"),
    ("cs1", "吴晓梅", "branch_head", 0, "13800000008"),
]
POSITIONS = {"head1": "general", "ops1": "operations", "cs1": "service"}
"""The posts of 第一营业部's management: the daily risk report goes to 运营总监 and 客服总监."""

CLIENTS_PER_MANAGER = {"mgr1": 120, "mgr2": 100, "mgr3": 80}
MONTHS = 24
SEED = 20240601


@cache
def _demo_password_hash() -> str:
    """Hashed once per process: the demo accounts share one well-known password."""
    return generate_password_hash(DEMO_PASSWORD)


def seed_demo() -> list[str]:
    """The demo organisation, its clients, their risk assessments, the managers' work and their
    investment advice; return the usernames created."""
    created = seed_organisation()
    seed_clients()
    seed_risk()
    seed_activities()
    seed_advice()
    seed_inquiries()
    seed_events()
    seed_care()
    seed_quarterly()
    seed_prospects()
    seed_sms()
    seed_holidays()
    seed_institutions()
    seed_daily_report()
    return created


def seed_activities() -> int:
    """Eight weeks of contacts, visits with self-evaluations, work logs and weekly summaries
    of the demo managers (``portal.demo.activities``)."""
    from portal.demo import activities as demo_activities

    return demo_activities.seed_activities()


@use_case
def seed_organisation() -> list[str]:
    """Create what is missing of the demo branches and users; return the usernames created."""
    branches = []
    for data in BRANCHES:
        branch = db.session.scalar(select(Branch).where(Branch.name == data["name"]))
        if branch is None:
            branch = Branch(**data)
            db.session.add(branch)
        branches.append(branch)
    db.session.flush()
    created = []
    for username, name, role, branch_index, phone in USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        branch = branches[branch_index] if branch_index is not None else None
        user = User(
            username=username,
            display_name=name,
            role=role,
            phone=phone,
            branch=branch,
            position=POSITIONS.get(username, ""),
        )
        user.password_hash = _demo_password_hash()
        db.session.add(user)
        created.append(username)
    return created


def is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


# --------------------------------------------------------------------------- clients

SPECIAL_SURNAMES = ["单", "曾", "解", "查", "仇", "区", "朴", "欧阳", "司马", "诸葛", "上官"]
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆帅"
    "旭宁亮林雪琳晨欣怡佳琪梦婷雅颖思源志海波涵博子轩睿泽嘉宏立新春晓东峰"
)
LATIN_NAMES = [("David Chen", "男", "passport"), ("Emily Wong", "女", "hk_macao")]
REGIONS = {
    0: ["310115", "310104", "310101", "310110", "320102", "330106"],
    1: ["110102", "110105", "110108", "120101", "130102", "370102"],
}
CITY = {0: ("上海市", "021", "200120"), 1: ("北京市", "010", "100032")}
STREETS = ["世纪大道", "张杨路", "陆家嘴环路", "金融大街", "复兴门内大街", "长安街", "南京西路"]
OCCUPATIONS = ["企业主", "公司职员", "公务员", "教师", "医生", "退休", "自由职业", "工程师", "律师"]
HOBBIES = ["高尔夫、旅游", "书法", "钓鱼", "读书、围棋", "摄影", "登山", "茶艺", "网球", ""]
PLANS = ["子女出国留学教育金", "五年内改善住房", "养老规划", "创业资金储备", "", ""]
REMARKS = ["2007年入市，经历过完整牛熊周期", "曾长期投资偏股基金", "曾参与权证交易", "", "", ""]
RELATIONS = [("配偶", "高", "稳健"), ("子女", "中", "果断"), ("朋友", "低", "谨慎")]
RATES = [Decimal("0.000250"), Decimal("0.000300"), Decimal("0.000500"), Decimal("0.001000")]
CENT = Decimal("0.01")


@use_case
def seed_clients() -> int:
    """Create the demo clients with their figures, then compute their classes.

    Only into a database without clients (running it again changes nothing); returns the
    number of clients created. Clients and related persons go through the ORM, so their
    creation is in the audit trail; the 7,200 monthly figures are bulk-inserted, which
    bypasses the audit events (they are generated data, not anyone's entry).
    """
    if db.session.scalar(select(Client.id).limit(1)) is not None:
        return 0
    managers = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.username.in_(CLIENTS_PER_MANAGER)))
    }
    if len(managers) != len(CLIENTS_PER_MANAGER):
        seed_organisation()
        return seed_clients()
    names = [data["name"] for data in BRANCHES]
    branch_index = {
        branch_id: names.index(name)
        for branch_id, name in db.session.execute(
            select(Branch.id, Branch.name).where(Branch.name.in_(names))
        )
    }
    rng = random.Random(SEED)
    last_month = (china_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    months = [_add_months(last_month, k - MONTHS + 1) for k in range(MONTHS)]
    sequences: dict[int, int] = {}
    mobiles: set[str] = set()
    plans: list[tuple[Client, str]] = []
    number = 0
    for username, count in CLIENTS_PER_MANAGER.items():
        manager = managers[username]
        for _ in range(count):
            target = CLASSES[number % len(CLASSES)]
            sequences[manager.branch_id] = sequences.get(manager.branch_id, 0) + 1
            client = _demo_client(
                rng,
                number,
                manager,
                branch_index[manager.branch_id],
                sequences[manager.branch_id],
                mobiles,
                months[0],
            )
            db.session.add(client)
            plans.append((client, target))
            number += 1
    db.session.flush()
    rows = []
    for client, target in plans:
        rows.extend(_demo_figures(rng, client, target, months))
    db.session.execute(insert(MonthlyFigure.__table__), rows)
    _demo_thresholds()
    classification.refresh_client_figures(None)
    classification.reclassify(None, cause=classification.CAUSE_NEW)
    # The demo's history begins when its figures did: the classes date from last month's
    # figures, so that month-on-month comparisons start from a real month end.
    db.session.execute(update(ClassChange).values(at=datetime.combine(months[-1], time(1))))
    return len(plans)


def _demo_client(rng, number, manager, branch_no, sequence, mobiles, first_month) -> Client:
    if number < len(SPECIAL_SURNAMES):
        surname = SPECIAL_SURNAMES[number]
    else:
        surname = rng.choice(COMMON_SURNAMES)
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    name, gender, id_type = surname + given, rng.choice("男女"), "resident"
    if number in (150, 250):
        name, gender, id_type = LATIN_NAMES[number == 250]
    birthday = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    if id_type == "resident":
        sequence3 = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
        id_number = build_resident_id(rng.choice(REGIONS[branch_no]), birthday, sequence3)
    else:
        id_number = f"{'E' if id_type == 'passport' else 'H'}{rng.randrange(10**8):08d}"
    mobile = ""
    while not mobile or mobile in mobiles:
        mobile = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    mobiles.add(mobile)
    city, area, postcode = CITY[branch_no]
    codes = [code for code in PREFERENCE_ORDER if rng.random() < 0.3]
    client = Client(
        client_no=f"{manager.branch_id:04d}{sequence:06d}",
        fund_account=f"{6600 + manager.branch_id}{sequence:08d}",
        name=name,
        gender=gender,
        id_type=id_type,
        id_number=id_number,
        birthday=birthday,
        occupation=rng.choice(OCCUPATIONS),
        commission_rate=rng.choice(RATES),
        home_address=f"{city}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
        work_address=f"{city}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        if rng.random() < 0.7
        else "",
        home_phone=f"{area}-{rng.randrange(5000_0000, 6999_9999)}",
        home_postcode=postcode,
        mobile=mobile,
        email=f"client{number + 1:03d}@example.com" if rng.random() < 0.5 else "",
        meeting_place=rng.choice(MEETING_PLACES),
        annual_income=Decimal(rng.choice((8, 15, 30, 50, 100, 300))) * 10000,
        target_return=Decimal(rng.choice((5, 8, 10, 15, 20))),
        hobbies=rng.choice(HOBBIES),
        financial_plans=rng.choice(PLANS),
        remarks=rng.choice(REMARKS),
        habit=rng.choice([None, *supplementary.HABITS]),
        value_class=rng.choice([None, *supplementary.VALUE_CLASSES]),
        decision_style=rng.choice([None, *supplementary.DECISION_STYLES]),
        product_preferences="".join(codes),
        branch_id=manager.branch_id,
        manager_id=manager.id,
        opened_on=first_month - timedelta(days=rng.randrange(30, 365 * 15)),
        **{field: rng.random() < 0.4 for field in FIN_FIELDS},
    )
    if client.fin_other:
        client.fin_other_text = "信托产品"
    if client.meeting_place == "其他":
        client.meeting_place_note = "茶室"
    if number % 9 == 0:
        for position, (relation, influence, style) in enumerate(
            rng.sample(RELATIONS, rng.choice((1, 2))), start=1
        ):
            client.related_persons.append(
                RelatedPerson(
                    position=position,
                    name=rng.choice(COMMON_SURNAMES) + rng.choice(GIVEN_CHARS),
                    phone=f"139{rng.randrange(10**8):08d}",
                    relation=relation,
                    influence=influence,
                    style=style,
                )
            )
    return client


def _demo_figures(rng, client: Client, target: str, months: list[date]) -> list[dict]:
    """24 months of figures whose latest 月末总资产 lies inside the target class's band and whose
    trailing-12-month turnover is well on the target's side of the default threshold 3."""
    band_index = next(i for i, band in enumerate(BANDS) if target in (band.low, band.high))
    floor = BANDS[band_index].floor
    ceiling = BANDS[band_index - 1].floor if band_index else floor * 6
    level = Decimal(rng.uniform(float(max(floor, 1000)) * 1.05, float(ceiling) * 0.95))
    high = target == BANDS[band_index].high and target != BANDS[band_index].low
    rate = Decimal(rng.uniform(3.6, 12) if high else rng.uniform(0.2, 2.4))
    if target == "G":
        rate = Decimal(rng.uniform(0.1, 8))
    assets = [
        level * Decimal(0.85 + 0.15 * k / (len(months) - 1)) * Decimal(rng.uniform(0.95, 1.05))
        for k in range(len(months))
    ]
    assets[-1] = level
    averages = [(a * Decimal(rng.uniform(0.97, 1.03))).quantize(CENT) for a in assets]
    weights = [Decimal(rng.uniform(0.3, 1.7)) for _ in months]
    recent = sum(weights[-12:], Decimal(0))
    target_traded = rate * sum(averages[-12:], Decimal(0)) / 12
    traded = [(target_traded * w / recent).quantize(CENT) for w in weights]
    commission = client.commission_rate * Decimal("0.6")
    return [
        {
            "client_id": client.id,
            "month": month,
            "avg_assets": average,
            "end_assets": end.quantize(CENT, ROUND_HALF_UP),
            "end_stock_value": (end * Decimal(rng.uniform(0.2, 0.9))).quantize(CENT),
            "traded_amount": amount,
            "net_commission": (amount * commission).quantize(CENT),
        }
        for month, average, end, amount in zip(months, averages, assets, traded, strict=True)
    ]


def _demo_thresholds() -> None:
    """HQ's threshold for this year (the default 3) and a branch's pending proposal."""
    hq = db.session.scalar(select(User).where(User.username == "hq"))
    head = db.session.scalar(select(User).where(User.username == "head1"))
    year, now = china_today().year, utcnow()
    if hq is not None:
        db.session.add(
            TurnoverThreshold(
                year=year,
                value=Decimal("3.00"),
                status="approved",
                note="沿用第六条的假设值3（仅作参考）",
                set_by_id=hq.id,
                set_at=now,
                decided_by_id=hq.id,
                decided_at=now,
            )
        )
    if head is not None:
        db.session.add(
            TurnoverThreshold(
                year=year,
                value=Decimal("3.50"),
                branch_id=head.branch_id,
                status="proposed",
                note="本部客户交易较活跃，申请将周转率阈值调整为3.5",
                set_by_id=head.id,
                set_at=now,
            )
        )


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


# ------------------------------------------------------------------------ risk tolerance

NEW_ACCOUNTS = [("林晓彤", "女"), ("单立新", "男"), ("曾嘉怡", "女"), ("欧阳俊", "男")]


@use_case
def seed_risk() -> int:
    """Questionnaire version 1; most clients assessed (some several times), a few not yet
    (待补填); some signed disclosures; and four accounts opened today, assessed at the
    counter, for today's 营业部风险承受能力客户分类表. Only into a database without
    assessments; returns the number of assessments created.

    The historical assessments are bulk-inserted (generated data, outside the audit trail);
    today's new accounts go through the services like a real opening, and are audited.
    """
    version = risk.ensure_default_version()
    if db.session.scalar(select(RiskAssessment.id).limit(1)) is not None:
        return 0
    definition = risk.definition_of(version)
    rng = random.Random(SEED + 1)
    existing = db.session.scalars(select(Client).order_by(Client.id)).all()
    entered_by = {
        u.branch_id: u.id for u in db.session.scalars(select(User).where(User.role == "counter"))
    }
    rows, latest, disclosures = [], {}, []
    for client in existing:
        if rng.random() < 0.08:
            continue  # not assessed yet: 待补填
        first = max(client.opened_on, china_today() - timedelta(days=3 * 365))
        days = sorted(
            rng.sample(range((china_today() - first).days or 1), rng.choice((1, 1, 1, 2, 3)))
        )
        for offset in days:
            result = questionnaire.evaluate(_random_answers(rng, definition), definition)
            taken_at = datetime.combine(first + timedelta(days=offset), time(2, 30))
            rows.append(
                {
                    "client_id": client.id,
                    "branch_id": client.branch_id,
                    "version_id": version.id,
                    "answers": {
                        str(k): list(v) if isinstance(v, tuple) else v
                        for k, v in result.answers.items()
                    },
                    "total": result.total,
                    "level": result.level,
                    "taken_at": taken_at,
                    "at_opening": taken_at.date() == client.opened_on,
                    "entered_by_id": entered_by.get(client.branch_id, client.manager_id),
                }
            )
            latest[client.id] = result, taken_at
        if latest.get(client.id, (None,))[0] and latest[client.id][0].level == "高":
            for kind in rng.sample(ART_49_DISCLOSURES, rng.choice((0, 1, 2))):
                disclosures.append(
                    {
                        "client_id": client.id,
                        "kind": kind,
                        "recorded_by_id": client.manager_id,
                        "signed_on": latest[client.id][1].date(),
                    }
                )
    db.session.execute(insert(RiskAssessment.__table__), rows)
    if disclosures:
        db.session.execute(insert(RiskDisclosure.__table__), disclosures)
    for client in existing:
        if client.id in latest:
            result, taken_at = latest[client.id]
            client.risk_level, client.risk_score = result.level, result.total
            client.risk_assessed_at, client.risk_version = taken_at, version.version
    return len(rows) + _seed_new_accounts(rng, definition)


ART_49_DISCLOSURES = [k for k in suitability.DISCLOSURE_TYPES if k != suitability.AT_OPENING]
"""Those of the high-risk products (Art. 49), signed by some of the clients assessed 高."""


def _random_answers(rng: random.Random, definition: questionnaire.Definition) -> dict:
    """Answers of a client with a random appetite for risk, so that every level occurs."""
    appetite = rng.random()
    answers = {}
    for q in definition.questions:
        last = len(q.letters) - 1
        index = min(last, max(0, round(appetite * last + rng.uniform(-0.8, 0.8))))
        answers[q.number] = [q.letters[index]] if q.multiple else q.letters[index]
        if q.multiple and index:
            answers[q.number].append(q.letters[rng.randrange(index)])
    return answers


def _seed_new_accounts(rng: random.Random, definition: questionnaire.Definition) -> int:
    """Four accounts opened today at 第一营业部, assessed at the counter at opening."""
    manager = db.session.scalar(select(User).where(User.username == "mgr1"))
    counter = db.session.scalar(select(User).where(User.username == "counter1"))
    if manager is None or counter is None:
        return 0
    today = china_today()
    for number, (name, gender) in enumerate(NEW_ACCOUNTS, start=1):
        birthday = date(1970 + 5 * number, number, 10 + number)
        sequence = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
        client = clients.create_client(
            {
                "name": name,
                "gender": gender,
                "fund_account": f"66{manager.branch_id}{today:%y%m%d}{number:03d}",
                "id_type": "resident",
                "id_number": build_resident_id("310115", birthday, sequence),
                "birthday": birthday,
                "mobile": f"1370000{number:04d}",
                "opened_on": today,
                "occupation": rng.choice(OCCUPATIONS),
            },
            manager,
        )
        risk.record_assessment(client, _random_answers(rng, definition), counter)
    return len(NEW_ACCOUNTS)


def seed_daily_report() -> None:
    """The counter delivers today's new-account risk report of 第一营业部 to its 运营总监 and
    客服总监 (Art. 8.4), once the demo's accounts are all opened."""
    counter = db.session.scalar(select(User).where(User.username == "counter1"))
    if counter is not None and risk_daily.daily(counter.branch, china_today()).report is None:
        risk_daily.deliver(counter.branch, china_today(), counter)
