"""Hand-edited URLs and odd input get a page, a 404 or a 422 — never a 500."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, RelatedPerson, User

GARBAGE = {
    "day": ["abc", "0001-01-01", "9999-12-31"],
    "month": ["2026-13", "0001-01", "9999-12"],
    "week": ["x", "0001-01-01", "9999-12-31"],
    "manager": ["abc", "²", "99999999999999999999"],
    "branch": ["-1", "²"],
    "page": ["0", "²", "99999999999999999999"],
    "index": ["999", "²"],
    "client": ["²"],
    "year": ["1", "10000", "²"],
    "q": ["%00", "'\"<>"],
    "from": ["0001-01-01"],
    "to": ["9999-12-31"],
    "sort": ["x"],
    "class": ["Z"],
    "risk": ["x"],
    "state": ["x"],
}
PATH_VALUES = {"int": ["1", "99999999999999999999"], "default": ["0001-01-01", "x"]}


def _urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        paths = [rule.rule]
        for name, converter in rule._converters.items():
            kind = "int" if type(converter).__name__ == "IntegerConverter" else "default"
            paths = [
                p.replace(f"<{_arg(rule, name)}>", v) for p in paths for v in PATH_VALUES[kind]
            ]
        yield from paths


def _arg(rule, name):
    return re.search(rf"<((?:[^:>]+:)?{name})>", rule.rule).group(1)


@pytest.mark.parametrize("role", ["manager", "branch_head", "hq", "counter"])
def test_no_get_route_answers_500_to_garbage(book, login_as, role):
    client = login_as(role)
    failures = []
    for url in _urls(book):
        for i in range(3):  # every key garbled at once, three ways
            query = {key: values[i % len(values)] for key, values in GARBAGE.items()}
            if client.get(url, query_string=query).status_code >= 500:
                failures.append(f"{url} {query}")
    assert failures == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_return", "5000", "目标回报率应在-100%到1000%之间"),
        ("annual_income", "Infinity", "请输入一个有效的数值"),
        ("annual_income", "1e20", "请输入一个有效的数值"),
        ("target_return", "sNaN", "请输入一个有效的数值"),
        ("opened_on", "0001-01-01", "1900年到2100年"),
    ],
)
def test_odd_numbers_and_dates_are_422_not_500(book, login_as, field, value, message):
    with book.app_context():
        c = db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .order_by(Client.id)
            .limit(1)
        )
    manager = login_as("manager")
    form_html = manager.get(f"/clients/{c.id}/edit").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form_html))
    data.update({"gender": c.gender, "id_type": c.id_type, field: value})
    response = manager.post_form(f"/clients/{c.id}/edit", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_month_of_year_zero_is_refused(book, login_as):
    with book.app_context():
        client_id = db.session.scalar(
            select(Client.id)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .limit(1)
        )
    response = login_as("manager").post_form(
        f"/clients/{client_id}/figures",
        {
            "month": "0000-05",
            "avg_assets": "1",
            "end_assets": "1",
            "end_stock_value": "0",
            "traded_amount": "0",
            "net_commission": "0",
        },
    )
    assert response.status_code == 422
    assert "1900年到2100年" in response.get_data(as_text=True)


def test_history_masks_numbers_for_everyone(book, login_as):
    with book.app_context():
        c = db.session.scalar(select(Client).where(Client.id_type == "resident").limit(1))
        person = db.session.scalar(select(RelatedPerson).limit(1))
        number, mobile, phone = c.id_number, c.mobile, person.phone
        client_id, person_id = c.id, person.id
    for role in ("hq", "counter", "branch_head"):
        html = login_as(role).get(f"/history/clients/{client_id}").get_data(as_text=True)
        assert number not in html and mobile not in html, role
    head = login_as("hq").get(f"/history/client_related_persons/{person_id}")
    assert head.status_code == 200 and phone not in head.get_data(as_text=True)


def test_a_manager_with_clients_keeps_role_and_branch_until_they_are_reassigned(
    book, login_as, user_id
):
    hq = login_as("hq")
    response = hq.post_form(
        f"/users/{user_id('mgr2')}/edit",
        {"display_name": "陈静", "phone": "13800000004", "role": "manager", "branch_id": "2"},
    )
    assert response.status_code == 422
    assert "请先将客户改派" in response.get_data(as_text=True)
    response = hq.post_form(
        f"/users/{user_id('mgr2')}/edit",
        {"display_name": "陈静", "phone": "13800000004", "role": "counter", "branch_id": "1"},
    )
    assert response.status_code == 422
