"""Logging in, with the lock-out rule: 5 failures for a username within 15 minutes lock it
for 15 minutes. The answer never tells whether the username exists."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models import LoginAttempt, User
from portal.services.records import use_case

BAD_CREDENTIALS = "用户名或密码错误。"
LOCKED = "该用户名登录失败次数过多，已暂时锁定，请{minutes}分钟后再试。"


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def normalise(username: str) -> str:
    return (username or "").strip().lower()


def locked_until(username: str, now: datetime | None = None) -> datetime | None:
    """When the username's lock ends, or None if it is not locked.

    The lock starts at the failure that makes ``LOGIN_MAX_FAILURES`` within ``LOGIN_WINDOW``
    (counting only failures after the last successful login) and lasts ``LOGIN_LOCKOUT``.
    """
    config = current_app.config
    now = now or utcnow()
    max_failures = config["LOGIN_MAX_FAILURES"]
    horizon = now - config["LOGIN_LOCKOUT"] - config["LOGIN_WINDOW"]
    last_ok = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.outcome == "ok"
        )
    )
    since = max(horizon, last_ok) if last_ok else horizon
    failures = db.session.scalars(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.outcome == "failed",
            LoginAttempt.at > since,
        )
        .order_by(LoginAttempt.at)
    ).all()
    # Slide a window over the failures: the first run of max_failures within LOGIN_WINDOW
    # whose lock has not yet expired decides.
    for i in range(max_failures - 1, len(failures)):
        if failures[i] - failures[i - max_failures + 1] <= config["LOGIN_WINDOW"]:
            until = failures[i] + config["LOGIN_LOCKOUT"]
            if until > now:
                return until
    return None


@use_case
def attempt_login(username: str, password: str, ip: str = "") -> LoginResult:
    """Check a username and password, record the attempt, and return the user or an error.

    A refused log-in is this use case's answer, not an error: it returns normally, so the
    failed attempt, which the lock-out counts, is committed although the log-in fails."""
    name = normalise(username)
    now = utcnow()
    until = locked_until(name, now)
    if until is not None:
        _record(name, ip, "locked", now)
        return LoginResult(None, _locked_message(until, now))
    user = db.session.scalar(select(User).where(User.username == name))
    if user is None or not user.active or not user.check_password(password or ""):
        _record(name, ip, "failed", now)
        until = locked_until(name, now)
        return LoginResult(None, _locked_message(until, now) if until else BAD_CREDENTIALS)
    _record(name, ip, "ok", now)
    return LoginResult(user)


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = -(-int((until - now).total_seconds()) // 60)  # round up
    return LOCKED.format(minutes=max(1, minutes))


def _record(username: str, ip: str, outcome: str, at: datetime) -> None:
    db.session.add(LoginAttempt(username=username[:80], ip=ip[:64], outcome=outcome, at=at))


@use_case
def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
