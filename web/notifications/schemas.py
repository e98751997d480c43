"""API schemas of notifications and reminder settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import DateTime, Integer
from workflow.reminders.models import DEADLINE_STAGES
from workflow.reminders.policy import DAYS_RANGE, FACTOR_RANGE, HHMM_PATTERN


class NotificationTarget(Schema):
    type = fields.String(attribute="target_type", metadata={"description": "task | evaluation"})
    id = Integer(attribute="target_id")


class NotificationOut(Schema):
    id = Integer()
    kind = fields.String(
        metadata={
            "description": "reminders: task_due, task_overdue, task_escalation, stage_due, "
            "stage_overdue, review_waiting, review_escalation, rectification_due; events: "
            "task_assigned, report_submitted, returned (its body carries the reason), "
            "group_approved, archived, rectification_handed_in (to the covering finance "
            "reviewers), rectification_reviewed (accepted or sent back with the reason)"
        }
    )
    target = fields.Function(lambda n: NotificationTarget().dump(n))
    title = fields.String()
    body = fields.String()
    link = fields.String()
    evaluation_id = Integer(allow_none=True)
    created_at = DateTime()
    read = fields.Boolean()
    read_at = DateTime(allow_none=True)


class InboxQuery(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones"})
    limit = Integer(load_default=50, validate=validate.Range(min=1, max=500))


class InboxOut(Schema):
    unread = Integer(metadata={"description": "未读数"})
    items = fields.List(fields.Nested(NotificationOut))


class ReadAllOut(Schema):
    marked = Integer()
    unread = Integer()


class PreferencesIn(Schema):
    email = fields.Boolean(required=True, metadata={"description": "邮件提醒开关"})


class PreferencesOut(Schema):
    email = fields.Boolean(attribute="email_enabled")
    address = fields.String(attribute="email", allow_none=True)


_HHMM = validate.Regexp(HHMM_PATTERN, error="应写作 HH:MM")


_DAYS = validate.Range(*DAYS_RANGE)
_Days = fields.List(Integer(validate=_DAYS))


class ReviewWaitingDays(Schema):
    group_review = Integer(required=True, validate=_DAYS)
    finance_review = Integer(required=True, validate=_DAYS)


class ReminderPolicySchema(Schema):
    """提醒规则; on PUT, omitted settings keep their current values."""

    task_due_days = _Days
    task_overdue_daily = fields.Boolean()
    task_escalation_days = Integer(validate=_DAYS)
    stage_due_days = _Days
    stage_overdue_daily = fields.Boolean()
    rectification_due_days = _Days
    review_waiting_days = fields.Nested(ReviewWaitingDays)
    review_escalation_factor = Integer(validate=validate.Range(*FACTOR_RANGE))
    work_start = fields.String(validate=_HHMM, metadata={"description": "工作时段开始（北京时间）"})
    work_end = fields.String(validate=_HHMM)
    weekends = fields.Boolean(metadata={"description": "周末也发送"})
    digest_time = fields.String(validate=_HHMM, metadata={"description": "每日汇总邮件时间"})
    daily_digest = fields.Boolean(metadata={"description": "每人每天至多一封汇总邮件"})


class StageDeadlines(Schema):
    """阶段期限: a date per stage, or null for none (`due_date` is the overall deadline)."""

    deadlines = fields.Dict(
        keys=fields.String(validate=validate.OneOf(DEADLINE_STAGES)),
        values=fields.Date(allow_none=True),
        required=True,
    )


class WebhookSchema(Schema):
    url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    enabled = fields.Boolean(load_default=False)
