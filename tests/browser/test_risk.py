import pytest
from sqlalchemy import select

from portal import demo
from portal.domain import questionnaire
from portal.extensions import db
from portal.models import Client, User

pytestmark = pytest.mark.browser

CHOICES = {
    1: "C",
    2: "C",
    3: "C",
    4: "C",
    5: "B",
    6: "B",
    7: "B",
    8: "B",
    10: "B",
    11: "B",
    12: "C",
}


def test_take_the_questionnaire_and_see_the_level_on_the_file(org, login, page, live_server):
    with org.app_context():
        demo.seed_clients()
        client_id = db.session.scalar(
            select(Client.id)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .order_by(Client.id)
            .limit(1)
        )
    login("counter1")
    page.goto(f"{live_server}/clients/{client_id}")
    page.get_by_role("link", name="填写风险承受力评估调查表").click()
    page.arrive(f"{live_server}/clients/{client_id}/assessments/new")
    for number, letter in CHOICES.items():
        page.locator(f'input[name="q{number}"][value="{letter}"]').check()
    page.get_by_role("button", name="计算得分").click()
    page.get_by_text("第9题：未作答").wait_for()  # Q9 forgotten: said in place
    page.settled()
    assert page.locator('input[name="q1"][value="C"]').is_checked()
    page.locator('input[name="q9"][value="B"]').check()
    page.locator('input[name="q9"][value="C"]').check()
    page.get_by_role("button", name="计算得分").click()
    result = page.locator("#result")
    result.wait_for()
    page.settled()
    total = int(result.locator("h2").inner_text().split("：")[1].split(" 分")[0])
    expected = questionnaire.evaluate({**CHOICES, 9: ["B", "C"]})
    assert (total, expected.total, expected.level) == (36, 36, "中")  # Q9 scores C, the highest
    assert "「中」" in result.inner_text()
    page.get_by_role("button", name="确认并保存评估").click()
    page.get_by_text("风险承受能力评估已保存").wait_for()
    assert page.locator("#risk .badge.risk").inner_text() == "中"
    assert page.console.errors == []
