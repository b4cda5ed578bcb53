"""The daily new-account risk report (Art. 8.4: 营业部风险承受能力客户分类表): the accounts a
branch opened on a day, grouped by the four risk levels, delivered (报送) by the counter to the
branch's 运营总监 and 客服总监, who each acknowledge it (签收) from their home page.

A report delivered and then changed (an account opened or assessed later that day) says so:
the page compares the accounts it holds now with those it held when delivered, and the counter
delivers it again — the earlier acknowledgements then no longer stand.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from portal.domain.beijing import utcnow
from portal.domain.supplementary import RISK_LEVELS
from portal.extensions import db
from portal.models import Branch, DailyRiskReport, DailyRiskReportAck, User
from portal.models.org import DAILY_REPORT_RECIPIENTS, POSITIONS
from portal.services import scope
from portal.services.records import set_changed, use_case
from portal.services.risk import DailyRow, daily_new_accounts

NOT_ASSESSED = "当日未评估"


@dataclass(frozen=True)
class Group:
    level: str
    rows: list[DailyRow]


@dataclass(frozen=True)
class Daily:
    """A branch's report of a day: its groups, and its delivery if it was delivered."""

    branch: Branch
    day: date
    groups: list[Group]
    report: DailyRiskReport | None

    @property
    def total(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def changed_since_delivery(self) -> bool:
        return self.report is not None and self.report.accounts != self.total

    @property
    def recipients(self) -> list[tuple[str, DailyRiskReportAck | None]]:
        """(post, its acknowledgement) of each recipient of a delivered report."""
        report = self.report
        return [
            (POSITIONS[post], report.acknowledgement(post) if report else None)
            for post in DAILY_REPORT_RECIPIENTS
        ]


def groups(rows: list[DailyRow]) -> list[Group]:
    """The rows by the level assessed that day, 极低 → 高, then those not assessed that day;
    every level is listed, with none if none."""
    by_level: dict[str, list[DailyRow]] = {level: [] for level in (*RISK_LEVELS, NOT_ASSESSED)}
    for row in rows:
        level = row.assessment.level if row.assessment is not None else NOT_ASSESSED
        by_level.setdefault(level, []).append(row)
    return [Group(level, found) for level, found in by_level.items()]


def daily(branch: Branch, day: date) -> Daily:
    report = db.session.scalar(
        select(DailyRiskReport).where(
            DailyRiskReport.branch_id == branch.id, DailyRiskReport.day == day
        )
    )
    return Daily(branch, day, groups(daily_new_accounts(branch.id, day)), report)


@use_case
def deliver(branch: Branch, day: date, user: User) -> DailyRiskReport:
    """Deliver the day's report to the 运营总监 and 客服总监 (again, after a change: their
    acknowledgements of the earlier delivery are withdrawn)."""
    accounts = daily(branch, day).total
    report = db.session.scalar(
        select(DailyRiskReport).where(
            DailyRiskReport.branch_id == branch.id, DailyRiskReport.day == day
        )
    )
    delivery = {"accounts": accounts, "delivered_by_id": user.id, "delivered_at": utcnow()}
    if report is None:
        report = DailyRiskReport(branch_id=branch.id, day=day, **delivery)
        db.session.add(report)
        return report
    report.acknowledgements.clear()
    set_changed(report, delivery)
    return report


@use_case
def acknowledge(report: DailyRiskReport, user: User) -> DailyRiskReportAck:
    """The user signs for the report in their post; signing twice changes nothing."""
    done = report.acknowledgement(user.position)
    if done is not None and done.user_id == user.id:
        return done
    if not may_acknowledge(report, user):
        raise PermissionError("只有本营业部的运营总监和客服总监签收新开户风险日报")
    ack = DailyRiskReportAck(position=user.position, user_id=user.id)
    report.acknowledgements.append(ack)
    return ack


def may_acknowledge(report: DailyRiskReport | None, user: User) -> bool:
    """Whether the user is to sign for the delivered report now (and has not)."""
    return (
        report is not None
        and user.receives_daily_risk_report
        and user.branch_id == report.branch_id
        and report.acknowledgement(user.position) is None
    )


def to_acknowledge(user: User) -> Select:
    """The delivered reports waiting for the user's acknowledgement (none for a user who does
    not receive them)."""
    query = scope.scoped(DailyRiskReport, user)
    if not user.receives_daily_risk_report:
        return query.where(DailyRiskReport.id.is_(None))
    signed = select(DailyRiskReportAck.report_id).where(
        DailyRiskReportAck.position == user.position
    )
    return query.where(DailyRiskReport.id.not_in(signed)).order_by(DailyRiskReport.day)
