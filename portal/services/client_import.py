"""Importing the clients' master data from the trading system (Step 10; SPEC §8): from the
web and from ``flask import clients PATH [--dry-run]``, through the same all-or-nothing,
previewed and recorded run as the monthly figures (:func:`portal.services.imports.run`).

A row is a client, known by its 客户编号: an unknown number opens a new client file (with the
manager's assignment from its 开户日期), a known one has its changed fields updated — only those,
so importing the same file again changes nothing. Every change goes through the audit trail
with the import as its cause (each trail row's request id names it); a changed mobile number is
also kept as a contact change whose evidence is the import. A client moved to another manager
(or branch) is a reassignment, and its class is recomputed with cause 数据导入.

Every row is checked before anything changes: the file's own faults
(:func:`portal.domain.imports.clients`), then against the portal — the branch and the manager
exist and are in the importer's scope, the manager works in that branch, a known client is the
importer's, and a 资金账号 is not another client's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import select

from portal.domain import imports as rules
from portal.domain.beijing import china_today
from portal.domain.identity import AGENT_FIELDS
from portal.extensions import db
from portal.models import Branch, Client, ContactChange, User
from portal.models.contact_change import IMPORT_EVIDENCE
from portal.services import clients as client_files
from portal.services import scope
from portal.services.imports import Kind, Outcome, report_errors, run

CHUNK = 1000
"""Rows applied at a time (each chunk's clients are loaded in one query)."""

FIELDS = (
    "fund_account",
    "name",
    "client_type",
    "id_type",
    "id_number",
    "gender",
    "birthday",
    "opened_on",
    "mobile",
    *AGENT_FIELDS,
)
"""The client's fields a row sets (besides 客户编号, its key, and its branch and manager)."""


def import_clients(path: Path, name: str, user: User | None, *, dry_run: bool = False) -> Outcome:
    """Import the client master-data file at ``path`` (uploaded as ``name``) for ``user`` — the
    branches in their scope; every branch for ``None`` (the command line). A preview
    (``dry_run``) changes nothing and records nothing."""
    return run(CLIENTS, path, name, user, dry_run)


@dataclass
class Lookups:
    """What the rows are checked and applied against."""

    branches: dict[str, int]
    """Branch name → id, of the branches the importer may import into."""
    managers: dict[str, User]
    """Login name (工号) → the active client managers of those branches."""
    clients: dict[str, tuple[int, str, bool]]
    """客户编号 → (id, 资金账号, whether the importer may change it), of every client."""
    accounts: dict[str, str]
    """资金账号 → 客户编号, of every client."""


def _prepare(user: User | None) -> Lookups:
    branches = select(Branch.name, Branch.id).where(Branch.active)
    managers = select(User).where(User.role == "manager", User.active)
    yours = select(Client.id)
    if user is not None:
        branches = branches.where(scope.clause(Branch, user))
        managers = managers.where(scope.clause(User, user))
        yours = yours.where(scope.clause(Client, user))
    own = set(db.session.scalars(yours))
    known = db.session.execute(select(Client.client_no, Client.id, Client.fund_account)).all()
    return Lookups(
        branches={name: branch_id for name, branch_id in db.session.execute(branches)},
        managers={manager.username: manager for manager in db.session.scalars(managers)},
        clients={no: (client_id, account, client_id in own) for no, client_id, account in known},
        accounts={account: no for no, _, account in known},
    )


def _check(path: Path, name: str, lookups: Lookups, outcome: Outcome) -> int:
    errors: list[rules.RowError] = []
    count = 0
    for row in rules.clients(path, name, china_today(), errors):
        count += 1
        errors.extend(
            rules.RowError(row.row, column, value, message)
            for column, value, message in _faults(row, lookups)
        )
    report_errors(errors, outcome)
    return count


def _faults(row: rules.ClientRow, lookups: Lookups):
    """(column, value, what is wrong) of each way the row does not fit the portal."""
    branch_id = lookups.branches.get(row.branch)
    if branch_id is None:
        yield "营业部", row.branch, "没有这个营业部（或不在您的权限范围内）"
    manager = lookups.managers.get(row.manager)
    if manager is None:
        yield "客户经理工号", row.manager, "没有这个工号的在岗客户经理（或不在您的权限范围内）"
    elif branch_id is not None and manager.branch_id != branch_id:
        yield "客户经理工号", row.manager, f"该客户经理不属于{row.branch}"
    client_no, account = row.values["client_no"], row.values["fund_account"]
    known = lookups.clients.get(client_no)
    if known is not None and not known[2]:
        yield "客户编号", client_no, "该客户编号属于其他营业部的客户（或不在您的权限范围内）"
    holder = lookups.accounts.get(account)
    if holder is not None and holder != client_no:
        yield "资金账号", account, "该资金账号已属于其他客户"


def _apply(
    path: Path, name: str, user: User | None, lookups: Lookups, outcome: Outcome, trail_id
) -> set[int]:
    """Open the new clients and update the changed ones; the ids of those whose branch or
    manager changed (their classes are recomputed)."""
    moved: set[int] = set()
    fields: Counter[str] = Counter()
    rows = iter(rules.clients(path, name, china_today(), []))
    while chunk := list(islice(rows, CHUNK)):
        numbers = [row.values["client_no"] for row in chunk]
        stored = {
            client.client_no: client
            for client in db.session.scalars(select(Client).where(Client.client_no.in_(numbers)))
        }
        for row in chunk:
            manager = lookups.managers[row.manager]
            client = stored.get(row.values["client_no"])
            if client is None:
                _open(row, manager, user)
                outcome.new += 1
                continue
            changed = _update(client, row, manager, user, outcome, trail_id)
            if changed:
                outcome.changed += 1
                fields.update(changed)
                if {"branch_id", "manager_id"} & set(changed):
                    moved.add(client.id)
            else:
                outcome.unchanged += 1
        db.session.flush()
    outcome.field_changes = [
        (Client.__table__.c[field].info["label"], count) for field, count in fields.most_common()
    ]
    return moved


def _open(row: rules.ClientRow, manager: User, user: User | None) -> None:
    client = Client(
        client_no=row.values["client_no"], branch_id=manager.branch_id, manager_id=manager.id
    )
    for field in FIELDS:
        setattr(client, field, row.values[field])
    db.session.add(client)
    db.session.flush()
    client_files.record_assignment(client, client.opened_on, user)


def _update(
    client: Client,
    row: rules.ClientRow,
    manager: User,
    user: User | None,
    outcome: Outcome,
    trail_id: str | None,
) -> list[str]:
    """Set the client's fields the row changes; the names of those it changed."""
    values = {field: row.values[field] for field in FIELDS}
    values |= {"branch_id": manager.branch_id, "manager_id": manager.id}
    changed = [field for field, value in values.items() if getattr(client, field) != value]
    old_mobile = client.mobile
    for field in changed:
        setattr(client, field, values[field])
    if "mobile" in changed:
        db.session.add(
            ContactChange(
                client=client,
                old_mobile=old_mobile,
                new_mobile=client.mobile,
                evidence_kind=IMPORT_EVIDENCE,
                evidence_ref=f"{outcome.file_name}（导入编号 {trail_id or '预览'}）"[:200],
                changed_by_id=user.id if user is not None else None,
            )
        )
    if "manager_id" in changed:
        client_files.record_assignment(client, china_today(), user)
    return changed


CLIENTS = Kind("clients", _prepare, _check, _apply)
