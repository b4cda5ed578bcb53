import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from portal.extensions import db
from portal.models import AuditLog, Branch
from portal.models.audit import acting_as


def rows_for(record_type, record_id, action=None):
    query = select(AuditLog).where(
        AuditLog.record_type == record_type, AuditLog.record_id == record_id
    )
    if action:
        query = query.where(AuditLog.action == action)
    return {r.field: r for r in db.session.scalars(query)}


def test_insert_update_delete_leave_a_trace(ctx):
    with acting_as("tester"):
        branch = Branch(name="测试营业部", address="杭州", hotline="0571-1")
        db.session.add(branch)
        db.session.commit()
        inserted = rows_for("branches", branch.id, "insert")
        assert inserted["name"].new_value == "测试营业部"
        assert inserted["name"].old_value is None
        assert inserted["name"].actor == "tester"

        branch.address = "杭州市西湖区"
        db.session.commit()
        updated = rows_for("branches", branch.id, "update")
        assert set(updated) == {"address"}
        assert (updated["address"].old_value, updated["address"].new_value) == (
            "杭州",
            "杭州市西湖区",
        )

        branch_id = branch.id
        db.session.delete(branch)
        db.session.commit()
        deleted = rows_for("branches", branch_id, "delete")
        assert deleted["address"].old_value == "杭州市西湖区"
        assert deleted["address"].new_value is None


def test_a_web_edit_records_the_user_and_request(login_as, org):
    hq = login_as("hq")
    response = hq.post_form(
        "/admin/branches/1/edit",
        {"name": "第一营业部", "address": "上海市黄浦区中山东一路1号", "hotline": "021-95500"},
        headers={"X-Request-ID": "edit-req-0001"},
    )
    assert response.status_code == 302
    with org.app_context():
        row = rows_for("branches", 1, "update")["address"]
        assert row.user.username == "hq"
        assert row.request_id == "edit-req-0001"
        assert row.new_value == "上海市黄浦区中山东一路1号"


def test_passwords_are_never_written_to_the_trail(login_as, org, user_id):
    client = login_as("manager")
    client.post_form(
        "/account/password",
        {"current": "demo1234", "new": "newpass123", "confirm": "newpass123"},
    )
    with org.app_context():
        row = rows_for("users", user_id("mgr1"), "update")["password_hash"]
        assert row.old_value == row.new_value == "******"


def test_audit_rows_cannot_be_changed_through_the_orm(ctx):
    with acting_as("tester"):
        db.session.add(Branch(name="X营业部"))
        db.session.commit()
    row = db.session.scalars(select(AuditLog)).first()
    row.new_value = "forged"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditLog)).first())
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET new_value = 'x'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_audit_rows(ctx, statement):
    with acting_as("tester"):
        db.session.add(Branch(name="Y营业部"))
        db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(select(AuditLog.id).limit(1)) is not None


def test_history_page_shows_the_changes(login_as):
    hq = login_as("hq")
    hq.post_form(
        "/admin/branches/1/edit",
        {"name": "第一营业部", "address": "新地址", "hotline": "021-95500"},
    )
    html = hq.get("/history/branches/1").get_data(as_text=True)
    assert "修改记录" in html
    assert "新地址" in html and "地址" in html and "总部管理员" in html


def test_history_is_scoped_like_the_record(login_as, user_id):
    head = login_as("branch_head")
    assert head.get(f"/history/users/{user_id('mgr1')}").status_code == 200
    assert head.get(f"/history/users/{user_id('mgr3')}").status_code == 404
    assert head.get("/history/no_such_table/1").status_code == 404
    assert head.get("/history/login_attempts/1").status_code == 404


def test_the_app_offers_no_way_to_edit_or_delete_audit_rows(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}
