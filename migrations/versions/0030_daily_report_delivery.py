"""The daily new-account risk report delivered to the branch's 运营总监 and 客服总监 and
acknowledged by them (Art. 8.4); users' posts (职务) within a branch's management

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 04:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("position", sa.String(length=12), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(
            "position_known",
            "position = '' OR (role = 'branch_head' AND "
            "position IN ('general', 'service', 'operations'))",
        )
    op.create_table(
        "daily_risk_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("delivered_by_id", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_daily_risk_reports_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["delivered_by_id"],
            ["users.id"],
            name=op.f("fk_daily_risk_reports_delivered_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_risk_reports")),
        sa.UniqueConstraint("branch_id", "day", name=op.f("uq_daily_risk_reports_branch_id")),
    )
    op.create_table(
        "daily_risk_report_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "position IN ('operations', 'service')",
            name=op.f("ck_daily_risk_report_acks_position_known"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["daily_risk_reports.id"],
            name=op.f("fk_daily_risk_report_acks_report_id_daily_risk_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_daily_risk_report_acks_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_risk_report_acks")),
        sa.UniqueConstraint(
            "report_id", "position", name=op.f("uq_daily_risk_report_acks_report_id")
        ),
    )


def downgrade():
    op.drop_table("daily_risk_report_acks")
    op.drop_table("daily_risk_reports")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_position_known"), type_="check")
        batch_op.drop_column("position")
