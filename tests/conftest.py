"""Fixtures: an app on a database upgraded through the migrations, a fresh database per test,
a test client that posts like a browser (with the CSRF token), and ``login_as(role)``.

SQLite by default; PostgreSQL when ``TEST_DATABASE_URL`` is set (the Makefile runs both).
"""

import os
import re
from contextlib import closing
from datetime import timedelta
from decimal import Decimal

import factories
import pytest
from answers import HIGHEST
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app, demo
from portal.domain.beijing import china_today, month_start
from portal.extensions import db
from portal.models.audit import acting_as

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
TEST_PII_KEY = "dGVzdC1waWkta2V5LW9mLXRoZS1zdWl0ZS0zMmJ5dGU="
"""The suite's identity-data key (32 bytes, base64): tests/test_crypto.py rotates away from it."""
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
            "PII_KEY": TEST_PII_KEY,
            "TESTING": True,
            "UPLOAD_DIR": str(workdir / "uploads"),
            "HUEY_URL": f"sqlite:///{workdir / 'huey.db'}",
            "EXPORT_DIR": str(workdir / "exports"),
            # Batches render in the test's process (monkeypatches apply); the pool's own
            # tests ask for processes.
            "RENDER_PROCESSES": 1,
            "PDF_CACHE_DIR": str(workdir / "pdf-cache"),
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
        _sqlite_copy(workdir / "test.db", template)
    yield app, tables, template, workdir


def _sqlite_copy(source, target) -> None:
    """Make ``target`` hold what ``source`` holds, through SQLite's backup API: the databases
    run in WAL mode, where copying the file under a connection still open (a live server's
    thread) would corrupt it or miss what is still in the write-ahead log."""
    import sqlite3

    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def app(_database):
    """The app on an empty, fully migrated database."""
    app, tables, template, workdir = _database
    with app.app_context():
        if template is not None:
            db.engine.dispose()
            _sqlite_copy(template, workdir / "test.db")
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


BOOK = {
    "mgr1": (("李明", 2_100_000, 1), ("单田芳", 6_000_000, 6), ("欧阳修", 600_000, 6)),
    "mgr2": (("王五", 2_100_000, 6), ("曾国藩", 50_000, 1)),
    "mgr3": (("赵六", 6_000_000, 1), ("解缙", 200_000, 6)),
}
"""The small book: each demo manager's clients (name, 月末总资产 in yuan, yearly turnover),
in the order they are made; their classes are A, B+, C; B, E; A+, C-."""
RELATED = {"单田芳": [{"name": "单小芳", "phone": "13900001111", "relation": "配偶"}]}


@pytest.fixture
def book(org):
    """The demo organisation with a small book of clients (``BOOK``), each classified from
    36 months of figures up to last month (``tests/factories.py``): what a test of a client's
    file, advice, assessment or list needs, without the demo's ~300 clients."""
    with org.app_context(), acting_as("seed"):
        last_month = month_start(china_today()) - timedelta(days=1)
        for manager, rows in BOOK.items():
            for name, assets, turnover in rows:
                figures = factories.monthly_figures(last_month, 36, Decimal(assets), turnover)
                factories.client(manager, name, figures=figures, related=RELATED.get(name))
    return org


@pytest.fixture
def assessed_book(book):
    """The small book with the first client of each manager (李明, 王五, 赵六) assessed 高 by
    their manager; the others wait for an assessment (待补填)."""
    with book.app_context(), acting_as("seed"):
        for rows in BOOK.values():
            first = factories.client_named(rows[0][0])
            factories.assessment(first, HIGHEST)
    return book


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
