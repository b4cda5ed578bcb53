"""The daily new-account risk report (Art. 8.4): grouped by the four levels, delivered by the
counter to the branch's 运营总监 and 客服总监, who see it on their home page until each signs
for it; a change after delivery is shown and a new delivery withdraws the signatures."""

import re
from io import BytesIO

import factories
import pytest
from answers import HIGHEST, LOWEST
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import DailyRiskReport
from portal.services import todos


@pytest.fixture
def opened_today(org):
    """Three accounts opened today at 第一营业部: one assessed 高, one 极低, one not yet."""
    with org.app_context():
        today = china_today()
        counter = factories.user("counter1")
        high = factories.client("mgr1", "高飞", opened_on=today)
        low = factories.client("mgr2", "林静", opened_on=today)
        factories.client("mgr1", "王未评", opened_on=today)
        factories.assessment(high, HIGHEST, by=counter)
        factories.assessment(low, LOWEST, by=counter)
    return org


def groups_of(html: str) -> dict[str, int]:
    return {
        level: int(n)
        for level, n in re.findall(r'<tr class="group"><th colspan="7">(\S+?)（(\d+) 户）', html)
    }


def todo(username: str) -> int | None:
    items = {item.key: item for item in todos.for_user(factories.user(username), china_today())}
    return items["risk.daily_ack"].count if "risk.daily_ack" in items else None


def test_the_report_is_grouped_by_the_four_levels(opened_today, login_as):
    html = login_as("counter").get("/risk/daily").get_data(as_text=True)
    assert groups_of(html) == {"极低": 1, "低": 0, "中": 0, "高": 1, "当日未评估": 1}
    assert "合计 3 户" in html and "尚未报送" in html


def test_delivered_to_the_two_directors_who_each_sign_for_it(opened_today, login_as):
    counter = login_as("counter")
    with opened_today.app_context():
        assert (todo("ops1"), todo("cs1"), todo("head1")) == (0, 0, None)
    response = counter.post_form(
        "/risk/daily/deliver", {"day": china_today().isoformat(), "branch": "1"}
    )
    assert response.status_code == 302
    with opened_today.app_context():
        assert (todo("ops1"), todo("cs1"), todo("head1")) == (1, 1, None)
        report = db.session.scalar(select(DailyRiskReport))
        assert (report.accounts, report.delivered_by.username) == (3, "counter1")
    ops = login_as("ops1")
    home = ops.get("/").get_data(as_text=True)
    assert "新开户风险承受能力日报待签收" in home
    page = ops.get(f"/risk/daily?day={china_today().isoformat()}").get_data(as_text=True)
    assert "签收</button>" in page
    assert ops.post_form(f"/risk/daily/{report.id}/acknowledge", {}).status_code == 302
    assert ops.post_form(f"/risk/daily/{report.id}/acknowledge", {}).status_code == 302  # again
    with opened_today.app_context():
        assert (todo("ops1"), todo("cs1")) == (0, 1)
    page = ops.get("/risk/daily").get_data(as_text=True)
    assert "孙立新 已于" in page and "签收</button>" not in page
    # The 营业部总经理 and a manager do not sign for it.
    assert (
        login_as("head1").post_form(f"/risk/daily/{report.id}/acknowledge", {}).status_code == 403
    )
    assert (
        login_as("manager").post_form(f"/risk/daily/{report.id}/acknowledge", {}).status_code == 403
    )
    text = "".join(
        p.extract_text() for p in PdfReader(BytesIO(counter.get("/risk/daily.pdf").data)).pages
    )
    assert "高（1 户）" in text and "运营总监：孙立新" in text


def test_a_change_after_delivery_shows_and_a_new_delivery_withdraws_signatures(
    opened_today, login_as
):
    counter = login_as("counter")
    form = {"day": china_today().isoformat(), "branch": "1"}
    counter.post_form("/risk/daily/deliver", form)
    with opened_today.app_context():
        report_id = db.session.scalar(select(DailyRiskReport.id))
    login_as("cs1").post_form(f"/risk/daily/{report_id}/acknowledge", {})
    with opened_today.app_context():
        factories.client("mgr2", "晚到", opened_on=china_today())
    page = counter.get("/risk/daily").get_data(as_text=True)
    assert "报送后当日新开户有变化（现为 4 户）" in page and "重新报送" in page
    counter.post_form("/risk/daily/deliver", form)
    with opened_today.app_context():
        assert (todo("ops1"), todo("cs1")) == (1, 1)
        assert db.session.get(DailyRiskReport, report_id).accounts == 4


def test_a_report_of_another_branch_or_a_future_day_is_refused(opened_today, login_as):
    counter = login_as("counter")
    assert (
        counter.post_form("/risk/daily/deliver", {"day": "2999-01-01", "branch": "1"}).status_code
        == 400
    )
    assert (
        counter.post_form(
            "/risk/daily/deliver", {"day": china_today().isoformat(), "branch": "2"}
        ).status_code
        == 404
    )
