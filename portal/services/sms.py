"""SMS to new accounts (Art. 34–35; SPEC §5): which messages are due, writing them from the
two templates, and sending them through a gateway.

**Due.** Every client opened in the last :data:`WINDOW_MONTHS` months is due the two messages
of Art. 34 — the 开户两周内 one by the 14th day after opening, the 开户三个月内 one by the
same day three months later (:func:`portal.domain.sms.due_dates`) — until a message of that
kind is written for them. Older accounts are outside the window (the portal does not ask for
messages years late). The list is one query (clients in scope opened since the window's start,
with their messages of each kind).

**Sending.** A message is written from its template (the placeholders filled from the client,
the branch, the manager), may be edited, and is screened for the forbidden phrases of Art. 44
(:func:`portal.domain.screening.screen_service`): a hit keeps it out of the outbox until it is
changed. Sending goes through a :class:`Gateway`; the default, :class:`OutboxGateway`, keeps the
queued messages for the branch to download as a CSV for its SMS platform, then to mark as
sent. Another gateway (an SMS platform's API) sends a batch itself and marks it sent; choose it
with ``SMS_GATEWAY``. Every message is on the client's record: text as sent, number, when, by
whom, which template."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.domain import sms as rules
from portal.domain.beijing import utcnow
from portal.domain.screening import Hit, screen_service
from portal.extensions import db
from portal.models import Client, SmsBatch, SmsMessage, SmsTemplate, User
from portal.services import scope, tabular
from portal.services.audit import record_export
from portal.services.records import use_case

WINDOW_MONTHS = 4
"""Accounts opened this many months back are due their messages (three months and a month's
grace for the second)."""

DEFAULT_TEXTS = {
    rules.TWO_WEEKS: "尊敬的{客户}客户，您好！感谢您选择某某证券{营业部}。我是您的客户经理"
    "{客户经理}，联系电话{联系电话}。某某证券公司统一客户咨询电话{客服电话}。",
    rules.THREE_MONTHS: "尊敬的{客户}客户，您好！感谢您使用某某证券为您提供的{套餐}套餐服务，"
    "您在使用中有任何的意见与建议，都可以与您的客户经理{客户经理}联系，或者致电客服中心"
    "{客服电话}。谢谢！",
}
"""Art. 34's two templates in the policy's words, the blanks (*) as placeholders."""


class SmsRefused(ValueError):
    """A message or template the rules refuse; ``hits`` are Art. 44's forbidden phrases."""

    def __init__(self, message: str, hits: list[Hit] | None = None):
        super().__init__(message)
        self.hits = hits or []


# --------------------------------------------------------------------------- templates


def templates() -> dict[str, SmsTemplate]:
    """The two templates, created with the policy's texts the first time they are asked for."""
    found = {t.kind: t for t in db.session.scalars(select(SmsTemplate))}
    missing = [kind for kind in rules.KIND_LABELS if kind not in found]
    if missing:
        _create_templates(missing)
        found = {t.kind: t for t in db.session.scalars(select(SmsTemplate))}
    return {kind: found[kind] for kind in rules.KIND_LABELS}


@use_case
def _create_templates(kinds: list[str]) -> None:
    for kind in kinds:
        db.session.add(SmsTemplate(kind=kind, text=DEFAULT_TEXTS[kind]))


def _screened(text: str) -> None:
    hits = screen_service(text)
    if hits:
        shown = "、".join(f"“{hit.matched}”" for hit in hits)
        raise SmsRefused(f"短信中有服务禁语（第四十四条）：{shown}，请修改后再保存。", hits)


@use_case
def update_template(template: SmsTemplate, text: str) -> SmsTemplate:
    """Change a template's text (HQ): only known placeholders, no forbidden phrase."""
    text = text.strip()
    if not text:
        raise SmsRefused("请填写短信模板。")
    try:
        rules.check_template(text)
    except rules.TemplateError as error:
        raise SmsRefused(str(error)) from error
    _screened(text)
    template.text = text
    return template


# --------------------------------------------------------------------------- due


@dataclass(frozen=True)
class Due:
    client: Client
    kind: str
    due_on: date

    @property
    def kind_label(self) -> str:
        return rules.KIND_LABELS[self.kind]

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def window_start(today: date) -> date:
    return rules.add_months(today, -WINDOW_MONTHS)


def due(user: User, today: date, limit: int | None = None) -> list[Due]:
    """The messages due for the clients in the user's scope (oldest due day first)."""
    two, three = aliased(SmsMessage), aliased(SmsMessage)
    rows = db.session.execute(
        select(Client, two.id, three.id)
        .outerjoin(two, and_(two.client_id == Client.id, two.kind == rules.TWO_WEEKS))
        .outerjoin(three, and_(three.client_id == Client.id, three.kind == rules.THREE_MONTHS))
        .where(
            scope.clause(Client, user),
            Client.opened_on >= window_start(today),
            or_(two.id.is_(None), three.id.is_(None)),
        )
        .options(joinedload(Client.manager), joinedload(Client.branch))
    ).all()
    found = []
    for client, two_id, three_id in rows:
        first, second = rules.due_dates(client.opened_on)
        if two_id is None:
            found.append(Due(client, rules.TWO_WEEKS, first))
        if three_id is None:
            found.append(Due(client, rules.THREE_MONTHS, second))
    found.sort(key=lambda d: (d.due_on, d.client.id))
    return found[:limit] if limit else found


def due_counts(user: User, today: date) -> tuple[int, int]:
    """(due, of which overdue) for the home page's to-do list."""
    items = due(user, today)
    return len(items), sum(1 for item in items if item.overdue(today))


def values_for(client: Client) -> dict[str, str]:
    """What the placeholders stand for, for ``client``."""
    return {
        "客户": client.name,
        "营业部": client.branch.name,
        "客户经理": client.manager.display_name,
        "联系电话": client.manager.phone or client.branch.hotline,
        "套餐": client.service_package or "标准",
        "客服电话": current_app.config["SERVICE_HOTLINE"],
    }


def draft(client: Client, kind: str) -> str:
    """The message of ``kind`` for ``client``, written from its template."""
    return rules.render(templates()[kind].text, values_for(client))


# --------------------------------------------------------------------------- the outbox


@use_case
def queue(client: Client, kind: str, text: str, user: User) -> SmsMessage:
    """Put the message (as edited) in the outbox. Refused without a mobile, for a kind already
    written, or with a forbidden phrase (Art. 44)."""
    text = text.strip()
    if kind not in rules.KIND_LABELS:
        raise SmsRefused("未知的短信模板。")
    if not text:
        raise SmsRefused("请填写短信内容。")
    if not client.mobile:
        raise SmsRefused("该客户没有手机号码，无法发送短信；请先在客户档案中补充手机号码。")
    if db.session.scalar(
        select(SmsMessage.id).where(SmsMessage.client_id == client.id, SmsMessage.kind == kind)
    ):
        raise SmsRefused(f"该客户的“{rules.KIND_LABELS[kind]}”短信已经写过。")
    _screened(text)
    message = SmsMessage(
        client_id=client.id,
        branch_id=client.branch_id,
        manager_id=client.manager_id,
        kind=kind,
        phone=client.mobile,
        text=text,
        queued_by_id=user.id,
    )
    db.session.add(message)
    db.session.flush()
    return message


def outbox(user: User) -> list[SmsMessage]:
    """The messages in the user's scope waiting in the outbox."""
    return list(
        db.session.scalars(
            select(SmsMessage)
            .join(Client, Client.id == SmsMessage.client_id)
            .where(scope.clause(Client, user), SmsMessage.status == "queued")
            .options(joinedload(SmsMessage.client))
            .order_by(SmsMessage.id)
        )
    )


def batches(user: User, limit: int = 20) -> list[SmsBatch]:
    query = scope.scoped(SmsBatch, user).order_by(SmsBatch.id.desc()).limit(limit)
    return list(db.session.scalars(query))


class Gateway(Protocol):
    """Where a batch of messages goes. ``send`` hands the batch over; a gateway that knows the
    messages left marks them sent (:func:`mark_sent`)."""

    name: str

    def send(self, batch: SmsBatch) -> None: ...


class OutboxGateway:
    """The default: the batch waits as a CSV the branch downloads for its SMS platform; the
    branch marks it sent once the platform has sent it."""

    name = "outbox"

    def send(self, batch: SmsBatch) -> None:
        """Nothing leaves the portal: the batch is the download."""


GATEWAYS: dict[str, Gateway] = {"outbox": OutboxGateway()}


def gateway() -> Gateway:
    return GATEWAYS[current_app.config["SMS_GATEWAY"]]


CSV_COLUMNS = ("手机号码", "短信内容", "客户姓名", "资金账号", "发送时间要求", "客户经理")


@use_case
def make_batch(branch_id: int, user: User) -> SmsBatch | None:
    """Put the branch's queued messages (those the user sees) in a new batch and hand it to
    the gateway; None when the outbox is empty."""
    messages = [m for m in outbox(user) if m.branch_id == branch_id]
    if not messages:
        return None
    batch = SmsBatch(branch_id=branch_id, created_by_id=user.id, gateway=gateway().name)
    db.session.add(batch)
    db.session.flush()
    for message in messages:
        message.batch_id = batch.id
        message.status = "batched"
    gateway().send(batch)
    return batch


def batch_csv(batch: SmsBatch, user: User) -> tempfile.SpooledTemporaryFile:
    """The batch as the SMS platform takes it (mobile numbers in full); the download is
    logged in the audit trail."""
    rows = [
        (
            m.phone,
            m.text,
            m.client.name,
            m.client.fund_account,
            m.kind_label,
            m.manager.display_name,
        )
        for m in batch.messages
    ]
    record_export(
        user, "sms_batch", f"短信发送批次 #{batch.id}（{batch.branch.name}）：{len(rows)} 条"
    )
    return tabular.csv_file(CSV_COLUMNS, rows)


@use_case
def mark_sent(batch: SmsBatch, user: User) -> int:
    """The platform sent the batch: its messages are sent (when, confirmed by whom)."""
    if batch.status == "sent":
        raise SmsRefused("该批次已标记为已发送。")
    now = utcnow()
    batch.status, batch.sent_at, batch.sent_by_id = "sent", now, user.id
    for message in batch.messages:
        message.status, message.sent_at, message.sent_by_id = "sent", now, user.id
    return len(batch.messages)


def for_client(client: Client) -> list[SmsMessage]:
    """The client's messages, for its file."""
    return list(
        db.session.scalars(
            select(SmsMessage).where(SmsMessage.client_id == client.id).order_by(SmsMessage.id)
        )
    )
