import factories
import pytest
from playwright.sync_api import expect

from portal.domain.beijing import china_today

pytestmark = pytest.mark.browser


def test_record_an_event_add_an_attendee_and_see_it_on_the_file(book, login, page, live_server):
    """mgr1 records a 投资研讨会, picks their client 李明, refuses an empty withdrawal reason,
    and finds the event on the client's file."""
    with book.app_context():
        client_id = factories.client_named("李明").id
    login("mgr1")
    page.goto(f"{live_server}/events/new")
    page.get_by_label("活动类型").select_option(label="投资研讨会")
    page.get_by_label("日期").fill(china_today().isoformat())
    page.get_by_label("主题").fill("年末行情展望")
    page.get_by_label("主讲人").fill("李明")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("客户活动已登记").wait_for()
    page.settled()

    page.get_by_label("添加到场客户").fill("李明")
    option = page.locator("[role=option]", has_text="李明").first
    option.click()
    page.get_by_role("button", name="添加", exact=True).click()
    page.get_by_text("已登记到场客户：李明").wait_for()
    page.settled()

    page.locator("details.withdraw summary").first.click()
    page.locator("details.withdraw[open]").get_by_role("button", name="撤销").click()
    expect(page.locator("details.withdraw[open] .error")).to_contain_text("请填写撤销原因")

    page.goto(f"{live_server}/clients/{client_id}")
    expect(page.locator("#client-events")).to_contain_text("年末行情展望")
    assert page.console.errors == []
