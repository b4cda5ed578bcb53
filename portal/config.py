"""Settings, read from the environment; ``create_app(config)`` may override any of them."""

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment() -> dict:
    """The settings of a running portal; every key can be set by an environment variable."""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        # Identity data at rest (portal.domain.crypto): the key, and older keys still to be
        # rotated away (`flask pii rotate-key`), comma-separated.
        "PII_KEY": os.environ.get("PII_KEY"),
        "PII_OLD_KEYS": os.environ.get("PII_OLD_KEYS", ""),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
        ),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        # Background jobs (portal.queue): SQLite under instance/ unless Redis is configured.
        "HUEY_URL": os.environ.get("HUEY_URL")
        or os.environ.get("REDIS_URL")
        or f"sqlite:///{INSTANCE_DIR / 'huey.db'}",
        # SMS to new accounts (Art. 34): the firm's service hotline the messages give, and the
        # gateway they go through (portal.services.sms; "outbox": downloaded by the branch).
        "SERVICE_HOTLINE": os.environ.get("SERVICE_HOTLINE", "95555"),
        "SMS_GATEWAY": os.environ.get("SMS_GATEWAY", "outbox"),
        "EXPORT_DIR": os.environ.get("EXPORT_DIR", str(INSTANCE_DIR / "exports")),
        # Processes rendering a batch of PDFs (portal.pdf.pool); 0: one per CPU core.
        "RENDER_PROCESSES": int(os.environ.get("RENDER_PROCESSES", "0")),
        # Printed 附件3 kept by the record's version (portal.pdf.cache).
        "PDF_CACHE_DIR": os.environ.get("PDF_CACHE_DIR", str(INSTANCE_DIR / "pdf-cache")),
        # The print fonts cut down to the forms' characters (portal.pdf.fonts).
        "FONT_DIR": os.environ.get("FONT_DIR", str(INSTANCE_DIR / "fonts")),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # A session without a request of its user for this long ends (portal.sessions).
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
    }


DEFAULTS = {
    # hide_parameters: a failed statement's error (and the log) never shows its values.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,  # WTForms' built-in Chinese messages (portal.forms.Form)
    # Scans may be 10 MB (checked by the form, which keeps the rest of what was typed);
    # only a request far beyond that is cut off with a 413.
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW": timedelta(minutes=15),
    "LOGIN_LOCKOUT": timedelta(minutes=15),
}
