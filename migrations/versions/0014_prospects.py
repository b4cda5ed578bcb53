"""prospects: appointments to open an account (预约开户, Art. 32) and their follow-ups

Revision ID: 0014
Revises: 0022
Create Date: 2026-12-05 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "prospects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),  # sealed (models.encrypted)
        sa.Column("appointment_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("last_touch_on", sa.Date(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'opened', 'dropped')", name=op.f("ck_prospects_status_known")
        ),
        sa.CheckConstraint(
            "source IN ('counter', 'phone', 'online', 'referral', 'event', 'other')",
            name=op.f("ck_prospects_source_known"),
        ),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_prospects_branch_id_branches")),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_prospects_client_id_clients")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_prospects_created_by_id_users")),
        sa.ForeignKeyConstraint(["manager_id"], ["users.id"], name=op.f("fk_prospects_manager_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospects")),
        sa.UniqueConstraint("client_id", name=op.f("uq_prospects_client_id")),
    )
    op.create_index(
        "ix_prospects_branch_status_touch", "prospects", ["branch_id", "status", "last_touch_on"]
    )
    op.create_index(
        "ix_prospects_manager_status_touch", "prospects", ["manager_id", "status", "last_touch_on"]
    )
    op.create_table(
        "prospect_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('contacted', 'no_answer', 'rescheduled', 'dropped')",
            name=op.f("ck_prospect_follow_ups_outcome_known"),
        ),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_prospect_follow_ups_by_id_users")),
        sa.ForeignKeyConstraint(
            ["prospect_id"], ["prospects.id"], name=op.f("fk_prospect_follow_ups_prospect_id_prospects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospect_follow_ups")),
    )
    op.create_index(
        op.f("ix_prospect_follow_ups_prospect_id"), "prospect_follow_ups", ["prospect_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_prospect_follow_ups_prospect_id"), table_name="prospect_follow_ups")
    op.drop_table("prospect_follow_ups")
    op.drop_index("ix_prospects_manager_status_touch", table_name="prospects")
    op.drop_index("ix_prospects_branch_status_touch", table_name="prospects")
    op.drop_table("prospects")
