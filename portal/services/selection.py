"""The picker: which branch and which client manager a page is about (``?branch=…&manager=…``),
always inside the user's scope (:mod:`portal.services.scope`) — one outside it is a 404 — and
what the page's picker offers.

A manager's page is their own; a branch head picks a manager of the branch (or the whole
branch); HQ a branch (its own or the first by default) and optionally one of its managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask import abort
from sqlalchemy import ColumnElement, and_

from portal.args import int_arg
from portal.extensions import db
from portal.models import Branch, Client, User
from portal.services import client_queries, scope


@dataclass(frozen=True)
class Selection:
    """Whose clients: one manager's, or (``manager`` None) a whole branch's."""

    branch: Branch
    manager: User | None

    @property
    def label(self) -> str:
        who = self.manager.display_name if self.manager else "全部客户经理"
        return f"{self.branch.name} · {who}"

    def condition(self) -> ColumnElement[bool]:
        condition = Client.branch_id == self.branch.id
        if self.manager is not None:
            condition = and_(condition, Client.manager_id == self.manager.id)
        return condition

    def args(self) -> dict[str, int]:
        """The query string that selects it again."""
        if self.manager is not None:
            return {"manager": self.manager.id}
        return {"branch": self.branch.id}


def _int(value) -> int | None:
    return int_arg(str(value or "").strip())


def manager_or_404(manager_id: int, user: User) -> User:
    """A client manager by id, in the user's scope (a manager: only themself), or 404."""
    manager = scope.get_or_404(User, manager_id, user)
    if manager.role != "manager":
        abort(404)
    return manager


def manager_for(user: User, manager_id=None, first: bool = False) -> User | None:
    """The client manager asked for: a manager themself (asking for another is a 404); for a
    head or HQ the one asked for (404 outside their scope), else none — the whole scope — or,
    with ``first``, the first manager in scope (404 when there is none)."""
    manager_id = _int(manager_id)
    if user.role == "manager":
        if manager_id not in (None, user.id):
            abort(404)
        return user
    if manager_id is not None:
        return manager_or_404(manager_id, user)
    if not first:
        return None
    managers = client_queries.managers_in_scope(user)
    if not managers:
        abort(404)
    return managers[0]


def branch_for(user: User, branch_id=None) -> Branch:
    """The branch asked for (404 outside the user's scope), else the user's own, else (HQ)
    the first."""
    branch_id = _int(branch_id) or user.branch_id
    if branch_id is None:
        branch_id = db.session.scalar(
            scope.scoped(Branch, user).with_only_columns(Branch.id).order_by(Branch.id).limit(1)
        )
    return scope.get_or_404(Branch, branch_id or 0, user)


def selection_for(user: User, branch_id=None, manager_id=None) -> Selection:
    """The book a user asks for: one manager's clients or a whole branch's. A manager given
    with a branch must belong to it."""
    manager = manager_for(user, manager_id)
    if _int(branch_id) is None and manager is not None:
        branch_id = manager.branch_id
    branch = branch_for(user, branch_id)
    if manager is not None and manager.branch_id != branch.id:
        abort(404)
    return Selection(branch=branch, manager=manager)


class Choices:
    """What a page's picker offers the user: the branches and managers in scope (each read
    when first asked for), and whether there is a choice of branch (HQ) and of manager
    (everyone but a manager)."""

    def __init__(self, user: User):
        self.user = user
        self.picks_branch = user.role == "hq"
        self.picks_manager = user.role != "manager"

    @cached_property
    def branches(self) -> list[Branch]:
        return list(db.session.scalars(scope.scoped(Branch, self.user).order_by(Branch.id)))

    @cached_property
    def managers(self) -> list[User]:
        return client_queries.managers_in_scope(self.user)

    @property
    def managers_by_branch(self) -> list[tuple[Branch, list[User]]]:
        return [(b, [m for m in self.managers if m.branch_id == b.id]) for b in self.branches]

    def manager_or_404(self, manager_id: int | None) -> User | None:
        """The manager a list is filtered by, one of those offered (404 for any other)."""
        if manager_id is None:
            return None
        manager = next((m for m in self.managers if m.id == manager_id), None)
        if manager is None:
            abort(404)
        return manager

    def branch_name(self, branch_id: int | None) -> str:
        return next((b.name for b in self.branches if b.id == branch_id), "")


def choices(user: User) -> Choices:
    return Choices(user)
