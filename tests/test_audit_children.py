"""The trail of a record's parts (相关人物, 月度数据, a work log's consultations, a visit's
readiness check …): deleted parts leave their old values, the parent's history page shows
them labelled, a deleted record's own trail stays readable within scope, and values are shown
in Chinese."""

import json
from datetime import datetime

import pytest
from activity_data import setup_branch, visit
from sqlalchemy import select
from test_clients import new_client_form

from portal.extensions import db
from portal.models import AuditLog, Branch, Client, RiskAssessment, User
from portal.models.encrypted import keyring
from portal.services import audit


def trail(record_type, **where):
    query = select(AuditLog).where(AuditLog.record_type == record_type)
    for key, value in where.items():
        query = query.where(getattr(AuditLog, key) == value)
    return db.session.scalars(query.order_by(AuditLog.id)).all()


@pytest.fixture
def ids(org):
    with org.app_context():
        return setup_branch()


def open_client(manager, **overrides) -> int:
    data = new_client_form(
        **{
            "related_persons-1-name": "欧阳强",
            "related_persons-1-phone": "13800002222",
            "related_persons-1-relation": "兄弟",
        }
        | overrides
    )
    response = manager.post_form("/clients/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Client.id).where(Client.client_no == data["client_no"]))


def test_a_removed_related_person_leaves_its_old_values_on_the_clients_history(org, login_as):
    mgr1 = login_as("mgr1")
    with org.app_context():
        client_id = open_client(mgr1)
    edit = new_client_form(hobbies="围棋")  # only 欧阳丽 is left
    assert mgr1.post_form(f"/clients/{client_id}/edit", edit).status_code == 302
    with org.app_context():
        deleted = {row.field: row for row in trail("client_related_persons", action="delete")}
        assert deleted["name"].old_value == "欧阳强"
        # Identity data is kept sealed in the trail (models.encrypted), whole once opened.
        assert keyring().open(deleted["phone"].old_value) == "13800002222"
        assert deleted["relation"].old_value == "兄弟"
        assert {(row.parent_type, row.parent_id) for row in deleted.values()} == {
            ("clients", client_id)
        }
    html = mgr1.get(f"/history/clients/{client_id}").get_data(as_text=True)
    assert "相关人物 欧阳强：姓名" in html and "相关人物 欧阳强：联系电话" in html
    assert "删除" in html and "兄弟" in html
    assert "138****2222" in html and "13800002222" not in html  # masked as everywhere
    assert "个人爱好" in html and "围棋" in html  # the client's own change is there too
    assert login_as("mgr2").get(f"/history/clients/{client_id}").status_code == 404
    assert login_as("mgr3").get(f"/history/clients/{client_id}").status_code == 404


def test_a_corrected_monthly_figure_shows_on_the_clients_history(org, login_as):
    mgr1 = login_as("mgr1")
    with org.app_context():
        client_id = open_client(mgr1)
    figures = {"month": "2024-09", "avg_assets": "90000", "end_assets": "100000"}
    figures |= {"end_stock_value": "0", "traded_amount": "0", "net_commission": "0"}
    for end_assets in ("100000", "123456"):
        response = mgr1.post_form(
            f"/clients/{client_id}/figures", figures | {"end_assets": end_assets}
        )
        assert response.status_code == 302
    html = mgr1.get(f"/history/clients/{client_id}").get_data(as_text=True)
    assert "月度数据 2024-09：月末总资产" in html and "123456" in html
    assert login_as("mgr3").get(f"/history/clients/{client_id}").status_code == 404


def test_a_removed_consultation_row_is_on_the_work_logs_history(org, ids, login_as):
    mgr1 = login_as("mgr1")
    url = "/work/logs/2024-10-15/edit"
    rows = {
        "consultations-0-client_id": str(ids["own"]),
        "consultations-0-summary": "咨询新股申购",
        "consultations-1-client_id": str(ids["own2"]),
        "consultations-1-summary": "咨询债券基金",
    }
    assert mgr1.post_form(url, rows).status_code == 302
    del rows["consultations-1-client_id"], rows["consultations-1-summary"]
    assert mgr1.post_form(url, rows).status_code == 302
    with org.app_context():
        deleted = {r.field: r for r in trail("work_log_consultations", action="delete")}
        assert deleted["summary"].old_value == "咨询债券基金"
        log_id = deleted["summary"].parent_id
        assert deleted["summary"].parent_type == "work_logs" and log_id is not None
    html = mgr1.get(f"/history/work_logs/{log_id}").get_data(as_text=True)
    assert f"理财咨询 欧阳明（#{ids['own2']}）：咨询内容概要" in html
    assert "咨询债券基金" in html and "删除" in html
    assert login_as("branch_head").get(f"/history/work_logs/{log_id}").status_code == 200
    for outsider in ("mgr2", "mgr3", "counter"):
        assert login_as(outsider).get(f"/history/work_logs/{log_id}").status_code == 404


def test_a_cancelled_contact_keeps_a_readable_trail_with_its_readiness(org, ids, login_as):
    with org.app_context():
        own = db.session.get(Client, ids["own"])
        plan = visit(own, datetime(2030, 1, 2, 10, 0), status="planned").id
    mgr1 = login_as("mgr1")
    mgr1.post_form(f"/work/contacts/{plan}/readiness", {"mind": "y", "note": "带上研究报告"})
    assert mgr1.post_form(f"/work/contacts/{plan}/cancel").status_code == 302
    with org.app_context():
        # The readiness check went with the contact (not loaded, so the ORM had to fetch it).
        readiness = {r.field: r for r in trail("visit_readiness", action="delete")}
        assert readiness["note"].old_value == "带上研究报告"
        assert readiness["note"].parent_type == "contacts"
        assert readiness["note"].parent_id == plan
        assert {r.field for r in trail("contacts", action="delete", record_id=plan)} >= {
            "kind",
            "status",
            "manager_id",
        }
    html = mgr1.get(f"/history/contacts/{plan}").get_data(as_text=True)
    assert "已删除" in html and "上门拜访" in html and "计划" in html
    assert "拜访前准备检查" in html and "带上研究报告" in html
    assert login_as("branch_head").get(f"/history/contacts/{plan}").status_code == 200
    for outsider in ("mgr2", "mgr3", "counter"):
        assert login_as(outsider).get(f"/history/contacts/{plan}").status_code == 404
    assert mgr1.get(f"/history/contacts/{plan + 1000}").status_code == 404  # never existed


def test_a_reused_id_never_shows_another_records_trail(org, ids, login_as):
    """SQLite gives the id of a deleted row to the next one: the history of the new record
    must not show the old one's trail (nor its parts)."""
    with org.app_context():
        own = db.session.get(Client, ids["own"])
        plan = visit(own, datetime(2030, 1, 2, 10, 0), status="planned").id
    mgr1 = login_as("mgr1")
    mgr1.post_form(f"/work/contacts/{plan}/readiness", {"mind": "y", "note": "带上研究报告"})
    mgr1.post_form(f"/work/contacts/{plan}/cancel")
    with org.app_context():
        colleague = db.session.get(Client, ids["colleague"])
        newer = visit(colleague, datetime(2030, 1, 3, 10, 0), status="planned").id
    html = login_as("mgr2").get(f"/history/contacts/{newer}").get_data(as_text=True)
    assert "带上研究报告" not in html and "拜访前准备检查" not in html
    assert "王五" in html  # the new contact's own trail is there


def test_the_history_page_shows_labels_names_and_the_files_formats(org, login_as, user_id):
    mgr1 = login_as("mgr1")
    with org.app_context():
        client_id = open_client(mgr1, id_type="passport", id_number="E12345678")
        branch = db.session.get(Branch, db.session.get(Client, client_id).branch_id).name
        names = {u.id: u.display_name for u in db.session.scalars(select(User))}
    head = login_as("branch_head")
    head.post_form(f"/clients/{client_id}/reassign", {"manager_id": user_id("mgr2")})
    html = head.get(f"/history/clients/{client_id}").get_data(as_text=True)
    assert "护照" in html and ">passport<" not in html
    assert "万分之2.5" in html and "0.000250" not in html
    assert "波段投资" in html and "绩优价值股、基金" in html
    mgr1_id, mgr2_id = user_id("mgr1"), user_id("mgr2")
    assert f"{names[mgr1_id]}（#{mgr1_id}）" in html and f"{names[mgr2_id]}（#{mgr2_id}）" in html
    assert branch in html


def test_choice_labels_screening_hits_and_titles(ctx):
    def shown(record_type, field, value):
        entry = AuditLog(record_type=record_type, field=field, old_value=None, new_value=value)
        return audit.shown_value(entry, "new")

    assert shown("advice_records", "review_state", "flagged") == "待审核"
    assert shown("advice_records", "review_state", "clear") == "无"
    hits = [{"field": "advice", "name": "承诺收益", "matched": "保证收益", "start": 0}]
    readable = shown("advice_records", "screening_hits", json.dumps(hits, ensure_ascii=False))
    assert readable == "「保证收益」（承诺收益）"
    assert shown("advice_records", "screening_hits", repr(hits)) == readable  # older rows
    assert shown("advice_records", "screening_hits", "[]") == "无"
    assert shown("visit_evaluation_items", "aspect", "preparation") == "准备工作"
    assert shown("clients", "mobile", "13912345678") == "139****5678"
    client = Client(name="张三", client_no="8000000001")
    title = audit.record_title(RiskAssessment(id=82, client=client))
    assert title == "张三（8000000001） #82" and "<" not in title
