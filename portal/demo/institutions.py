"""Demo institutional clients (机构客户, Art. 8.1): three companies with their 统一社会信用代码
and 经办人, a year of figures each, and the 证券交易风险提示书 signed at opening. Through
:mod:`portal.services`, like a user's own entries; only into a database without any."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.domain.beijing import china_today, month_start
from portal.domain.idcard import build_resident_id
from portal.domain.identity import uscc_check_char
from portal.extensions import db
from portal.models import Client, User
from portal.services import clients

INSTITUTIONS = (
    # name, manager, first 17 characters of the code, 经办人, their mobile, 月末总资产 (yuan)
    (
        "上海浦江远景投资管理有限公司",
        "mgr1",
        "91310115MA1K3B2C7",
        "陈立群",
        "13816600001",
        8_600_000,
    ),
    ("上海申城实业集团有限公司", "mgr2", "91310000132204567", "周慧敏", "13816600002", 2_300_000),
    ("北京金台科技发展有限公司", "mgr3", "91110105MA01R8XK2", "刘建华", "13816600003", 760_000),
)


def seed_institutions() -> int:
    """Create the demo institutions; returns how many (0 when there are some)."""
    if db.session.scalar(select(Client.id).where(Client.client_type == "institution").limit(1)):
        return 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    if not {"mgr1", "mgr2", "mgr3"} <= users.keys():
        return 0
    today = china_today()
    last_month = month_start(month_start(today) - timedelta(days=1))
    index = last_month.year * 12 + last_month.month - 1
    months = [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(12)]
    for number, (name, manager, first17, agent, phone, assets) in enumerate(INSTITUTIONS, 1):
        clients.create_client(
            {
                "client_type": "institution",
                "name": name,
                "fund_account": f"6690{users[manager].branch_id}{number:07d}",
                "id_type": "uscc",
                "id_number": first17 + uscc_check_char(first17),
                "opened_on": date(today.year - 3, number, 8),
                "opening_disclosure_on": date(today.year - 3, number, 8),
                "agent_name": agent,
                "agent_id_type": "resident",
                "agent_id_number": build_resident_id("310104", date(1980 + number, 3, 9), 21),
                "agent_phone": phone,
                "work_address": "上海市浦东新区陆家嘴环路1000号" if number < 3 else "北京市朝阳区",
                "figures": [
                    {
                        "month": month,
                        "avg_assets": Decimal(assets),
                        "end_assets": Decimal(assets),
                        "end_stock_value": Decimal(assets) * Decimal("0.6"),
                        "traded_amount": Decimal(assets) * Decimal("0.3"),
                        "net_commission": Decimal(assets) * Decimal("0.0003"),
                    }
                    for month in months
                ],
            },
            users[manager],
        )
    return len(INSTITUTIONS)
