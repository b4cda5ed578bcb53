"""``flask backup`` and ``flask restore``: a round trip brings back every row as it was."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Branch, User
from portal.models.audit import AuditLog


def counts():
    return (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(AuditLog.id))),
        db.session.scalar(select(Branch.name).where(Branch.id == 1)),
    )


def test_backup_then_restore_brings_the_database_back(org, tmp_path):
    runner = org.test_cli_runner()
    target = tmp_path / "portal.backup"
    with org.app_context():
        before = counts()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    with org.app_context():
        db.session.get(Branch, 1).name = "改名后的营业部"
        db.session.add(User(username="later", display_name="后来者", role="hq", password_hash="x"))
        db.session.commit()
        assert counts() != before

    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code != 0
    with org.app_context():
        assert counts() != before  # nothing restored without the confirmation

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with org.app_context():
        assert counts() == before


def test_a_missing_backup_file_is_a_clear_error(org, tmp_path):
    result = org.test_cli_runner().invoke(args=["restore", str(tmp_path / "none"), "--yes"])
    assert result.exit_code != 0 and "does not exist" in result.output
