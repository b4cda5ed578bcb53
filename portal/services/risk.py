"""Risk tolerance (附件1, Art. 8, 48, 49; SPEC §4): loading questionnaire versions, recording
assessments and signed risk disclosures, suitability, the daily new-account report and the
clients still to be assessed (待补填).

A client's ``risk_level`` is only ever set here, from a completed questionnaire.
"""

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Select, func, or_, select

from portal.domain import questionnaire, suitability
from portal.domain.beijing import local_date, utc_bounds, utcnow
from portal.extensions import db
from portal.models import (
    Client,
    QuestionnaireVersion,
    RiskAssessment,
    RiskDisclosure,
    User,
)
from portal.models.client import NAME_ORDER
from portal.services import attachments, scope
from portal.services.records import use_case

# ----------------------------------------------------------------------------- versions


@use_case
def load_version(source: Path | dict) -> tuple[QuestionnaireVersion, bool]:
    """Load a questionnaire definition (a file under ``seeds/`` or a mapping) as a version.

    Returns (version, created). Loading the same version again changes nothing; a different
    definition under an existing version number is refused (assessments refer to it)."""
    raw = json.loads(Path(source).read_text("utf-8")) if isinstance(source, Path) else source
    definition = questionnaire.load_definition(raw)
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == definition.version)
    )
    if existing is not None:
        if existing.definition != raw:
            raise ValueError(
                f"问卷第{definition.version}版已存在且内容不同；新问卷请使用新的版本号"
            )
        return existing, False
    version = QuestionnaireVersion(
        version=definition.version, title=definition.title, definition=raw
    )
    db.session.add(version)
    return version, True


@dataclass(frozen=True)
class Upload:
    """A questionnaire definition file as HQ uploads it: the parsed definition to preview, or
    what is wrong with the file (in Chinese); and whether its version number is taken."""

    text: str
    definition: questionnaire.Definition | None = None
    error: str = ""
    existing: QuestionnaireVersion | None = None


def read_upload(data: bytes) -> Upload:
    """Read an uploaded definition file (JSON, UTF-8, as ``seeds/questionnaire_v1.json``)
    without loading it."""
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text)
        if not isinstance(raw, dict):
            return Upload("", error="文件内容必须是 JSON 对象（问卷定义）")
        definition = questionnaire.load_definition(raw)
    except UnicodeDecodeError:
        return Upload("", error="文件须为 UTF-8 编码的 JSON 问卷定义文件")
    except json.JSONDecodeError as error:
        return Upload("", error=f"不是有效的 JSON（第{error.lineno}行第{error.colno}列）")
    except ValueError as error:  # the definition's own checks say what is wrong
        return Upload("", error=str(error))
    except (TypeError, KeyError, AttributeError):
        return Upload("", error="问卷定义无效：结构与问卷定义文件不符")
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == definition.version)
    )
    return Upload(text, definition, existing=existing)


def versions() -> list[QuestionnaireVersion]:
    return list(
        db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.version))
    )


def ensure_default_version() -> QuestionnaireVersion:
    """Version 1 from ``seeds/questionnaire_v1.json`` when no version is loaded yet."""
    return current_version(required=False) or load_version(questionnaire.V1_PATH)[0]


def current_version(required: bool = True) -> QuestionnaireVersion | None:
    """The newest questionnaire version; when ``required``, version 1 of ``seeds/`` is loaded
    on first use, so that a new installation can assess clients at once."""
    version = db.session.scalar(
        select(QuestionnaireVersion).order_by(QuestionnaireVersion.version.desc()).limit(1)
    )
    if version is None and required:
        version = load_version(questionnaire.V1_PATH)[0]
    return version


def definition_of(version: QuestionnaireVersion) -> questionnaire.Definition:
    return _definition(version.version, json.dumps(version.definition, sort_keys=True))


@functools.lru_cache(maxsize=16)
def _definition(number: int, text: str) -> questionnaire.Definition:
    """Parsed once per process; a version's definition never changes once loaded."""
    return questionnaire.load_definition(json.loads(text))


# -------------------------------------------------------------------------- assessments


@use_case
def record_assessment(
    client: Client,
    answers: dict,
    user: User,
    *,
    version: QuestionnaireVersion | None = None,
    scan: tuple[bytes, str] | None = None,
    taken_at: datetime | None = None,
) -> RiskAssessment:
    """Score a completed questionnaire, keep it, and set the client's risk level from it.

    ``answers`` as :func:`portal.domain.questionnaire.evaluate` takes them; ValueError naming
    the question when they are incomplete or impossible. ``scan`` = (bytes, file name)."""
    version = version or current_version()
    result = questionnaire.evaluate(answers, definition_of(version))
    taken_at = taken_at or utcnow()
    assessment = RiskAssessment(
        client_id=client.id,
        branch_id=client.branch_id,
        version_id=version.id,
        answers={str(k): list(v) if isinstance(v, tuple) else v for k, v in result.answers.items()},
        total=result.total,
        level=result.level,
        taken_at=taken_at,
        at_opening=local_date(taken_at) == client.opened_on,
        entered_by_id=user.id,
    )
    if scan is not None:
        assessment.scan = attachments.store(scan[0], scan[1], client, "questionnaire", user)
    db.session.add(assessment)
    if client.risk_assessed_at is None or taken_at >= client.risk_assessed_at:
        client.risk_level = result.level
        client.risk_score = result.total
        client.risk_assessed_at = taken_at
        client.risk_version = version.version
    return assessment


@use_case
def attach_scan(assessment: RiskAssessment, data: bytes, name: str, user: User) -> None:
    assessment.scan = attachments.store(data, name, assessment.client, "questionnaire", user)


def history(client: Client) -> list[RiskAssessment]:
    return list(
        db.session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.client_id == client.id)
            .order_by(RiskAssessment.taken_at.desc(), RiskAssessment.id.desc())
        )
    )


def answers_of(assessment: RiskAssessment) -> dict[int, tuple[str, ...]]:
    """The stored answers as question number → letters chosen."""
    return {
        int(k): tuple(v) if isinstance(v, list) else (v,) for k, v in assessment.answers.items()
    }


def is_current(client: Client) -> bool:
    """Assessed under the questionnaire version in force."""
    version = current_version(required=False)
    return version is not None and client.risk_version == version.version


# --------------------------------------------------------------------------- disclosures


@use_case
def record_disclosure(
    client: Client, kind: str, signed_on: date, user: User, scan: tuple[bytes, str] | None = None
) -> RiskDisclosure:
    if kind not in suitability.DISCLOSURE_TYPES:
        raise ValueError("未知的风险揭示书类别")
    disclosure = RiskDisclosure(
        client_id=client.id, kind=kind, signed_on=signed_on, recorded_by_id=user.id
    )
    if scan is not None:
        disclosure.scan = attachments.store(scan[0], scan[1], client, "disclosure", user)
    db.session.add(disclosure)
    return disclosure


def disclosures(client: Client) -> list[RiskDisclosure]:
    return list(
        db.session.scalars(
            select(RiskDisclosure)
            .where(RiskDisclosure.client_id == client.id)
            .order_by(RiskDisclosure.signed_on.desc())
        )
    )


# --------------------------------------------------------------------------- suitability


def check_product(client: Client, product_code: str) -> suitability.Verdict:
    """May ``product_code`` be offered or advised to the client, and if not, why (Art. 8.5,
    48, 49). Only an assessment under the current questionnaire version counts."""
    level = client.risk_level if is_current(client) else None
    on_file = {d.kind for d in disclosures(client)}
    return suitability.check(product_code, level, on_file)


def suitability_table(client: Client) -> list[tuple[suitability.Product, suitability.Verdict]]:
    level = client.risk_level if is_current(client) else None
    on_file = {d.kind for d in disclosures(client)}
    return [
        (p, suitability.check(code, level, on_file)) for code, p in suitability.PRODUCTS.items()
    ]


# ------------------------------------------------------------------------------ reports


@dataclass(frozen=True)
class DailyRow:
    client: Client
    assessment: RiskAssessment | None

    @property
    def level_text(self) -> str:
        """The level assessed that day; else that it was not, and what the file says now."""
        if self.assessment is not None:
            return self.assessment.level
        if self.client.risk_assessed_at is not None:
            on = local_date(self.client.risk_assessed_at)
            return f"当日未评估（{on:%Y-%m-%d}评估为{self.client.risk_level}）"
        return "未评估"


def daily_new_accounts(branch_id: int, day: date) -> list[DailyRow]:
    """营业部风险承受能力客户分类表 (Art. 8.4): the accounts opened that day with the
    assessment taken on that day (score and level), by risk level then name."""
    start, end = utc_bounds(day, day)
    taken = (
        select(RiskAssessment.client_id, func.max(RiskAssessment.id).label("latest"))
        .where(RiskAssessment.taken_at >= start, RiskAssessment.taken_at < end)
        .group_by(RiskAssessment.client_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Client, RiskAssessment)
        .outerjoin(taken, taken.c.client_id == Client.id)
        .outerjoin(RiskAssessment, RiskAssessment.id == taken.c.latest)
        .where(Client.branch_id == branch_id, Client.opened_on == day)
        .order_by(*NAME_ORDER)
    ).all()
    return [DailyRow(client, assessment) for client, assessment in rows]


def pending(user: User, manager_id: int | None = None) -> Select:
    """待补填: the clients in scope without an assessment under the current version (the
    version a subquery, so that counting them is one query: the home page's to-do list)."""
    newest = select(func.max(QuestionnaireVersion.version)).scalar_subquery()
    stmt = scope.scoped(Client, user).where(
        or_(Client.risk_version.is_(None), Client.risk_version != newest)
    )
    if manager_id:
        stmt = stmt.where(Client.manager_id == manager_id)
    return stmt


def file_context(client: Client) -> dict:
    """What the client's file shows of risk tolerance."""
    return {
        "risk_current": is_current(client),
        "risk_history": history(client),
        "suitability": suitability_table(client),
        "disclosures": disclosures(client),
        "opening_notice_missing": suitability.AT_OPENING
        not in {d.kind for d in disclosures(client)},
    }
