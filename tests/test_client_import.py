"""Importing the clients' master data from the trading system: new clients opened, changed
fields updated with one trail row each naming the import, a re-import changing nothing; all or
nothing with every bad row reported; inside the importer's scope; from the web and the command
line."""

import re
from datetime import date
from pathlib import Path

import factories
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import AuditLog, Client, ClientAssignment, ContactChange, DataImport
from portal.services import client_import

HEADER = "资金账号,客户编号,姓名,客户类型,证件类型,证件号码,开户日期,营业部,客户经理工号,手机号码"
ID_1 = build_resident_id("310101", date(1980, 5, 17), 123)  # 男
ID_2 = build_resident_id("110101", date(1992, 2, 29), 246)  # 女
NEW = [
    f"880001,IMP0001,柳如是,个人,居民身份证,{ID_2},2026-11-02,第一营业部,mgr1,13912345678",
    f"880002,IMP0002,顾炎武,,,{ID_1},2026/11/03,第一营业部,mgr2,",
]


def write(tmp_path: Path, lines: list[str], encoding="utf-8", name="clients.csv", header=HEADER):
    path = tmp_path / name
    path.write_bytes("\r\n".join([header, *lines]).encode(encoding))
    return path


def named(name: str) -> Client | None:
    return db.session.scalar(select(Client).where(Client.name == name))


def trail_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_new_clients_are_opened_from_a_csv_in_each_encoding(book, tmp_path, encoding):
    with book.app_context():
        outcome = client_import.import_clients(write(tmp_path, NEW, encoding), "c.csv", None)
        assert not outcome.refused, outcome.errors
        assert (outcome.new, outcome.changed, outcome.unchanged) == (2, 0, 0)
        liu = named("柳如是")
        assert (liu.client_no, liu.fund_account, liu.id_number) == ("IMP0001", "880001", ID_2)
        assert (liu.gender, liu.birthday, liu.opened_on) == (
            "女",
            date(1992, 2, 29),
            date(2026, 11, 2),
        )
        assert (liu.manager.username, liu.branch.name, liu.mobile) == (
            "mgr1",
            "第一营业部",
            "13912345678",
        )
        assert liu.surname_initial == "L" and liu.mobile_last4 == "5678"
        gu = named("顾炎武")
        assert (gu.id_type, gu.gender, gu.manager.username) == ("resident", "男", "mgr2")
        since = db.session.scalar(
            select(ClientAssignment.since).where(ClientAssignment.client_id == gu.id)
        )
        assert since == date(2026, 11, 3)  # a new client of its manager from its opening
        record = db.session.scalar(select(DataImport))
        assert (record.kind, record.result, record.new) == ("clients", "imported", 2)
        inserted = db.session.scalars(
            select(AuditLog.request_id).where(
                AuditLog.record_type == "clients", AuditLog.record_id == liu.id
            )
        ).all()
        assert inserted and set(inserted) == {record.trail_id}


def test_an_xlsx_file_with_dates_and_numbers_as_excel_keeps_them(book, tmp_path):
    book_ = Workbook()
    sheet = book_.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            880003,
            "IMP0003",
            "黄宗羲",
            "个人",
            "居民身份证",
            ID_1,
            date(2026, 10, 8),
            "第二营业部",
            "mgr3",
            13700001111,
        ]
    )
    path = tmp_path / "clients.xlsx"
    book_.save(path)
    with book.app_context():
        outcome = client_import.import_clients(path, path.name, None)
        assert not outcome.refused, outcome.errors
        huang = named("黄宗羲")
        assert (huang.fund_account, huang.opened_on, huang.mobile) == (
            "880003",
            date(2026, 10, 8),
            "13700001111",
        )
        assert huang.branch.name == "第二营业部"


def test_a_bad_row_in_the_middle_refuses_the_whole_file_and_names_each_fault(book, tmp_path):
    bad_id = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")
    lines = [
        NEW[0],
        f"88x,IMP0009,,团体,居民身份证,{bad_id},2026-13-01,第九营业部,nobody,1391234",
        "880005,IMP0005,钱谦益,个人,护照,E1234567,2026-11-01,第一营业部,mgr3,",
        NEW[1].replace("880002", "880001"),
    ]
    with book.app_context():
        before = trail_count()
        outcome = client_import.import_clients(write(tmp_path, lines), "bad.csv", None)
        assert outcome.refused
        faults = {(e.row, e.column): e.message for e in outcome.errors}
        assert faults == {
            (3, "资金账号"): "应为数字，至多20位",
            (3, "姓名"): "不能为空",
            (3, "客户类型"): "应为“个人”或“机构”",
            (3, "开户日期"): "日期无效",
            (3, "手机号码"): "应为以1开头的11位数字",
            (3, "营业部"): "没有这个营业部（或不在您的权限范围内）",
            (3, "客户经理工号"): "没有这个工号的在岗客户经理（或不在您的权限范围内）",
            (4, "性别"): "非居民身份证的客户须填写性别",
            (4, "客户经理工号"): "该客户经理不属于第一营业部",
            (5, "资金账号"): "与第2行重复（同一资金账号）",
        }
        assert named("柳如是") is None  # the good first row is not imported either
        assert trail_count() == before
        assert db.session.scalar(select(DataImport.result)) == "refused"
    # The resident ID's check digit, and a manager of another branch, are faults too.
    other = [f"880006,IMP0006,张溥,个人,居民身份证,{bad_id},2026-11-01,第一营业部,mgr3,"]
    with book.app_context():
        outcome = client_import.import_clients(write(tmp_path, other), "bad.csv", None)
        assert [(e.column, e.message) for e in outcome.errors] == [
            ("证件号码", "身份证号码校验位错误"),
            ("客户经理工号", "该客户经理不属于第一营业部"),
        ]


def test_importing_the_same_file_again_changes_nothing(book, tmp_path):
    path = write(tmp_path, NEW)
    with book.app_context():
        client_import.import_clients(path, path.name, None)
        before = trail_count()
        outcome = client_import.import_clients(path, path.name, None)
        assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, 2)
        assert trail_count() == before
        assert db.session.scalar(select(func.count(Client.id)).where(Client.name == "柳如是")) == 1
        assert db.session.scalars(select(DataImport.result).order_by(DataImport.id)).all() == [
            "imported",
            "unchanged",
        ]


def test_a_changed_field_is_one_trail_row_naming_the_import(book, tmp_path):
    with book.app_context():
        client_import.import_clients(write(tmp_path, NEW), "c.csv", None)
        before = trail_count()
        changed = [NEW[0].replace("柳如是", "柳隐"), NEW[1]]
        preview = client_import.import_clients(
            write(tmp_path, changed), "c.csv", None, dry_run=True
        )
        assert (preview.changed, preview.field_changes) == (1, [("姓名", 1)])
        assert named("柳如是") is not None and trail_count() == before  # a preview changes nothing
        outcome = client_import.import_clients(write(tmp_path, changed), "c.csv", None)
        assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 1, 1)
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id).offset(before)).all()
        record = db.session.scalar(select(DataImport).order_by(DataImport.id.desc()))
        names = [
            (r.field, r.old_value, r.new_value, r.request_id) for r in rows if r.field == "name"
        ]
        assert names == [("name", "柳如是", "柳隐", record.trail_id)]
        assert {r.field for r in rows} <= {
            "name",
            "surname_initial",
            "name_initials",
            "name_sort_key",
            "updated_at",
        }


def test_a_changed_mobile_is_a_contact_change_evidenced_by_the_import(book, tmp_path):
    with book.app_context():
        client_import.import_clients(write(tmp_path, NEW), "c.csv", None)
        moved = [NEW[0].replace("13912345678", "13600009999"), NEW[1]]
        client_import.import_clients(write(tmp_path, moved), "new-mobiles.csv", None)
        change = db.session.scalar(select(ContactChange))
        assert (change.old_mobile, change.new_mobile) == ("13912345678", "13600009999")
        assert change.evidence_label == "数据导入"
        assert change.evidence_ref.startswith("new-mobiles.csv（导入编号 import-")


def test_a_new_manager_is_a_reassignment_and_a_branch_head_imports_only_their_branch(
    book, tmp_path
):
    with book.app_context():
        client_import.import_clients(write(tmp_path, NEW), "c.csv", None)
        head = factories.user("head1")
        moved = [NEW[0].replace(",mgr1,", ",mgr2,")]
        outcome = client_import.import_clients(write(tmp_path, moved), "c.csv", head)
        assert outcome.changed == 1 and outcome.field_changes == [("客户经理", 1)]
        liu = named("柳如是")
        assert liu.manager.username == "mgr2"
        latest = db.session.scalar(
            select(ClientAssignment)
            .where(ClientAssignment.client_id == liu.id)
            .order_by(ClientAssignment.id.desc())
        )
        assert (latest.manager_id, latest.recorded_by_id) == (liu.manager_id, head.id)
        # Another branch's client, branch or manager is not the head's to import.
        zhao = named("赵六")
        theirs = [
            f"{zhao.fund_account},{zhao.client_no},赵六,个人,居民身份证,{zhao.id_number},2026-01-01,第二营业部,mgr3,",
            f"880007,IMP0007,方以智,个人,居民身份证,{ID_1},2026-11-01,第一营业部,mgr3,",
        ]
        outcome = client_import.import_clients(write(tmp_path, theirs), "c.csv", head)
        assert [(e.row, e.column) for e in outcome.errors] == [
            (2, "营业部"),
            (2, "客户经理工号"),
            (2, "客户编号"),
            (3, "客户经理工号"),
        ]
        assert (
            db.session.scalar(select(DataImport).order_by(DataImport.id.desc())).branch_id
            == head.branch_id
        )


def test_the_command_imports_and_exits_non_zero_on_a_bad_file(book, tmp_path):
    runner = book.test_cli_runner()
    good = write(tmp_path, NEW, name="good.csv")
    bad = write(tmp_path, [NEW[0].replace("2026-11-02", "2026-11-31")], name="bad.csv")
    result = runner.invoke(args=["import", "clients", str(bad)])
    assert result.exit_code != 0
    assert "第2行 开户日期 “2026-11-31”：日期无效" in result.output
    result = runner.invoke(args=["import", "clients", str(good), "--dry-run"])
    assert "预览（未导入） good.csv：共 2 行，新增 2" in result.output, result.output
    result = runner.invoke(args=["import", "clients", str(good)])
    assert result.exit_code == 0 and "已导入 good.csv：共 2 行，新增 2" in result.output
    moved = write(tmp_path, [NEW[0].replace("13912345678", "13600009999")], name="moved.csv")
    result = runner.invoke(args=["import", "clients", str(moved)])
    assert "手机号码变更：1 户" in result.output, result.output
    with book.app_context():
        assert named("顾炎武") is not None
        assert db.session.scalar(select(ContactChange.changed_by_id)) is None


def test_a_head_previews_then_imports_a_file_from_the_web(book, login_as, tmp_path):
    path = write(tmp_path, NEW)
    head = login_as("head1")
    with path.open("rb") as file:
        preview = head.post_form(
            "/imports/clients", {"file": (file, "clients.csv")}, content_type="multipart/form-data"
        )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "新建客户档案</dt><dd>2 户" in html
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)[1]
    done = head.post_form("/imports/clients/confirm", {"token": token, "file_name": "clients.csv"})
    assert done.status_code == 302
    page = head.get("/imports/").get_data(as_text=True)
    assert "已导入 clients.csv：新增 2 行" in page and "客户资料" in page
    with book.app_context():
        assert named("柳如是").manager.username == "mgr1"


def test_a_bad_file_from_the_web_shows_every_fault(book, login_as, tmp_path):
    path = write(tmp_path, [NEW[0].replace("mgr1", "mgr3")])
    with path.open("rb") as file:
        response = login_as("head1").post_form(
            "/imports/clients", {"file": (file, "clients.csv")}, content_type="multipart/form-data"
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<td>mgr3</td><td>没有这个工号的在岗客户经理（或不在您的权限范围内）</td>" in html
    assert "确认导入" not in html


def test_an_institution_is_imported_with_its_agent(book, tmp_path):
    header = HEADER + ",经办人姓名,经办人证件类型,经办人证件号码,经办人手机号码"
    row = (
        "880010,IMP0010,上海远景投资有限公司,机构,统一社会信用代码,91350100M000100Y43,2026-11-05,"
        f"第一营业部,mgr1,,陈经办,居民身份证,{ID_1},13811112222"
    )
    bad = row.replace("91350100M000100Y43", "91350100M000100Y44").replace("陈经办", "")
    with book.app_context():
        outcome = client_import.import_clients(write(tmp_path, [bad], header=header), "c.csv", None)
        assert [(e.column, e.message) for e in outcome.errors] == [
            ("证件号码", "统一社会信用代码校验位错误"),
            ("经办人姓名", "机构客户须填写经办人姓名"),
        ]
        outcome = client_import.import_clients(write(tmp_path, [row], header=header), "c.csv", None)
        assert not outcome.refused, outcome.errors
        firm = named("上海远景投资有限公司")
        assert (firm.client_type, firm.id_type, firm.id_number) == (
            "institution",
            "uscc",
            "91350100M000100Y43",
        )
        assert (firm.gender, firm.birthday) == ("", None)
        assert (firm.agent_name, firm.agent_id_number, firm.agent_phone) == (
            "陈经办",
            ID_1,
            "13811112222",
        )
