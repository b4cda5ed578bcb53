"""Access matrix of the advice pages: every GET route × every role."""

import factories
import pytest
from access import uncovered_routes, wrong_statuses
from sqlalchemy import func, select

from portal.demo import advice as demo_advice
from portal.domain.beijing import china_today
from portal.domain.screening import screen
from portal.domain.workdays import is_workday
from portal.extensions import db
from portal.models import Client, User
from portal.models.advice import Advice, DailyAdviceSummary
from portal.services import advice as advice_service

MATRIX = {
    "/advice/": [302, 200, 403, 200, 200],
    "/advice/new": [302, 200, 403, 403, 403],
    "/advice/{own}": [302, 200, 403, 200, 200],
    "/advice/{colleague}": [302, 404, 403, 200, 200],
    "/advice/{elsewhere}": [302, 404, 403, 404, 200],
    "/advice/{own}.pdf": [302, 200, 403, 200, 200],
    "/advice/{elsewhere}.pdf": [302, 404, 403, 404, 200],
    "/advice/{own}/edit": [302, 200, 403, 403, 403],
    "/advice/{colleague}/edit": [302, 404, 403, 403, 403],
    "/advice/daily": [302, 200, 403, 200, 200],
    "/advice/daily.pdf": [302, 200, 403, 200, 200],
    "/advice/weekly": [302, 200, 403, 200, 200],
    "/advice/weekly.pdf": [302, 200, 403, 200, 200],
    "/advice/review": [302, 403, 403, 200, 200],
    "/advice/review.pdf": [302, 403, 403, 200, 200],
}


def _first_of(username: str) -> int:
    return db.session.scalar(
        select(Advice.id)
        .join(User, Advice.manager_id == User.id)
        .where(User.username == username)
        .order_by(Advice.id)
        .limit(1)
    )


@pytest.fixture
def demo_advice_data(demo_risk):
    with demo_risk.app_context():
        demo_advice.seed_advice()
    return demo_risk


@pytest.fixture
def advised(assessed_book):
    """One advice of each manager, to their assessed client."""
    with assessed_book.app_context():
        for name in ("李明", "王五", "赵六"):
            factories.advice_for(factories.client_named(name))
    return assessed_book


def test_access_matrix(advised, login_as):
    """One run over the whole matrix."""
    with advised.app_context():
        ids = {
            "own": _first_of("mgr1"),
            "colleague": _first_of("mgr2"),
            "elsewhere": _first_of("mgr3"),
        }
        assert all(ids.values()), ids
    assert wrong_statuses(advised, login_as, MATRIX, ids) == []


def test_demo_advice_has_flags_follow_ups_and_a_signed_month(demo_advice_data):
    with demo_advice_data.app_context():
        records = db.session.scalars(select(Advice)).all()
        assert len(records) > 30
        assert any(r.review_state == "flagged" for r in records)
        assert any(len(r.followups) == 3 for r in records)
        from portal.models.advice import MonthlyReview

        assert db.session.scalar(select(MonthlyReview.signed_off_at)) is not None
        assert db.session.scalar(select(Client.id).limit(1))
        signed = db.session.scalar(
            select(MonthlyReview).where(MonthlyReview.signed_off_at.isnot(None))
        )
        assert not advice_service.awaiting_review(signed.branch_id, signed.month)


def test_demo_has_daily_summaries_of_recent_working_days(demo_advice_data):
    with demo_advice_data.app_context():
        summaries = db.session.scalars(select(DailyAdviceSummary)).all()
        managers = db.session.scalars(select(User).where(User.role == "manager")).all()
        assert {s.manager_id for s in summaries} == {m.id for m in managers}
        assert len(summaries) == demo_advice.SUMMARY_DAYS * len(managers)
        assert all(is_workday(s.day) and s.day <= china_today() for s in summaries)
        for summary in summaries:
            texts = [getattr(summary, name) for name in advice_service.SUMMARY_FIELDS]
            assert summary.market_broad and summary.morning_stock and summary.personal
            assert [screen(text) for text in texts if screen(text)] == []
        assert demo_advice.seed_advice() == 0  # running it again changes nothing
        assert db.session.scalar(select(func.count(DailyAdviceSummary.id))) == len(summaries)


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"advice"}) == []
