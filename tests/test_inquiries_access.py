"""Access matrix of the inquiry register (首问负责制): every GET route × every role.

A manager sees the inquiries they own or were asked about, and those of their own clients;
counter staff those they own or were asked about; the branch head the branch's; HQ all.
"""

import pytest
from access import uncovered_routes, wrong_statuses
from activity_data import setup_branch
from inquiry_data import log

# anonymous, manager (mgr1), counter (counter1), branch_head (head1), hq
MATRIX = {
    "/inquiries/": [302, 200, 200, 200, 200],
    "/inquiries/?state=overdue&channel=email&mine=1": [302, 200, 200, 200, 200],
    "/inquiries/new": [302, 200, 200, 200, 403],
    "/inquiries/{own}": [302, 200, 404, 200, 200],
    "/inquiries/{colleague}": [302, 404, 404, 200, 200],
    "/inquiries/{counter}": [302, 404, 200, 200, 200],
    "/inquiries/{about_own_client}": [302, 200, 200, 200, 200],
    "/inquiries/{elsewhere}": [302, 404, 404, 404, 200],
    "/inquiries/999999": [302, 404, 404, 404, 404],
}


@pytest.fixture
def ids(org):
    with org.app_context():
        clients = setup_branch()
        return {
            "own": log("mgr1", clients["own"]).id,
            "colleague": log("mgr2", clients["colleague"]).id,
            "counter": log("counter1").id,
            "about_own_client": log("counter1", clients["own"]).id,
            "elsewhere": log("mgr3", clients["elsewhere"]).id,
        }


def test_access_matrix(org, login_as, ids):
    assert wrong_statuses(org, login_as, MATRIX, ids) == []


def test_every_get_route_of_the_blueprint_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"inquiries"}) == []
