import re

import pytest
from activity_data import DAY, new_client
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_pick_clients_by_initials_with_the_keyboard_and_save_the_work_log(
    org, login, page, live_server
):
    with org.app_context():
        new_client("mgr1", "李四")
        liu = new_client("mgr1", "刘松")
        liu_id, liu_label = liu.id, f"刘松（{liu.fund_account}）"
        new_client("mgr2", "黎爽")  # another manager's: never offered
    login("mgr1")
    page.goto(f"{live_server}/work/logs/{DAY}/edit")
    row = page.locator(".consultation-row").first
    search = row.get_by_label("理财咨询客户姓名")
    search.press_sequentially("ls")
    options = row.get_by_role("option")
    expect(options).to_have_count(2)  # 李四 and 刘松, by pinyin initials; not 黎爽
    at = [text.startswith("刘松") for text in options.all_inner_texts()].index(True)
    for _ in range(at + 1):
        search.press("ArrowDown")
    expect(options.nth(at)).to_have_attribute("aria-selected", "true")
    search.press("Enter")  # chooses; does not submit the form
    expect(search).to_have_value(liu_label)
    expect(options).to_have_count(0)
    expect(row.locator("input[type=hidden]")).to_have_value(str(liu_id))
    row.get_by_label("咨询内容概要").fill("问债券基金")
    page.get_by_role("button", name=re.compile("保存")).click()
    page.arrive(re.compile(rf"/work/logs/\d+/{DAY}$"))
    expect(page.get_by_text("问债券基金")).to_be_visible()
    expect(page.get_by_text("刘松").first).to_be_visible()
    assert page.console.errors == []
