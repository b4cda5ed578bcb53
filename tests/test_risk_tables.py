"""营业部风险承受能力客户分类表 of all a book's clients (Art. 8.3) and the fund sales platform's
file (Art. 8.4): grouped by the four levels, in print and Excel, scoped, the export logged."""

import csv
import io

import factories
from answers import LOWEST
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog
from portal.models.audit import acting_as
from portal.services import clients


def _assess_lowest(app, name: str) -> None:
    with app.app_context(), acting_as("seed"):
        factories.assessment(factories.client_named(name), LOWEST)


def test_the_branch_table_groups_every_client_by_level(assessed_book, login_as):
    _assess_lowest(assessed_book, "单田芳")
    html = login_as("head1").get("/risk/levels").get_data(as_text=True)
    counts = html[html.index('class="level-counts"') : html.index("</dl>")]
    for level, count in (("极低", 1), ("低", 0), ("中", 0), ("高", 2), ("未评估", 2), ("合计", 5)):
        assert f"<dt>{level}</dt><dd>{count} 户</dd>" in counts
    high = html[html.index("风险承受能力：高") : html.index("风险承受能力：未评估")]
    assert "李明" in high and "王五" in high and "单田芳" not in high
    assert "赵六" not in html  # 第二营业部


def test_a_manager_sees_only_their_own_clients(assessed_book, login_as):
    html = login_as("manager").get("/risk/levels").get_data(as_text=True)
    assert "李明" in html and "欧阳修" in html
    assert "王五" not in html


def test_the_pdf_and_the_workbook_hold_the_table(assessed_book, login_as):
    _assess_lowest(assessed_book, "单田芳")
    head = login_as("head1")
    pdf = head.get("/risk/levels.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "营业部风险承受能力客户分类表" in text
    assert "风险承受能力：极低（1 户）" in text and "单田芳" in text
    sheet = load_workbook(io.BytesIO(head.get("/risk/levels.xlsx").get_data())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:4] == ["风险承受能力分类", "客户姓名", "资金账号", "风险承受能力"]
    by_name = {row[1]: row for row in rows[2:]}
    assert by_name["单田芳"][0] == "极低" and by_name["单田芳"][4] == 14
    assert by_name["李明"][0] == "高" and by_name["李明"][6] == 1  # questionnaire version 1
    assert by_name["欧阳修"][0] == "未评估"


def test_the_fund_platform_file_lists_the_fund_clients_and_is_logged(assessed_book, login_as):
    with assessed_book.app_context(), acting_as("seed"):
        for name in ("李明", "欧阳修"):
            factories.client_named(name).has_fund_account = True
        db.session.commit()
    response = login_as("head1").get("/risk/fund-platform.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["资金账号", "客户姓名", "风险承受能力", "评估得分", "评估日期", "问卷版本"]
    assert [(row[1], row[2], row[3], row[5]) for row in rows[1:]] == [
        ("李明", "高", "60", "1"),
        ("欧阳修", "未评估", "", ""),
    ]
    with assessed_book.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "export"))
        assert entry.field == "fund_platform"
        assert entry.new_value == "基金销售平台风险测评数据：第一营业部 · 全部客户经理，共 2 户"


def test_the_fund_account_flag_is_kept_on_the_client_form_and_shown(book, login_as):
    with book.app_context():
        client_id = factories.client_named("王五").id
    head = login_as("head1")
    form = head.get(f"/clients/{client_id}/edit").get_data(as_text=True)
    assert 'name="has_fund_account"' in form
    assert "基金账户</dt><dd>未开通" in head.get(f"/clients/{client_id}").get_data(as_text=True)
    with book.app_context(), acting_as("head1"):
        clients.update_client(factories.client_named("王五"), {"has_fund_account": "y"})
        trail = db.session.scalar(select(AuditLog).order_by(AuditLog.id.desc()))
        assert (trail.field, trail.old_value, trail.new_value) == ("has_fund_account", "否", "是")
    assert "基金账户</dt><dd>已开通" in head.get(f"/clients/{client_id}").get_data(as_text=True)
