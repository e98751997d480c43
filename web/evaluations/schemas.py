"""API schemas of evaluations, their group, documents, actions and audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Amount, DateTime, DecimalString, Integer, PageQuery
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.kernel.audit import EVENTS
from workflow.lifecycle.funds import FUND_SOURCES
from workflow.lifecycle.models import EVALUATION_KINDS, YEARS
from workflow.lifecycle.queries import SORTS, AuditFilter
from workflow.lifecycle.states import ACTIONS, RETURN_TARGETS, STATES
from workflow.scoring.rules import EXECUTION_BASES, EXECUTION_BASIS_ERROR


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
    unit_id = Integer(required=True)
    project_name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    year = Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
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
    execution_basis = fields.String(
        load_default=None,
        allow_none=False,
        validate=validate.OneOf(list(EXECUTION_BASES), error=EXECUTION_BASIS_ERROR),
        metadata={
            "description": "预算执行率口径: budget（实际支出÷预算，默认）| received"
            "（实际支出÷到位资金）; omitted on an edit, it stays as it is"
        },
    )


class EvaluationUpdate(EvaluationIn):
    unit_id = Integer(load_default=None, metadata={"description": "ignored"})
    version = Integer(load_default=None, metadata={"description": "the version read"})


class EvaluationFilters(Schema):
    """The evaluation list's filters and order (the list and its exports)."""

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


class EvaluationListQuery(EvaluationFilters, PageQuery):
    """The list's filters, a page at a time."""


class EvaluationExportQuery(EvaluationFilters):
    """The list's filters: the export has every page."""


class AuditFilters(Schema):
    """审计记录's filters (the list and its exports): one 事件类型 and/or one 操作人."""

    action = fields.String(  # the keys of EVENTS, as each event's `action`
        load_default=None,
        validate=validate.OneOf(list(EVENTS)),
        metadata={
            "description": "事件类型：" + "、".join(f"{k}（{v}）" for k, v in EVENTS.items())
        },
    )
    actor = Integer(load_default=None, attribute="actor_id", metadata={"description": "操作人编号"})

    def to_filter(self, data: dict) -> AuditFilter:
        return AuditFilter(data["action"], data["actor_id"])


class AuditQuery(AuditFilters, PageQuery):
    """The 审计记录's filters, a page at a time."""


class MemberOut(Schema):
    id = Integer()
    display_name = fields.String()


class GroupIn(Schema):
    leader = Integer(load_default=None, allow_none=True)
    deputies = fields.List(Integer(), load_default=list)
    members = fields.List(Integer(), load_default=list)
    approvers = fields.List(Integer(), load_default=list)
    approval_policy = fields.String(
        load_default=None,
        metadata={"description": "all | any | quorum:N; default: all, any for a 单位自评"},
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
    """最近一次退回 (until the evaluation is submitted again), or the 终止."""

    by = fields.String(metadata={"description": "who returned it (name)"})
    by_id = Integer(allow_none=True)
    role = fields.String(metadata={"description": "approver | finance_reviewer"})
    at = DateTime()
    to = fields.String(metadata={"description": "the stage it was returned to"})
    reason = fields.String()
    round = Integer(metadata={"description": "the review round it ended"})


class PreviousOut(Schema):
    """上年评价结果: the same unit's archived evaluation of the same project the year before."""

    evaluation_id = Integer()
    year = Integer()
    total = fields.Decimal(as_string=True, places=2, allow_none=True)
    grade = fields.String(allow_none=True)
    open_rectifications = Integer(metadata={"description": "未完成的整改事项"})


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
    amount_warnings = fields.List(
        fields.String(), metadata={"description": "资金数据存疑（实际支出超过到位资金等）"}
    )
    execution_basis = fields.String(metadata={"description": "预算执行率口径: budget | received"})
    execution_basis_label = fields.String(
        metadata={"description": "the basis in words: 实际支出÷预算 | 实际支出÷到位资金"}
    )
    execution_rate = DecimalString(
        allow_none=True, metadata={"description": "预算执行率 in %, by its basis"}
    )
    due_date = fields.Date(allow_none=True)
    targets = fields.String()
    competent_department = fields.String()
    initial_budget = Amount(allow_none=True)
    fund_sources = fields.List(fields.Nested(FundSourceOut))
    targets_achieved = fields.String()
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
    cancellation = fields.Nested(ReturnOut, allow_none=True, metadata={"description": "终止"})
    previous = fields.Nested(PreviousOut, allow_none=True)
    group = fields.Nested(GroupOut)
    created_at = DateTime()
    updated_at = DateTime()
    stage_entered_at = DateTime(allow_none=True, metadata={"description": "进入当前阶段的时间"})


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
    deleted = fields.Boolean()
    deleted_at = DateTime(allow_none=True)
    deleted_by = Integer(attribute="deleted_by_id", allow_none=True)
    delete_reason = fields.String()
    replaced_by = Integer(attribute="replaced_by_id", allow_none=True)


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

    evaluation_id = Integer()
    project_name = fields.String()
    unit_name = fields.String()
    year = Integer()
    state = fields.String()
    state_label = fields.String()
    round = Integer()
    actions = fields.List(fields.String())
    due_date = fields.Date(allow_none=True)
    since = DateTime(metadata={"description": "进入当前阶段的时间（UTC）"})
    waiting_days = Integer(metadata={"description": "等待天数（北京时间日历日）"})


class TodoOut(Schema):
    items = fields.List(fields.Nested(TodoItemOut))
    total = Integer()


class DoneItemOut(Schema):
    """已办: one thing the caller did (an audit event of theirs)."""

    action = fields.String()
    action_label = fields.String()
    evaluation_id = Integer()
    project_name = fields.String()
    task_id = Integer(allow_none=True)
    at = DateTime()
    comment = fields.String()


class DoneOut(Schema):
    items = fields.List(fields.Nested(DoneItemOut))
    total = Integer()
