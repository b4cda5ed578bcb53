"""Encrypted columns: the ORM and Core statements see plain text, the database only sealed
values (:mod:`portal.domain.crypto`). The key comes from the app (``PII_KEY``), read once by
:func:`init_app`; migrations and CLI commands run inside the app, so they use the same key.

An empty string stays empty (an absent number is not a secret, and ``''`` keeps the columns'
defaults). Encrypted columns cannot be compared in SQL (each sealing differs): exact search
goes through a keyed hash column (``Client.id_number_hash``).
"""

from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from portal.domain.crypto import Keyring, generate_key, parse_key

EXTENSION = "pii_keyring"


def init_app(app: Flask, instance_secret) -> None:
    """Build the app's keyring from ``PII_KEY`` and ``PII_OLD_KEYS`` (comma-separated); without
    ``PII_KEY`` (the embedded default set-up), a key generated once into ``instance/pii_key``."""
    current = app.config.get("PII_KEY") or instance_secret(
        Path(app.instance_path), "pii_key", generate_key
    )
    old = [key for key in (app.config.get("PII_OLD_KEYS") or "").split(",") if key.strip()]
    app.extensions[EXTENSION] = Keyring(parse_key(current), [parse_key(key) for key in old])


def keyring() -> Keyring:
    return current_app.extensions[EXTENSION]


def id_number_hash(id_number: str | None) -> str | None:
    """The search hash of an ID number (upper-cased: a resident ID's check letter is ``X``)."""
    value = (id_number or "").strip().upper()
    return keyring().search_hash(value) if value else None


class Encrypted(TypeDecorator):
    """A text column stored sealed (AES-GCM); reads give the plain text back."""

    impl = Text
    cache_ok = True

    @property
    def python_type(self) -> type:
        return str

    def process_bind_param(self, value, dialect):
        return keyring().seal(value) if value else value

    def process_result_value(self, value, dialect):
        return keyring().open(value) if value else value
