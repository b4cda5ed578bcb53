"""Every click answers: errors shown, typed work kept across an ended session, the focus after a
422, an address bar that survives F5, confirmations, and the phone menu."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import sessions
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Client, User
from portal.models.audit import acting_as

pytestmark = pytest.mark.browser

IDLE_MESSAGE = "您已超过30分钟未操作，为保护客户信息已自动退出，请重新登录。"


def _first_client_of(org, username: str) -> int:
    with org.app_context():
        return db.session.scalar(
            select(Client.id)
            .join(User, Client.manager_id == User.id)
            .where(User.username == username, Client.mobile.is_not(None))
            .order_by(Client.id)
            .limit(1)
        )


def _reassign(org, client_id: int, username: str) -> None:
    """The head hands the client to another manager while the first one has a page open."""
    with org.app_context(), acting_as("test"):
        client = db.session.get(Client, client_id)
        client.manager_id = db.session.scalar(select(User.id).where(User.username == username))
        db.session.commit()


def _manager_of(org, client_id: int) -> str:
    with org.app_context():
        return db.session.get(Client, client_id).manager.username


def _week_url(live_server, manager_id: int) -> str:
    today = china_today()
    return f"{live_server}/work/weeks/{manager_id}/{today - timedelta(days=today.weekday())}"


def test_a_link_to_a_client_reassigned_since_shows_the_404_page(
    demo_clients, login, page, live_server
):
    login("mgr1")
    page.goto(f"{live_server}/clients/")
    link = page.locator("table.list tbody a[href^='/clients/']").first
    client_id = int(link.get_attribute("href").removeprefix("/clients/"))
    _reassign(demo_clients, client_id, "mgr2")

    link.click()

    page.arrive(f"{live_server}/clients/{client_id}")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.get_by_text("如需联系技术支持，请提供编号")).to_be_visible()


def test_a_refused_in_place_action_says_why_beside_the_button(
    demo_clients, login, page, live_server
):
    client_id = _first_client_of(demo_clients, "mgr1")
    login("mgr1")
    page.goto(f"{live_server}/clients/{client_id}")
    heading = page.get_by_role("heading", level=1).inner_text()
    _reassign(demo_clients, client_id, "mgr2")

    button = page.get_by_role("button", name="显示完整").first
    button.click()

    message = page.locator(".pii .action-error")
    expect(message).to_contain_text("页面不存在")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.url == f"{live_server}/clients/{client_id}"


def test_a_session_ended_in_another_tab_keeps_the_typed_summary_and_returns_to_its_page(
    org, login, page, live_server, user_id
):
    week_url = _week_url(live_server, user_id("mgr1"))
    login("mgr1")
    page.goto(week_url)
    page.get_by_label("本周总结").fill("本周拜访了三位核心客户，反馈良好。")

    other = page.context.new_page()
    other.goto(f"{live_server}/")
    other.get_by_role("button", name="退出").click()
    other.get_by_text("您已安全退出").wait_for()

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("用户名").fill("mgr1")
    page.get_by_label("密码").fill("demo1234")
    page.get_by_role("button", name="登录").click()

    page.arrive(week_url)
    expect(page.get_by_label("本周总结")).to_have_value("本周拜访了三位核心客户，反馈良好。")
    expect(page.get_by_text("已恢复您尚未保存的输入")).to_be_visible()
    expect(page.get_by_text("请求方式不允许")).to_have_count(0)

    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("周工作总结草稿已保存").wait_for()
    drafts = "Object.keys(sessionStorage).filter((key) => key.startsWith('draft:'))"
    assert page.evaluate(drafts) == []
    expect(page.get_by_label("本周总结")).to_have_value("本周拜访了三位核心客户，反馈良好。")


def test_an_idle_session_ends_with_its_message_and_keeps_the_typed_summary(
    org, login, page, live_server, user_id, monkeypatch
):
    week_url = _week_url(live_server, user_id("mgr1"))
    login("mgr1")
    page.goto(week_url)
    page.get_by_label("本周总结").fill("下午整理了客户回访记录，尚未保存。")
    half_an_hour_later = sessions.now() + 31 * 60
    monkeypatch.setattr(sessions, "now", lambda: half_an_hour_later)

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    expect(page.get_by_text(IDLE_MESSAGE)).to_be_visible()
    expect(page.get_by_text("请先登录")).to_have_count(0)
    page.get_by_label("用户名").fill("mgr1")
    page.get_by_label("密码").fill("demo1234")
    page.get_by_role("button", name="登录").click()

    page.arrive(week_url)
    expect(page.get_by_label("本周总结")).to_have_value("下午整理了客户回访记录，尚未保存。")
    expect(page.get_by_text("已恢复您尚未保存的输入")).to_be_visible()


def test_after_a_422_the_first_bad_field_has_the_focus_and_f5_shows_the_page(
    org, login, page, live_server, user_id
):
    week_url = _week_url(live_server, user_id("mgr1"))
    login("mgr1")
    page.goto(week_url)
    page.get_by_label("下周计划·电话拜访").fill("-1")
    page.get_by_label("下周计划·新增客户").fill("-2")
    page.get_by_label("本周总结").fill("周五补记。")

    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_label("下周计划·电话拜访")).to_be_focused()
    expect(page.locator(".form-error")).to_be_in_viewport()
    assert page.url == week_url  # not the POST-only /work/weeks/<monday>

    page.reload()
    page.settled()
    expect(page.get_by_role("heading", level=1)).to_contain_text("周工作总结")
    expect(page.get_by_text("请求方式不允许")).to_have_count(0)
    expect(page.get_by_label("本周总结")).to_have_value("周五补记。")


def test_a_cancelled_confirmation_does_nothing_and_a_confirmed_one_acts(
    demo_clients, login, page, live_server
):
    client_id = _first_client_of(demo_clients, "mgr1")
    login("head1")
    page.goto(f"{live_server}/clients/{client_id}")
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.get_by_label("新的客户经理").select_option(label="陈静")

    page.get_by_role("button", name="改派").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("改派后，该客户将由所选的客户经理服务")
    dialog.get_by_role("button", name="取消").click()

    expect(dialog).to_be_hidden()
    page.settled()
    assert posts == []
    assert _manager_of(demo_clients, client_id) == "mgr1"

    page.get_by_role("button", name="改派").click()
    dialog.get_by_role("button", name="确定").click()
    page.get_by_text("客户已改由 陈静 服务").wait_for()
    assert _manager_of(demo_clients, client_id) == "mgr2"


def test_on_a_phone_the_menu_opens_behind_its_button(org, login, page, live_server):
    login("mgr1")
    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.get_by_role("navigation", name="主导航")
    expect(menu).to_be_hidden()

    page.get_by_role("button", name="菜单").click()

    expect(menu).to_be_visible()
    menu.get_by_role("link", name="客户", exact=True).click()
    page.arrive(f"{live_server}/clients/")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()


def test_a_menu_group_drops_down_on_a_click_and_opens_its_page(org, login, page, live_server):
    login("mgr1")
    menu = page.get_by_role("navigation", name="主导航")
    logs = menu.get_by_role("link", name="工作日志")
    expect(logs).to_be_hidden()

    menu.get_by_role("button", name="日常工作").click()
    expect(logs).to_be_visible()
    page.keyboard.press("Escape")
    page.mouse.move(700, 600)  # away from the menu: hovering no longer holds it open
    expect(logs).to_be_hidden()

    menu.get_by_role("button", name="日常工作").click()
    logs.click()
    page.arrive(f"{live_server}/work/logs")
    assert page.console.errors == []


def test_on_a_phone_the_menu_shows_every_group_open(org, login, page, live_server):
    login("mgr1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="菜单").click()
    menu = page.get_by_role("navigation", name="主导航")
    for label in ("工作日志", "投资建议", "分类概览"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    menu.get_by_role("link", name="投资建议").click()
    page.arrive(f"{live_server}/advice/")
