"""Importing the trading system's monthly figures (Step 10; SPEC §2): from the web (HQ for
every branch, a branch head for theirs) and from ``flask import figures PATH [--dry-run]``.

**All or nothing.** The file is read twice, a row at a time: first every row is checked
(:mod:`portal.domain.imports`, plus: the account is one of the importer's clients) and any
fault refuses the whole file, with a report of every bad row; then the rows are applied a
chunk at a time, in one transaction.

**Idempotent.** Each row is compared with the stored figure of its account and month: a new
month is inserted, a changed one updated (only its changed fields in the trail), an equal one
left alone — importing a file again changes nothing and writes no trail row.

**Fast.** Statements are bulk (new rows by ``COPY`` on PostgreSQL, ``UPDATE`` by id with many
parameter sets), the trail is written in bulk (:func:`portal.models.audit.write_trail`,
each row naming the import), and the clients' figures and classes are recomputed once at the
end, in SQL (``services.classification``, class history cause 数据导入).

**A preview** (``dry_run``) does all of it and rolls back, reporting what the import would do:
the counts of new / changed / unchanged rows and the class movements. Every import that is
taken or refused is recorded (:class:`portal.models.DataImport`); a preview is not.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import BigInteger, any_, bindparam, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from portal.domain import imports as rules
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import ClassChange, Client, DataImport, MonthlyFigure, User
from portal.models.audit import bulk_insert, caused_by, current_actor, write_trail
from portal.models.client import ASSETS_INDEXES
from portal.services import classification, scope
from portal.services.records import use_case

CAUSE_IMPORT = "数据导入"
CHUNK = 5000
"""Rows applied at a time: well under both databases' limits on bound parameters."""

NOT_YOURS = "没有这个资金账号的客户（或不在您的权限范围内）"

WHOLE_BOOK_SHARE = 0.25
"""An import that changed the figures of more than this share of all clients recomputes every
client's figures and class in one statement each rather than by chunks of ids: on PostgreSQL
with 100,000 clients, all of them take 4 s, each chunk of 5,000 ids 0.8 s. A client whose class
it changes is one whose figures it changed (the others' classes are already up to date)."""

ANALYZE_AFTER = 10_000
"""New rows after which PostgreSQL's statistics of the figures are refreshed before they are
read back (measured: the refresh of 100,000 clients after a month's import takes 11 s with
the old statistics)."""

REFRESH_WORK_MEM = "64MB"

REPORTED_ERRORS = 500
"""At most this many bad rows are listed (all are counted)."""

figures = MonthlyFigure.__table__


@dataclass
class Outcome:
    """What an import did (or, previewed, would do)."""

    file_name: str
    sha256: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    class_moves: list[tuple[str | None, str | None, int]] = field(default_factory=list)
    field_changes: list[tuple[str, int]] = field(default_factory=list)
    """(field's label, rows changing it), most changed first: of a client master-data file."""
    errors: list[rules.RowError] = field(default_factory=list)
    error_total: int = 0
    file_error: str = ""
    record: DataImport | None = None

    @property
    def refused(self) -> bool:
        return bool(self.error_total or self.file_error)

    @property
    def class_changes(self) -> int:
        return sum(count for _, _, count in self.class_moves)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_figures(path: Path, name: str, user: User | None, *, dry_run: bool = False) -> Outcome:
    """Import the figures file at ``path`` (uploaded as ``name``) for ``user`` — the clients in
    their scope; every client for ``None`` (the command line). A preview (``dry_run``) changes
    nothing and records nothing."""
    return run(FIGURES, path, name, user, dry_run)


@dataclass(frozen=True)
class Kind:
    """What one kind of file is read and applied with: ``prepare(user)`` the lookups both
    passes need; ``check(path, name, lookups, outcome)`` reads every row once, collects every
    fault in the outcome and returns the number of rows; ``apply(path, name, user, lookups,
    outcome, trail_id)`` applies the (checked) file and returns the ids of the clients whose
    figures or branch it changed (their classes are then recomputed). The figures are
    :data:`FIGURES`; the clients' master data ``services.client_import.CLIENTS``."""

    name: str
    prepare: Callable
    check: Callable
    apply: Callable


def run(kind: Kind, path: Path, name: str, user: User | None, dry_run: bool) -> Outcome:
    """Import a file of ``kind``: all of it or, with any fault, nothing (the outcome lists the
    faults); a preview (``dry_run``) does it all and rolls back, and is not recorded."""
    outcome = Outcome(file_name=name, sha256=sha256_of(path))
    lookups = kind.prepare(user)
    try:
        outcome.rows = kind.check(path, name, lookups, outcome)
    except rules.FileError as error:
        outcome.file_error = str(error)
    if outcome.refused:
        if not dry_run:
            _record_refused(kind, outcome, user)
        return outcome
    if dry_run:
        try:
            _apply_file(kind, path, name, user, lookups, outcome, trail_id=None)
        finally:
            db.session.rollback()
        return outcome
    _import(kind, path, name, user, lookups, outcome)
    return outcome


@use_case
def _record_refused(kind: Kind, outcome: Outcome, user: User | None) -> None:
    _record(kind, outcome, user, "refused")


@use_case
def _import(
    kind: Kind, path: Path, name: str, user: User | None, lookups, outcome: Outcome
) -> None:
    record = _record(kind, outcome, user, "imported")
    with caused_by(record.trail_id):
        _apply_file(kind, path, name, user, lookups, outcome, trail_id=record.trail_id)
    record.new, record.changed, record.unchanged = outcome.new, outcome.changed, outcome.unchanged
    record.class_changes = outcome.class_changes
    if not (outcome.new or outcome.changed):
        record.result = "unchanged"


def _apply_file(
    kind: Kind, path: Path, name: str, user: User | None, lookups, outcome: Outcome, trail_id
) -> None:
    """Apply the (checked) file, then recompute the figures and classes of the clients it
    changed, noting the class movements in ``outcome``."""
    last_change = db.session.scalar(select(func.max(ClassChange.id))) or 0
    touched = kind.apply(path, name, user, lookups, outcome, trail_id)
    if touched:
        clients = db.session.scalar(select(func.count(Client.id)))
        ids = None if len(touched) > clients * WHOLE_BOOK_SHARE else touched
        if db.session.get_bind().dialect.name == "postgresql":
            # The refresh of the whole book aggregates a year of figures of every client: with
            # the default 4 MB it spilled 70 MB to disk (for this transaction only).
            db.session.execute(text(f"SET LOCAL work_mem = '{REFRESH_WORK_MEM}'"))
            if outcome.new > ANALYZE_AFTER:
                # The planner's row counts are a month behind: recompute them before the
                # refresh reads the table (inside the transaction; autovacuum comes later).
                db.session.execute(text("ANALYZE client_monthly_figures"))
        with _without_assets_indexes(ids is None):
            classification.refresh_client_figures(ids)
        classification.reclassify(ids, cause=CAUSE_IMPORT, user=user)
        outcome.class_moves = _moves_since(last_change)


@contextmanager
def _without_assets_indexes(whole_book: bool):
    """On PostgreSQL, a refresh of every client's figures runs without the indexes on
    ``total_assets`` (``models.client.ASSETS_INDEXES``), which are made again after it, in the
    import's transaction: with them each of the 100,000 updates was non-HOT, written into all
    of the table's indexes (13.5 s; 3 s without, 0.6 s to make them again). The portal's reads
    of the clients wait for the import's commit meanwhile (DROP INDEX locks the table)."""
    if not whole_book or db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    indexes = [i for i in Client.__table__.indexes if i.name in ASSETS_INDEXES]
    connection = db.session.connection()
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _apply_figures(
    path: Path, name: str, user: User | None, accounts: dict, outcome: Outcome, trail_id
) -> set[int]:
    touched: set[int] = set()
    for chunk in _batches(rules.figures(path, name, china_today(), []), CHUNK):
        _apply(chunk, accounts, outcome, touched, trail_id)
    return touched


def _accounts(user: User | None) -> dict[str, int]:
    """Fund account → client id of the clients the importer may change."""
    query = select(Client.fund_account, Client.id)
    if user is not None:
        query = query.where(scope.clause(Client, user))
    return {account: client_id for account, client_id in db.session.execute(query)}


def _check_figures(path: Path, name: str, accounts: dict, outcome: Outcome) -> int:
    """Read every row once, collecting every fault in ``outcome``; the number of rows."""
    errors: list[rules.RowError] = []
    count = 0
    for figure in rules.figures(path, name, china_today(), errors):
        count += 1
        if figure.fund_account not in accounts:
            errors.append(rules.RowError(figure.row, "资金账号", figure.fund_account, NOT_YOURS))
    return count + report_errors(errors, outcome)


def report_errors(errors: list[rules.RowError], outcome: Outcome) -> int:
    """Put ``errors`` (by row) in ``outcome``; the number of rows they are in."""
    outcome.error_total = len(errors)
    outcome.errors = sorted(errors, key=lambda e: e.row)[:REPORTED_ERRORS]
    return len({e.row for e in errors})


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


AMOUNTS = rules.AMOUNTS


def _apply(
    chunk: list[rules.Figure],
    accounts: dict[str, int],
    outcome: Outcome,
    touched: set[int],
    trail_id: str | None,
) -> None:
    """Insert the chunk's new months, update its changed ones, leave the equal ones; write the
    trail of both."""
    keyed = {(accounts[f.fund_account], f.month): f for f in chunk}
    client_ids = {client_id for client_id, _ in keyed}
    months = {month for _, month in keyed}
    stored = {
        (row.client_id, row.month): row
        for row in db.session.execute(
            select(
                figures.c.id, figures.c.client_id, figures.c.month, *map(figures.c.get, AMOUNTS)
            ).where(_among(figures.c.client_id, client_ids), figures.c.month.in_(months))
        )
    }
    new_rows, updates, trail = [], [], []
    for key, figure in keyed.items():
        row = stored.get(key)
        if row is None:
            new_rows.append({"client_id": key[0], "month": key[1], **figure.values})
            continue
        changes = {
            name: (_cents(getattr(row, name)), value)
            for name, value in figure.values.items()
            if _cents(getattr(row, name)) != value
        }
        if not changes:
            outcome.unchanged += 1
            continue
        updates.append({"_id": row.id, **{name: new for name, (_, new) in changes.items()}})
        trail.append((row.id, key[0], "update", changes))
        touched.add(key[0])
    if new_rows:
        bulk_insert(figures, new_rows)
        ids = {
            (row.client_id, row.month): row.id
            for row in db.session.execute(
                select(figures.c.id, figures.c.client_id, figures.c.month).where(
                    _among(figures.c.client_id, {v["client_id"] for v in new_rows}),
                    figures.c.month.in_({v["month"] for v in new_rows}),
                )
            )
        }
        for values in new_rows:
            inserted_values = {k: (None, v) for k, v in values.items()}
            record_id = ids[values["client_id"], values["month"]]
            trail.append((record_id, values["client_id"], "insert", inserted_values))
            touched.add(values["client_id"])
    # One statement per set of changed columns (executemany needs the same parameters).
    by_columns: dict[tuple[str, ...], list[dict]] = {}
    for values in updates:
        by_columns.setdefault(tuple(sorted(values)), []).append(values)
    for columns, rows in by_columns.items():
        db.session.execute(
            update(figures)
            .where(figures.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in columns if name != "_id"}),
            rows,
        )
    write_trail(MonthlyFigure, trail, request_id=trail_id)
    outcome.new += len(new_rows)
    outcome.changed += len(updates)


def _among(column, ids: set[int]):
    """``column IN ids``; on PostgreSQL as ``= ANY(array)``, one parameter rather than thousands
    (the driver took 2 s of an import splitting statements of 5,000 placeholders)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(sorted(ids), ARRAY(BigInteger)))
    return column.in_(ids)


def _cents(value) -> Decimal:
    """A stored amount as the file's (SQLite hands back binary floats as Decimal)."""
    return Decimal(value).quantize(rules.CENT)


def _moves_since(last_change: int) -> list[tuple[str | None, str | None, int]]:
    rows = db.session.execute(
        select(ClassChange.from_class, ClassChange.to_class, func.count())
        .where(ClassChange.id > last_change, ClassChange.cause == CAUSE_IMPORT)
        .group_by(ClassChange.from_class, ClassChange.to_class)
    ).all()
    return sorted(((a, b, n) for a, b, n in rows), key=lambda m: -m[2])


def _record(kind: Kind, outcome: Outcome, user: User | None, result: str) -> DataImport:
    user_id, actor, _ = current_actor()
    record = DataImport(
        user_id=user.id if user is not None else user_id,
        actor=user.username if user is not None else actor,
        branch_id=user.branch_id if user is not None else None,
        kind=kind.name,
        file_name=outcome.file_name[:200],
        sha256=outcome.sha256,
        rows=outcome.rows,
        errors=outcome.error_total + bool(outcome.file_error),
        result=result,
    )
    db.session.add(record)
    db.session.flush()
    outcome.record = record
    return record


FIGURES = Kind("figures", _accounts, _check_figures, _apply_figures)


def _upload_dir(user: User) -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports" / str(user.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_upload(stream: BinaryIO, name: str, user: User) -> Path:
    """Keep an uploaded file for its preview and import: in the user's own folder of the
    upload directory, named by its SHA-256 (the token the confirmation carries)."""
    folder = _upload_dir(user)
    partial = folder / f".{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    with partial.open("wb") as file:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            file.write(chunk)
    suffix = Path(name).suffix.lower()
    path = folder / f"{digest.hexdigest()}{suffix}"
    partial.replace(path)
    return path


def kept_upload(token: str, user: User) -> Path | None:
    """The file the user previewed under ``token`` (``<sha256>.<ext>``), if it is still kept
    and unchanged."""
    path = _upload_dir(user) / token
    if not path.is_file() or sha256_of(path) != token.partition(".")[0]:
        return None
    return path


def recent(user: User, limit: int = 50) -> list[DataImport]:
    """The latest imports the user may see (``scope``: HQ all, a branch head their branch's)."""
    return list(
        db.session.scalars(
            scope.scoped(DataImport, user).order_by(DataImport.id.desc()).limit(limit)
        )
    )
