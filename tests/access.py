"""What the access-matrix tests share: the roles, the records they are about, the check."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, User

ROLES = ["anonymous", "manager", "counter", "branch_head", "hq"]


def first_client_id(username: str) -> int | None:
    """The first client of a demo manager (inside an app context)."""
    return db.session.scalar(
        select(Client.id)
        .join(User, Client.manager_id == User.id)
        .where(User.username == username)
        .order_by(Client.id)
        .limit(1)
    )


def wrong_statuses(app, login_as, matrix: dict, ids: dict) -> list[str]:
    """Every (role, url) whose GET status differs from the matrix's expectation."""
    clients = {role: app.test_client() if role == "anonymous" else login_as(role) for role in ROLES}
    wrong = []
    for path, statuses in matrix.items():
        url = path.format(**ids)
        for role, expected in zip(ROLES, statuses, strict=True):
            status = clients[role].get(url).status_code
            if status != expected:
                wrong.append(f"{role} GET {url}: {status}, expected {expected}")
    return wrong


def uncovered_routes(app, matrix: dict, blueprints: set[str], skip: set[str] = frozenset()):
    """GET routes of these blueprints that no path of the matrix exercises."""
    covered = {p.split("{")[0].split("?")[0].rstrip("/") for p in matrix}
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.split(".")[0] not in blueprints:
            continue
        if rule.endpoint in skip:
            continue
        prefix = rule.rule.split("<")[0].rstrip("/")
        if prefix not in covered and not any(c.startswith(prefix) for c in covered):
            missing.append(rule.rule)
    return missing
