"""Backup and restore of the portal's database (``flask backup`` / ``flask restore``).

PostgreSQL: ``pg_dump`` in its custom format and ``pg_restore --clean``, the tools made for it
(the password goes through the environment, never the command line). SQLite: the online backup
API, which copies a consistent database while the portal keeps running. Uploaded scans and
finished exports live in ``UPLOAD_DIR`` / ``EXPORT_DIR``: back those folders up with the files
of the server.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from portal.extensions import db


def _postgres(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"{command[0]} failed ({result.returncode})")


def backup(target: Path) -> None:
    """Write a complete copy of the database to ``target``."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        args, env = _postgres(url)
        _run(["pg_dump", *args, "--format=custom", f"--file={target}", url.database], env)
        return
    with db.engine.connect() as connection, closing(sqlite3.connect(target)) as copy:
        connection.connection.dbapi_connection.backup(copy)


def restore(source: Path) -> None:
    """Replace the database's contents by the backup ``source``."""
    if not source.is_file():
        raise FileNotFoundError(source)
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "postgresql":
        args, env = _postgres(url)
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run(["pg_restore", *args, *options, f"--dbname={url.database}", str(source)], env)
        return
    with closing(sqlite3.connect(source)) as copy, db.engine.connect() as connection:
        copy.backup(connection.connection.dbapi_connection)
    db.engine.dispose()
