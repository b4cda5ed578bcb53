"""Institutional clients (机构客户, Art. 8.1; SPEC §8): a client type, an institution's 经办人
(name, document, mobile; the number and mobile sealed like the client's own), and an identity
check by type — a person has a gender, an institution neither gender nor birthday

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-05 04:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0027"
branch_labels = None
depends_on = None

BY_TYPE = (
    "(client_type = 'individual' AND gender IN ('男', '女')) OR "
    "(client_type = 'institution' AND gender = '' AND birthday IS NULL)"
)


def upgrade():
    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(
            sa.Column(
                "client_type", sa.String(length=12), nullable=False, server_default="individual"
            )
        )
        batch_op.add_column(
            sa.Column("agent_name", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("agent_id_type", sa.String(length=12), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("agent_id_number", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("agent_phone", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint(op.f("ck_clients_gender_known"), type_="check")
        batch_op.create_check_constraint(
            "client_type_known", "client_type IN ('individual', 'institution')"
        )
        batch_op.create_check_constraint("identity_by_type", BY_TYPE)


def downgrade():
    op.execute("DELETE FROM clients WHERE client_type = 'institution'")
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_constraint(op.f("ck_clients_identity_by_type"), type_="check")
        batch_op.drop_constraint(op.f("ck_clients_client_type_known"), type_="check")
        batch_op.create_check_constraint("gender_known", "gender IN ('男', '女')")
        for column in ("agent_phone", "agent_id_number", "agent_id_type", "agent_name"):
            batch_op.drop_column(column)
        batch_op.drop_column("client_type")
