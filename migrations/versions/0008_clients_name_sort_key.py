"""clients: a stored pinyin sort key of the name (SPEC §7), and the name-order indexes on it

Within a surname letter, clients are ordered by ``name_sort_key`` (the pinyin of the whole name,
the surname read as a surname; :func:`portal.domain.surname.sort_key`) instead of by the code
points of ``name``. The three ``…_initial_name`` indexes become ``…_name_order`` indexes on
(scope, surname_initial, name_sort_key, id), so that a page of the list, 附件4 and 附件7 are read
in index order, without a sort, whatever the number of clients.

The key of existing rows is computed here, in batches of ids, with the same function the model
uses. The column is added ``NOT NULL DEFAULT ''`` (SQLite adds a NOT NULL column only with a
default); PostgreSQL then drops the default, SQLite keeps it (dropping it would recreate the
table), and the model always sets the key.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:00:00

"""

import sqlalchemy as sa
from alembic import op

from portal.domain import surname

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KEY_LENGTH = 400
BATCH = 2000
SCOPES = {"manager": ["manager_id"], "branch": ["branch_id"], "": []}
"""Name-order index per scope (``""``: hq, every client) → its leading columns."""


def _index(scope: str, suffix: str) -> str:
    return "_".join(part for part in ("ix_clients", scope, suffix) if part)


def _fill() -> None:
    bind = op.get_bind()
    clients = sa.table("clients", sa.column("id"), sa.column("name"), sa.column("name_sort_key"))
    update = (
        sa.update(clients)
        .where(clients.c.id == sa.bindparam("client_id"))
        .values(name_sort_key=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(clients.c.id, clients.c.name)
            .where(clients.c.id > last)
            .order_by(clients.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            update,
            [{"client_id": id_, "key": surname.sort_key(name)[:KEY_LENGTH]} for id_, name in rows],
        )
        last = rows[-1].id


def upgrade():
    column_type = sa.String(KEY_LENGTH).with_variant(
        sa.String(KEY_LENGTH, collation="C"), "postgresql"
    )
    op.add_column(
        "clients",
        sa.Column("name_sort_key", column_type, nullable=False, server_default=""),
    )
    _fill()
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("clients", "name_sort_key", server_default=None)
    for scope, leading in SCOPES.items():
        op.drop_index(_index(scope, "initial_name"), table_name="clients")
        op.create_index(
            _index(scope, "name_order"),
            "clients",
            [*leading, "surname_initial", "name_sort_key", "id"],
        )


def downgrade():
    for scope, leading in SCOPES.items():
        op.drop_index(_index(scope, "name_order"), table_name="clients")
        op.create_index(
            _index(scope, "initial_name"), "clients", [*leading, "surname_initial", "name"]
        )
    op.drop_column("clients", "name_sort_key")
