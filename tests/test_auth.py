import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import LoginAttempt, User

NAV = {
    "hq": [
        "首页",
        "客户",
        "客户咨询",
        "预约开户",
        "开户短信",
        "客户活动",
        "客户关怀",
        "拜访记录",  # the managers' activity pages, branch and manager picked there
        "工作日志",
        "周工作总结",  # a branch's week, which opens each manager's week
        "投资建议",
        "分类概览",
        "分类汇总表",
        "新开户风险分类表",
        "风险承受能力客户分类表",
        "季度考核报告",
        "分类标准",
        "数据导入",
        "风险问卷版本",
        "节假日安排",
        "短信模板",
        "营业部管理",
        "营业部信息",
        "用户管理",
    ],
    "branch_head": [
        "首页",
        "客户",
        "客户咨询",
        "预约开户",
        "开户短信",
        "待补填评估",
        "客户活动",
        "客户关怀",
        "营业部信息",
        "拜访记录",
        "工作日志",
        "周工作总结",
        "投资建议",
        "分类概览",
        "分类汇总表",
        "新开户风险分类表",
        "风险承受能力客户分类表",
        "季度考核报告",
        "分类标准",
        "数据导入",
        "本部人员",
    ],
    "manager": [
        "首页",
        "客户",
        "客户咨询",
        "预约开户",
        "开户短信",
        "待补填评估",
        "客户活动",
        "客户关怀",
        "营业部信息",
        "拜访记录",
        "工作日志",
        "周工作总结",
        "投资建议",
        "活动量抽查",
        "分类概览",
        "分类汇总表",
        "风险承受能力客户分类表",
    ],
    "counter": [
        "首页",
        "客户",
        "客户咨询",
        "预约开户",
        "待补填评估",
        "营业部信息",
        "新开户风险分类表",
    ],
}
ALL_NAV = {
    "开户短信",
    "短信模板",
    "预约开户",
    "季度考核报告",
    "活动量抽查",
    "客户关怀",
    "客户活动",
    "营业部信息",
    "风险承受能力客户分类表",
    "数据导入",
    "风险问卷版本",
    "客户咨询",
    "节假日安排",
    "投资建议",
    "分类概览",
    "分类汇总表",
    "待补填评估",
    "拜访记录",
    "工作日志",
    "周工作总结",
    "新开户风险分类表",
    "分类标准",
    "营业部管理",
    "用户管理",
    "本部人员",
}


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", nav)


@pytest.mark.parametrize("role", list(NAV))
def test_every_role_logs_in_and_sees_its_navigation(login_as, role):
    client = login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert nav_labels(html) == NAV[role]
    for label in ALL_NAV - set(NAV[role]):
        assert label not in nav_labels(html)


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_422_with_a_message_that_does_not_reveal_the_user(org):
    client = org.test_client()
    known = client.login("mgr1", "wrong-password")
    unknown = client.login("nobody", "wrong-password")
    assert known.status_code == unknown.status_code == 422
    assert "用户名或密码错误" in known.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_login_keeps_the_username_typed(org):
    html = org.test_client().login("mgr1", "bad").get_data(as_text=True)
    assert 'value="mgr1"' in html


@pytest.mark.parametrize("username", ["mgr1", "ghost"])
def test_five_failures_lock_the_username_for_15_minutes(org, username):
    client = org.test_client()
    for _ in range(4):
        assert "用户名或密码错误" in client.login(username, "bad").get_data(as_text=True)
    fifth = client.login(username, "bad").get_data(as_text=True)
    assert "已暂时锁定" in fifth
    # Even the right password is refused while locked, with the same words for any username.
    locked = client.login(username)
    assert locked.status_code == 422
    assert "已暂时锁定" in locked.get_data(as_text=True)
    # Other usernames are not affected.
    assert client.login("mgr2").status_code == 302


def test_lock_ends_after_15_minutes(org):
    client = org.test_client()
    for _ in range(5):
        client.login("mgr1", "bad")
    assert client.login("mgr1").status_code == 422
    with org.app_context():
        db.session.execute(update(LoginAttempt).values(at=LoginAttempt.at - timedelta(minutes=16)))
        db.session.commit()
    assert client.login("mgr1").status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(org):
    client = org.test_client()
    for _ in range(3):
        client.login("mgr1", "bad")
    with org.app_context():
        db.session.execute(update(LoginAttempt).values(at=LoginAttempt.at - timedelta(minutes=20)))
        db.session.commit()
    for _ in range(2):
        client.login("mgr1", "bad")
    assert client.login("mgr1").status_code == 302


def test_logout_is_a_post(login_as):
    client = login_as("manager")
    assert client.get("/logout").status_code == 405
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_change_password(login_as, org):
    client = login_as("manager")
    bad = client.post_form(
        "/account/password", {"current": "demo1234", "new": "short", "confirm": "short"}
    )
    assert bad.status_code == 422
    assert "密码至少8位" in bad.get_data(as_text=True)
    wrong = client.post_form(
        "/account/password", {"current": "nope", "new": "newpass123", "confirm": "newpass123"}
    )
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    ok = client.post_form(
        "/account/password",
        {"current": "demo1234", "new": "newpass123", "confirm": "newpass123"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # this session stays logged in
    fresh = org.test_client()
    assert fresh.login("mgr1", "demo1234").status_code == 422
    assert fresh.login("mgr1", "newpass123").status_code == 302


def test_password_change_ends_other_sessions(login_as, org):
    other_device = login_as("manager")
    client = login_as("manager")
    client.post_form(
        "/account/password",
        {"current": "demo1234", "new": "newpass123", "confirm": "newpass123"},
    )
    assert other_device.get("/").status_code == 302


def test_deactivated_user_is_logged_out_and_cannot_log_in(login_as, org, user_id):
    manager = login_as("manager")
    hq = login_as("hq")
    assert hq.post_form(f"/users/{user_id('mgr1')}/active").status_code == 302
    with org.app_context():
        assert db.session.scalar(select(User.active).where(User.username == "mgr1")) is False
    assert manager.get("/").status_code == 302
    assert org.test_client().login("mgr1").status_code == 422


def test_next_parameter_only_redirects_inside_the_portal(org):
    client = org.test_client()
    token = client.csrf_token()
    data = {"username": "mgr1", "password": "demo1234", "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def nav_bar(html: str) -> list[str]:
    """The top bar as shown: each plain entry's label, each drop-down as 'label▾'."""
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    nav = re.sub(r'<div class="navgroup-items">.*?</div>', "", nav, flags=re.S)
    return [
        label + ("▾" if tag == "button" else "")
        for tag, label in re.findall(r"<(a|button)\b[^>]*>([^<>]+)</(?:a|button)>", nav)
    ]


def test_the_menu_gathers_each_groups_entries_into_one_drop_down(login_as):
    assert nav_bar(login_as("manager").get("/").get_data(as_text=True)) == [
        "首页",
        "客户",
        "客户服务▾",
        "日常工作▾",
        "统计报表▾",
    ]
    html = login_as("counter").get("/").get_data(as_text=True)
    # A group with a single entry shown (统计报表: 新开户风险分类表) is that entry.
    assert nav_bar(html) == ["首页", "客户", "客户服务▾", "新开户风险分类表"]


def test_the_group_of_the_page_shown_is_marked_current(login_as):
    html = login_as("manager").get("/work/logs").get_data(as_text=True)
    group = re.search(r'<div class="navgroup current">.*?</div>\s*</div>', html, re.S).group(0)
    assert ">日常工作</button>" in group
    assert 'aria-current="page">工作日志</a>' in group
