"""The branch's risk tables (Art. 8.3, 8.4; Step 10): the 风险承受能力客户分类表 — a book's
clients grouped by the four levels of the questionnaire, then those not yet assessed — and the
export for the fund sales platform of the clients with a fund account (their level, score, date
and questionnaire version).

A book is read in one query whatever its size (each client's latest assessment found by one
grouped subquery), inside the user's scope. Numbers are not printed: the tables carry names
and fund accounts only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.domain.beijing import to_local
from portal.extensions import db
from portal.models import Client, QuestionnaireVersion, RiskAssessment, User
from portal.models.client import NAME_ORDER
from portal.models.risk import RISK_LEVELS
from portal.services import scope, tabular
from portal.services.audit import record_export
from portal.services.selection import Selection

NOT_ASSESSED = "未评估"
LEVELS = (*RISK_LEVELS, NOT_ASSESSED)
PDF_LIMIT = 3000
"""Above this many clients the table is offered as Excel only (as 附件4)."""

COLUMNS = ("客户姓名", "资金账号", "风险承受能力", "评估得分", "评估日期", "问卷版本", "客户经理")
FUND_COLUMNS = ("资金账号", "客户姓名", "风险承受能力", "评估得分", "评估日期", "问卷版本")


@dataclass(frozen=True)
class Row:
    client_id: int
    name: str
    fund_account: str
    level: str
    score: int | None
    assessed_on: date | None
    version: int | None
    manager: str

    def cells(self, columns: tuple[str, ...]) -> list:
        values = {
            "客户姓名": self.name,
            "资金账号": self.fund_account,
            "风险承受能力": self.level,
            "评估得分": self.score,
            "评估日期": self.assessed_on,
            "问卷版本": self.version,
            "客户经理": self.manager,
        }
        return [values[column] for column in columns]


@dataclass(frozen=True)
class RiskTable:
    selection: Selection
    groups: list[tuple[str, list[Row]]]

    @property
    def total(self) -> int:
        return sum(len(rows) for _, rows in self.groups)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(level, len(rows)) for level, rows in self.groups]


def rows(selection: Selection, user: User, fund_only: bool = False) -> Iterator[Row]:
    """The selection's clients in the user's scope, in name order, with their latest
    assessment's version."""
    latest = (
        select(RiskAssessment.client_id, func.max(RiskAssessment.id).label("id"))
        .group_by(RiskAssessment.client_id)
        .subquery("latest")
    )
    query = (
        select(
            Client.id,
            Client.name,
            Client.fund_account,
            Client.risk_level,
            Client.risk_score,
            Client.risk_assessed_at,
            QuestionnaireVersion.version,
            User.display_name,
        )
        .join(User, User.id == Client.manager_id)
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(RiskAssessment, RiskAssessment.id == latest.c.id)
        .outerjoin(QuestionnaireVersion, QuestionnaireVersion.id == RiskAssessment.version_id)
        .where(scope.clause(Client, user), selection.condition())
        .order_by(*NAME_ORDER)
        .execution_options(yield_per=2000)
    )
    if fund_only:
        query = query.where(Client.has_fund_account.is_(True))
    for r in db.session.execute(query):
        yield Row(
            client_id=r.id,
            name=r.name,
            fund_account=r.fund_account,
            level=r.risk_level or NOT_ASSESSED,
            score=r.risk_score,
            assessed_on=to_local(r.risk_assessed_at).date() if r.risk_assessed_at else None,
            version=r.version,
            manager=r.display_name,
        )


def table(selection: Selection, user: User) -> RiskTable:
    """The 风险承受能力客户分类表: the clients by level, in the questionnaire's order of the
    levels, each level's in name order."""
    groups: dict[str, list[Row]] = {level: [] for level in LEVELS}
    for row in rows(selection, user):
        groups.setdefault(row.level, []).append(row)
    return RiskTable(selection, list(groups.items()))


def workbook(summary: RiskTable) -> tempfile.SpooledTemporaryFile:
    """The table as .xlsx: one sheet, the level in the first column."""
    return tabular.xlsx_file(
        "风险承受能力客户分类表",
        ["风险承受能力分类", *COLUMNS],
        (
            [level, *row.cells(COLUMNS)]
            for level, level_rows in summary.groups
            for row in level_rows
        ),
        widths=(14, 10, 16, 12, 10, 12, 10, 10),
        caption=f"风险承受能力客户分类表 · {summary.selection.label}",
    )


def fund_platform_csv(selection: Selection, user: User) -> tempfile.SpooledTemporaryFile:
    """The fund sales platform's file (Art. 8.4): the selection's clients with a fund account
    and their risk-questionnaire data, as CSV; the download is logged in the trail."""
    found = [row.cells(FUND_COLUMNS) for row in rows(selection, user, fund_only=True)]
    record_export(
        user, "fund_platform", f"基金销售平台风险测评数据：{selection.label}，共 {len(found)} 户"
    )
    return tabular.csv_file(FUND_COLUMNS, found)
