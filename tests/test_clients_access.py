"""Access matrix of the client and classification pages: every GET route × every role."""

import pytest
from access import first_client_id, uncovered_routes, wrong_statuses

# {own}: a client of mgr1; {colleague}: of mgr2 (same branch); {elsewhere}: of mgr3.
MATRIX = {
    "/clients/": [302, 200, 200, 200, 200],
    "/clients/new": [302, 200, 200, 200, 403],
    "/clients/pick?q=1": [302, 200, 200, 200, 200],
    "/clients/export.csv": [302, 200, 403, 200, 200],
    "/clients/export.xlsx": [302, 200, 403, 200, 200],
    "/clients/export.pdf": [302, 404, 403, 404, 404],
    "/clients/related-row?index=1": [302, 200, 200, 200, 403],
    "/clients/{own}": [302, 200, 200, 200, 200],
    "/clients/{colleague}": [302, 404, 200, 200, 200],
    "/clients/{elsewhere}": [302, 404, 404, 404, 200],
    "/clients/{own}/edit": [302, 200, 403, 200, 403],
    "/clients/{colleague}/edit": [302, 404, 403, 200, 403],
    "/clients/{elsewhere}/edit": [302, 404, 403, 404, 403],
    "/classification/thresholds": [302, 403, 403, 200, 200],
}


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix(book, login_as, path):
    with book.app_context():
        ids = {
            "own": first_client_id("mgr1"),
            "colleague": first_client_id("mgr2"),
            "elsewhere": first_client_id("mgr3"),
        }
    assert wrong_statuses(book, login_as, {path: MATRIX[path]}, ids) == []


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"clients", "classification"}) == []
