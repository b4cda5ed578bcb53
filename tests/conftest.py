"""Fixtures: an app on a database upgraded through the migrations, a fresh database per test,
a test client that posts like a browser (with the CSRF token), and ``login_as(role)``.

SQLite by default; PostgreSQL when ``TEST_DATABASE_URL`` is set (the Makefile runs both).
"""

import os
import re
import shutil

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app, demo
from portal.extensions import db

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
DEMO_LOGINS = {"hq": "hq", "branch_head": "head1", "manager": "mgr1", "counter": "counter1"}


class BrowserLikeClient(FlaskClient):
    """A test client whose ``post_form`` sends the page's CSRF token, as a browser would."""

    def csrf_token(self) -> str:
        response = self.get("/login", follow_redirects=True)
        match = CSRF_META.search(response.get_data(as_text=True))
        assert match, "every page carries a csrf-token meta tag"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=payload, **kwargs)

    def login(self, username: str, password: str = demo.DEMO_PASSWORD):
        return self.post_form("/login", {"username": username, "password": password})


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def _database(tmp_path_factory):
    """Create the schema once through the migrations; yield how to reset it per test."""
    pg_url = _postgres_url()
    workdir = tmp_path_factory.mktemp("db")
    uri = pg_url or f"sqlite:///{workdir / 'test.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "UPLOAD_DIR": str(workdir / "uploads"),
            "HUEY_URL": f"sqlite:///{workdir / 'huey.db'}",
            "EXPORT_DIR": str(workdir / "exports"),
            "SERVER_NAME": None,
        }
    )
    app.test_client_class = BrowserLikeClient
    with app.app_context():
        if pg_url:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        db.engine.dispose()
    template = None
    if not pg_url:
        template = workdir / "template.db"
        shutil.copy(workdir / "test.db", template)
    yield app, tables, template, workdir


@pytest.fixture
def app(_database):
    """The app on an empty, fully migrated database."""
    app, tables, template, workdir = _database
    with app.app_context():
        if template is not None:
            db.engine.dispose()
            shutil.copy(template, workdir / "test.db")
        else:
            with db.engine.begin() as conn:
                # The audit trail and young advice refuse TRUNCATE (migration 0009): a reset
                # is maintenance, done with the session's ordinary triggers suspended.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(app):
    """The demo organisation: 2 branches, hq, head1, mgr1, mgr2, mgr3, counter1."""
    with app.app_context():
        demo.seed_organisation()
    return app


@pytest.fixture
def demo_clients(org):
    """The demo organisation and its ~300 clients with 24 months of figures each."""
    with org.app_context():
        demo.seed_clients()
    return org


@pytest.fixture
def demo_risk(demo_clients):
    """The demo clients with their risk assessments (some pending) and today's new accounts."""
    with demo_clients.app_context():
        demo.seed_risk()
    return demo_clients


@pytest.fixture
def demo_activities(demo_clients):
    """The demo clients with eight weeks of contacts, self-evaluations, work logs and weekly
    summaries of mgr1, mgr2 and mgr3."""
    with demo_clients.app_context():
        demo.seed_activities()
    return demo_clients


@pytest.fixture
def login_as(org):
    """``login_as(role_or_username)`` → a client logged in as that demo user."""

    def login(who: str) -> BrowserLikeClient:
        username = DEMO_LOGINS.get(who, who)
        client = org.test_client()
        response = client.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


@pytest.fixture
def user_id(app):
    """``user_id(username)`` → the id of a user."""
    from sqlalchemy import select

    from portal.models import User

    def lookup(username: str) -> int:
        with app.app_context():
            return db.session.scalar(select(User.id).where(User.username == username))

    return lookup
