"""All models, imported here so that Alembic and the app see the whole metadata."""

from portal.models.activity import (
    ClientAssignment,
    Consultation,
    Contact,
    VisitEvaluation,
    VisitEvaluationItem,
    VisitReadiness,
    WeeklySummary,
    WorkLog,
)
from portal.models.advice import Advice, AdviceFollowUp, DailyAdviceSummary, MonthlyReview
from portal.models.audit import AuditLog
from portal.models.calendar import CalendarDay
from portal.models.client import (
    ClassChange,
    Client,
    MonthlyFigure,
    RelatedPerson,
    TurnoverThreshold,
)
from portal.models.contact_change import ContactChange
from portal.models.org import ROLES, Branch, LoginAttempt, User
from portal.models.risk import Attachment, QuestionnaireVersion, RiskAssessment, RiskDisclosure

__all__ = [
    "ROLES",
    "Advice",
    "AdviceFollowUp",
    "Attachment",
    "AuditLog",
    "Branch",
    "CalendarDay",
    "ClassChange",
    "Client",
    "ClientAssignment",
    "Consultation",
    "Contact",
    "ContactChange",
    "DailyAdviceSummary",
    "LoginAttempt",
    "MonthlyFigure",
    "MonthlyReview",
    "QuestionnaireVersion",
    "RelatedPerson",
    "RiskAssessment",
    "RiskDisclosure",
    "TurnoverThreshold",
    "User",
    "VisitEvaluation",
    "VisitEvaluationItem",
    "VisitReadiness",
    "WeeklySummary",
    "WorkLog",
]
