"""care: birthdays by month-day, 转销户 requests and retention records (Art. 50.9, 50.10)

``clients.birthday_md`` is the birthday's ``MMDD`` number (:func:`portal.domain.care.month_day`),
indexed after the manager and the branch, so that the birthdays of the coming seven days are one
indexed ``IN`` over a few month-days. Existing rows are filled here in one UPDATE.

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-04 23:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None

MONTH_DAY = {
    "postgresql": "CAST(EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday)"
    " AS SMALLINT)",
    "sqlite": "CAST(strftime('%m%d', birthday) AS INTEGER)",
}


def upgrade():
    op.add_column("clients", sa.Column("birthday_md", sa.SmallInteger(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(
        f"UPDATE clients SET birthday_md = {MONTH_DAY[dialect]} WHERE birthday IS NOT NULL"
    )
    op.create_index(
        "ix_clients_manager_birthday_md", "clients", ["manager_id", "birthday_md"], unique=False
    )
    op.create_index(
        "ix_clients_branch_birthday_md", "clients", ["branch_id", "birthday_md"], unique=False
    )
    op.create_table(
        "client_close_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_close_requests_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_client_close_requests_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_close_requests")),
    )
    op.create_index(
        op.f("ix_client_close_requests_client_id"),
        "client_close_requests",
        ["client_id"],
        unique=False,
    )
    op.create_table(
        "client_retentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('following', 'retained', 'lost')",
            name=op.f("ck_client_retentions_retention_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_retentions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_client_retentions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_retentions")),
    )
    op.create_index(
        op.f("ix_client_retentions_client_id"), "client_retentions", ["client_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_client_retentions_client_id"), table_name="client_retentions")
    op.drop_table("client_retentions")
    op.drop_index(op.f("ix_client_close_requests_client_id"), table_name="client_close_requests")
    op.drop_table("client_close_requests")
    op.drop_index("ix_clients_branch_birthday_md", table_name="clients")
    op.drop_index("ix_clients_manager_birthday_md", table_name="clients")
    op.drop_column("clients", "birthday_md")
