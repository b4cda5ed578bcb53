"""The client list as a file: the rows the list page's search and filters match (every page of
them, in the list's order), with the list's columns, for Excel (.xlsx) or CSV.

Numbers are masked as the list shows them, for every role (SPEC §8: a list of many clients
carries no number in full). A cell that starts like a formula stays text, and each export
leaves a row in the audit trail: who, when, which format, which filters, how many clients.

Both formats are written as they are read, a chunk of clients at a time, into a spooled
temporary file (the workbook row by row, in openpyxl's write-only mode), so a book of 100,000
clients never sits in memory as objects.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import joinedload

from portal.domain import classification
from portal.domain.classification import CLASS_INFO
from portal.extensions import db
from portal.models import Client, User
from portal.services import client_queries, pii, tabular
from portal.services.audit import record_export
from portal.services.client_queries import SORTS, ClientQuery

READ_CHUNK = 1000
"""Clients read from the database at a time."""


WAN = Decimal(10000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # in Excel, characters


COLUMNS = (
    Column("客户编号", 14),
    Column("姓名", 10),
    Column("性别", 6),
    Column("资金帐号", 16),
    Column("基本分类", 10),
    Column("分类说明", 24),
    Column("客户总资产（万元）", 16),
    Column("客户价值", 8),
    Column("风险承受能力", 12),
    Column("手机号码", 14),
    Column("客户经理", 10),
    Column("开户日期", 12),
)


def _row(client: Client) -> tuple:
    assets = client.total_assets
    return (
        client.client_no,
        client.name,
        client.gender or "",
        client.fund_account,
        client.class_code or "",
        classification.describe(client.class_code) if client.class_code in CLASS_INFO else "",
        None if assets is None else (assets / WAN).quantize(CENT),
        client.value_class or "",
        client.risk_level or "未评估",
        pii.masked(client, "mobile"),
        client.manager.display_name,
        client.opened_on,
    )


def rows(query: ClientQuery, user: User) -> Iterator[tuple]:
    """The export's rows in the list's order, read a chunk at a time."""
    stmt = (
        client_queries.filtered(query, user)
        .options(joinedload(Client.manager))
        .order_by(*SORTS[query.sort][1])
        .execution_options(yield_per=READ_CHUNK)
    )
    for client in db.session.scalars(stmt):
        yield _row(client)


def csv_file(query: ClientQuery, user: User) -> tempfile.SpooledTemporaryFile:
    """The CSV file (UTF-8 with a BOM, so that Excel reads the Chinese), rewound."""
    return tabular.csv_file([column.title for column in COLUMNS], rows(query, user))


def workbook(query: ClientQuery, user: User) -> tempfile.SpooledTemporaryFile:
    """The .xlsx file, rewound."""
    return tabular.xlsx_file(
        "客户列表",
        [column.title for column in COLUMNS],
        rows(query, user),
        widths=[column.width for column in COLUMNS],
    )


FORMATS = {"csv": "CSV", "xlsx": "Excel"}


def log_export(query: ClientQuery, user: User, fmt: str) -> int:
    """Leave the export's row in the audit trail (on the exporting user): the format, the
    filters as the query string, and how many clients it holds. Returns that count."""
    stmt = client_queries.filtered(query, user)
    total = db.session.scalar(stmt.with_only_columns(db.func.count()).order_by(None))
    filters = "&".join(f"{k}={v}" for k, v in query.args(page=1).items()) or "全部"
    record_export(user, "clients", f"客户列表（{FORMATS[fmt]}）：{filters}，共 {total} 户")
    return total
