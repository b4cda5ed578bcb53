"""What the templates may rely on: the app's few generic helpers, names their own blueprint
(or view) hands them, and flags the view passes — never a role of their own."""

import re
from pathlib import Path

from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent.parent / "portal" / "templates"

APP_WIDE = {"ROLES", "can"}
"""The portal's own app-wide template names (besides Flask's and Flask-WTF's)."""

FRAMEWORK = {"config", "csrf_meta_tag", "csrf_token", "g", "get_flashed_messages", "request"}
FRAMEWORK |= {"session", "url_for"}


def test_no_blueprint_adds_app_wide_template_names(app):
    """Blueprint constants and panels reach only their own templates, never every page."""
    added = set(app.jinja_env.globals) - set(Environment().globals) - FRAMEWORK
    assert added == APP_WIDE


def test_no_template_compares_the_users_role():
    role = re.compile(r"role\s*(==|!=|in\b|not in\b)")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if role.search(line)
    ]
    assert found == []
