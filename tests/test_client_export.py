"""The client list as Excel / CSV: the list's rows (all pages, its filters), numbers masked for
everyone, formulas kept as text, every export in the audit trail, inside the user's scope."""

import csv
import io

import factories
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, Client


def _csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # Excel reads the Chinese as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_holds_the_lists_clients_in_its_order_with_numbers_masked(book, login_as):
    response = login_as("head1").get("/clients/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header, *rows = _csv(response)
    assert header[:4] == ["客户编号", "姓名", "性别", "资金帐号"]
    # 第一营业部: mgr1's and mgr2's clients, none of mgr3's, by the pinyin of the name.
    assert [row[1] for row in rows] == ["李明", "欧阳修", "单田芳", "王五", "曾国藩"]
    with book.app_context():
        li = db.session.scalar(select(Client).where(Client.name == "李明"))
        assert li.mobile not in response.get_data(as_text=True)
        mobile = rows[0][header.index("手机号码")]
        assert mobile.endswith(li.mobile[-4:]) and "*" in mobile


def test_the_export_follows_the_lists_filters_and_sort(book, login_as):
    head = login_as("head1")
    with book.app_context():
        mgr2 = factories.user("mgr2").id
    _, *rows = _csv(head.get(f"/clients/export.csv?manager={mgr2}&sort=-assets"))
    assert [row[1] for row in rows] == ["王五", "曾国藩"]
    _, *rows = _csv(head.get("/clients/export.csv?q=OY"))
    assert [row[1] for row in rows] == ["欧阳修"]


def test_a_manager_exports_only_their_own_clients(book, login_as):
    _, *rows = _csv(login_as("manager").get("/clients/export.csv"))
    assert sorted(row[1] for row in rows) == sorted(["李明", "单田芳", "欧阳修"])


def test_a_manager_of_another_branch_in_the_filter_is_not_found(book, login_as):
    with book.app_context():
        mgr3 = factories.user("mgr3").id
    assert login_as("head1").get(f"/clients/export.xlsx?manager={mgr3}").status_code == 404


def test_the_workbook_has_number_cells_and_keeps_a_formula_as_text(book, login_as):
    with book.app_context():
        factories.client("mgr1", '=HYPERLINK("http://x")')
    response = login_as("manager").get("/clients/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    titles = [cell.value for cell in header]
    assets = titles.index("客户总资产（万元）")
    names = {row[1].value: row for row in rows}
    formula = names['=HYPERLINK("http://x")'][1]
    assert formula.data_type == "s"
    assert names["单田芳"][assets].value == 600  # 6,000,000 yuan in 万元, a number
    assert names["单田芳"][titles.index("开户日期")].is_date
    text = _csv(login_as("manager").get("/clients/export.csv"))
    assert [row[1] for row in text if "HYPERLINK" in row[1]] == ['\'=HYPERLINK("http://x")']


def test_each_export_is_in_the_audit_trail(book, login_as):
    login_as("head1").get("/clients/export.xlsx?class=B").get_data()
    with book.app_context():
        head = factories.user("head1")
        branch = [factories.user("mgr1").id, factories.user("mgr2").id]
        entry = db.session.scalar(
            select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id.desc())
        )
        assert (entry.user_id, entry.record_type, entry.record_id) == (head.id, "users", head.id)
        shown = db.session.scalar(
            select(db.func.count())
            .select_from(Client)
            .where(Client.class_code == "B", Client.manager_id.in_(branch))
        )
        assert shown > 0
        assert entry.new_value == f"客户列表（Excel）：class=B，共 {shown} 户"


def test_the_list_offers_the_export_of_what_it_shows(book, login_as):
    html = login_as("head1").get("/clients/?class=B").get_data(as_text=True)
    assert 'href="/clients/export.xlsx?class=B"' in html
    assert 'href="/clients/export.csv?class=B"' in html
    assert "/clients/export" not in login_as("counter").get("/clients/").get_data(as_text=True)
