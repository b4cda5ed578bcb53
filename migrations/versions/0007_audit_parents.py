"""audit trail: the parent record of a part (a client's related persons and figures, a work
log's consultations, a visit's self-evaluation …), so the parent's history shows its parts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 02:50:00

Only columns and an index are added: the append-only triggers of 0001 stay as they are (and
an ``ALTER TABLE … ADD COLUMN`` fires no row trigger). Rows written before this revision have
no parent; they cannot be back-filled, since ``audit_log`` refuses every ``UPDATE``.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not batch mode): on SQLite a batch "move and copy" would recreate
    # the table and lose its triggers.
    op.add_column("audit_log", sa.Column("parent_type", sa.String(length=40), nullable=True))
    op.add_column(
        "audit_log",
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    )
    op.create_index(
        "ix_audit_log_parent", "audit_log", ["parent_type", "parent_id", "id"], unique=False
    )


def downgrade():
    op.drop_index("ix_audit_log_parent", table_name="audit_log")
    op.drop_column("audit_log", "parent_id")
    op.drop_column("audit_log", "parent_type")
