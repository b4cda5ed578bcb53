from datetime import date

import pytest

from portal.domain.idcard import build_resident_id

pytestmark = pytest.mark.browser


def test_create_a_client_fix_a_bad_field_and_find_it_by_initials(login, page, live_server):
    login("mgr1")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="客户", exact=True).click()
    page.arrive(f"{live_server}/clients/")
    page.get_by_role("link", name="新建客户档案").click()
    page.arrive(f"{live_server}/clients/new")

    good_id = build_resident_id("440305", date(1975, 3, 9), 218)  # even sequence: 女
    page.get_by_label("客户编号").fill("7000000001")
    page.get_by_label("姓名／机构名称", exact=True).fill("诸葛晓云")
    page.get_by_label("女").check()
    page.get_by_label("资金帐号").fill("770000001")
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    page.get_by_label("证件号码", exact=True).fill(bad_id)
    page.get_by_label("开户日期").fill("2023-04-18")
    page.get_by_label("手机号码", exact=True).fill("13611112222")
    page.get_by_label("个人爱好").fill("摄影")
    page.get_by_role("button", name="＋ 添加相关人物").click()
    page.locator('input[name="related_persons-0-name"]').fill("诸葛亮")
    page.get_by_role("button", name="保存档案").click()

    page.get_by_text("身份证号码校验位错误").wait_for()
    page.settled()
    assert page.get_by_label("姓名／机构名称", exact=True).input_value() == "诸葛晓云"
    assert page.get_by_label("个人爱好").input_value() == "摄影"
    assert page.locator('input[name="related_persons-0-name"]').input_value() == "诸葛亮"

    page.get_by_label("证件号码", exact=True).fill(good_id)
    page.get_by_role("button", name="保存档案").click()
    page.get_by_text("客户“诸葛晓云”的档案已建立").wait_for()
    page.settled()

    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="客户", exact=True).click()
    page.arrive(f"{live_server}/clients/")
    page.get_by_role("searchbox", name="搜索客户").fill("zgxy")
    page.arrive(f"{live_server}/clients/?q=zgxy")
    row = page.locator("table.clients tbody tr")
    assert row.count() == 1
    assert "诸葛晓云" in row.first.inner_text()
    assert "136****2222" in row.first.inner_text()
    page.go_back()
    page.arrive(f"{live_server}/clients/")
    assert page.console.errors == []


def test_choosing_an_institution_shows_its_agent_instead_of_gender(login, page, live_server):
    login("mgr1")
    page.goto(f"{live_server}/clients/new")
    agent = page.get_by_role("group", name="经办人（机构客户）")
    gender = page.get_by_text("性别", exact=True)
    agent.wait_for(state="hidden")
    assert gender.is_visible()
    page.get_by_label("机构", exact=True).check()
    agent.wait_for(state="visible")
    gender.wait_for(state="hidden")
    page.get_by_label("经办人姓名").fill("陈经办")
    page.get_by_label("个人", exact=True).check()
    agent.wait_for(state="hidden")
    assert gender.is_visible()
    assert page.console.errors == []
