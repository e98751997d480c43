"""API schemas of evaluations, their group, documents, actions and audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Amount
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.states import ACTIONS, RETURN_TARGETS, STATES


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


class ReturnOut(Schema):
    """最近一次退回 (until the evaluation is submitted again), or the 终止."""

    by = fields.String(metadata={"description": "who returned it (name)"})
    by_id = fields.Integer(allow_none=True)
    role = fields.String(metadata={"description": "approver | finance_reviewer"})
    at = fields.DateTime()
    to = fields.String(metadata={"description": "the stage it was returned to"})
    reason = fields.String()
    round = fields.Integer(metadata={"description": "the review round it ended"})


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
    last_return = fields.Nested(ReturnOut, allow_none=True)
    cancellation = fields.Nested(ReturnOut, allow_none=True, metadata={"description": "终止"})
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
    deleted = fields.Boolean()
    deleted_at = fields.DateTime(allow_none=True)
    deleted_by = fields.Integer(attribute="deleted_by_id", allow_none=True)
    delete_reason = fields.String()
    replaced_by = fields.Integer(attribute="replaced_by_id", allow_none=True)


class DocumentListQuery(Schema):
    deleted = fields.Boolean(load_default=False, metadata={"description": "include deleted ones"})


class DocumentDeleteIn(Schema):
    reason = fields.String(load_default="", metadata={"description": "删除理由（必填）"})


class DocumentPatch(Schema):
    category = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_CATEGORIES)))


class DocumentReplace(Schema):
    reason = fields.String(load_default="", metadata={"description": "替换理由（选填）"})


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
