"""Identity data encrypted at rest: ID numbers, phones and e-mail of clients and related persons

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 22:00:00

The values are sealed with the app's key (``PII_KEY``, or ``instance/pii_key`` in the embedded
set-up: :mod:`portal.models.encrypted`, read by ``create_app``, in whose context ``flask db
upgrade`` runs), in batches of ids (:func:`portal.services.crypto.rewrite`); a value already
sealed is left alone, so a re-run does nothing. ``clients.id_number_hash`` (the keyed hash of
the exact search) is added and filled.

The audit trail's old and new values of those fields are sealed too. The trail refuses UPDATE
(migration 0001's trigger); here, and only in this transaction, the trigger is suspended
(:func:`portal.models.audit.values_rewritable`) to rewrite those values — the same values,
sealed — and is back on when the migration commits. Run as the tables' owner (as every
migration is).

PostgreSQL: the columns become ``TEXT`` (a sealed value is longer than the number). SQLite
enforces no VARCHAR length and changing a declared type would rebuild the table, so there the
declared types stay (``tests/test_migrations.py`` lists the difference). Old plain versions of
the rewritten rows may linger in free pages (SQLite) or dead tuples (PostgreSQL) until
``VACUUM`` (``VACUUM FULL`` on PostgreSQL): run it after this upgrade; it cannot run inside a
migration's transaction. ``secure_delete`` is set on SQLite for this connection, so the pages
this migration frees are zeroed.
"""

import sqlalchemy as sa
from alembic import op

from portal.models.audit import values_rewritable
from portal.services.crypto import hash_of_sealed, rewrite, seal_plain

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FIELDS = {
    "clients": {
        "id_number": 32,
        "home_phone": 20,
        "work_phone": 20,
        "mobile": 11,
        "email": 120,
    },
    "client_related_persons": {"phone": 20},
}
"""The encrypted columns, by table → their former VARCHAR length."""


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if not postgres:
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    op.add_column("clients", sa.Column("id_number_hash", sa.String(64), nullable=True))
    op.create_index("ix_clients_id_number_hash", "clients", ["id_number_hash"])
    for table, columns in FIELDS.items():
        if postgres:
            for column, length in columns.items():
                op.alter_column(
                    table, column, type_=sa.Text(), existing_type=sa.String(length)
                )
    seal_existing(bind)


def seal_existing(bind) -> None:
    """Seal the plain values of the encrypted columns and of their audit rows (a sealed value
    is left alone), filling ``clients.id_number_hash``."""
    rewrite(
        bind,
        "clients",
        list(FIELDS["clients"]),
        seal_plain,
        derived={"id_number_hash": ("id_number", hash_of_sealed)},
    )
    rewrite(bind, "client_related_persons", list(FIELDS["client_related_persons"]), seal_plain)
    of_fields = sa.or_(
        *(
            sa.and_(sa.column("record_type") == table, sa.column("field").in_(list(columns)))
            for table, columns in FIELDS.items()
        )
    )
    with values_rewritable(bind):
        rewrite(bind, "audit_log", ["old_value", "new_value"], seal_plain, where=lambda c: of_fields)


def downgrade():
    raise NotImplementedError("identity data is not decrypted back into plain text")
