"""The to-do items of risk tolerance (附件1, Art. 8): the clients to assess. One query each.

A re-assessment is due when the client has no assessment under the questionnaire version in
force (the 待补填 list). The policy gives an assessment no period of validity — Art. 8.1 asks
for the questionnaire at account opening, Art. 8.2 for existing clients to 补填 it when they
come to the branch — so no assessment falls due by age.
"""

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Client, DailyRiskReport, User
from portal.services import risk, risk_daily
from portal.services.permissions import COUNTER, HEAD, MANAGER
from portal.services.todos import Due, register


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def pending(user: User, today: date) -> int:
    """The clients in the user's scope on the 待补填 list."""
    return _count(risk.pending(user))


def new_accounts_unassessed(user: User, today: date) -> int:
    """The branch's accounts opened today without an assessment (Art. 8.1, 8.4)."""
    return _count(risk.pending(user).where(Client.opened_on == today))


register(
    COUNTER,
    "risk.new_accounts",
    "今日新开户未评估",
    new_accounts_unassessed,
    "risk.daily",
    lambda user, today: {"day": today.isoformat()},
    rank=10,
)


def daily_to_acknowledge(user: User, today: date) -> Due:
    """The delivered daily reports the 运营总监 / 客服总监 has not signed for; the page of the
    oldest."""
    days = db.session.scalars(
        risk_daily.to_acknowledge(user).with_only_columns(DailyRiskReport.day)
    )
    days = list(days)
    return Due(len(days), args={"day": days[0].isoformat()} if days else {})


register(
    HEAD,
    "risk.daily_ack",
    "新开户风险承受能力日报待签收",
    daily_to_acknowledge,
    "risk.daily",
    rank=12,
    applies=lambda user: user.receives_daily_risk_report,
)
register(
    {MANAGER, COUNTER}, "risk.pending", "待补填风险评估的客户", pending, "risk.pending", rank=60
)
