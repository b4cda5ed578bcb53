"""Importing the trading system's monthly figures: CSV in UTF-8 (with or without BOM) or GBK,
and .xlsx; all or nothing with a report of every bad row; idempotent; each change one trail
row naming the import; classes recomputed with cause 数据导入; inside the importer's scope."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import factories
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from portal.domain.beijing import china_today, month_start
from portal.extensions import db
from portal.models import AuditLog, ClassChange, Client, DataImport, MonthlyFigure
from portal.services import imports

HEADER = "资金账号,月份,月日均总资产,月末总资产,月末股票市值,成交金额,净佣金,备注"


def this_month() -> str:
    return f"{china_today():%Y-%m}"


def last_month() -> str:
    return f"{month_start(china_today()) - timedelta(days=1):%Y-%m}"


def account(name: str) -> str:
    return db.session.scalar(select(Client.fund_account).where(Client.name == name))


def write(tmp_path: Path, lines: list[str], encoding="utf-8", name="figures.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join([HEADER, *lines]).encode(encoding))
    return path


def figure(name: str, month: str) -> MonthlyFigure | None:
    return db.session.scalar(
        select(MonthlyFigure)
        .join(Client)
        .where(Client.name == name, MonthlyFigure.month == date.fromisoformat(f"{month}-01"))
    )


def trail_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_in_each_encoding_adds_the_months_figures(book, tmp_path, encoding):
    with book.app_context():
        li = account("李明")
        path = write(
            tmp_path,
            [f'{li},{this_month()},"2,100,000.00","2,200,000.50",800000,"150,000",320.5,客户备注'],
            encoding,
        )
        before = trail_count()
        outcome = imports.import_figures(path, path.name, None)
        assert not outcome.refused, outcome.errors
        assert (outcome.rows, outcome.new, outcome.changed) == (1, 1, 0)
        stored = figure("李明", this_month())
        assert stored.end_assets == Decimal("2200000.50")
        assert stored.net_commission == Decimal("320.50")
        client = db.session.scalar(select(Client).where(Client.name == "李明"))
        assert client.total_assets == Decimal("2200000.50")  # the client's figures follow
        record = db.session.scalar(select(DataImport))
        assert (record.result, record.new, record.file_name) == ("imported", 1, "figures.csv")
        trail = db.session.scalars(
            select(AuditLog).where(AuditLog.id > 0).order_by(AuditLog.id).offset(before)
        ).all()
        assert {row.request_id for row in trail} == {record.trail_id}
        assert {(row.record_type, row.parent_id) for row in trail} == {
            ("client_monthly_figures", client.id)
        }


def test_an_xlsx_file_is_read_with_numbers_and_dates_as_excel_keeps_them(book, tmp_path):
    with book.app_context():
        sheet_book = Workbook()
        sheet = sheet_book.active
        sheet.append(HEADER.split(","))
        first = month_start(china_today())
        sheet.append([int(account("王五")), first, 1234567.89, 1300000, 0, 2500000, 88.8])
        path = tmp_path / "figures.xlsx"
        sheet_book.save(path)
        outcome = imports.import_figures(path, "月度数据.xlsx", None)
        assert not outcome.refused, outcome.errors
        stored = figure("王五", this_month())
        assert stored.avg_assets == Decimal("1234567.89")
        assert stored.traded_amount == Decimal("2500000.00")


def test_a_bad_row_in_the_middle_refuses_the_whole_file_and_names_each_fault(book, tmp_path):
    with book.app_context():
        li, wang = account("李明"), account("王五")
        path = write(
            tmp_path,
            [
                f"{li},{this_month()},100,100,0,0,0",
                f"{wang},2026-13,abc,-5,0,0,0",
                f"{wang},{this_month()},100,100,0,0,0.001",
                f"99999999,{this_month()},100,100,0,0,0",
                f"{li},{this_month()},100,100,0,0,0",
            ],
        )
        before = trail_count()
        outcome = imports.import_figures(path, path.name, None)
        assert outcome.refused
        assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
            (3, "月份", "2026-13", "月份无效"),
            (3, "月日均总资产", "abc", "不是有效的金额"),
            (3, "月末总资产", "-5", "不能为负数"),
            (4, "净佣金", "0.001", "金额最多两位小数"),
            (5, "资金账号", "99999999", imports.NOT_YOURS),
            (6, "资金账号", li, "与第2行重复（同一账号同一月份）"),
        ]
        assert figure("李明", this_month()) is None  # the good first row is not taken either
        assert trail_count() == before
        record = db.session.scalar(select(DataImport))
        assert (record.result, record.errors) == ("refused", 6)


def test_a_file_without_a_needed_column_is_refused_as_a_whole(book, tmp_path):
    with book.app_context():
        path = tmp_path / "f.csv"
        path.write_text("资金账号,月份,月末总资产\n1,2026-01,5\n", encoding="utf-8")
        outcome = imports.import_figures(path, path.name, None)
        assert outcome.file_error.startswith("缺少列：月日均总资产、月末股票市值")
        path = tmp_path / "f.doc"
        path.write_bytes(b"x")
        assert "只能导入" in imports.import_figures(path, "f.doc", None).file_error


def test_importing_the_same_file_again_changes_nothing(book, tmp_path):
    with book.app_context():
        path = write(tmp_path, [f"{account('曾国藩')},{this_month()},50000,50000,0,0,0"])
        imports.import_figures(path, path.name, None)
        before, history = trail_count(), db.session.scalar(select(func.count(ClassChange.id)))
        again = imports.import_figures(path, path.name, None)
        assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
        assert trail_count() == before
        assert db.session.scalar(select(func.count(ClassChange.id))) == history
        latest = db.session.scalar(select(DataImport).order_by(DataImport.id.desc()))
        assert latest.result == "unchanged"


def test_a_changed_value_is_an_update_with_one_trail_row(book, tmp_path):
    with book.app_context():
        stored = figure("欧阳修", last_month())
        values = [stored.avg_assets, stored.end_assets, stored.end_stock_value]
        row = ",".join(str(v) for v in values)
        path = write(
            tmp_path,
            [f"{account('欧阳修')},{last_month()},{row},{stored.traded_amount},999.99"],
        )
        before = trail_count()
        outcome = imports.import_figures(path, path.name, None)
        assert (outcome.new, outcome.changed) == (0, 1)
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id).offset(before)).all()
        assert [(r.action, r.field, r.new_value) for r in rows] == [
            ("update", "net_commission", "999.99")
        ]
        count = db.session.scalar(
            select(func.count())
            .select_from(MonthlyFigure)
            .where(MonthlyFigure.client_id == stored.client_id)
        )
        assert count == 36  # no duplicate month


def test_classes_are_recomputed_with_the_import_as_cause(book, tmp_path):
    with book.app_context():
        client = db.session.scalar(select(Client).where(Client.name == "曾国藩"))
        before = client.class_code  # 50,000 yuan
        path = write(tmp_path, [f"{client.fund_account},{this_month()},9000000,9000000,0,0,0"])
        preview = imports.import_figures(path, path.name, None, dry_run=True)
        db.session.expire_all()
        assert client.class_code == before  # a preview changes nothing
        assert figure("曾国藩", this_month()) is None
        assert db.session.scalar(select(func.count(DataImport.id))) == 0
        outcome = imports.import_figures(path, path.name, None)
        db.session.expire_all()
        assert client.class_code not in (before, None)
        assert preview.class_moves == outcome.class_moves == [(before, client.class_code, 1)]
        change = db.session.scalar(select(ClassChange).order_by(ClassChange.id.desc()))
        assert (change.client_id, change.cause) == (client.id, "数据导入")


def test_a_branch_head_imports_only_their_branchs_accounts(book, tmp_path):
    with book.app_context():
        head = factories.user("head1")
        path = write(tmp_path, [f"{account('赵六')},{this_month()},1,1,0,0,0"])
        outcome = imports.import_figures(path, path.name, head)
        assert [(e.row, e.message) for e in outcome.errors] == [(2, imports.NOT_YOURS)]
        assert db.session.scalar(select(DataImport)).branch_id == head.branch_id


def test_the_command_imports_and_exits_non_zero_on_a_bad_file(book, tmp_path):
    runner = book.test_cli_runner()
    with book.app_context():
        good = write(tmp_path, [f"{account('解缙')},{this_month()},1,1,0,0,0"], name="good.csv")
    bad = write(tmp_path, ["1,2026-01,x,1,0,0,0"], name="bad.csv")
    result = runner.invoke(args=["import", "figures", str(bad)])
    assert result.exit_code != 0
    assert "第2行 月日均总资产 “x”：不是有效的金额" in result.output
    result = runner.invoke(args=["import", "figures", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "预览（未导入） good.csv：共 1 行，新增 1" in result.output
    result = runner.invoke(args=["import", "figures", str(good)])
    assert "已导入 good.csv：共 1 行，新增 1" in result.output
    with book.app_context():
        assert figure("解缙", this_month()) is not None


# --------------------------------------------------------------------------- the web pages


MATRIX = {
    "/imports/": [302, 403, 403, 200, 200],
}


def test_access_matrix(book, login_as):
    from access import uncovered_routes, wrong_statuses

    assert wrong_statuses(book, login_as, MATRIX, {}) == []
    assert uncovered_routes(book, MATRIX, {"imports"}) == []


def _upload(client, path: Path, name: str | None = None):
    with path.open("rb") as file:
        return client.post_form(
            "/imports/figures",
            {"file": (file, name or path.name)},
            content_type="multipart/form-data",
        )


def test_a_head_previews_then_imports_a_file(book, login_as, tmp_path):
    with book.app_context():
        path = write(tmp_path, [f"{account('李明')},{this_month()},9000000,9000000,0,0,0"])
    head = login_as("head1")
    preview = _upload(head, path)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "新增月度数据</dt><dd>1 行" in html
    with book.app_context():
        assert figure("李明", this_month()) is None  # nothing yet
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)[1]
    done = head.post_form("/imports/figures/confirm", {"token": token, "file_name": "figures.csv"})
    assert done.status_code == 302
    page = head.get("/imports/").get_data(as_text=True)
    assert "已导入 figures.csv：新增 1 行" in page
    assert "figures.csv" in page and "已导入" in page
    with book.app_context():
        assert figure("李明", this_month()).end_assets == Decimal("9000000.00")
    # The token is spent: a second confirmation imports nothing.
    again = head.post_form("/imports/figures/confirm", {"token": token, "file_name": "figures.csv"})
    assert "预览的文件已失效" in head.get(again.headers["Location"]).get_data(as_text=True)


def test_a_bad_file_shows_every_fault_and_changes_nothing(book, login_as, tmp_path):
    path = write(tmp_path, ["123,2026-1x,1,1,0,0,0"])
    response = _upload(login_as("head1"), path)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "整个文件未导入" in html
    assert "<td>2026-1x</td><td>月份应为 YYYY-MM 格式</td>" in html
    assert "确认导入" not in html


def test_an_upload_without_a_file_or_of_another_kind_is_refused_in_chinese(
    book, login_as, tmp_path
):
    head = login_as("head1")
    response = head.post_form("/imports/figures", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要导入的文件。" in response.get_data(as_text=True)
    other = tmp_path / "a.pdf"
    other.write_bytes(b"%PDF-1.4")
    response = _upload(head, other)
    assert response.status_code == 422
    assert "只能导入 CSV" in response.get_data(as_text=True)


def test_a_confirmation_cannot_reach_another_users_upload(book, login_as, tmp_path):
    with book.app_context():
        path = write(tmp_path, [f"{account('王五')},{this_month()},1,1,0,0,0"])
    html = _upload(login_as("hq"), path).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)[1]
    head = login_as("head1")
    response = head.post_form("/imports/figures/confirm", {"token": token, "file_name": "x.csv"})
    assert "预览的文件已失效" in head.get(response.headers["Location"]).get_data(as_text=True)
    with book.app_context():
        assert figure("王五", this_month()) is None
    bad = head.post_form(
        "/imports/figures/confirm", {"token": "../../etc/passwd", "file_name": "x"}
    )
    assert bad.status_code == 400


def test_a_whole_book_import_reclassifies_and_keeps_the_assets_indexes(book, tmp_path):
    """An import of every client's month refreshes the whole book (on PostgreSQL without the
    total-assets indexes, made again in the same transaction)."""
    with book.app_context():
        accounts = db.session.scalars(select(Client.fund_account).order_by(Client.id)).all()
        path = write(tmp_path, [f"{a},{this_month()},9000000,9000000,0,0,0" for a in accounts])
        outcome = imports.import_figures(path, path.name, None)
        assert outcome.new == len(accounts)
        assert set(db.session.scalars(select(Client.class_code))) <= {"A+", "B+"}  # 900万
        inspector = sa_inspect(db.engine)
        names = {index["name"] for index in inspector.get_indexes("clients")}
        assert {"ix_clients_branch_assets", "ix_clients_total_assets"} <= names
