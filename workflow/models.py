"""The one registry of tables: every domain's models, imported so that `Base.metadata` (Alembic,
the tests) sees them all. Schema changes go through Alembic (`migrations/`), never `create_all`.

Code imports a model from its domain (`workflow.lifecycle.models` …); this module is for
whoever needs the whole schema at once.
"""

from workflow.accounts.models import ApiToken, Bureau, Unit, User
from workflow.campaigns.models import Campaign
from workflow.documents.models import Document
from workflow.indicators.models import Indicator, IndicatorTemplate
from workflow.kernel.audit import AuditEvent
from workflow.kernel.base import Base
from workflow.lifecycle.models import Approval, Evaluation, GroupMember
from workflow.rectifications.models import Rectification, RectificationEvidence
from workflow.reminders.models import (
    Notification,
    OutboxMessage,
    ReminderPolicy,
    StageDeadline,
    UnitSettings,
)
from workflow.reports.models import (
    ArchivedReport,
    ReportComment,
    ReportProblem,
    ReportRender,
    ReportSection,
    ReportSectionVersion,
)
from workflow.results.models import DecisionRule, Publication, ResultDecision
from workflow.scoring.models import IndicatorScore, ScoreFinalization
from workflow.tasks.models import Task, TaskAttachment

__all__ = [
    "ApiToken",
    "Approval",
    "ArchivedReport",
    "AuditEvent",
    "Base",
    "Bureau",
    "Campaign",
    "DecisionRule",
    "Document",
    "Evaluation",
    "GroupMember",
    "Indicator",
    "IndicatorScore",
    "IndicatorTemplate",
    "Notification",
    "OutboxMessage",
    "Publication",
    "Rectification",
    "RectificationEvidence",
    "ReminderPolicy",
    "ReportComment",
    "ReportProblem",
    "ReportRender",
    "ReportSection",
    "ReportSectionVersion",
    "ResultDecision",
    "ScoreFinalization",
    "StageDeadline",
    "Task",
    "TaskAttachment",
    "Unit",
    "UnitSettings",
    "User",
]
