"""The home page's to-do list: what each role must do next, each item a count and a link to the
page that resolves it.

Each capability registers its kinds of item in one place — its blueprint's ``todos`` module,
imported by the blueprint's ``__init__`` — with :func:`register`. A kind counts with **one
query** for the user (scoped through :mod:`portal.services.scope`), never a query per row, so
the home page costs one query per kind however many records there are. :func:`for_user` runs
the kinds of the user's role and orders them: the overdue first, then by each kind's ``rank``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from portal.models import User


@dataclass(frozen=True)
class Due:
    """What a kind counts for the user: how many, whether it is overdue, the query string of
    the page that resolves it (e.g. the month of the oldest record), and a short note."""

    count: int
    overdue: bool = False
    args: dict = field(default_factory=dict)
    note: str = ""


CountFn = Callable[[User, date], "int | Due"]
ArgsFn = Callable[[User, date], dict]


@dataclass(frozen=True)
class Kind:
    roles: frozenset[str]
    key: str
    label: str
    count: CountFn
    endpoint: str
    args: ArgsFn | None = None
    rank: int = 50
    applies: Callable[[User], bool] | None = None


@dataclass(frozen=True)
class Item:
    """One line of the list as the home page shows it."""

    key: str
    label: str
    count: int
    endpoint: str
    args: dict
    overdue: bool
    note: str

    @property
    def done(self) -> bool:
        return self.count == 0


KINDS: dict[str, Kind] = {}


def register(
    roles: str | set[str] | frozenset[str],
    key: str,
    label: str,
    count: CountFn,
    endpoint: str,
    args: ArgsFn | None = None,
    rank: int = 50,
    applies: Callable[[User], bool] | None = None,
) -> None:
    """Add a kind of to-do for ``roles``: ``count(user, today)`` is one query and answers an
    ``int`` or a :class:`Due`; ``endpoint`` (with ``args(user, today)``, merged with the
    ``Due``'s own) is the page that resolves it. A lower ``rank`` comes first. ``applies``
    narrows it to the users of those roles it is for (e.g. a post: the 运营总监)."""
    roles = frozenset({roles} if isinstance(roles, str) else roles)
    KINDS[key] = Kind(roles, key, label, count, endpoint, args, rank, applies)


def for_user(user: User, today: date) -> list[Item]:
    """The user's to-do items: overdue first, then by rank; the done ones (count 0) last."""
    items = []
    for kind in KINDS.values():
        if user.role not in kind.roles or (kind.applies and not kind.applies(user)):
            continue
        due = kind.count(user, today)
        if not isinstance(due, Due):
            due = Due(due)
        args = (kind.args(user, today) if kind.args else {}) | due.args
        items.append(
            (
                kind.rank,
                Item(kind.key, kind.label, due.count, kind.endpoint, args, due.overdue, due.note),
            )
        )
    items.sort(key=lambda pair: (pair[1].done, not pair[1].overdue, pair[0]))
    return [item for _, item in items]
