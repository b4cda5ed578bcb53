import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect

from portal.domain.beijing import china_today
from portal.domain.inquiries import email_due
from portal.domain.workdays import previous_workday

pytestmark = pytest.mark.browser


def test_log_an_email_see_it_due_answer_it_and_it_leaves_the_to_do_list(
    org, login, page, live_server
):
    # Received on the last working day, 10:00: within working hours, due two working days on.
    received = datetime.combine(previous_workday(china_today()), time(10, 0))
    due = email_due(received.date())
    login("counter1")
    todo = page.locator('li[data-todo="inquiries.email"]')
    expect(todo).to_have_class(re.compile(r"\bdone\b"))

    page.goto(f"{live_server}/inquiries/new")
    page.get_by_label("咨询方式").select_option(label="电子邮件")
    page.get_by_label("受理时间").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("非客户咨询人姓名").fill("钱女士")
    page.get_by_label("咨询内容").fill("邮件咨询：开通创业板需要什么条件？")
    page.get_by_role("button", name="登记").click()
    page.get_by_text("咨询已登记").wait_for()
    expect(page.locator(".inquiry-facts")).to_contain_text(str(due))

    page.goto(f"{live_server}/")
    expect(todo).not_to_have_class(re.compile(r"\bdone\b"))
    expect(todo.locator(".todo-count")).to_have_text("1")
    todo.get_by_role("link").click()
    page.arrive(re.compile(r"/inquiries/\?"))
    page.get_by_role("link", name=received.strftime("%Y-%m-%d %H:%M")).click()
    page.get_by_label("答复内容").fill("您好！开通创业板需满足资产和交易经验要求，详情请见附件。")
    page.get_by_role("button", name="保存答复").click()
    page.get_by_text("答复已保存").wait_for()

    page.goto(f"{live_server}/")
    expect(todo).to_have_class(re.compile(r"\bdone\b"))
    expect(todo.locator(".todo-count")).to_have_text("✓")
    assert page.console.errors == []
