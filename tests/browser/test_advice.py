import pytest
from answers import HIGHEST
from sqlalchemy import select

from portal import demo
from portal.extensions import db
from portal.models import Client, User
from portal.services import risk

pytestmark = pytest.mark.browser


def test_record_advice_add_a_followup_and_see_the_weekly_count(org, login, page, live_server):
    with org.app_context():
        demo.seed_clients()
        client = db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .order_by(Client.id)
            .limit(1)
        )
        counter = db.session.scalar(select(User).where(User.username == "counter1"))
        risk.record_assessment(client, HIGHEST, counter)
        client_id = client.id
    login("mgr1")
    page.goto(f"{live_server}/advice/weekly")
    new_before = int(page.locator(".weekly-table tr.total").nth(0).locator("td").last.inner_text())
    follow_before = int(
        page.locator(".weekly-table tr.total").nth(1).locator("td").last.inner_text()
    )

    page.goto(f"{live_server}/advice/new?client={client_id}")
    page.get_by_label("投资需求类别").select_option("个股")
    page.get_by_label("涉及产品类别").select_option(label="股票")
    page.get_by_label("咨询内容").fill("手里的招商银行要不要卖？")
    page.get_by_label("投资建议").fill("业绩稳定，建议继续持有，注意控制仓位。")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("投资建议已记录").wait_for()
    page.settled()

    page.get_by_label("跟踪服务内容").fill("股价上涨，建议继续持有。")
    page.get_by_label("累计涨幅（%）").fill("4.5")
    page.get_by_role("button", name="保存跟踪服务").click()
    page.get_by_text("跟踪服务已记录").wait_for()

    page.goto(f"{live_server}/advice/weekly")
    totals = page.locator(".weekly-table tr.total")
    assert int(totals.nth(0).locator("td").last.inner_text()) == new_before + 1
    assert int(totals.nth(1).locator("td").last.inner_text()) == follow_before + 1
    assert page.console.errors == []
