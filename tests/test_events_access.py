"""Access matrix of the client events and branch profile pages: every GET route × every role
(anonymous, mgr1, counter1, head1, hq)."""

from datetime import timedelta

import factories
import pytest
from access import uncovered_routes, wrong_statuses

from portal.domain.beijing import china_today
from portal.services import events

MATRIX = {
    "/events/": [302, 200, 403, 200, 200],
    "/events/new": [302, 200, 403, 200, 403],
    "/events/{own}": [302, 200, 403, 200, 200],
    "/events/{heads}": [302, 200, 403, 200, 200],
    "/events/{elsewhere}": [302, 404, 403, 404, 200],
    "/events/{own}/edit": [302, 200, 403, 200, 403],
    "/events/{heads}/edit": [302, 403, 403, 200, 403],
    "/events/{elsewhere}/edit": [302, 404, 403, 404, 403],
    "/events/999999": [302, 404, 403, 404, 404],
    "/branch-profile/": [302, 200, 200, 200, 403],
    "/branch-profile/edit": [302, 403, 403, 200, 403],
    "/branch-profile/all": [302, 403, 403, 403, 200],
    "/branch-profile/all.csv": [302, 403, 403, 403, 200],
    "/branch-profile/all.xlsx": [302, 403, 403, 403, 200],
}


def event_of(username: str, **fields):
    data = {"kind": "seminar", "held_on": china_today() - timedelta(days=1), "topic": "研讨"}
    data |= {"speaker": "主讲", "place": "", "notes": ""} | fields
    return events.record_event(data, factories.user(username))


@pytest.fixture
def ids(book):
    with book.app_context():
        return {
            "own": event_of("mgr1").id,
            "heads": event_of("head1", kind="lecture").id,
            "elsewhere": event_of("mgr3").id,
        }


def test_access_matrix(book, ids, login_as):
    assert wrong_statuses(book, login_as, MATRIX, ids) == []


def test_every_route_of_the_blueprints_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"events", "profile"}) == []
