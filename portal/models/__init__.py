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
from portal.models.care import CloseRequest, Retention
from portal.models.client import (
    AssetBandSetting,
    ClassChange,
    Client,
    MonthlyFigure,
    RelatedPerson,
    TurnoverThreshold,
)
from portal.models.contact_change import ContactChange
from portal.models.event import EVENT_KINDS, ClientEvent, EventAttendance
from portal.models.imports import DataImport
from portal.models.inquiry import Inquiry
from portal.models.org import ROLES, Branch, LoginAttempt, User
from portal.models.prospect import Prospect, ProspectFollowUp
from portal.models.quarterly import CHECKED_KINDS, QuarterlyReport, SpotCheck
from portal.models.risk import (
    Attachment,
    DailyRiskReport,
    DailyRiskReportAck,
    QuestionnaireVersion,
    RiskAssessment,
    RiskDisclosure,
)
from portal.models.sms import SmsBatch, SmsMessage, SmsTemplate

__all__ = [
    "CHECKED_KINDS",
    "EVENT_KINDS",
    "ROLES",
    "Advice",
    "AdviceFollowUp",
    "AssetBandSetting",
    "Attachment",
    "AuditLog",
    "Branch",
    "CalendarDay",
    "ClassChange",
    "Client",
    "ClientAssignment",
    "ClientEvent",
    "CloseRequest",
    "Consultation",
    "Contact",
    "ContactChange",
    "DailyAdviceSummary",
    "DailyRiskReport",
    "DailyRiskReportAck",
    "DataImport",
    "EventAttendance",
    "Inquiry",
    "LoginAttempt",
    "MonthlyFigure",
    "MonthlyReview",
    "Prospect",
    "ProspectFollowUp",
    "QuarterlyReport",
    "QuestionnaireVersion",
    "RelatedPerson",
    "Retention",
    "RiskAssessment",
    "RiskDisclosure",
    "SmsBatch",
    "SmsMessage",
    "SmsTemplate",
    "SpotCheck",
    "TurnoverThreshold",
    "User",
    "VisitEvaluation",
    "VisitEvaluationItem",
    "VisitReadiness",
    "WeeklySummary",
    "WorkLog",
]
