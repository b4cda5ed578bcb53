"""Where a browser is sent back to: ``next`` after log-in, the log-in redirect of an ended
session, and the address bar after an htmx form post, are only ever GET pages of the portal;
error answers to htmx requests carry their message."""

from urllib.parse import parse_qs, urlsplit

import pytest

from portal.pages import get_page

WEEK_POST = "/work/weeks/2026-11-30"  # saving a weekly summary: POST only
WEEK_PAGE = "/work/weeks/3/2026-11-30"  # the summary's page


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "/"),
        ("/clients/?q=zsf&page=2", "/clients/?q=zsf&page=2"),
        (WEEK_PAGE, WEEK_PAGE),
        ("http://localhost/clients/", "/clients/"),
        (WEEK_POST, None),  # answers POST only: a log-in would land on 405
        ("/logout", None),
        ("/login", None),
        ("/static/app.js", None),
        ("/no/such/page", None),
        ("https://evil.example/", None),
        ("//evil.example/clients/", None),
        ("/\\evil.example", None),
        ("http://evil.example/clients/", None),
        ("javascript:alert(1)", None),
        ("clients/", None),
        ("/clients/\r\nSet-Cookie:x=1", None),
        ("", None),
        (None, None),
    ],
)
def test_only_a_get_page_of_the_portal_is_a_page_to_return_to(app, target, expected):
    with app.test_request_context("/", base_url="http://localhost"):
        assert get_page(target) == expected


def _login(client, next_: str):
    data = {"username": "mgr1", "password": "demo1234", "csrf_token": client.csrf_token()}
    return client.post("/login", query_string={"next": next_}, data=data)


def test_log_in_returns_to_the_page_in_next(org):
    assert _login(org.test_client(), "/clients/?q=zsf").headers["Location"] == "/clients/?q=zsf"


@pytest.mark.parametrize("next_", [WEEK_POST, "https://evil.example/", "//evil.example/"])
def test_log_in_goes_home_when_next_is_not_a_get_page(org, next_):
    assert _login(org.test_client(), next_).headers["Location"] == "/"


def _next_of(location: str) -> str | None:
    values = parse_qs(urlsplit(location).query).get("next")
    return values[0] if values else None


def test_a_signed_out_page_load_logs_in_and_comes_back(org):
    response = org.test_client().get("/clients/?q=zsf")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _next_of(response.headers["Location"]) == "/clients/?q=zsf"


def test_an_htmx_post_of_an_ended_session_logs_in_and_returns_to_the_forms_page(org):
    client = org.test_client()
    token = client.csrf_token()
    response = client.post(
        WEEK_POST,
        data={"summary": "本周总结", "csrf_token": token},
        headers={
            "HX-Request": "true",
            "HX-Boosted": "true",
            "HX-Current-URL": f"http://localhost{WEEK_PAGE}",
        },
    )
    assert response.status_code == 401
    assert _next_of(response.headers["HX-Redirect"]) == WEEK_PAGE


def test_an_in_place_htmx_request_of_an_ended_session_reloads_the_page_it_came_from(org):
    client = org.test_client()
    response = client.get(
        "/work/logs/consultation-row",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/work/logs"},
    )
    assert response.status_code == 401
    assert _next_of(response.headers["HX-Redirect"]) == "/work/logs"


def test_a_plain_post_whose_session_and_token_are_gone_asks_to_log_in_again(org):
    client = org.test_client()
    response = client.post(
        WEEK_POST, data={"summary": "本周总结"}, headers={"Referer": f"http://localhost{WEEK_PAGE}"}
    )
    assert response.status_code == 302
    assert _next_of(response.headers["Location"]) == WEEK_PAGE


def test_a_post_from_another_site_never_becomes_next(org):
    client = org.test_client()
    response = client.post(
        WEEK_POST,
        data={"csrf_token": client.csrf_token()},
        headers={"Referer": "https://evil.example/work/weeks/3/2026-11-30"},
    )
    assert response.status_code == 302
    assert _next_of(response.headers["Location"]) is None


def test_a_422_of_a_post_only_url_keeps_the_address_bar_on_the_forms_page(login_as):
    manager = login_as("manager")
    headers = {"HX-Request": "true", "HX-Boosted": "true", "X-CSRFToken": manager.csrf_token()}
    response = manager.post(WEEK_POST, data={"plan_home": "-1"}, headers=headers)
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"


def test_a_422_of_a_url_that_answers_get_may_show_that_url(login_as):
    manager = login_as("manager")
    headers = {"HX-Request": "true", "HX-Boosted": "true", "X-CSRFToken": manager.csrf_token()}
    response = manager.post("/clients/new", data={"name": ""}, headers=headers)
    assert response.status_code == 422
    assert "HX-Push-Url" not in response.headers


def test_an_error_of_an_in_place_action_is_its_message_and_request_id(login_as):
    manager = login_as("manager")
    headers = {
        "HX-Request": "true",
        "X-CSRFToken": manager.csrf_token(),
        "X-Request-ID": "req-h4-0001",
    }
    response = manager.post("/clients/999999/reveal/mobile", headers=headers)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "页面不存在" in body and "req-h4-0001" in body


def test_an_error_of_a_boosted_navigation_is_the_whole_error_page_with_its_request_id(login_as):
    manager = login_as("manager")
    headers = {"HX-Request": "true", "HX-Boosted": "true", "X-Request-ID": "req-h4-0002"}
    response = manager.get("/clients/999999", headers=headers)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" in body and "页面不存在" in body and "req-h4-0002" in body
