"""Access matrix of the care pages: every GET route × every role."""

import factories
import pytest
from access import first_client_id, uncovered_routes, wrong_statuses

# {colleague}: mgr2 (same branch as mgr1 and head1); {other}: the branch of mgr3.
MATRIX = {
    "/care/": [302, 200, 403, 200, 200],
    "/care/?manager={colleague}": [302, 404, 403, 200, 200],
    "/care/?branch={other}": [302, 404, 403, 404, 200],
    "/care/?page=99": [302, 200, 403, 200, 200],
    "/care/birthdays": [302, 200, 403, 200, 200],
    "/care/birthdays?manager={colleague}": [302, 404, 403, 200, 200],
    "/care/birthdays?branch={other}": [302, 404, 403, 404, 200],
}


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix(book, login_as, path):
    with book.app_context():
        ids = {
            "colleague": factories.user("mgr2").id,
            "other": factories.user("mgr3").branch_id,
            "own": first_client_id("mgr1"),
        }
    assert wrong_statuses(book, login_as, {path: MATRIX[path]}, ids) == []


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"care"}) == []
