"""The branch profile (Art. 33, SPEC §5): what the branch tells the firm for its web site —
营业部名称, 地址, 咨询电话, 特色服务, 优惠政策, 最新活动 — kept by the branch head, read by the
branch's staff, gathered by HQ and downloaded as CSV or Excel.

Decisions: the branch head keeps the address, the 咨询电话 and the three texts; the name is
HQ's (营业部管理: it names the branch everywhere in the portal) and is shown read-only. Every
change is in the branch's audit trail (``Branch`` is audited). In the downloads a cell that a
spreadsheet would read as a formula (= + - @ …) stays text: typed text in the .xlsx, and in the
CSV a leading apostrophe, as spreadsheets themselves write it.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from portal.domain.beijing import to_local, utcnow
from portal.extensions import db
from portal.models import Branch, User
from portal.services import scope
from portal.services.archive import FORMULA_STARTS
from portal.services.records import clean_text, set_changed, use_case

PROFILE_FIELDS = ("address", "hotline", "services", "offers", "latest_events")

COLUMNS = [
    ("营业部名称", "name", 16),
    ("地址", "address", 30),
    ("咨询电话", "hotline", 16),
    ("特色服务", "services", 40),
    ("优惠政策", "offers", 40),
    ("最新活动", "latest_events", 40),
    ("信息更新时间", "updated", 18),
]


@use_case
def update_profile(branch: Branch, data: dict) -> Branch:
    values = {name: clean_text(data.get(name)) for name in PROFILE_FIELDS}
    before = {name: getattr(branch, name) for name in PROFILE_FIELDS}
    set_changed(branch, values)
    if values != before:
        branch.profile_updated_at = utcnow()
    return branch


def all_profiles(user: User) -> list[Branch]:
    """The active branches the user sees (HQ: all), by name."""
    return db.session.scalars(
        scope.scoped(Branch, user).where(Branch.active.is_(True)).order_by(Branch.id)
    ).all()


def _row(branch: Branch) -> list[str]:
    updated = to_local(branch.profile_updated_at)
    values = {"updated": f"{updated:%Y-%m-%d %H:%M}" if updated else ""}
    return [values.get(attr, getattr(branch, attr, None)) or "" for _, attr, _ in COLUMNS]


def _text(value: str) -> str:
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def profiles_csv(branches: list[Branch]) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the Chinese), one row per branch."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _, _ in COLUMNS])
    for branch in branches:
        writer.writerow([_text(value) for value in _row(branch)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def profiles_xlsx(branches: list[Branch]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "营业部信息"
    sheet.append([title for title, _, _ in COLUMNS])
    for column, (_, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for branch in branches:
        sheet.append(_row(branch))
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                cell.data_type = "s"  # typed text, never a formula
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def branch_of(user: User) -> Branch | None:
    return db.session.scalar(select(Branch).where(Branch.id == user.branch_id))
