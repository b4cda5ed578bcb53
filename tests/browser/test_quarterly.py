import pytest
from playwright.sync_api import expect

from portal.domain.beijing import china_today
from portal.domain.periods import Quarter

pytestmark = pytest.mark.browser


def test_record_a_spot_check_then_submit_last_quarters_report(org, login, page, live_server):
    """head1 records a spot check (an empty finding refused, what was typed kept), then submits
    last quarter's report, after which the submit form is gone."""
    last = Quarter.of(china_today()).previous
    login("head1")
    page.goto(f"{live_server}/quarterly/spot-checks/new")
    page.get_by_label("被抽查客户经理").select_option(label="李明")
    page.get_by_label("抽查内容").select_option(label="拜访记录")
    page.get_by_label("抽查的记录").fill("上周的上门拜访记录")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field.has-error")).to_contain_text("请填写抽查发现")
    expect(page.get_by_label("抽查的记录")).to_have_value("上周的上门拜访记录")
    page.get_by_label("抽查发现").fill("记录完整")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("抽查记录已保存").wait_for()
    expect(page.locator("table.spot-checks")).to_contain_text("记录完整")

    page.goto(f"{live_server}/quarterly/?quarter={last.key}")
    page.get_by_role("button", name=f"提交{last.label}考核报告").click()
    page.get_by_text(f"{last.label}考核报告已提交总部").wait_for()
    expect(page.locator("#submit")).to_have_count(0)
    assert page.console.errors == []
