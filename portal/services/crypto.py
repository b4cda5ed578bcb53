"""Re-sealing identity data in place: migration 0010 seals what was stored plain, the key
rotation (``flask pii rotate-key``) re-seals what an older key sealed. Both walk a table in
batches of ids (never the whole table in memory) and rewrite only the rows that need it; both
are idempotent, so a second run finds nothing to do.

The audit trail's values are rewritten too, inside :func:`portal.models.audit.values_rewritable`
(its append-only trigger refuses UPDATE otherwise): the same values, under another key.
"""

from collections.abc import Callable

import sqlalchemy as sa

from portal.domain.crypto import PREFIX, is_sealed
from portal.extensions import db
from portal.models.audit import values_rewritable
from portal.models.encrypted import Encrypted, id_number_hash, keyring

BATCH = 1000

Change = Callable[[str | None], str | None]
"""A stored text → its new text, or ``None`` to leave it as it is."""


def rewrite(
    connection,
    table: str,
    columns: list[str],
    change: Change,
    where=None,
    derived: dict[str, tuple[str, Change]] | None = None,
) -> int:
    """Apply ``change`` to ``columns`` of every row of ``table`` (matching ``where``, a function
    of the table's columns), a batch of ids at a time; ``derived`` names columns recomputed
    from a changed column (name → (source column, function of the source's new text)).
    Returns the number of rows rewritten."""
    derived = derived or {}
    names = ["id", *columns, *derived]
    t = sa.table(table, *(sa.column(name) for name in names))
    statement = (
        sa.update(t)
        .where(t.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(f"new_{name}") for name in [*columns, *derived]})
    )
    last, rewritten = 0, 0
    while True:
        query = sa.select(*(t.c[name] for name in names)).where(t.c.id > last)
        if where is not None:
            query = query.where(where(t.c))
        rows = connection.execute(query.order_by(t.c.id).limit(BATCH)).mappings().all()
        if not rows:
            return rewritten
        updates = []
        for row in rows:
            new = {name: change(row[name]) for name in columns}
            if all(value is None for value in new.values()):
                continue
            values = {f"new_{name}": row[name] if new[name] is None else new[name] for name in new}
            for name, (source, compute) in derived.items():
                values[f"new_{name}"] = compute(values[f"new_{source}"])
            updates.append({"row_id": row["id"], **values})
        if updates:
            connection.execute(statement, updates)
            rewritten += len(updates)
        last = rows[-1]["id"]


def seal_plain(text: str | None) -> str | None:
    """Migration 0010: a plain text sealed with the current key (empty and sealed: as is)."""
    return keyring().seal(text) if text and not is_sealed(text) else None


def reseal(text: str | None) -> str | None:
    """Rotation: a text sealed with an older key, sealed again with the current one."""
    if not is_sealed(text) or keyring().is_current(text):
        return None
    return keyring().seal(keyring().open(text))


def hash_of_sealed(text: str | None) -> str | None:
    """``Client.id_number_hash`` of a stored (sealed) ID number, under the current key."""
    return id_number_hash(keyring().open(text) if is_sealed(text) else text)


def encrypted_columns() -> dict[str, list[str]]:
    """Every encrypted column of the models, by table."""
    found: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                found.setdefault(table.name, []).append(column.name)
    return found


DERIVED = {"clients": {"id_number_hash": ("id_number", hash_of_sealed)}}
"""Search hashes kept beside encrypted columns: keyed by the current key, so recomputed with
their source (a row sealed under the current key already has its hash under it)."""


def rotate_key() -> dict[str, int]:
    """Re-seal every encrypted value (records and audit trail) sealed with a key other than
    the current one, and recompute the search hashes; in one transaction, so that either all of
    it is under the new key or nothing changed. Returns rows rewritten per table."""
    counts: dict[str, int] = {}
    with db.engine.begin() as connection:
        for table, columns in encrypted_columns().items():
            derived = DERIVED.get(table, {})
            counts[table] = rewrite(connection, table, columns, reseal, derived=derived)
        with values_rewritable(connection):
            counts["audit_log"] = rewrite(
                connection,
                "audit_log",
                ["old_value", "new_value"],
                reseal,
                where=lambda c: sa.or_(
                    c.old_value.startswith(PREFIX), c.new_value.startswith(PREFIX)
                ),
            )
    return counts
