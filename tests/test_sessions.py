"""Sessions end: a cookie saved before a log-out, a password change or a deactivation opens
nothing afterwards; a session left idle for ``SESSION_IDLE_MINUTES`` ends with a message and
returns to its page after the next log-in; an export's progress polling does not keep it
alive. The idle clock is ``portal.sessions.now``, moved by the tests (never slept on)."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import queue, sessions
from portal.extensions import db
from portal.models import AuditLog, User
from portal.services import exports, selection
from tests.activity_data import new_client

IDLE = "您已超过30分钟未操作，为保护客户信息已自动退出，请重新登录。"
MINUTE = 60


def replay(app, saved: str) -> FlaskClient:
    """A new browser holding a copy of a session cookie saved earlier."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], saved)
    return thief


def saved_cookie(client: FlaskClient) -> str:
    return client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]).value


def opens_the_client_list(client: FlaskClient) -> bool:
    response = client.get("/clients/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def clock(monkeypatch):
    """The idle clock, starting now; ``clock.advance(minutes)`` moves it on."""

    class Clock:
        at = sessions.now()

        def advance(self, minutes: float) -> None:
            self.at += int(minutes * MINUTE)

    clock = Clock()
    monkeypatch.setattr(sessions, "now", lambda: clock.at)
    return clock


# ------------------------------------------------------------------ ended on the server


def test_a_cookie_saved_before_logout_opens_nothing_after_it(org, login_as):
    manager = login_as("manager")
    saved = saved_cookie(manager)
    assert opens_the_client_list(replay(org, saved))

    assert manager.post_form("/logout").status_code == 302

    assert not opens_the_client_list(replay(org, saved))
    assert not opens_the_client_list(manager)


def test_logout_ends_the_users_sessions_on_other_devices_too(login_as):
    phone = login_as("manager")
    desk = login_as("manager")
    desk.post_form("/logout")
    assert not opens_the_client_list(phone)
    assert opens_the_client_list(login_as("manager"))  # logging in again works


def test_logout_leaves_no_trace_in_the_audit_log(org, login_as):
    manager = login_as("manager")
    with org.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(AuditLog))
    manager.post_form("/logout")
    with org.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditLog)) == before


def test_a_cookie_saved_before_a_password_change_opens_nothing_after_it(org, login_as):
    manager = login_as("manager")
    saved = saved_cookie(manager)
    changed = manager.post_form(
        "/account/password",
        {"current": "demo1234", "new": "newpass123", "confirm": "newpass123"},
    )
    assert changed.status_code == 302
    assert not opens_the_client_list(replay(org, saved))
    assert opens_the_client_list(manager)  # the session that changed it goes on


def test_a_cookie_saved_before_a_deactivation_opens_nothing_after_it(org, login_as, user_id):
    saved = saved_cookie(login_as("manager"))
    assert login_as("hq").post_form(f"/users/{user_id('mgr1')}/active").status_code == 302
    assert not opens_the_client_list(replay(org, saved))


# ------------------------------------------------------------------ idle sessions


def test_an_idle_session_ends_with_a_message_and_returns_to_its_page(org, login_as, clock):
    manager = login_as("manager")
    assert opens_the_client_list(manager)
    clock.advance(31)

    response = manager.get("/clients/?q=张")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = manager.get(login_url).get_data(as_text=True)
    assert IDLE in page
    assert "请先登录" not in page  # one message, saying why

    token = manager.csrf_token()
    back = manager.post(
        login_url, data={"username": "mgr1", "password": "demo1234", "csrf_token": token}
    )
    assert back.headers["Location"] == "/clients/?q=%E5%BC%A0"
    assert opens_the_client_list(manager)


def test_a_replayed_cookie_of_an_idle_session_opens_nothing(org, login_as, clock):
    saved = saved_cookie(login_as("manager"))
    clock.advance(31)
    assert not opens_the_client_list(replay(org, saved))


def test_an_active_session_goes_on(login_as, clock):
    manager = login_as("manager")
    for _ in range(6):  # three hours, a request every 29 minutes
        clock.advance(29)
        assert opens_the_client_list(manager)


def test_an_idle_htmx_request_sends_the_whole_page_to_the_log_in(login_as, clock):
    manager = login_as("manager")
    clock.advance(31)
    response = manager.get(
        "/clients/?q=1",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/clients/"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/clients/"
    assert IDLE in manager.get("/login").get_data(as_text=True)


def test_the_idle_time_is_a_setting(org, login_as, clock, monkeypatch):
    monkeypatch.setitem(org.config, "SESSION_IDLE_MINUTES", 5)
    manager = login_as("manager")
    clock.advance(4)
    assert opens_the_client_list(manager)
    clock.advance(6)
    assert not opens_the_client_list(manager)
    assert "您已超过5分钟未操作" in manager.get("/login").get_data(as_text=True)


def test_an_export_polling_its_progress_does_not_keep_the_session_alive(org, login_as, clock):
    with org.test_request_context():
        new_client("mgr1")
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        job = exports.start(mgr1, selection.selection_for(mgr1))
        queue.huey().storage.flush_queue()  # the job stays queued: its page keeps polling
    progress = f"/archive/exports/{job['id']}"
    poll = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{progress}"}
    manager = login_as("manager")
    assert manager.get(progress).status_code == 200  # opening the page is activity

    for _ in range(3):  # 30 minutes of polling
        clock.advance(10)
        assert manager.get(progress, headers=poll).status_code == 200
    clock.advance(1)
    ended = manager.get(progress, headers=poll)

    assert ended.status_code == 401
    assert ended.headers["HX-Redirect"] == f"/login?next={progress}"
    assert IDLE in manager.get("/login").get_data(as_text=True)
