"""clients on PostgreSQL: fillfactor 50 and no index on class_code, so that reclassifying is a
HOT update; the total-assets indexes in the order of the list's sort (DESC NULLS LAST)

A change of class writes ``class_code`` and ``updated_at`` only. Without an index on either and
with free room on the row's page, PostgreSQL makes it a HOT update that touches none of the 15
indexes of ``clients``: reclassifying 100,000 clients after a threshold change (nearly every
class flipping) took 7-14 s with ``ix_clients_branch_class`` and full pages, ~2 s without.
SQLite rewrites only the indexes of the changed columns, so it keeps the class index.

The fillfactor applies to pages written from now on; ``VACUUM FULL clients`` (an exclusive
lock) rewrites the existing ones at once, otherwise they gain room as rows are updated.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 02:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FILLFACTOR = 50
ASSETS_INDEXES = {
    "ix_clients_branch_assets": ["branch_id", "total_assets"],
    "ix_clients_total_assets": ["total_assets"],
}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute(f"ALTER TABLE clients SET (fillfactor = {FILLFACTOR})")
    op.drop_index("ix_clients_branch_class", table_name="clients")
    for name, columns in ASSETS_INDEXES.items():
        op.drop_index(name, table_name="clients")
        op.create_index(
            name, "clients", columns, postgresql_ops={"total_assets": "DESC NULLS LAST"}
        )


def downgrade():
    if not _postgresql():
        return
    for name, columns in ASSETS_INDEXES.items():
        op.drop_index(name, table_name="clients")
        op.create_index(name, "clients", columns)
    op.create_index("ix_clients_branch_class", "clients", ["branch_id", "class_code"])
    op.execute("ALTER TABLE clients RESET (fillfactor)")
