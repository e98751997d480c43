"""API schemas of the portfolio (评价概览) and a unit's overview."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import DateTime, DecimalString, Integer
from workflow.lifecycle.models import EVALUATION_KINDS, YEARS
from workflow.lifecycle.states import STATES
from workflow.scoring.rules import GRADE_TITLES


class PortfolioQuery(Schema):
    year = Integer(load_default=None, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
    unit_id = Integer(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(list(EVALUATION_KINDS)))
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    grade = fields.String(load_default=None, validate=validate.OneOf(GRADE_TITLES))
    overdue = fields.Boolean(load_default=False, metadata={"description": "只看逾期的"})


class ArchiveQuery(Schema):
    year = Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))


class HolderOut(Schema):
    id = Integer()
    name = fields.String()


class WaitingOut(Schema):
    evaluation_id = Integer()
    project_name = fields.String()
    unit_name = fields.String()
    state = fields.String()
    since = DateTime(metadata={"description": "进入当前阶段的时间（UTC）"})
    days = Integer(metadata={"description": "已停留天数"})
    due_date = fields.Date(allow_none=True)
    holders = fields.List(fields.Nested(HolderOut), metadata={"description": "待谁办理"})


class BinOut(Schema):
    from_ = Integer(data_key="from", attribute="from")
    to = Integer()
    count = Integer()


class CampaignRateOut(Schema):
    id = Integer()
    title = fields.String()
    year = Integer()
    due_date = fields.Date()
    units = Integer(metadata={"description": "单位数（不含已取消）"})
    submitted = Integer(metadata={"description": "已提交财政局审核或已归档（不含已取消）"})
    total = Integer(metadata={"description": "项目数（不含已取消）"})
    overdue = Integer(metadata={"description": "逾期未提交"})
    rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "提交率 %"})


class PortfolioOut(Schema):
    total = Integer()
    by_state = fields.Dict(keys=fields.String(), values=Integer())
    by_grade = fields.Dict(keys=fields.String(), values=Integer())
    by_kind = fields.Dict(keys=fields.String(), values=Integer())
    histogram = fields.List(
        fields.Nested(BinOut), metadata={"description": "已定稿总分，每 5 分一档"}
    )
    stuck = fields.List(fields.Nested(WaitingOut), metadata={"description": "停留最久的评价"})
    overdue = fields.List(fields.Nested(WaitingOut), metadata={"description": "逾期的评价"})
    overdue_total = Integer()
    campaigns = fields.List(
        fields.Nested(CampaignRateOut),
        metadata={"description": "自评任务及提交率（按年度、单位、类型筛选计数）"},
    )


class UnitEvaluationOut(Schema):
    id = Integer()
    year = Integer()
    project_name = fields.String()
    state = fields.String()
    total = DecimalString(allow_none=True)
    grade = fields.String(allow_none=True)


class UnitOverviewOut(Schema):
    evaluations = fields.List(fields.Nested(UnitEvaluationOut))
    open_rectifications = Integer()
    overdue_rectifications = Integer()
