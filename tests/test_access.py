"""The access matrix: every GET route of the foundation × every role → the expected status."""

import pytest
from access import uncovered_routes, wrong_statuses

# path template → expected status per role (302 = sent to the login page).
MATRIX = {
    "/": [302, 200, 200, 200, 200],
    "/account/password": [302, 200, 200, 200, 200],
    "/healthz": [200, 200, 200, 200, 200],  # the proxy's health check: no log-in
    "/admin/branches": [302, 403, 403, 403, 200],
    "/admin/branches/new": [302, 403, 403, 403, 200],
    "/admin/branches/{branch1}/edit": [302, 403, 403, 403, 200],
    "/users/": [302, 403, 403, 200, 200],
    "/users/new": [302, 403, 403, 403, 200],
    "/users/{mgr1}": [302, 403, 403, 200, 200],
    "/users/{mgr3}": [302, 403, 403, 404, 200],
    "/users/{mgr1}/edit": [302, 403, 403, 403, 200],
    "/users/{mgr1}/card.pdf": [302, 403, 403, 200, 200],
    "/history/users/{mgr1}": [302, 200, 404, 200, 200],  # mgr1 is the demo manager
    "/history/users/{mgr2}": [302, 404, 404, 200, 200],
    "/history/branches/{branch1}": [302, 200, 200, 200, 200],
    "/history/branches/{branch2}": [302, 404, 404, 404, 200],
}


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix(org, login_as, user_id, path):
    ids = {
        "mgr1": user_id("mgr1"),
        "mgr2": user_id("mgr2"),
        "mgr3": user_id("mgr3"),
        "branch1": 1,
        "branch2": 2,
    }
    assert wrong_statuses(org, login_as, {path: MATRIX[path]}, ids) == []


def test_every_get_route_is_in_the_matrix(app):
    """A new page must be added to the matrix above (or to its blueprint's own matrix)."""
    missing = uncovered_routes(app, MATRIX, {"main", "auth", "admin", "audit"}, skip={"auth.login"})
    assert missing == []
