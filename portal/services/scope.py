"""Who may see which records (SPEC §1): the one place that scopes queries by role and branch.

Every list query goes through :func:`scoped` and every record loaded by id through
:func:`get_or_404`; a record outside the user's scope is a 404, never a hint that it exists.
Whose own work a record is (its manager's) is :func:`owns`, and :func:`get_own_or_403` loads a
record only its own manager may change.
A model without a rule here cannot be loaded through scope at all (fail closed).
Which *actions* a role may take (the view decorators, the templates' buttons) is the table of
:mod:`portal.services.permissions`.
"""

from collections.abc import Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, or_, select, true

from portal.extensions import db
from portal.models import (
    Advice,
    AdviceFollowUp,
    Attachment,
    Branch,
    CalendarDay,
    Client,
    Consultation,
    Contact,
    ContactChange,
    DailyAdviceSummary,
    MonthlyFigure,
    MonthlyReview,
    RelatedPerson,
    RiskAssessment,
    RiskDisclosure,
    TurnoverThreshold,
    User,
    VisitEvaluation,
    VisitEvaluationItem,
    VisitReadiness,
    WeeklySummary,
    WorkLog,
)

Rule = Callable[[User], ColumnElement[bool]]


def _branch_rule(user: User) -> ColumnElement[bool]:
    if user.role == "hq":
        return true()
    return Branch.id == user.branch_id


def _user_rule(user: User) -> ColumnElement[bool]:
    if user.role == "hq":
        return true()
    if user.role == "branch_head":
        return User.branch_id == user.branch_id
    return User.id == user.id


def _client_rule(user: User) -> ColumnElement[bool]:
    if user.role == "hq":
        return true()
    if user.role in ("branch_head", "counter"):
        return Client.branch_id == user.branch_id
    if user.role == "manager":
        return Client.manager_id == user.id
    return false()


def _threshold_rule(user: User) -> ColumnElement[bool]:
    """HQ sees every threshold; a branch head the company-wide ones and their branch's own."""
    if user.role == "hq":
        return true()
    if user.role == "branch_head":
        return or_(
            TurnoverThreshold.branch_id.is_(None), TurnoverThreshold.branch_id == user.branch_id
        )
    return false()


def _hq_only(user: User) -> ColumnElement[bool]:
    """Records only HQ keeps and reads (its holiday table)."""
    return true() if user.role == "hq" else false()


def _via_client(client_id_column) -> Rule:
    """A record that belongs to a client is seen by whoever sees the client."""

    def rule(user: User) -> ColumnElement[bool]:
        return client_id_column.in_(select(Client.id).where(_client_rule(user)))

    return rule


def _own_work(model) -> Rule:
    """A manager's own record (work log, weekly summary, advice and its daily summary): the
    manager, the branch's head, HQ."""

    def rule(user: User) -> ColumnElement[bool]:
        if user.role == "hq":
            return true()
        if user.role == "branch_head":
            return model.branch_id == user.branch_id
        if user.role == "manager":
            return model.manager_id == user.id
        return false()

    return rule


def _branch_record(model) -> Rule:
    """A branch's own record (the monthly advice review): the branch's head and HQ."""

    def rule(user: User) -> ColumnElement[bool]:
        if user.role == "hq":
            return true()
        if user.role == "branch_head":
            return model.branch_id == user.branch_id
        return false()

    return rule


def _contact_rule(user: User) -> ColumnElement[bool]:
    """A contact is seen by whoever made it and by whoever keeps the client's file now (the
    client's manager — so a reassigned client's history moves with it — the branch's head,
    HQ); counter staff do not see contacts."""
    if user.role == "manager":
        return or_(Contact.manager_id == user.id, _via_client(Contact.client_id)(user))
    return _own_work(Contact)(user)


def _via(column, parent: type) -> Rule:
    """A part of a record (a row of a work log, an item of a self-evaluation) is seen by
    whoever sees the record."""

    def rule(user: User) -> ColumnElement[bool]:
        return column.in_(select(parent.id).where(RULES[parent](user)))

    return rule


RULES: dict[type, Rule] = {
    Branch: _branch_rule,
    User: _user_rule,
    Client: _client_rule,
    TurnoverThreshold: _threshold_rule,
    RiskAssessment: _via_client(RiskAssessment.client_id),
    RiskDisclosure: _via_client(RiskDisclosure.client_id),
    Attachment: _via_client(Attachment.client_id),
    RelatedPerson: _via_client(RelatedPerson.client_id),
    MonthlyFigure: _via_client(MonthlyFigure.client_id),
    ContactChange: _via_client(ContactChange.client_id),
    Contact: _contact_rule,
    WorkLog: _own_work(WorkLog),
    WeeklySummary: _own_work(WeeklySummary),
    Consultation: _via(Consultation.log_id, WorkLog),
    VisitEvaluation: _via(VisitEvaluation.contact_id, Contact),
    VisitEvaluationItem: _via(VisitEvaluationItem.evaluation_id, VisitEvaluation),
    VisitReadiness: _via(VisitReadiness.contact_id, Contact),
    Advice: _own_work(Advice),
    AdviceFollowUp: _via(AdviceFollowUp.advice_id, Advice),
    DailyAdviceSummary: _own_work(DailyAdviceSummary),
    MonthlyReview: _branch_record(MonthlyReview),
    CalendarDay: _hq_only,
}


def register(model: type, rule: Rule) -> None:
    """Add the scope rule of a model; each aggregate's rule is declared once."""
    RULES[model] = rule


def clause(model: type, user: User | None = None) -> ColumnElement[bool]:
    """The WHERE clause limiting ``model`` to what ``user`` (default: the current user) may see."""
    user = user or current_user
    if not user or not user.is_authenticated:
        return false()
    return RULES[model](user)


def scoped(model: type, user: User | None = None) -> Select:
    """``SELECT model`` limited to the user's scope; add filters, order and paging to it."""
    return select(model).where(clause(model, user))


def get_or_404(model: type, record_id: int, user: User | None = None):
    """Load one record by id through the user's scope, or answer 404."""
    if not 0 < record_id < 2**31:  # beyond any id, and beyond what SQLite can compare
        abort(404)
    record = db.session.scalars(scoped(model, user).where(model.id == record_id)).one_or_none()
    if record is None:
        abort(404)
    return record


def owns(record, user: User | None = None) -> bool:
    """Whether ``record`` is the user's own work: a client file, contact, work log or advice
    the user keeps as its manager, or (a ``User``) the user themself."""
    user = user or current_user
    if not user or not user.is_authenticated:
        return False
    owner_id = record.id if isinstance(record, User) else record.manager_id
    return owner_id == user.id


def get_own_or_403(model: type, record_id: int, user: User | None = None):
    """Load one record through the user's scope (404 outside it); others may read it, only its
    own manager change it (403)."""
    record = get_or_404(model, record_id, user)
    if not owns(record, user):
        abort(403)
    return record
