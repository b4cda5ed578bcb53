"""Care (Art. 50.9, 50.10): the at-risk list computed in SQL agrees with the rules, is scoped,
keeps retention records; birthdays on the manager's home page; the forms' bad input."""

import re
from datetime import date, timedelta
from decimal import Decimal

import factories
import pytest
from sqlalchemy import select, true

from portal.domain import care as rules
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import AuditLog, Client, MonthlyFigure, Retention, User
from portal.services import care


def _figures(client: Client) -> dict[date, MonthlyFigure]:
    return {
        f.month: f
        for f in db.session.scalars(
            select(MonthlyFigure).where(MonthlyFigure.client_id == client.id)
        )
    }


def _listed(condition=None) -> dict[str, list[str]]:
    condition = true() if condition is None else condition
    page = care.at_risk(condition)
    # The home page's count (its window's months computed in SQL) says the same.
    assert care.at_risk_count(condition) == page.total == len(page.rows)
    return {row.name: row.reasons for row in page.rows}


def test_nobody_of_the_small_book_is_at_risk(book):
    with book.app_context():
        assert _listed() == {}
        assert care.at_risk(true()).total == 0


def test_assets_down_by_exactly_half_is_at_risk_and_a_cent_less_is_not(book):
    with book.app_context():
        client = factories.client_named("李明")
        month = client.figures_month
        figures = _figures(client)
        earlier = figures[rules.add_months(month, -3)].end_assets
        figures[month].end_assets = earlier / 2
        db.session.commit()
        assert _listed() == {"李明": ["assets"]}
        row = care.at_risk(true()).rows[0]
        assert row.drop == Decimal("0.5")
        figures[month].end_assets = earlier / 2 + Decimal("0.01")
        db.session.commit()
        assert _listed() == {}


def test_no_trade_for_six_months_is_at_risk_five_is_not(book):
    with book.app_context():
        client = factories.client_named("单田芳")
        month = client.figures_month
        figures = _figures(client)
        for back in range(5):
            figures[rules.add_months(month, -back)].traded_amount = Decimal(0)
        db.session.commit()
        assert _listed() == {}  # a trade in the sixth month back
        figures[rules.add_months(month, -5)].traded_amount = Decimal(0)
        db.session.commit()
        assert _listed() == {"单田芳": ["no_trade"]}
        # A month without figures counts as a month without trade.
        db.session.delete(figures[rules.add_months(month, -2)])
        db.session.commit()
        assert _listed() == {"单田芳": ["no_trade"]}


def test_a_close_request_puts_the_client_on_the_list_and_a_retention_keeps_it_there(book):
    with book.app_context():
        client = factories.client_named("欧阳修")
        mgr1 = factories.user("mgr1")
        today = china_today()
        care.record_close_request(client, {"requested_on": today, "note": "转至他处"}, mgr1)
        assert _listed() == {"欧阳修": ["close_request"]}
        for n, outcome in enumerate(("following", "retained")):
            care.record_retention(
                client,
                {"on": today, "action": f"第{n + 1}次电话沟通", "outcome": outcome},
                mgr1,
            )
        row = care.at_risk(true()).rows[0]
        assert row.requested_on == today
        assert (row.retention.action, row.retention.outcome_label) == ("第2次电话沟通", "挽留成功")
        trail = db.session.scalars(
            select(AuditLog).where(AuditLog.record_type == "client_retentions")
        ).all()
        retentions = db.session.scalars(select(Retention)).all()
        assert {(t.record_id, t.action) for t in trail} == {(r.id, "insert") for r in retentions}
        assert {r.recorded_by_id for r in retentions} == {mgr1.id}
        assert {t.field for t in trail} >= {"action", "outcome", "on"}


def test_the_list_is_scoped(book, login_as):
    with book.app_context():
        mgr1, head, hq = (factories.user(n) for n in ("mgr1", "head1", "hq"))
        for name in ("李明", "王五", "赵六"):  # of mgr1, mgr2 (same branch), mgr3 (other branch)
            care.record_close_request(
                factories.client_named(name), {"requested_on": china_today()}, hq
            )
        other = factories.client_named("赵六").branch_id
        colleague = factories.user("mgr2").id
    names = {
        "manager": {"李明"},
        "branch_head": {"李明", "王五"},
        "hq": {"李明", "王五"},  # the first branch by default
    }
    for role, expected in names.items():
        assert _clients_on(login_as(role), "/care/") == expected, role
    assert _clients_on(login_as("hq"), f"/care/?branch={other}") == {"赵六"}
    assert login_as("branch_head").get(f"/care/?branch={other}").status_code == 404
    assert login_as("manager").get(f"/care/?manager={colleague}").status_code == 404
    assert _clients_on(login_as("branch_head"), f"/care/?manager={colleague}") == {"王五"}
    assert mgr1 and head


def _clients_on(client, url: str) -> set[str]:
    """The clients listed (their links to the file's care panel)."""
    page = client.get(url).get_data(as_text=True)
    return set(re.findall(r'<a href="/clients/\d+#care">([^<]+)</a>', page))


def _retention_form(page: str) -> dict:
    return dict(re.findall(r'name="(retention-[^"]+)"[^>]*value="([^"]*)"', page))


def test_bad_retention_input_is_422_and_keeps_what_was_typed(book, login_as):
    with book.app_context():
        client_id = factories.client_named("李明").id
    manager = login_as("manager")
    url = f"/care/clients/{client_id}/retentions"
    response = manager.post_form(
        url,
        {
            "retention-on": "2026-13-45",
            "retention-action": "电话回访，约面谈",
            "retention-outcome": "",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请选择挽留结果。" in page
    assert "电话回访，约面谈" in page and 'value="2026-13-45"' in page
    future = (china_today() + timedelta(days=1)).isoformat()
    response = manager.post_form(
        url, {"retention-on": future, "retention-action": "x", "retention-outcome": "lost"}
    )
    assert response.status_code == 422
    assert "日期不能晚于今天。" in response.get_data(as_text=True)
    # htmx: the panel alone, with the errors.
    response = manager.post_form(
        url,
        {"retention-on": "", "retention-action": "", "retention-outcome": "nonsense"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="care"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    with book.app_context():
        assert db.session.scalar(select(Retention.id)) is None


def test_a_retention_and_a_close_request_are_kept_on_the_clients_file(book, login_as):
    with book.app_context():
        client_id = factories.client_named("李明").id
    head = login_as("branch_head")
    today = china_today().isoformat()
    response = head.post_form(
        f"/care/clients/{client_id}/retentions",
        {"retention-on": today, "retention-action": "上门拜访", "retention-outcome": "retained"},
    )
    assert response.status_code == 302
    response = head.post_form(
        f"/care/clients/{client_id}/close-requests",
        {"close-requested_on": today, "close-note": "客户来电"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "转销户申请已登记" in response.get_data(as_text=True)
    page = login_as("manager").get(f"/clients/{client_id}").get_data(as_text=True)
    assert "上门拜访" in page and "挽留成功" in page and "客户来电" in page
    assert "客户挽留" not in login_as("counter").get(f"/clients/{client_id}").get_data(as_text=True)


def test_records_of_a_client_out_of_scope_are_refused(book, login_as):
    with book.app_context():
        colleague = factories.client_named("王五").id
        elsewhere = factories.client_named("赵六").id
    data = {"retention-on": china_today().isoformat(), "retention-action": "x"}
    data["retention-outcome"] = "lost"
    assert (
        login_as("manager").post_form(f"/care/clients/{colleague}/retentions", data).status_code
        == 404
    )
    assert (
        login_as("branch_head").post_form(f"/care/clients/{elsewhere}/retentions", data).status_code
        == 404
    )
    assert (
        login_as("hq").post_form(f"/care/clients/{elsewhere}/retentions", data).status_code == 403
    )


def _set_birthday(client: Client, birthday: date) -> None:
    from portal.domain.idcard import build_resident_id

    client.id_number = build_resident_id("310115", birthday, 101)
    client.birthday = birthday
    db.session.commit()


def test_birthdays_across_the_year_end_in_one_query(book):
    with book.app_context():
        mgr1 = factories.user("mgr1")
        dates = {"李明": date(1970, 12, 31), "单田芳": date(1966, 1, 3), "欧阳修": date(1980, 1, 4)}
        for name, birthday in dates.items():
            _set_birthday(factories.client_named(name), birthday)
        assert factories.client_named("李明").birthday_md == 1231
        rows = care.birthdays(Client.manager_id == mgr1.id, date(2026, 12, 28))
        assert [(r.name, r.day, r.age, r.days_away) for r in rows] == [
            ("李明", date(2026, 12, 31), 56, 3),
            ("单田芳", date(2027, 1, 3), 61, 6),
        ]
        _set_birthday(factories.client_named("欧阳修"), date(1980, 2, 29))
        rows = care.birthdays(Client.manager_id == mgr1.id, date(2027, 2, 25))
        assert [(r.name, r.day) for r in rows] == [("欧阳修", date(2027, 2, 28))]


def test_birthdays_this_week_are_on_the_managers_home_page(book, login_as):
    today = china_today()
    with book.app_context():
        _set_birthday(factories.client_named("李明"), date(1975, today.month, min(today.day, 28)))
        _set_birthday(factories.client_named("王五"), date(1975, today.month, min(today.day, 28)))
    if today.day > 28:
        pytest.skip("the month's last days: covered by the dated tests above")
    home = login_as("manager").get("/").get_data(as_text=True)
    item = re.search(r'data-todo="care.birthdays".*?</li>', home, re.S).group(0)
    assert "李明（今天）" in item and "王五" not in item
    assert '<span class="todo-count">1</span>' in item
    birthdays = login_as("branch_head").get("/care/birthdays").get_data(as_text=True)
    assert set(re.findall(r'<a href="/clients/\d+">([^<]+)</a>', birthdays)) == {"李明", "王五"}


def test_the_demo_has_birthdays_this_week_and_two_clients_at_risk(demo_clients):
    from portal.demo.care import seed_care

    with demo_clients.app_context():
        assert seed_care() == 5
        assert seed_care() == 0  # idempotent
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        assert len(care.birthdays(Client.manager_id == mgr1.id, china_today())) >= 3
        reasons = [row.reasons for row in care.at_risk(Client.manager_id == mgr1.id).rows]
        assert ["close_request"] in reasons
        assert any("assets" in r for r in reasons)
        assert db.session.scalar(select(Retention.id)) is not None
