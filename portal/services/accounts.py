"""HQ's management of branches and users. A user who has records is never deleted:
accounts are deactivated, which also ends their sessions."""

import secrets

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Branch, Client, User
from portal.services.records import use_case

BRANCH_FIELDS = ("name", "address", "hotline")
USER_FIELDS = ("display_name", "phone", "role", "position", "branch_id")


@use_case
def save_branch(branch: Branch | None, data: dict) -> Branch:
    branch = branch or Branch()
    for field in BRANCH_FIELDS:
        setattr(branch, field, (data.get(field) or "").strip())
    db.session.add(branch)
    return branch


@use_case
def create_user(data: dict, password: str) -> User:
    user = User(username=data["username"].strip().lower())
    _apply_user_fields(user, data)
    user.set_password(password)
    db.session.add(user)
    return user


def move_problem(user: User, role: str, branch_id: int | None) -> str | None:
    """Why a manager may not change role or branch now: their clients must be reassigned
    first (a client always has a manager of its own branch, SPEC §1)."""
    if user.role != "manager" or (role == "manager" and branch_id == user.branch_id):
        return None
    count = db.session.scalar(select(func.count()).where(Client.manager_id == user.id))
    if count:
        return f"该客户经理名下还有{count}位客户，请先将客户改派给本营业部其他客户经理。"
    return None


@use_case
def update_user(user: User, data: dict) -> User:
    problem = move_problem(user, data.get("role"), data.get("branch_id"))
    if problem:
        raise ValueError(problem)
    _apply_user_fields(user, data)
    return user


@use_case
def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.session_token = secrets.token_hex(16)


def _apply_user_fields(user: User, data: dict) -> None:
    for field in USER_FIELDS:
        value = data.get(field)
        setattr(user, field, value.strip() if isinstance(value, str) else value)
    if user.role == "hq":
        user.branch_id = None
    if user.role != "branch_head" or not user.position:  # a post is a branch manager's
        user.position = ""
