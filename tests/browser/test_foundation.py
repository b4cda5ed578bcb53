import pytest
from test_auth import NAV

pytestmark = pytest.mark.browser


def test_login_home_and_no_console_errors(login, page, live_server):
    login("mgr1")
    assert page.locator("h1").inner_text() == "您好，李明"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    nav = page.locator("nav.mainnav a").all_inner_texts()
    assert nav == NAV["manager"]
    # htmx 2 is loaded and boosted navigation works under the CSP.
    assert page.evaluate("window.htmx && htmx.version") == "2.0.11"
    page.get_by_role("link", name="修改密码").first.click()
    page.arrive(f"{live_server}/account/password")
    assert page.locator("h1").inner_text() == "修改密码"
    page.go_back()
    page.arrive(f"{live_server}/")
    assert page.console.errors == []


def test_wrong_password_shows_the_message_in_place(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("mgr1")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"
    assert page.get_by_label("用户名").input_value() == "mgr1"
    assert page.console.errors == []


def test_hq_validation_error_swaps_in_with_htmx_and_keeps_input(login, page, live_server):
    login("hq")
    page.goto(f"{live_server}/users/new")
    page.get_by_label("用户名").fill("mgr8")
    page.get_by_label("姓名").fill("周红")
    page.get_by_label("手机号码").fill("999")
    page.get_by_label("所属营业部").select_option(label="第一营业部")
    page.get_by_label("初始密码").fill("welcome123")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("手机号码应为以1开头的11位数字").wait_for()
    page.settled()
    assert page.get_by_label("姓名").input_value() == "周红"
    page.get_by_label("手机号码").fill("13900001111")
    page.get_by_label("初始密码").fill("welcome123")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("用户“周红”已创建").wait_for()
    page.settled()
    page.get_by_role("button", name="退出").click()
    page.arrive(f"{live_server}/login")
    assert page.console.errors == []
