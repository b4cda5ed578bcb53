"""Appointments to open an account (预约开户, Art. 32): entered by the branch, followed up, the
two-working-day rule on the to-do list, the account opened into a client file with the link
kept both ways (and counted as 新增客户), scoping."""

import re
from datetime import timedelta

import factories
import pytest
from sqlalchemy import select
from test_clients import new_client_form

from portal.domain import workdays
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import AuditLog, Client
from portal.models.audit import acting_as
from portal.models.prospect import Prospect
from portal.services import prospects, weekly

MATRIX = {
    "/prospects/": [302, 200, 200, 200, 200],
    "/prospects/new": [302, 200, 200, 200, 403],
    "/prospects/{mine}": [302, 200, 200, 200, 200],
    "/prospects/{colleagues}": [302, 404, 200, 200, 200],
    "/prospects/{elsewhere}": [302, 404, 404, 404, 200],
    "/prospects/{mine}/open-account": [302, 302, 302, 302, 403],
}


def _enter(manager: str, name: str, by: str = "counter1", days_ago: int = 0, **data) -> int:
    prospect = prospects.enter(
        {
            "name": name,
            "phone": "13800001111",
            "manager_id": factories.user(manager).id,
            "appointment_on": china_today(),
            "source": "phone",
            "entered_on": china_today() - timedelta(days=days_ago),
        }
        | data,
        factories.user(by if manager != "mgr3" else "mgr3"),
    )
    return prospect.id


@pytest.fixture
def ids(org):
    with org.app_context(), acting_as("seed"):
        return {
            "mine": _enter("mgr1", "甲一"),
            "colleagues": _enter("mgr2", "乙二"),
            "elsewhere": _enter("mgr3", "丙三"),
        }


def test_access_matrix(org, ids, login_as):
    from access import uncovered_routes, wrong_statuses

    assert wrong_statuses(org, login_as, MATRIX, ids) == []
    assert uncovered_routes(org, MATRIX, {"prospects"}) == []


def test_counter_staff_enter_an_appointment_for_a_manager(org, login_as):
    counter = login_as("counter")
    with org.app_context():
        mgr2 = factories.user("mgr2").id
    response = counter.post_form(
        "/prospects/new",
        {
            "name": "周预约",
            "phone": "139 1234 5678",
            "appointment_on": f"{china_today()}",
            "source": "counter",
            "manager_id": str(mgr2),
            "note": "明天上午来",
        },
    )
    assert response.status_code == 302
    with org.app_context():
        prospect = db.session.scalar(select(Prospect).where(Prospect.name == "周预约"))
        assert (prospect.manager_id, prospect.status) == (mgr2, "open")
        assert prospect.last_touch_on == china_today()
        trail = db.session.scalars(
            select(AuditLog.field).where(
                AuditLog.record_type == "prospects", AuditLog.record_id == prospect.id
            )
        ).all()
        assert {"name", "phone", "manager_id"} <= set(trail)


def test_bad_input_keeps_what_was_typed(org, login_as):
    with org.app_context():
        mgr3 = factories.user("mgr3").id
    response = login_as("head1").post_form(
        "/prospects/new",
        {
            "name": "吴某",
            "phone": "abc",
            "appointment_on": "",
            "source": "",
            "manager_id": str(mgr3),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="吴某"' in html
    assert "请填写有效的电话号码" in html
    assert "请选择预约来源。" in html
    assert "请填写预约开户日期。" in html
    assert "不是有效的选择。" in html  # another branch's manager is not offered


def test_a_follow_up_is_dated_and_moves_the_due_day(org, ids, login_as):
    manager = login_as("manager")
    tomorrow = china_today() + timedelta(days=1)
    late = manager.post_form(
        f"/prospects/{ids['mine']}/follow-ups", {"on": f"{tomorrow}", "outcome": "contacted"}
    )
    assert late.status_code == 422
    assert "跟进日期不能晚于今天。" in late.get_data(as_text=True)
    ok = manager.post_form(
        f"/prospects/{ids['mine']}/follow-ups",
        {"on": f"{china_today()}", "outcome": "dropped", "note": "客户决定暂不开户"},
    )
    assert ok.status_code == 302
    html = manager.get(f"/prospects/{ids['mine']}").get_data(as_text=True)
    assert "客户放弃" in html and "已放弃" in html
    assert "记录跟进</button>" not in html  # closed


def test_an_appointment_untouched_for_two_working_days_is_on_the_to_do_list(org, login_as):
    today = china_today()
    with org.app_context(), acting_as("seed"):
        fresh = _enter("mgr1", "新登记", days_ago=0)
        old_day = workdays.previous_workday(
            workdays.previous_workday(workdays.previous_workday(today))
        )
        stale = _enter("mgr1", "久未跟进", days_ago=(today - old_day).days)
        mgr1 = factories.user("mgr1")
        assert prospects.overdue_count(mgr1, today) == 1
        assert [p.id for p in prospects.listing(mgr1, prospects.Filters("overdue"), today)] == [
            stale
        ]
        assert fresh not in [
            p.id for p in prospects.listing(mgr1, prospects.Filters("overdue"), today)
        ]
        prospects.follow_up(
            db.session.get(Prospect, stale), {"on": today, "outcome": "no_answer"}, mgr1
        )
        assert prospects.overdue_count(mgr1, today) == 0
    home = login_as("head1").get("/").get_data(as_text=True)
    assert "超过两个工作日未跟进的预约开户" in home


def test_opening_the_account_makes_a_client_file_linked_both_ways(org, ids, login_as):
    manager = login_as("manager")
    form = manager.get(f"/clients/new?prospect={ids['mine']}").get_data(as_text=True)
    assert 'value="甲一"' in form and 'value="13800001111"' in form
    response = manager.post_form(
        f"/clients/new?prospect={ids['mine']}",
        new_client_form(name="甲一", opened_on=f"{china_today()}", mobile="13800001111"),
    )
    assert response.status_code == 302
    with org.app_context():
        prospect = db.session.get(Prospect, ids["mine"])
        client = db.session.scalar(select(Client).where(Client.name == "甲一"))
        assert (prospect.status, prospect.client_id) == ("opened", client.id)
        mgr1 = factories.user("mgr1")
        week = weekly.week_of(mgr1, workdays.week_start(china_today()))
        assert any(line.startswith("甲一") for line in week.contents["new_client"])
    file = manager.get(f"/clients/{client.id}").get_data(as_text=True)
    assert f'href="/prospects/{ids["mine"]}"' in file
    page = manager.get(f"/prospects/{ids['mine']}").get_data(as_text=True)
    assert f'href="/clients/{client.id}"' in page
    # Opened once: the appointment no longer offers it.
    assert manager.get(f"/clients/new?prospect={ids['mine']}").status_code == 404


def test_the_phone_is_masked_for_hq(org, ids, login_as):
    html = login_as("hq").get(f"/prospects/{ids['mine']}").get_data(as_text=True)
    assert "13800001111" not in html and re.search(r"138\*+1111", html)
    assert "13800001111" in login_as("manager").get(f"/prospects/{ids['mine']}").get_data(
        as_text=True
    )


def test_a_manager_lists_only_their_own_and_the_head_the_branch(org, ids, login_as):
    mine = login_as("manager").get("/prospects/").get_data(as_text=True)
    assert "甲一" in mine and "乙二" not in mine and "丙三" not in mine
    branch = login_as("head1").get("/prospects/").get_data(as_text=True)
    assert "甲一" in branch and "乙二" in branch and "丙三" not in branch
