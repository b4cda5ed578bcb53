"""SMS to new accounts (Art. 34–35): templates, messages, outbox batches; clients' 服务套餐

Revision ID: 0023
Revises: 0014
Create Date: 2026-12-05 01:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0014"
branch_labels = None
depends_on = None

KINDS = "kind IN ('two_weeks', 'three_months')"


def upgrade():
    op.add_column(
        "clients",
        sa.Column("service_package", sa.String(length=40), nullable=False, server_default=""),
    )
    op.create_table(
        "sms_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_sms_templates_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_templates")),
        sa.UniqueConstraint("kind", name=op.f("uq_sms_templates_kind")),
    )
    op.create_table(
        "sms_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('exported', 'sent')", name=op.f("ck_sms_batches_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_sms_batches_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sms_batches_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_sms_batches_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_batches")),
    )
    op.create_index(op.f("ix_sms_batches_branch_id"), "sms_batches", ["branch_id"])
    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),  # sealed (models.encrypted)
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("queued_by_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(KINDS, name=op.f("ck_sms_messages_kind_known")),
        sa.CheckConstraint(
            "status IN ('queued', 'batched', 'sent')", name=op.f("ck_sms_messages_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["sms_batches.id"], name=op.f("fk_sms_messages_batch_id_sms_batches")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_sms_messages_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_sms_messages_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_sms_messages_manager_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["queued_by_id"], ["users.id"], name=op.f("fk_sms_messages_queued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_sms_messages_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
        sa.UniqueConstraint("client_id", "kind", name=op.f("uq_sms_messages_client_id")),
    )
    op.create_index("ix_sms_messages_branch_status", "sms_messages", ["branch_id", "status"])


def downgrade():
    op.drop_index("ix_sms_messages_branch_status", table_name="sms_messages")
    op.drop_table("sms_messages")
    op.drop_index(op.f("ix_sms_batches_branch_id"), table_name="sms_batches")
    op.drop_table("sms_batches")
    op.drop_table("sms_templates")
    op.drop_column("clients", "service_package")
