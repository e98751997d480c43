"""API schemas: they validate input and generate the OpenAPI document (flask-smorest)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from workflow.accounts.models import SYSTEM_ROLES
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.kernel import clock
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.states import ACTIONS, RETURN_TARGETS, STATES
from workflow.reminders.models import DEADLINE_STAGES
from workflow.tasks import queries as tasks
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES

Amount = lambda **kw: fields.Decimal(as_string=True, places=2, allow_nan=False, **kw)  # noqa: E731


class ErrorSchema(Schema):
    code = fields.String(metadata={"description": "machine code, e.g. guard_failed"})
    message = fields.String(metadata={"description": "中文说明"})
    details = fields.Raw(metadata={"description": "unmet guards or field messages"})


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenOut(Schema):
    token = fields.String()


class BureauIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    region = fields.String(load_default="", validate=validate.Length(max=200))


class BureauOut(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String()


class UnitIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    bureau_id = fields.Integer(required=True)


class UnitOut(Schema):
    id = fields.Integer()
    name = fields.String()
    bureau_id = fields.Integer()


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(load_default=None, load_only=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.OneOf(SYSTEM_ROLES))
    unit_id = fields.Integer(load_default=None, allow_none=True)
    bureau_id = fields.Integer(load_default=None, allow_none=True)
    title = fields.String(load_default="", validate=validate.Length(max=100))
    email = fields.Email(load_default=None, allow_none=True)
    active = fields.Boolean(load_default=True)


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    bureau_id = fields.Integer(allow_none=True)
    title = fields.String()
    email = fields.String(allow_none=True)
    active = fields.Boolean()


class EvaluationIn(Schema):
    unit_id = fields.Integer(required=True)
    project_name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    kind = fields.String(required=True, validate=validate.OneOf(list(EVALUATION_KINDS)))
    budget = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_received = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_spent = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    due_date = fields.Date(load_default=None, allow_none=True)
    targets = fields.String(load_default="", metadata={"description": "绩效目标"})


class EvaluationUpdate(EvaluationIn):
    unit_id = fields.Integer(load_default=None, metadata={"description": "ignored"})
    version = fields.Integer(load_default=None, metadata={"description": "the version read"})


class EvaluationListQuery(Schema):
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    unit_id = fields.Integer(load_default=None)
    year = fields.Integer(load_default=None)


class MemberOut(Schema):
    id = fields.Integer()
    display_name = fields.String()


class GroupIn(Schema):
    leader = fields.Integer(load_default=None, allow_none=True)
    deputies = fields.List(fields.Integer(), load_default=list)
    members = fields.List(fields.Integer(), load_default=list)
    approvers = fields.List(fields.Integer(), load_default=list)
    approval_policy = fields.String(
        load_default="all",
        validate=validate.Regexp(r"^(all|any|quorum:[1-9]\d*)$", error="应为 all、any 或 quorum:N"),
    )
    version = fields.Integer(load_default=None)


class GroupOut(Schema):
    leader = fields.Integer(allow_none=True)
    deputies = fields.List(fields.Integer())
    members = fields.List(fields.Integer())
    approvers = fields.List(fields.Integer(), metadata={"description": "named approvers"})
    effective_approvers = fields.List(fields.Integer())
    approval_policy = fields.String()


class EvaluationOut(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    unit_name = fields.String()
    project_name = fields.String()
    year = fields.Integer()
    kind = fields.String()
    budget = Amount(allow_none=True)
    funds_received = Amount(allow_none=True)
    funds_spent = Amount(allow_none=True)
    due_date = fields.Date(allow_none=True)
    targets = fields.String()
    state = fields.String()
    state_label = fields.String()
    round = fields.Integer()
    version = fields.Integer()
    machine_version = fields.String()
    approval_policy = fields.String()
    available_actions = fields.List(fields.String())
    return_targets = fields.List(fields.String())
    unmet_guards = fields.List(fields.String())
    group = fields.Nested(GroupOut)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DocumentUpload(Schema):
    category = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_CATEGORIES)))


class DocumentFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DocumentOut(Schema):
    id = fields.Integer()
    category = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.Integer(attribute="uploaded_by_id")
    uploaded_at = fields.DateTime()


class ActionIn(Schema):
    comment = fields.String(load_default="")
    to = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RETURN_TARGETS))
    version = fields.Integer(load_default=None, metadata={"description": "the version read"})


class AuditEventOut(Schema):
    id = fields.Integer()
    action = fields.String()
    from_ = fields.String(data_key="from", attribute="from_state")
    to = fields.String(attribute="to_state")
    actor = fields.Integer(attribute="actor_id", allow_none=True)
    actor_name = fields.Function(lambda e: e.actor.display_name if e.actor else None)
    role = fields.String(attribute="actor_role")
    at = fields.DateTime()
    comment = fields.String()
    round = fields.Integer()
    client_addr = fields.String(allow_none=True)
    details = fields.Raw(allow_none=True)


ACTION_NAMES = list(ACTIONS)


# --- 评价指标体系, 打分, 评分表 -------------------------------------------------------------------


class IndicatorNode(Schema):
    """A node of the tree. Fields are taken as given and checked by the tree validation, so every
    problem comes back at once (details) instead of one marshmallow error at a time."""

    class Meta:
        unknown = EXCLUDE  # what GET returns can be PUT back unchanged

    code = fields.Raw(metadata={"type": "string", "description": "指标代码, unique, e.g. 1.2.1"})
    name = fields.Raw(metadata={"type": "string", "description": "指标名称"})
    weight = fields.Raw(metadata={"type": "string", "description": "分值, decimal string"})
    target = fields.Raw(metadata={"type": "string", "description": "指标值 (leaf)"})
    unit = fields.Raw(metadata={"type": "string", "description": "计量单位 (leaf)"})
    standard = fields.Raw(metadata={"type": "string", "description": "评分标准 (leaf)"})
    direction = fields.Raw(metadata={"type": "string", "enum": ["positive", "negative"]})
    rule = fields.Raw(
        metadata={
            "type": "object",
            "description": '评分规则 (leaf): {"type": rate|completion|tiered|deduction|survey|'
            "manual, …params}",
        }
    )
    scorer = fields.Raw(allow_none=True, metadata={"type": "integer", "description": "打分人"})
    children = fields.List(fields.Nested(lambda: IndicatorNode()), metadata={"description": "下级"})


class IndicatorsIn(Schema):
    indicators = fields.List(fields.Nested(IndicatorNode), required=True)


class IndicatorsOut(Schema):
    indicators = fields.List(fields.Nested(IndicatorNode))
    valid = fields.Boolean()
    errors = fields.List(fields.String(), metadata={"description": "validation problems"})
    warnings = fields.List(fields.String(), metadata={"description": "单位自评 weight warnings"})
    editable = fields.Boolean(metadata={"description": "the caller may edit the tree now"})


class TemplateOut(Schema):
    key = fields.String()
    title = fields.String()
    kinds = fields.List(fields.String())
    description = fields.String()
    indicators = fields.List(fields.Nested(IndicatorNode))
    built_in = fields.Boolean(metadata={"description": "内置模板: may be edited, not deleted"})
    updated_by = fields.Integer(allow_none=True, metadata={"description": "user id"})
    updated_at = fields.DateTime(allow_none=True)


class TemplateEditIn(Schema):
    """A template's fields; their content (title, kinds, the tree) is checked by the service,
    so every problem comes back at once in `details`."""

    title = fields.String(required=True)
    kinds = fields.List(
        fields.String(),
        required=True,
        metadata={"description": f"evaluation kinds it suits: {', '.join(EVALUATION_KINDS)}"},
    )
    description = fields.String(load_default="")
    indicators = fields.List(fields.Nested(IndicatorNode), required=True)


class TemplateIn(TemplateEditIn):
    key = fields.String(
        required=True, metadata={"description": "模板代码: ^[a-z0-9_]{2,40}$, never changes"}
    )


class ScoreIn(Schema):
    """The rule's inputs, plus 扣分理由 (`reason`), 偏差说明 and 不适用."""

    actual = fields.Raw(metadata={"type": "string", "description": "completion: 完成值"})
    band = fields.String(validate=validate.OneOf(["met", "partial", "unmet"]))
    value = fields.Raw(metadata={"type": "string", "description": "tiered: points in the band"})
    deductions = fields.List(
        fields.Dict(), metadata={"description": 'deduction: [{"points","reason"}]'}
    )
    answers = fields.Dict(metadata={"description": "survey: {option: count}"})
    respondents = fields.Raw(metadata={"type": "integer", "description": "survey: 回收份数"})
    satisfied = fields.Raw(metadata={"type": "integer", "description": "survey: 满意份数"})
    score = fields.Raw(metadata={"type": "string", "description": "manual: 得分"})
    reason = fields.String(load_default="", metadata={"description": "扣分理由 / 不适用理由"})
    deviation_note = fields.String(load_default="", metadata={"description": "偏差说明"})
    not_applicable = fields.Boolean(load_default=False, metadata={"description": "不适用"})


SCORE_CONTROLS = ("reason", "deviation_note", "not_applicable")


class SurveyCsvForm(Schema):
    reason = fields.String(load_default="")
    deviation_note = fields.String(load_default="")


class ScoreOut(Schema):
    code = fields.String()
    name = fields.String()
    weight = fields.String()
    target = fields.String()
    unit = fields.String()
    rule = fields.String()
    scorer = fields.Integer(allow_none=True)
    scored = fields.Boolean()
    score = fields.String(allow_none=True, metadata={"description": "computed, decimal string"})
    actual = fields.String(allow_none=True, metadata={"description": "完成值"})
    rate = fields.String(allow_none=True, metadata={"description": "rate in %"})
    reason = fields.String()
    deviation_note = fields.String()
    deviation_note_required = fields.Boolean()
    not_applicable = fields.Boolean()
    inputs = fields.Raw(allow_none=True)
    details = fields.Raw(allow_none=True)
    scored_by = fields.Integer(allow_none=True)
    scored_at = fields.DateTime(allow_none=True)
    total = fields.String(allow_none=True, metadata={"description": "评价总分 so far"})
    grade = fields.String(allow_none=True, metadata={"description": "等级 so far"})


class ScorecardNodeOut(Schema):
    code = fields.String()
    name = fields.String()
    weight = fields.String()
    score = fields.String(allow_none=True)
    children = fields.List(fields.Nested(lambda: ScorecardNodeOut()))
    reason = fields.String(allow_none=True, metadata={"description": "扣分理由 / 不适用理由"})
    not_applicable = fields.Boolean()
    target = fields.String()
    unit = fields.String()
    rule = fields.String()
    direction = fields.String()
    standard = fields.String()
    scorer = fields.Integer(allow_none=True)
    actual = fields.String(allow_none=True)
    rate = fields.String(allow_none=True)
    deviation_note = fields.String()
    deductions = fields.Raw()
    scored_at = fields.DateTime(allow_none=True)


class ScorecardOut(Schema):
    evaluation_id = fields.Integer()
    project_name = fields.String()
    kind = fields.String()
    total = fields.String(allow_none=True)
    grade = fields.String(allow_none=True)
    rescaled = fields.Boolean(metadata={"description": "不适用 leaves: total rescaled to 100"})
    complete = fields.Boolean(metadata={"description": "every leaf scored or 不适用"})
    raw_total = fields.String(allow_none=True)
    applicable_weight = fields.String(allow_none=True)
    finalized = fields.Boolean()
    finalized_at = fields.DateTime(allow_none=True)
    finalized_by = fields.Integer(allow_none=True)
    levels = fields.List(fields.Nested(ScorecardNodeOut))


# --- 工作任务 -------------------------------------------------------------------------------------


class TaskIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(TASK_KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    assignee = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "null: 任务池"}
    )
    due_date = fields.Date(load_default=None, allow_none=True)
    required = fields.Boolean(load_default=True)
    section = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "报告章节 tasks only (required there): a report section key"},
    )


class TaskListQuery(Schema):
    mine = fields.Boolean(
        load_default=False, metadata={"description": "only tasks I hold (else also the pool)"}
    )


class TaskVersionIn(Schema):
    version = fields.Integer(load_default=None, metadata={"description": "the version read"})


class TaskTransferIn(TaskVersionIn):
    to = fields.Integer(required=True, metadata={"description": "user id of a group member"})
    reason = fields.String(required=True)


class TaskCompleteIn(TaskVersionIn):
    note = fields.String(required=True, metadata={"description": "结果说明"})
    documents = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "evidence document ids"}
    )


class TaskReopenIn(TaskVersionIn):
    reason = fields.String(required=True)


class TaskSectionIn(TaskVersionIn):
    section = fields.String(required=True, metadata={"description": "a report section key"})


class TaskOut(Schema):
    id = fields.Integer()
    evaluation_id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda t: TASK_KINDS.get(t.kind, t.kind))
    section = fields.String(allow_none=True, metadata={"description": "报告章节 tasks"})
    section_title = fields.Function(tasks.section_title)
    title = fields.String()
    description = fields.String()
    assignee = fields.Integer(attribute="assignee_id", allow_none=True)
    assignee_name = fields.Function(lambda t: t.assignee.display_name if t.assignee else None)
    due_date = fields.Date(allow_none=True)
    required = fields.Boolean()
    status = fields.String()
    status_label = fields.Function(lambda t: TASK_STATUSES.get(t.status, t.status))
    overdue = fields.Function(lambda t: t.is_overdue(clock.today_local()))
    result_note = fields.String()
    attachments = fields.Function(lambda t: [a.document_id for a in t.attachments])
    created_by = fields.Integer(attribute="created_by_id")
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.Integer(attribute="completed_by_id", allow_none=True)
    version = fields.Integer()


# --- 提醒与通知 -----------------------------------------------------------------------------------


class NotificationTarget(Schema):
    type = fields.String(attribute="target_type", metadata={"description": "task | evaluation"})
    id = fields.Integer(attribute="target_id")


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String(
        metadata={
            "description": "task_due, task_overdue, task_escalation, stage_due, "
            "stage_overdue, review_waiting, review_escalation"
        }
    )
    target = fields.Function(lambda n: NotificationTarget().dump(n))
    title = fields.String()
    body = fields.String()
    link = fields.String()
    evaluation_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read = fields.Boolean()
    read_at = fields.DateTime(allow_none=True)


class InboxQuery(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class InboxOut(Schema):
    unread = fields.Integer(metadata={"description": "未读数"})
    items = fields.List(fields.Nested(NotificationOut))


class ReadAllOut(Schema):
    marked = fields.Integer()
    unread = fields.Integer()


class PreferencesIn(Schema):
    email = fields.Boolean(required=True, metadata={"description": "邮件提醒开关"})


class PreferencesOut(Schema):
    email = fields.Boolean(attribute="email_enabled")
    address = fields.String(attribute="email", allow_none=True)


_Days = fields.List(fields.Integer(validate=validate.Range(min=1, max=60)))
_HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", error="应写作 HH:MM")


class ReviewWaitingDays(Schema):
    group_review = fields.Integer(required=True, validate=validate.Range(min=1, max=60))
    finance_review = fields.Integer(required=True, validate=validate.Range(min=1, max=60))


class ReminderPolicySchema(Schema):
    """提醒规则; on PUT, omitted settings keep their current values."""

    task_due_days = _Days
    task_overdue_daily = fields.Boolean()
    task_escalation_days = fields.Integer(validate=validate.Range(min=1, max=60))
    stage_due_days = _Days
    stage_overdue_daily = fields.Boolean()
    rectification_due_days = _Days
    review_waiting_days = fields.Nested(ReviewWaitingDays)
    review_escalation_factor = fields.Integer(validate=validate.Range(min=1, max=10))
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
