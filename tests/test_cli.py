from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditLog, Branch, User


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m)) for m in (Branch, User, AuditLog)
    )


def test_seed_demo_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        after_first = counts()
        usernames = set(db.session.scalars(select(User.username)))
    assert usernames >= {"hq", "head1", "mgr1", "mgr2", "mgr3", "counter1"}
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0
    assert "未作改动" in second.output
    with app.app_context():
        assert counts() == after_first


def test_seed_if_empty_skips_a_database_in_use(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "demo"])
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert "跳过" in result.output


def test_create_user(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "demo"])
    result = runner.invoke(
        args=["create-user", "--username", "ops", "--name", "运维", "--role", "hq"],
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert result.exit_code == 0, result.output
    refused = runner.invoke(
        args=["create-user", "--username", "x", "--name", "x", "--role", "manager"],
        input="s3cret-pass\ns3cret-pass\n",
    )
    assert refused.exit_code != 0
    assert app.test_client().login("ops", "s3cret-pass").status_code == 302
