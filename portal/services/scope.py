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
    AssetBandSetting,
    Attachment,
    Branch,
    CalendarDay,
    Client,
    CloseRequest,
    Consultation,
    Contact,
    ContactChange,
    DailyAdviceSummary,
    DailyRiskReport,
    DataImport,
    Inquiry,
    MonthlyFigure,
    MonthlyReview,
    QuarterlyReport,
    RelatedPerson,
    Retention,
    RiskAssessment,
    RiskDisclosure,
    SpotCheck,
    TurnoverThreshold,
    User,
    VisitEvaluation,
    VisitEvaluationItem,
    VisitReadiness,
    WeeklySummary,
    WorkLog,
)
from portal.models.event import ClientEvent, EventAttendance
from portal.models.prospect import Prospect, ProspectFollowUp
from portal.models.sms import SmsBatch, SmsMessage

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


def _standard_rule(model) -> Rule:
    """A version of the classification standard (a threshold, asset bands): HQ sees every
    one; a branch head the company-wide ones and their branch's own."""

    def rule(user: User) -> ColumnElement[bool]:
        if user.role == "hq":
            return true()
        if user.role == "branch_head":
            return or_(model.branch_id.is_(None), model.branch_id == user.branch_id)
        return false()

    return rule


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


def _branch_desk(model) -> Rule:
    """A record of a branch's counter (the daily new-account risk report): the branch's
    counter staff and heads, HQ."""

    def rule(user: User) -> ColumnElement[bool]:
        if user.role == "hq":
            return true()
        if user.role in ("branch_head", "counter"):
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


def _event_rule(user: User) -> ColumnElement[bool]:
    """A client event (投资研讨会, 理财大讲堂 …) is the branch's: its managers and head see it,
    HQ every branch's; counter staff keep accounts, not events."""
    if user.role == "hq":
        return true()
    if user.role in ("branch_head", "manager"):
        return ClientEvent.branch_id == user.branch_id
    return false()


def _via(column, parent: type) -> Rule:
    """A part of a record (a row of a work log, an item of a self-evaluation) is seen by
    whoever sees the record."""

    def rule(user: User) -> ColumnElement[bool]:
        return column.in_(select(parent.id).where(RULES[parent](user)))

    return rule


def _inquiry_rule(user: User) -> ColumnElement[bool]:
    """An inquiry (首问负责制) is seen by its owner and the colleague asked about it; a manager
    also sees every inquiry of a client they keep (the client's file shows them all); the
    branch head the branch's; HQ every branch's. Counter staff see those they own or were
    asked about."""
    if user.role == "hq":
        return true()
    if user.role == "branch_head":
        return Inquiry.branch_id == user.branch_id
    if user.role not in ("manager", "counter"):
        return false()
    mine = or_(Inquiry.owner_id == user.id, Inquiry.colleague_id == user.id)
    if user.role == "manager":
        return or_(mine, _via_client(Inquiry.client_id)(user))
    return mine


def _prospect_rule(user: User) -> ColumnElement[bool]:
    """An appointment to open an account: its manager; the branch's head and counter staff
    (who enter them); HQ every branch's."""
    if user.role == "hq":
        return true()
    if user.role in ("branch_head", "counter"):
        return Prospect.branch_id == user.branch_id
    if user.role == "manager":
        return Prospect.manager_id == user.id
    return false()


RULES: dict[type, Rule] = {
    Branch: _branch_rule,
    DataImport: _branch_record(DataImport),
    User: _user_rule,
    Client: _client_rule,
    TurnoverThreshold: _standard_rule(TurnoverThreshold),
    AssetBandSetting: _standard_rule(AssetBandSetting),
    RiskAssessment: _via_client(RiskAssessment.client_id),
    RiskDisclosure: _via_client(RiskDisclosure.client_id),
    Attachment: _via_client(Attachment.client_id),
    RelatedPerson: _via_client(RelatedPerson.client_id),
    MonthlyFigure: _via_client(MonthlyFigure.client_id),
    CloseRequest: _via_client(CloseRequest.client_id),
    Retention: _via_client(Retention.client_id),
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
    Inquiry: _inquiry_rule,
    Prospect: _prospect_rule,
    SmsBatch: _branch_record(SmsBatch),
    SmsMessage: _via_client(SmsMessage.client_id),
    ProspectFollowUp: _via(ProspectFollowUp.prospect_id, Prospect),
    # Client events: the branch's events are seen by its managers and head (HQ: all); who
    # attended, only for the clients the user sees.
    ClientEvent: _event_rule,
    EventAttendance: _via_client(EventAttendance.client_id),
    # The quarterly report (Art. 55): a spot check is seen by the branch's head who records it,
    # HQ, and the manager checked (read-only: permissions ``spotchecks.write`` is the head's);
    # the submitted reports by the branch's head and HQ.
    SpotCheck: _own_work(SpotCheck),
    QuarterlyReport: _branch_record(QuarterlyReport),
    DailyRiskReport: _branch_desk(DailyRiskReport),
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
