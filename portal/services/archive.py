"""The paper archive: 附件3 客户服务档案表 of one client or a whole book, and 附件4 客户分类汇总表
of a manager's (or a branch's) clients, as data for the page, the PDF and the Excel file
(SPEC §6, §9).

Every query runs inside the printing user's scope (``services.scope``). A book's data is read
in a fixed number of queries whatever its size: the clients, their commissions of the year
(one grouped query), their visits (one grouped query, ``client_queries.visit_counts``) and,
for 附件3, their related persons (one query).

Numbers (SPEC §8): 附件3 carries them as ``services.pii`` allows — in full for the client's
manager and branch head, each print logged, masked for everyone else; 附件4 (a list of a whole
book) masks them for everyone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import BigInteger, ColumnElement, and_, cast, func, select
from weasyprint import Document

from portal.domain import archive as rules
from portal.domain.beijing import china_today, to_local, utcnow
from portal.extensions import db
from portal.models import Client, User
from portal.models.client import NAME_ORDER, MonthlyFigure, RelatedPerson
from portal.pdf import ARCHIVE, render_document
from portal.services import scope
from portal.services.pii import MASKED_FIELDS
from portal.services.selection import Selection

CHUNK = 200
"""Clients read (and, for the batch, rendered) at a time."""

ANNEX4_PDF_LIMIT = 3000
"""Above this many clients 附件4 is offered as Excel only (the PDF would run to 100+ pages)."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters with which a spreadsheet would read typed text as a formula."""


def client_ids(selection: Selection, user: User) -> list[int]:
    """The ids of the selected clients the user may see, in 附件4's order (by initial, then
    the pinyin of the name)."""
    rows = db.session.execute(
        select(Client.id, Client.surname_initial)
        .where(scope.clause(Client, user), selection.condition())
        .order_by(*NAME_ORDER)
    ).all()
    return [row.id for row in sorted(rows, key=lambda r: rules.initial_rank(r.surname_initial))]


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --------------------------------------------------------------------------- 附件3


@dataclass(frozen=True)
class Annex3:
    """What one 附件3 prints: the client, its related persons and its visits."""

    client: Client
    related: list[RelatedPerson]
    visits: int

    @property
    def related_in_form(self) -> list[RelatedPerson | None]:
        """The persons of the form's five rows (blank rows are ``None``)."""
        rows: list[RelatedPerson | None] = list(self.related[: rules.RELATED_ROWS])
        return rows + [None] * (rules.RELATED_ROWS - len(rows))

    @property
    def related_extra(self) -> list[RelatedPerson]:
        """Persons beyond the form's five rows: printed on rows added below."""
        return self.related[rules.RELATED_ROWS :]


def annex3_forms(ids: Sequence[int], user: User) -> list[Annex3]:
    """附件3 data of the clients ``ids`` the user may see, in the order of ``ids`` — three
    queries (clients, related persons, visits) per :data:`CHUNK` clients."""
    from portal.services.client_queries import visit_counts

    forms: list[Annex3] = []
    for chunk in chunks(list(ids)):
        clients = {
            c.id: c
            for c in db.session.scalars(scope.scoped(Client, user).where(Client.id.in_(chunk)))
        }
        related: dict[int, list[RelatedPerson]] = {}
        for person in db.session.scalars(
            select(RelatedPerson)
            .where(RelatedPerson.client_id.in_(list(clients)))
            .order_by(RelatedPerson.client_id, RelatedPerson.position, RelatedPerson.id)
        ):
            related.setdefault(person.client_id, []).append(person)
        visits = visit_counts(list(clients))
        forms += [
            Annex3(clients[i], related.get(i, []), visits.get(i, 0)) for i in chunk if i in clients
        ]
    return forms


def annex3_document(
    forms: Sequence[Annex3], filled_by: str, filled_on: date | None = None
) -> Document:
    """The 附件3 of one or more clients, each starting on a new page, laid out for the archive
    (PDF/A) to be written alone or merged into a batch (``portal.pdf.write_pdf``). 填表人 is
    the person printing, 填写日期 the day of printing."""
    return render_document(
        "print/annex03.html",
        ARCHIVE,
        forms=forms,
        filled_by=filled_by,
        filled_on=filled_on or china_today(),
    )


# --------------------------------------------------------------------------- 附件4


@dataclass(frozen=True)
class SummaryRow:
    """One client's row of 附件4: codes only, money in 万元 (Decimal), the phone masked."""

    client_id: int
    initial: str
    name: str
    fund_account: str
    assets_wan: Decimal | None
    commission_wan: Decimal
    habit: str
    value_class: str
    decision_style: str
    preferences: str
    risk_level: str
    visits: int
    phone: str
    remarks: str


@dataclass(frozen=True)
class Annex4:
    selection: Selection
    groups: list[tuple[str, list[SummaryRow]]]
    year: int
    filled_by: str
    filled_at: datetime

    @property
    def total(self) -> int:
        return sum(len(rows) for _, rows in self.groups)

    @property
    def rows(self) -> Iterator[SummaryRow]:
        for _, rows in self.groups:
            yield from rows


def commissions_of_year(condition: ColumnElement[bool], year: int) -> dict[int, Decimal]:
    """Each selected client's net commission of ``year`` in yuan — one grouped query, summed in
    whole fen so that SQLite (floating point) and PostgreSQL give the same exact Decimal."""
    fen = cast(func.round(MonthlyFigure.net_commission * 100), BigInteger)
    rows = db.session.execute(
        select(MonthlyFigure.client_id, func.sum(fen))
        .where(
            MonthlyFigure.client_id.in_(select(Client.id).where(condition)),
            MonthlyFigure.month >= date(year, 1, 1),
            MonthlyFigure.month < date(year + 1, 1, 1),
        )
        .group_by(MonthlyFigure.client_id)
    ).all()
    return {client_id: Decimal(int(total)) / 100 for client_id, total in rows}


def _masked_phone(mobile: str, home_phone: str, agent_phone: str) -> str:
    """The mobile, else the home phone, else (an institution's) the 经办人's mobile, masked."""
    if mobile:
        return MASKED_FIELDS["mobile"](mobile)
    if home_phone:
        return MASKED_FIELDS["home_phone"](home_phone)
    return MASKED_FIELDS["agent_phone"](agent_phone) if agent_phone else ""


def _remarks(client) -> str:
    """附件4's 备注: an institution's 经办人 first."""
    if client.client_type == "institution":
        return "；".join(filter(None, (f"机构客户，经办人{client.agent_name}", client.remarks)))
    return client.remarks or ""


def annex4(selection: Selection, user: User) -> Annex4:
    """附件4 of a book, at the time of printing (assets as of the latest figures, this year's
    net commission so far), grouped by surname initial: A–Z, then ``#``."""
    from portal.services.client_queries import visit_counts

    condition = and_(scope.clause(Client, user), selection.condition())
    clients = db.session.execute(
        select(
            Client.id,
            Client.surname_initial,
            Client.name,
            Client.fund_account,
            Client.total_assets,
            Client.habit,
            Client.value_class,
            Client.decision_style,
            Client.product_preferences,
            Client.risk_level,
            Client.mobile,
            Client.home_phone,
            Client.remarks,
            Client.client_type,
            Client.agent_name,
            Client.agent_phone,
        )
        .where(condition)
        .order_by(*NAME_ORDER)
    ).all()
    year = china_today().year
    commissions = commissions_of_year(condition, year)
    visits = visit_counts([c.id for c in clients])
    rows = [
        SummaryRow(
            client_id=c.id,
            initial=c.surname_initial,
            name=c.name,
            fund_account=c.fund_account,
            assets_wan=rules.to_wan(c.total_assets),
            commission_wan=rules.to_wan(commissions.get(c.id, Decimal(0))),
            habit=c.habit or "",
            value_class=c.value_class or "",
            decision_style=c.decision_style or "",
            preferences=c.product_preferences or "",
            risk_level=c.risk_level or "",
            visits=visits.get(c.id, 0),
            phone=_masked_phone(c.mobile, c.home_phone, c.agent_phone),
            remarks=_remarks(c),
        )
        for c in clients
    ]
    return Annex4(
        selection=selection,
        groups=rules.group_by_initial(rows, lambda row: row.initial),
        year=year,
        filled_by=user.display_name,
        filled_at=utcnow(),
    )


ANNEX4_COLUMNS: tuple[tuple[str, int], ...] = (
    ("客户姓氏首个字母", 8),
    ("客户姓名", 12),
    ("资金账号", 14),
    ("客户资产（万元）", 12),
    ("当年净佣金收入（万元）", 12),
    ("操作习惯分类", 8),
    ("客户价值分类", 8),
    ("投资决策风格分类", 8),
    ("投资产品偏好分类", 10),
    ("风险承受能力分类", 9),
    ("累计拜访次数", 8),
    ("电话号码", 14),
    ("备注", 30),
)
"""附件4's columns in the paper's order, with their Excel widths (characters)."""


def annex4_workbook(summary: Annex4) -> bytes:
    """附件4 as an .xlsx file: one sheet, the form's columns, one row per client with its
    surname initial in the first column; amounts are number cells (Decimal, two decimals),
    visits an integer; 填表人, 时间 and 填表说明 below the table."""
    book = Workbook()
    sheet = book.active
    sheet.title = "客户分类汇总表"
    ncols = len(ANNEX4_COLUMNS)
    sheet.append(["客户分类汇总表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    manager = summary.selection.manager
    who = manager.display_name if manager else "全部"
    sheet.append([f"营业部：{summary.selection.branch.name}", None, None, f"客户经理：{who}"])
    sheet.append([title for title, _ in ANNEX4_COLUMNS])
    header = 3
    for column, (_, width) in enumerate(ANNEX4_COLUMNS, start=1):
        cell = sheet.cell(row=header, column=column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in summary.rows:
        sheet.append(
            [
                row.initial,
                row.name,
                row.fund_account,
                row.assets_wan,
                row.commission_wan,
                row.habit,
                row.value_class,
                row.decision_style,
                row.preferences,
                row.risk_level,
                row.visits,
                row.phone,
                row.remarks,
            ]
        )
        last = sheet.max_row
        for cell in sheet[last]:
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                cell.data_type = "s"  # typed text, never a formula (CSV/Excel injection)
        for column in (4, 5):
            sheet.cell(row=last, column=column).number_format = "#,##0.00"
        sheet.cell(row=last, column=3).number_format = "@"
    last = sheet.max_row
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(ncols)}{last}"
    sheet.append([])
    sheet.append(
        [
            f"填表人：{summary.filled_by}",
            None,
            None,
            f"时间：{to_local(summary.filled_at):%Y-%m-%d %H:%M}",
        ]
    )
    sheet.append(["填表说明："])
    for number, note in enumerate(rules.ANNEX4_NOTES, start=1):
        sheet.append([f"{number}、{note}"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
