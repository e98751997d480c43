"""API schemas of evaluations, their group, documents, actions and audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Amount, DateTime, Integer, PageQuery
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.models import EVALUATION_KINDS, YEARS
from workflow.lifecycle.queries import SORTS
from workflow.lifecycle.states import ACTIONS, RETURN_TARGETS, STATES


class EvaluationIn(Schema):
    unit_id = Integer(required=True)
    project_name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    year = Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
    kind = fields.String(required=True, validate=validate.OneOf(list(EVALUATION_KINDS)))
    budget = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_received = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_spent = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    due_date = fields.Date(load_default=None, allow_none=True)
    targets = fields.String(load_default="", metadata={"description": "绩效目标"})


class EvaluationUpdate(EvaluationIn):
    unit_id = Integer(load_default=None, metadata={"description": "ignored"})
    version = Integer(load_default=None, metadata={"description": "the version read"})


class EvaluationListQuery(PageQuery):
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    unit_id = Integer(load_default=None)
    year = Integer(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(list(EVALUATION_KINDS)))
    q = fields.String(
        load_default=None,
        data_key="q",
        attribute="search",
        validate=validate.Length(max=100),
        metadata={"description": "项目名称包含"},
    )
    sort = fields.String(
        load_default="newest",
        validate=validate.OneOf(list(SORTS)),
        metadata={"description": "排序：" + "、".join(f"{k}（{v[0]}）" for k, v in SORTS.items())},
    )


class MemberOut(Schema):
    id = Integer()
    display_name = fields.String()


class GroupIn(Schema):
    leader = Integer(load_default=None, allow_none=True)
    deputies = fields.List(Integer(), load_default=list)
    members = fields.List(Integer(), load_default=list)
    approvers = fields.List(Integer(), load_default=list)
    approval_policy = fields.String(
        load_default="all",
        validate=validate.Regexp(r"^(all|any|quorum:[1-9]\d*)$", error="应为 all、any 或 quorum:N"),
    )
    version = Integer(load_default=None)


class GroupOut(Schema):
    leader = Integer(allow_none=True)
    deputies = fields.List(Integer())
    members = fields.List(Integer())
    approvers = fields.List(Integer(), metadata={"description": "named approvers"})
    effective_approvers = fields.List(Integer())
    approval_policy = fields.String()


class ReturnOut(Schema):
    """最近一次退回 (until the evaluation is submitted again)."""

    by = fields.String(metadata={"description": "who returned it (name)"})
    by_id = fields.Integer(allow_none=True)
    role = fields.String(metadata={"description": "approver | finance_reviewer"})
    at = DateTime()
    to = fields.String(metadata={"description": "the stage it was returned to"})
    reason = fields.String()
    round = fields.Integer(metadata={"description": "the review round it ended"})


class EvaluationOut(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    project_name = fields.String()
    year = Integer()
    kind = fields.String()
    budget = Amount(allow_none=True)
    funds_received = Amount(allow_none=True)
    funds_spent = Amount(allow_none=True)
    due_date = fields.Date(allow_none=True)
    targets = fields.String()
    state = fields.String()
    state_label = fields.String()
    round = Integer()
    version = Integer()
    machine_version = fields.String()
    approval_policy = fields.String()
    available_actions = fields.List(fields.String())
    return_targets = fields.List(fields.String())
    unmet_guards = fields.List(fields.String())
    last_return = fields.Nested(ReturnOut, allow_none=True)
    group = fields.Nested(GroupOut)
    created_at = DateTime()
    updated_at = DateTime()


class DocumentUpload(Schema):
    category = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_CATEGORIES)))


class DocumentFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DocumentOut(Schema):
    id = Integer()
    category = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = Integer()
    sha256 = fields.String()
    uploaded_by = Integer(attribute="uploaded_by_id")
    uploaded_at = DateTime()


class ActionIn(Schema):
    comment = fields.String(load_default="")
    to = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RETURN_TARGETS))
    version = Integer(load_default=None, metadata={"description": "the version read"})


class AuditEventOut(Schema):
    id = Integer()
    action = fields.String()
    from_ = fields.String(data_key="from", attribute="from_state")
    to = fields.String(attribute="to_state")
    actor = Integer(attribute="actor_id", allow_none=True)
    actor_name = fields.Function(lambda e: e.actor.display_name if e.actor else None)
    role = fields.String(attribute="actor_role")
    at = DateTime()
    comment = fields.String()
    round = Integer()
    client_addr = fields.String(allow_none=True)
    details = fields.Raw(allow_none=True)


ACTION_NAMES = list(ACTIONS)


class TodoItemOut(Schema):
    """待办: an evaluation waiting on the caller, the actions they may take, since when."""

    evaluation_id = fields.Integer()
    project_name = fields.String()
    unit_name = fields.String()
    year = fields.Integer()
    state = fields.String()
    state_label = fields.String()
    round = fields.Integer()
    actions = fields.List(fields.String())
    due_date = fields.Date(allow_none=True)
    since = DateTime(metadata={"description": "进入当前阶段的时间（UTC）"})
    waiting_days = fields.Integer(metadata={"description": "等待天数（北京时间日历日）"})


class TodoOut(Schema):
    items = fields.List(fields.Nested(TodoItemOut))
    total = fields.Integer()


class DoneItemOut(Schema):
    """已办: one thing the caller did (an audit event of theirs)."""

    action = fields.String()
    action_label = fields.String()
    evaluation_id = fields.Integer()
    project_name = fields.String()
    task_id = fields.Integer(allow_none=True)
    at = DateTime()
    comment = fields.String()


class DoneOut(Schema):
    items = fields.List(fields.Nested(DoneItemOut))
    total = fields.Integer()
