"""API schemas of evaluations, their group, documents, actions and audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Amount
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.funds import FUND_SOURCES
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.states import ACTIONS, RETURN_TARGETS, STATES


class FundSourceIn(Schema):
    """One row of 项目资金: 当年财政拨款 (fiscal), 上年结转资金 (carryover) or 其他资金 (other)."""

    source = fields.String(required=True, validate=validate.OneOf(list(FUND_SOURCES)))
    initial_budget = Amount(
        load_default=None, allow_none=True, metadata={"description": "年初预算数"}
    )
    budget = Amount(load_default=None, allow_none=True, metadata={"description": "全年预算数"})
    spent = Amount(load_default=None, allow_none=True, metadata={"description": "全年执行数"})


class FundSourceOut(Schema):
    source = fields.String()
    label = fields.String()
    initial_budget = Amount(allow_none=True)
    budget = Amount(allow_none=True)
    spent = Amount(allow_none=True)


class EvaluationIn(Schema):
    unit_id = fields.Integer(required=True)
    project_name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    kind = fields.String(required=True, validate=validate.OneOf(list(EVALUATION_KINDS)))
    budget = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_received = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    funds_spent = Amount(load_default=None, allow_none=True, validate=validate.Range(min=0))
    due_date = fields.Date(load_default=None, allow_none=True)
    targets = fields.String(load_default="", metadata={"description": "绩效目标 / 年度总体目标"})
    competent_department = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"description": "主管部门"}
    )
    initial_budget = Amount(
        load_default=None, allow_none=True, metadata={"description": "年初预算数"}
    )
    fund_sources = fields.List(
        fields.Nested(FundSourceIn),
        load_default=list,
        metadata={"description": "资金来源; each column must add up to its total"},
    )
    targets_achieved = fields.String(
        load_default="", metadata={"description": "年度总体目标：实际完成情况"}
    )


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
        load_default=None,
        metadata={"description": "all | any | quorum:N; default: all, any for a 单位自评"},
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
    competent_department = fields.String()
    initial_budget = Amount(allow_none=True)
    fund_sources = fields.List(fields.Nested(FundSourceOut))
    targets_achieved = fields.String()
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
