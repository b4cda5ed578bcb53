"""The models and the migrations describe the same schema: Alembic's own comparison
(``compare_metadata``, what ``flask db migrate`` would write) finds nothing between the models
and the database the suite built with the migrations (``flask db upgrade``), on SQLite and on
PostgreSQL alike. A model changed without a migration, or a migration the models do not
follow, fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db

MIGRATION_0006 = (
    "migration 0006 tunes clients for PostgreSQL's HOT updates and the list's sort order; "
    "the models keep the portable schema (SQLite keeps it as it is)"
)

KNOWN = {
    ("postgresql", "add_index", "ix_clients_branch_class"): MIGRATION_0006
    + ": the class index is dropped so that reclassifying touches no index",
    ("postgresql", "remove_index", "ix_clients_branch_assets"): MIGRATION_0006
    + ": total_assets DESC NULLS LAST in the database, plain in the model",
    ("postgresql", "add_index", "ix_clients_branch_assets"): MIGRATION_0006
    + ": the same index, seen from the model's side",
    ("postgresql", "remove_index", "ix_clients_total_assets"): MIGRATION_0006
    + ": total_assets DESC NULLS LAST in the database, plain in the model",
    ("postgresql", "add_index", "ix_clients_total_assets"): MIGRATION_0006
    + ": the same index, seen from the model's side",
    **{
        ("sqlite", "modify_type", f"{table}.{column}"): "migration 0010 seals these columns; "
        "SQLite enforces no VARCHAR length, and changing the declared type to TEXT would rebuild "
        "the table (PostgreSQL changes it)"
        for table, column in (
            ("clients", "id_number"),
            ("clients", "home_phone"),
            ("clients", "work_phone"),
            ("clients", "mobile"),
            ("clients", "email"),
            ("client_related_persons", "phone"),
        )
    },
    ("sqlite", "modify_default", "clients.name_sort_key"): "migration 0008 adds the column with "
    "the default '' that ADD COLUMN … NOT NULL needs; SQLite cannot drop a default without "
    "rebuilding the table, which would lose the table's triggers (PostgreSQL drops it)",
}
"""Differences the comparison reports though models and migrations agree, each with why:
(dialect, operation, index name or table.column). 0006's fillfactor is a storage parameter
Alembic does not compare."""


def _key(dialect: str, difference) -> tuple:
    operation, *rest = difference if isinstance(difference, tuple) else difference[0]
    if operation.startswith("modify_"):  # (schema, table, column, …): a column's attribute
        return dialect, operation, f"{rest[1]}.{rest[2]}"
    name = getattr(rest[0], "name", None) if rest else None
    return dialect, operation, name


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, db.metadata)
        dialect = connection.dialect.name
    unexplained = [d for d in differences if _key(dialect, d) not in KNOWN]
    assert unexplained == []
    # A known difference that is gone is no longer known: its entry goes too.
    found = {_key(dialect, d) for d in differences}
    assert {key for key in KNOWN if key[0] == dialect} - found == set()
