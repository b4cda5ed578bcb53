"""The client picker of the work log and advice forms: GET /clients/pick searches as the
clients list does (name, 拼音首字母, fund account), only inside the user's scope; a form keeps
the picked client on a 422 and refuses one outside the scope with a field error."""

import re

import pytest
from activity_data import setup_branch
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client


@pytest.fixture
def ids(org):
    with org.app_context():
        ids = setup_branch()
        ids["accounts"] = dict(db.session.execute(select(Client.id, Client.fund_account)).all())
        return ids


def offered(client, q: str) -> list[str]:
    """The names a picker offers for ``q``."""
    html = client.get("/clients/pick", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'data-client-label="([^（"]+)（', html)


def test_a_picker_finds_by_initials_name_and_fund_account(ids, login_as):
    manager = login_as("mgr1")
    assert offered(manager, "LS") == ["李四"]
    assert offered(manager, "ls") == ["李四"]  # initials in either case
    assert offered(manager, "欧阳") == ["欧阳明"]
    account = ids["accounts"][ids["own2"]]
    assert offered(manager, account[:6]) == ["李四", "欧阳明"]  # a prefix of the accounts
    assert offered(manager, account) == ["欧阳明"]
    assert offered(manager, "") == []
    assert "没有找到“XYZ”" in manager.get("/clients/pick?q=XYZ").get_data(as_text=True)


def test_a_manager_is_never_offered_another_managers_clients(ids, login_as):
    assert offered(login_as("mgr1"), "WW") == []  # 王五 is mgr2's
    assert offered(login_as("mgr2"), "WW") == ["王五"]
    assert offered(login_as("head1"), "WW") == ["王五"]  # the head sees the branch
    assert offered(login_as("head1"), "ZL") == []  # 赵六 is in another branch
    assert offered(login_as("hq"), "ZL") == ["赵六"]


def test_the_work_log_keeps_the_picked_client_on_a_422_and_saves_it(ids, login_as):
    manager = login_as("mgr1")
    row = {"consultations-0-client_id": str(ids["own"]), "consultations-0-summary": "问基金"}
    response = manager.post_form("/work/logs/2024-10-15/edit", row | {"product_sales": "-1"})
    assert response.status_code == 422
    account = ids["accounts"][ids["own"]]
    html = response.get_data(as_text=True)
    assert f'value="{ids["own"]}"' in html  # the hidden client id
    assert f'value="李四（{account}）"' in html  # and the name shown in the search box
    response = manager.post_form("/work/logs/2024-10-15/edit", row)
    assert response.status_code == 302
    assert "李四" in manager.get(response.headers["Location"]).get_data(as_text=True)


def test_a_client_outside_the_scope_is_a_field_error_not_a_404(ids, login_as):
    manager = login_as("mgr1")
    response = manager.post_form(
        "/work/logs/2024-10-15/edit",
        {"consultations-0-client_id": str(ids["colleague"]), "consultations-0-summary": "x"},
    )
    assert response.status_code == 422
    assert "这位客户不在您可选择的客户中" in response.get_data(as_text=True)
    response = manager.post_form(
        "/advice/new", {"client_id": str(ids["elsewhere"]), "question": "问", "advice": "答"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "这位客户不在您可选择的客户中" in html and "赵六" not in html
    response = manager.post_form("/advice/new", {"client_id": "", "question": "问"})
    assert response.status_code == 422
    assert "请搜索并选择客户。" in response.get_data(as_text=True)
