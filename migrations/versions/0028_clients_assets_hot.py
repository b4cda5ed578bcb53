"""clients on PostgreSQL: no index on total_assets, so that refreshing the clients' figures
after a month's import is a HOT update

A month of the trading system's figures changes the 月末总资产 of nearly every client. With an
index on ``total_assets`` each of those updates was non-HOT and inserted into all 18 indexes of
``clients``: the refresh of 100,000 clients took 13.5 s of a 28 s import (bench), 3 s with the
two indexes gone. The list's "total assets, high to low" then sorts the scope's rows (top-N
heapsort: ~30 ms for a branch of 25,000 clients, ~40 ms for all 100,000). SQLite rewrites only
the indexes of the changed columns, so it keeps them.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 04:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

ASSETS_INDEXES = {
    "ix_clients_branch_assets": ["branch_id", "total_assets"],
    "ix_clients_total_assets": ["total_assets"],
}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    for name in ASSETS_INDEXES:
        op.drop_index(name, table_name="clients")


def downgrade():
    if not _postgresql():
        return
    for name, columns in ASSETS_INDEXES.items():
        op.create_index(
            name, "clients", columns, postgresql_ops={"total_assets": "DESC NULLS LAST"}
        )
