"""Contact changes made by an import from the trading system: evidence kind 数据导入, and no
portal user when the import ran from the command line

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-05 04:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0023"
branch_labels = None
depends_on = None

NAME = "ck_client_contact_changes_kind_known"


def _kinds(batch_op, kinds: str, by_user_nullable: bool) -> None:
    batch_op.drop_constraint(op.f(NAME), type_="check")
    batch_op.create_check_constraint("kind_known", f"evidence_kind IN ({kinds})")
    batch_op.alter_column("changed_by_id", existing_type=sa.Integer(), nullable=by_user_nullable)


def upgrade():
    with op.batch_alter_table("client_contact_changes") as batch_op:
        _kinds(batch_op, "'recording', 'letter', 'other', 'import'", True)


def downgrade():
    op.execute("DELETE FROM client_contact_changes WHERE evidence_kind = 'import'")
    with op.batch_alter_table("client_contact_changes") as batch_op:
        _kinds(batch_op, "'recording', 'letter', 'other'", False)
