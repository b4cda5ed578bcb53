"""Asset-band settings (资产分档, Art. 3, 12): versions of the five lower bounds, company-wide
or a branch's own, proposed and approved like the turnover thresholds

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 04:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "asset_band_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        *(
            sa.Column(f"floor_{n}", sa.Numeric(precision=16, scale=2), nullable=False)
            for n in range(1, 6)
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('approved', 'proposed', 'rejected')",
            name=op.f("ck_asset_band_settings_status_known"),
        ),
        sa.CheckConstraint(
            "branch_id IS NOT NULL OR status = 'approved'",
            name=op.f("ck_asset_band_settings_company_wide_approved"),
        ),
        sa.CheckConstraint(
            "floor_1 > 0 AND floor_1 < floor_2 AND floor_2 < floor_3 AND floor_3 < floor_4 "
            "AND floor_4 < floor_5",
            name=op.f("ck_asset_band_settings_floors_ascending"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_asset_band_settings_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_asset_band_settings_set_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_asset_band_settings_decided_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_band_settings")),
    )


def downgrade():
    op.drop_table("asset_band_settings")
