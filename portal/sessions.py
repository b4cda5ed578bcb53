"""Sessions that end when their user has left them.

After ``SESSION_IDLE_MINUTES`` without a request of the user's own, the next request finds the
session ended: the user is signed out, the log-in page says why, and after logging in again
the user is back on the page they were on (``blueprints.auth.views.unauthorized``). The time of
the last activity is kept in the signed session cookie, so ending an idle session needs no
database.

A request that a page makes by itself (the export's progress, polled every second) is not
activity (``not_activity()``): else a progress page left open would keep an unattended session
alive for as long as it polls. Such a request still finds an idle session ended.

Log-out, a password change and a deactivation end every session of the user at once: they
rotate ``User.session_token``, which ``load_user`` compares with the cookie's.
"""

import time

from flask import Flask, current_app, flash, g, request, session
from flask_login import logout_user

IDLE_MESSAGE = "您已超过{minutes}分钟未操作，为保护客户信息已自动退出，请重新登录。"
LAST_SEEN = "seen"  # session key: seconds since the epoch of the user's last request
_USER = "_user_id"  # Flask-Login's session key of the signed-in user


def now() -> int:
    """The clock of idle sessions, in seconds since the epoch."""
    return int(time.time())


def not_activity() -> None:
    """This request was made by the page itself, not by its user."""
    g.not_activity = True


def ended_idle() -> bool:
    """Whether this request found its session idle and ended it."""
    return g.get("ended_idle", False)


def _end_idle_session() -> None:
    if _USER not in session or request.endpoint == "static":
        return
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if now() - session.get(LAST_SEEN, 0) > minutes * 60:
        logout_user()
        flash(IDLE_MESSAGE.format(minutes=minutes), "warning")
        g.ended_idle = True


def _note_activity(response):
    if _USER in session and request.endpoint != "static" and not g.get("not_activity"):
        session[LAST_SEEN] = now()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_end_idle_session)
    app.after_request(_note_activity)
