"""Helpers shared by the activity services (contacts, work logs, weekly summaries): the
transaction of a use case and change-only updates for a clean audit trail. Beijing time is
``domain.beijing``.
"""

from portal.services.clients import _use_case

use_case = _use_case
"""Commit on success, roll back on any error (the same transaction rule as client files)."""


def set_changed(record, values: dict) -> None:
    """Set only what changed, so that the audit trail shows only real changes."""
    for field, value in values.items():
        if getattr(record, field) != value:
            setattr(record, field, value)


def clean_text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
