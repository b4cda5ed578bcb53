"""Access matrix of the quarterly report and its spot checks: every GET route × every role
(anonymous, mgr1, counter1, head1, hq)."""

from datetime import timedelta

import factories
import pytest
from access import uncovered_routes, wrong_statuses

from portal.domain.beijing import china_today
from portal.services import quarterly

MATRIX = {
    "/quarterly/": [302, 403, 403, 200, 302],
    "/quarterly/?branch=1": [302, 403, 403, 200, 200],
    "/quarterly/?branch=2": [302, 403, 403, 404, 200],
    "/quarterly/report.pdf": [302, 403, 403, 200, 404],
    "/quarterly/report.pdf?branch=2": [302, 403, 403, 404, 200],
    "/quarterly/all": [302, 403, 403, 403, 200],
    "/quarterly/all.xlsx": [302, 403, 403, 403, 200],
    "/quarterly/all.pdf": [302, 403, 403, 403, 200],
    "/quarterly/spot-checks": [302, 200, 403, 200, 200],
    "/quarterly/spot-checks/new": [302, 403, 403, 200, 403],
    "/quarterly/spot-checks/{own}/edit": [302, 403, 403, 200, 403],
    "/quarterly/spot-checks/{elsewhere}/edit": [302, 403, 403, 404, 403],
    "/quarterly/spot-checks/999999/edit": [302, 403, 403, 404, 403],
}


def check_by(head: str, manager: str):
    data = {
        "manager_id": factories.user(manager).id,
        "checked_on": china_today() - timedelta(days=1),
        "kind": "logs",
        "records": "工作日志",
        "findings": "按时填写",
    }
    return quarterly.record_spot_check(data, factories.user(head))


@pytest.fixture
def ids(org):
    with org.app_context():
        head2 = factories.new_user("branch_head", 2, "head2")
        own = check_by("head1", "mgr1").id
        elsewhere = check_by(head2.username, "mgr3").id
        return {"own": own, "elsewhere": elsewhere}


def test_access_matrix(org, ids, login_as):
    assert wrong_statuses(org, login_as, MATRIX, ids) == []


def test_every_route_of_the_blueprint_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"quarterly"}) == []
