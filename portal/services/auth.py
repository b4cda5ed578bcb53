"""Logging in, with the lock-out rule: 5 failures for a username within 15 minutes lock it
for 15 minutes. The answer never tells whether the username exists, not even by its time: an
unknown or disabled username costs the same password hashing as a known one.

Parallel tries cannot get past the lock: each attempt first reserves its place, one after the
other for a username, as a "pending" attempt that counts as a failure until its password has
been checked. The lock on the username is held for the reservation only, not for the (slow)
hashing."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import func, select, text, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models import LoginAttempt, User
from portal.services.records import use_case

BAD_CREDENTIALS = "用户名或密码错误。"
LOCKED = "该用户名登录失败次数过多，已暂时锁定，请{minutes}分钟后再试。"
# Outcomes of a login attempt; a pending one is being checked and counts as a failure.
OK, FAILED, LOCKED_OUT, PENDING = "ok", "failed", "locked", "pending"
# The first key of the PostgreSQL advisory locks taken on usernames ("login").
_LOCK_SPACE = int.from_bytes(b"lgin", "big")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def normalise(username: str) -> str:
    return (username or "").strip().lower()[:80]


def locked_until(
    username: str, now: datetime | None = None, *, other_than: int | None = None
) -> datetime | None:
    """When the username's lock ends, or None if it is not locked.

    The lock starts at the failure that makes ``LOGIN_MAX_FAILURES`` within ``LOGIN_WINDOW``
    (counting only failures after the last successful login, and attempts still being checked
    as failures) and lasts ``LOGIN_LOCKOUT``. ``other_than``: the id of an attempt not to count.
    """
    config = current_app.config
    now = now or utcnow()
    max_failures = config["LOGIN_MAX_FAILURES"]
    horizon = now - config["LOGIN_LOCKOUT"] - config["LOGIN_WINDOW"]
    last_ok = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.outcome == OK
        )
    )
    since = max(horizon, last_ok) if last_ok else horizon
    query = select(LoginAttempt.at).where(
        LoginAttempt.username == username,
        LoginAttempt.outcome.in_((FAILED, PENDING)),
        LoginAttempt.at > since,
    )
    if other_than is not None:
        query = query.where(LoginAttempt.id != other_than)
    failures = db.session.scalars(query.order_by(LoginAttempt.at)).all()
    # Slide a window over the failures: the first run of max_failures within LOGIN_WINDOW
    # whose lock has not yet expired decides.
    for i in range(max_failures - 1, len(failures)):
        if failures[i] - failures[i - max_failures + 1] <= config["LOGIN_WINDOW"]:
            until = failures[i] + config["LOGIN_LOCKOUT"]
            if until > now:
                return until
    return None


def attempt_login(username: str, password: str, ip: str = "") -> LoginResult:
    """Check a username and password, record the attempt, and return the user or an error.

    Two use cases, so that no lock is held while the password is checked: the attempt is
    reserved, then settled. A refused log-in is an answer, not an error: its failed attempt,
    which the lock-out counts, is committed although the log-in fails."""
    name = normalise(username)
    now = utcnow()
    attempt_id, until = _reserve(name, ip, now)
    if until is not None:
        return LoginResult(None, _locked_message(until, now))
    user = db.session.scalar(select(User).where(User.username == name))
    if user is not None:
        matches = user.check_password(password or "")
    else:
        matches = check_password_hash(_dummy_hash(), password or "")
    if user is not None and user.active and matches:
        _settle(attempt_id, OK)
        return LoginResult(user)
    _settle(attempt_id, FAILED)
    until = locked_until(name, now)
    return LoginResult(None, _locked_message(until, now) if until else BAD_CREDENTIALS)


@use_case
def _reserve(username: str, ip: str, at: datetime) -> tuple[int, datetime | None]:
    """Record a pending attempt, or a refused one if the username is locked; return its id and
    when the lock ends (None: go on and check the password)."""
    _lock_username(username)
    attempt = LoginAttempt(username=username, ip=ip[:64], outcome=PENDING, at=at)
    db.session.add(attempt)
    db.session.flush()
    until = locked_until(username, at, other_than=attempt.id)
    if until is not None:
        attempt.outcome = LOCKED_OUT
    return attempt.id, until


def _lock_username(username: str) -> None:
    """Make attempts on one username reserve one after the other, until the transaction ends.

    PostgreSQL: an advisory lock on a hash of the username. SQLite writes one transaction at a
    time: the reservation's INSERT, the transaction's first statement, waits for the others."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(username.encode(), digest_size=4).digest()
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))"),
        {"space": _LOCK_SPACE, "key": int.from_bytes(digest, "big", signed=True)},
    )


@use_case
def _settle(attempt_id: int, outcome: str) -> None:
    db.session.execute(
        update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(outcome=outcome)
    )


@cache
def _dummy_hash() -> str:
    """A hash made as every password's is (same method and cost), to check the password of an
    unknown username against."""
    return generate_password_hash(secrets.token_hex(16))


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = -(-int((until - now).total_seconds()) // 60)  # round up
    return LOCKED.format(minutes=max(1, minutes))


@use_case
def end_sessions(user: User) -> None:
    """End every session of the user (a log-out ends the other devices' sessions too)."""
    user.session_token = secrets.token_hex(16)


@use_case
def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
