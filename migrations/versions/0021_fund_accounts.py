"""clients: 开通基金账户 (Art. 8.4: their risk data go to the fund sales platform)

Revision ID: 0021
Revises: 0011
Create Date: 2026-12-05 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # NOT NULL needs a default for the existing rows (and SQLite's ADD COLUMN); new rows get
    # theirs from the model.
    op.add_column(
        "clients",
        sa.Column("has_fund_account", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column("clients", "has_fund_account")
