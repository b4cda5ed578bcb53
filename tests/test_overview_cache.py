"""The HQ overview is computed once per version of the data and kept (services.overview): a
repeated view reuses it, and a class change — by a threshold change or by new figures —
shows at once."""

from datetime import date, datetime, time
from decimal import Decimal

import factories
import pytest
from sqlalchemy import func, select

from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import AuditLog, Client, User
from portal.models.audit import acting_as
from portal.services import classification, clients, overview


@pytest.fixture
def computed(monkeypatch):
    calls = []
    real = overview._compute

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(overview, "_compute", counted)
    return calls


def counts(html: str) -> dict[str, int]:
    import re

    return {code: int(n) for code, n in re.findall(r"class=([A-Z%2B-]+)\"[^>]*>(\d+)</a>", html)}


def database_counts() -> dict[str, int]:
    rows = db.session.execute(select(Client.class_code, func.count()).group_by(Client.class_code))
    return {code: n for code, n in rows if code}


def shown(html: str, code: str) -> int:
    return counts(html).get(code.replace("+", "%2B"), 0)


def test_a_repeated_view_is_kept_and_a_threshold_change_shows_at_once(book, login_as, computed):
    hq = login_as("hq")
    first = hq.get("/classification/overview").get_data(as_text=True)
    assert hq.get("/classification/overview").get_data(as_text=True) == first
    assert len(computed) == 1
    with book.test_request_context(), acting_as("hq"):
        before = database_counts()
        for code, n in before.items():
            assert shown(first, code) == n
        user = db.session.scalar(select(User).where(User.username == "hq"))
        classification.set_threshold(china_today().year, Decimal("1000"), user, note="t")
        after = database_counts()
    assert after != before  # the change flips classes
    again = hq.get("/classification/overview").get_data(as_text=True)
    assert len(computed) == 2
    for code, n in after.items():
        assert shown(again, code) == n, code


def test_new_figures_that_change_a_class_show_at_once(book, login_as, computed):
    hq = login_as("hq")
    hq.get("/classification/overview")
    with book.test_request_context(), acting_as("mgr1"):
        client = db.session.scalar(select(Client).where(Client.name == "李明"))
        old = client.class_code
        month = china_today().replace(day=1)
        clients.save_monthly_figure(
            client,
            {
                "month": date(month.year, month.month, 1),
                "avg_assets": Decimal(30_000_000),
                "end_assets": Decimal(30_000_000),
                "traded_amount": Decimal(900_000_000),
            },
        )
        db.session.commit()
        assert client.class_code != old
        expected = database_counts()
    html = hq.get("/classification/overview").get_data(as_text=True)
    assert len(computed) == 2
    for code, n in expected.items():
        assert shown(html, code) == n, code


def test_a_managers_contact_does_not_recompute_it(book, login_as, computed):
    hq = login_as("hq")
    first = hq.get("/classification/overview").get_data(as_text=True)
    with book.test_request_context(), acting_as("mgr1"):
        client = db.session.scalar(select(Client).where(Client.name == "李明"))
        factories.contact(client, datetime.combine(china_today(), time(10)), status="done")
        db.session.commit()
        assert db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.record_type == "contacts")
        )
    assert hq.get("/classification/overview").get_data(as_text=True) == first
    assert len(computed) == 1
