"""PostgreSQL refuses TRUNCATE of the audit trail, and of advice within its two years

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:00:00

The row triggers of 0001 (append-only ``audit_log``) and 0005 (two-year retention of advice)
do not fire on ``TRUNCATE``, which empties a table without touching its rows one by one. A
statement trigger closes that door: ``audit_log`` can never be truncated, the advice tables
only when none of their records is younger than two years. SQLite has no TRUNCATE (its
``DELETE FROM`` without ``WHERE`` fires the row triggers).

Superuser maintenance (a test's reset, a restore) sets ``session_replication_role = replica``,
which suspends ordinary triggers for that session only.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

YOUNG = {
    "advice_records": "given_at",
    "advice_followups": None,  # its advice's date: emptied only with its advice
    "advice_daily_summaries": "day",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"""
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()"
    )
    for table, column in YOUNG.items():
        young = (
            f"SELECT 1 FROM {table} WHERE {column} > now() AT TIME ZONE 'UTC' - interval '2 years'"
            if column
            else f"SELECT 1 FROM {table} f JOIN advice_records a ON a.id = f.advice_id "
            "WHERE a.given_at > now() AT TIME ZONE 'UTC' - interval '2 years'"
        )
        op.execute(
            f"""CREATE FUNCTION {table}_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF EXISTS ({young}) THEN
                RAISE EXCEPTION '{table}: retained for two years from its date';
              END IF;
              RETURN NULL;
            END $$"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate()"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("audit_log", *YOUNG):
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION {table}_no_truncate()")
