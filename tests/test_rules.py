"""The per-record rules the pages ask: whose own work a record is, when a weekly summary may
be edited, which advice awaits review or may be followed
up, how a stored screening hit is read back, and the commission rate's 万分之."""

from datetime import date
from decimal import Decimal

import pytest

from portal.blueprints.clients.forms import ClientForm
from portal.domain import screening
from portal.models import Client, User, WeeklySummary
from portal.models.advice import Advice, AdviceFollowUp
from portal.services import scope
from portal.services.permissions import permits
from portal.services.weekly import WeekFigures

MGR = User(id=1, role="manager", username="m1", active=True)
OTHER = User(id=2, role="manager", username="m2", active=True)
HEAD = User(id=3, role="branch_head", username="h1", active=True)


def test_a_record_is_its_managers_own_and_a_user_is_their_own():
    assert scope.owns(Client(manager_id=1), MGR)
    assert not scope.owns(Client(manager_id=1), OTHER)
    assert not scope.owns(Client(manager_id=1), HEAD)
    assert scope.owns(MGR, MGR)
    assert not scope.owns(OTHER, MGR)


def test_an_action_on_a_record_needs_the_role_and_the_record_to_be_ones_own():
    own, colleagues = Advice(manager_id=1), Advice(manager_id=2)
    assert permits(MGR, "advice.write", own)
    assert not permits(MGR, "advice.write", colleagues)
    assert not permits(HEAD, "advice.write", Advice(manager_id=3))  # the role first
    assert permits(MGR, "advice.write")


def _week(summary_status: str | None) -> WeekFigures:
    summary = None if summary_status is None else _summary(summary_status)
    return WeekFigures(MGR, date(2024, 10, 14), counts={}, planned={}, summary=summary)


def _summary(status: str) -> WeeklySummary:
    return WeeklySummary(manager_id=1, week_start=date(2024, 10, 14), status=status)


def test_a_weekly_summary_is_edited_by_its_manager_from_monday_until_submitted():
    monday = date(2024, 10, 14)
    assert _week(None).editable_by(MGR, monday)
    assert _week("draft").editable_by(MGR, date(2024, 10, 20))
    assert not _week("submitted").editable_by(MGR, monday)
    assert not _week(None).editable_by(MGR, monday.replace(day=13))  # not begun
    assert not _week(None).editable_by(OTHER, monday)
    assert not _week(None).editable_by(HEAD, monday)


@pytest.mark.parametrize(
    ("state", "expected"),
    [("clear", False), ("flagged", True), ("returned", True), ("cleared", False)],
)
def test_advice_needs_review_while_flagged_or_returned(state, expected):
    assert Advice(review_state=state).needs_review is expected


def test_advice_takes_three_follow_ups():
    record = Advice()
    for number in (1, 2, 3):
        assert record.may_follow_up
        record.followups.append(AdviceFollowUp(number=number))
    assert not record.may_follow_up


def test_a_stored_screening_hit_reads_back_as_it_was_found_in_its_field():
    text = "保证收益，稳赚不赔"
    hits = screening.screen(text)
    assert hits
    stored = [{"field": "advice", **vars(h)} for h in hits]
    stored.append({"field": "question", **vars(hits[0])})
    record = Advice(advice=text, screening_hits=stored)
    assert record.hits_in("advice") == hits
    assert record.hits_in("remarks") == []


def test_the_commission_rate_is_shown_and_read_in_per_ten_thousand(app):
    with app.test_request_context():
        form = ClientForm(formdata=None, obj=Client(commission_rate=Decimal("0.000250")))
        assert form.commission_rate.data == Decimal("2.5")
        assert form.commission_rate.fraction == Decimal("0.000250")
        form.commission_rate.data = None
        assert form.commission_rate.fraction is None
