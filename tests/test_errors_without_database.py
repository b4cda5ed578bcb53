"""With the database gone, a signed-in user still gets the portal's error page, in Chinese, with
the request id to quote to support: rendering it touches no database (it shows the navigation
of a signed-out visitor), since loading the user may be what failed."""

import logging

from flask_login import current_user, login_required
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.extensions import db
from portal.models import Client

GONE = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # nothing listens on port 9


def test_a_signed_in_user_gets_the_error_page_with_its_request_id_when_the_database_is_gone(
    org, login_as, caplog
):
    cookie = org.config["SESSION_COOKIE_NAME"]
    saved = login_as("manager").get_cookie(cookie).value
    gone = create_app(dict(org.config, SQLALCHEMY_DATABASE_URI=GONE))
    browser = gone.test_client()
    browser.set_cookie(cookie, saved)  # signed in, on a portal whose database is down

    with caplog.at_level(logging.ERROR, logger="portal"):
        response = browser.get("/clients/", headers={"X-Request-ID": "req-db-gone-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<html lang="zh-CN">' in html
    assert "服务暂时不可用" in html and "请稍后重试" in html
    assert "req-db-gone-1" in html
    assert "Traceback" not in html and "psycopg" not in html
    assert [r.request_id for r in caplog.records if r.levelno == logging.ERROR] == ["req-db-gone-1"]

    in_place = browser.get(
        "/clients/?q=1", headers={"HX-Request": "true", "X-Request-ID": "req-db-gone-2"}
    )
    assert in_place.status_code == 503
    assert "服务暂时不可用" in in_place.get_data(as_text=True)
    assert "req-db-gone-2" in in_place.get_data(as_text=True)


def test_the_database_lost_in_the_middle_of_a_request_is_not_needed_by_the_error_page(org):
    app = create_app(dict(org.config))
    app.test_client_class = org.test_client_class
    statements = []

    def refuse_once_gone(conn, cursor, statement, *args):
        statements.append(statement)
        if app.config.get("DATABASE_GONE"):
            raise OperationalError(statement, {}, ConnectionError("server closed the connection"))

    @app.get("/then-the-database-goes")
    @login_required
    def then_the_database_goes():
        assert current_user.display_name  # the user is loaded while the database answers
        app.config["DATABASE_GONE"] = True
        statements.clear()
        return str(db.session.scalar(select(Client.id)))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", refuse_once_gone)
    client = app.test_client()
    assert client.login("head1").status_code == 302  # a user with a branch to show

    response = client.get("/then-the-database-goes", headers={"X-Request-ID": "req-db-gone-3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "服务暂时不可用" in html and "req-db-gone-3" in html
    assert len(statements) == 1  # the view's own: the error page asked nothing
