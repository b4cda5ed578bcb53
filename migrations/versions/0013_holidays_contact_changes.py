"""HQ's holiday table (calendar_days); contact changes with evidence (client_contact_changes)

Revision ID: 0013
Revises: 0019
Create Date: 2026-12-04 23:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_calendar_days_entered_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_days")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_days_day")),
    )
    op.create_table(
        "client_contact_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("old_mobile", sa.Text(), nullable=True),
        sa.Column("new_mobile", sa.Text(), nullable=True),
        sa.Column("old_email", sa.Text(), nullable=True),
        sa.Column("new_email", sa.Text(), nullable=True),
        sa.Column("evidence_kind", sa.String(length=10), nullable=False),
        sa.Column("evidence_ref", sa.String(length=200), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "evidence_kind IN ('recording', 'letter', 'other')",
            name=op.f("ck_client_contact_changes_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_client_contact_changes_changed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_contact_changes_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_contact_changes")),
    )
    op.create_index(
        op.f("ix_client_contact_changes_client_id"),
        "client_contact_changes",
        ["client_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_client_contact_changes_client_id"), table_name="client_contact_changes")
    op.drop_table("client_contact_changes")
    op.drop_table("calendar_days")
