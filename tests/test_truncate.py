"""The database itself keeps the audit trail and young advice: emptying the table at once
(PostgreSQL's TRUNCATE, SQLite's unqualified DELETE) is refused, whatever the application
does. Old advice (past its two years) may go."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import DailyAdviceSummary, User
from portal.models.audit import AuditLog


def empty(table: str) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {table} CASCADE"))
    else:
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def summary(day):
    manager = db.session.scalar(select(User).where(User.username == "mgr1"))
    db.session.add(DailyAdviceSummary(manager_id=manager.id, branch_id=manager.branch_id, day=day))
    db.session.commit()


def test_the_audit_trail_cannot_be_emptied(org):
    with org.app_context():
        rows = db.session.scalar(select(func.count(AuditLog.id)))
        assert rows > 0
        with pytest.raises(DBAPIError, match="append-only"):
            empty("audit_log")
        db.session.rollback()
        assert db.session.scalar(select(func.count(AuditLog.id))) == rows


def test_advice_younger_than_two_years_cannot_be_emptied_older_can(org):
    with org.app_context():
        summary(china_today() - timedelta(days=400))
        with pytest.raises(DBAPIError, match="retained for two years"):
            empty("advice_daily_summaries")
        db.session.rollback()
        assert db.session.scalar(select(func.count(DailyAdviceSummary.id))) == 1


def test_advice_past_its_two_years_may_be_emptied(org):
    with org.app_context():
        summary(china_today() - timedelta(days=2 * 366 + 5))
        empty("advice_daily_summaries")
        assert db.session.scalar(select(func.count(DailyAdviceSummary.id))) == 0
