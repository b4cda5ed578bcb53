"""The production set-up of the README on PostgreSQL: migrations run as the owner role, the
portal as the application role, which may write rows but not touch the schema or the
triggers that keep the audit trail and the advice (deploy/postgresql-roles.sql)."""

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from portal import create_app
from portal.extensions import db

ROLES_SQL = Path(__file__).resolve().parents[1] / "deploy" / "postgresql-roles.sql"
SERVER = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not SERVER.startswith("postgresql"),
    reason="PostgreSQL roles: tested in the run with TEST_DATABASE_URL",
)
REFUSED = r"must be owner|permission denied"


@pytest.fixture
def roles():
    admin = make_url(SERVER)
    suffix = secrets.token_hex(4)
    names = {"db": f"portal_roles_{suffix}", "owner": f"owner_{suffix}", "app": f"app_{suffix}"}
    password = secrets.token_hex(8)
    command = ["psql", "-X", "-q", "-h", admin.host, "-p", str(admin.port or 5432)]
    command += ["-U", admin.username, "-d", admin.database, "-f", str(ROLES_SQL)]
    for key, value in names.items():
        command += ["-v", f"{key}={value}"]
    command += ["-v", f"owner_password={password}", "-v", f"app_password={password}"]
    subprocess.run(command, check=True, capture_output=True, text=True)
    urls = {
        role: admin.set(username=names[role], password=password, database=names["db"])
        for role in ("owner", "app")
    }
    yield urls
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{names["owner"]}"'))
        conn.execute(text(f'DROP ROLE IF EXISTS "{names["app"]}"'))
    engine.dispose()


def test_the_application_role_writes_rows_but_cannot_touch_the_schema(roles, tmp_path):
    owner = create_app({"SQLALCHEMY_DATABASE_URI": roles["owner"], "SECRET_KEY": "t"})
    with owner.app_context():
        upgrade()
        db.engine.dispose()

    engine = create_engine(roles["app"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO branches (name, address, hotline, active, created_at) "
                "VALUES ('甲', '', '', true, now())"
            )
        )
        assert conn.execute(text("SELECT count(*) FROM branches")).scalar() == 1
    for statement in (
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER USER",
        "TRUNCATE audit_log",
        "CREATE TABLE shadow (id int)",
        "DROP TABLE advice_records",
    ):
        with (
            engine.begin() as conn,
            pytest.raises(ProgrammingError, match=REFUSED),
        ):
            conn.execute(text(statement))
    engine.dispose()
