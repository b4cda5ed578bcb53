from sqlalchemy import select

from portal.extensions import db
from portal.models import Branch, User

NEW_USER = {
    "username": "mgr9",
    "display_name": "孙悦",
    "phone": "13912345678",
    "role": "manager",
    "branch_id": "1",
    "password": "welcome123",
}


def test_hq_creates_a_branch_and_a_user_who_can_log_in(login_as, org):
    hq = login_as("hq")
    response = hq.post_form(
        "/admin/branches/new", {"name": "第三营业部", "address": "深圳", "hotline": "0755-1"}
    )
    assert response.status_code == 302
    response = hq.post_form("/users/new", NEW_USER)
    assert response.status_code == 302
    with org.app_context():
        user = db.session.scalar(select(User).where(User.username == "mgr9"))
        assert user.branch.name == "第一营业部" and user.role == "manager"
        assert db.session.scalar(select(Branch).where(Branch.name == "第三营业部"))
    assert org.test_client().login("mgr9", "welcome123").status_code == 302


def test_one_bad_field_is_422_and_keeps_everything_else(login_as):
    hq = login_as("hq")
    response = hq.post_form("/users/new", {**NEW_USER, "phone": "12345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "手机号码应为以1开头的11位数字" in html
    assert 'value="mgr9"' in html and 'value="孙悦"' in html and 'value="12345"' in html


def test_branch_staff_need_a_branch_and_hq_has_none(login_as, org):
    hq = login_as("hq")
    response = hq.post_form("/users/new", {**NEW_USER, "branch_id": "0"})
    assert response.status_code == 422
    assert "须选择所属营业部" in response.get_data(as_text=True)
    response = hq.post_form("/users/new", {**NEW_USER, "username": "hq2", "role": "hq"})
    assert response.status_code == 302
    with org.app_context():
        assert db.session.scalar(select(User).where(User.username == "hq2")).branch_id is None


def test_duplicate_names_are_refused(login_as):
    hq = login_as("hq")
    assert "已被使用" in hq.post_form("/users/new", {**NEW_USER, "username": "mgr1"}).get_data(
        as_text=True
    )
    response = hq.post_form("/admin/branches/new", {"name": "第一营业部"})
    assert response.status_code == 422
    assert "已有同名的营业部" in response.get_data(as_text=True)


def test_users_are_deactivated_never_deleted(login_as, app, user_id):
    hq = login_as("hq")
    methods = {m for r in app.url_map.iter_rules() if "users" in r.rule for m in r.methods}
    assert "DELETE" not in methods
    hq.post_form(f"/users/{user_id('mgr2')}/active")
    html = hq.get(f"/users/{user_id('mgr2')}").get_data(as_text=True)
    assert "已停用" in html and "重新启用" in html


def test_hq_cannot_deactivate_itself(login_as, user_id):
    hq = login_as("hq")
    hq.post_form(f"/users/{user_id('hq')}/active")
    assert hq.get("/").status_code == 200


def test_edit_user_moves_them_and_the_trail_says_so(login_as, org, user_id):
    hq = login_as("hq")
    uid = user_id("mgr2")
    response = hq.post_form(
        f"/users/{uid}/edit",
        {"display_name": "陈静", "phone": "13800000004", "role": "manager", "branch_id": "2"},
    )
    assert response.status_code == 302
    html = hq.get(f"/history/users/{uid}").get_data(as_text=True)
    assert "所属营业部" in html
