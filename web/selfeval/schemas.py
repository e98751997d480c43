"""API schema of the 项目支出绩效自评表 (`workflow.selfeval.form.SelfEvaluationForm`)."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.schemas import Amount, Integer
from web.scoring.schemas import Points


class FundSourceRowOut(Schema):
    source = fields.String(metadata={"description": "fiscal | carryover | other"})
    initial_budget = Amount(allow_none=True)
    budget = Amount(allow_none=True)
    spent = Amount(allow_none=True)


class FundsOut(Schema):
    """项目资金（万元）: the totals, 执行率, and the 预算执行率 leaf's 分值 and 得分."""

    initial_budget = Amount(allow_none=True, metadata={"description": "年初预算数"})
    budget = Amount(allow_none=True, metadata={"description": "全年预算数"})
    spent = Amount(allow_none=True, metadata={"description": "全年执行数"})
    rate = Points(allow_none=True, metadata={"description": "执行率 in %"})
    weight = Points(allow_none=True, metadata={"description": "分值"})
    score = Points(allow_none=True, metadata={"description": "得分"})
    sources = fields.List(fields.Nested(FundSourceRowOut))


class FormIndicatorOut(Schema):
    level1 = fields.String()
    level2 = fields.String()
    name = fields.String()
    nature = fields.String(metadata={"description": "指标性质: ≥ ≤ = 定性"})
    target = fields.String(metadata={"description": "年度指标值"})
    unit = fields.String(metadata={"description": "度量单位"})
    actual = fields.String(metadata={"description": "实际完成值 (a 定性 leaf: its text)"})
    weight = Points()
    score = Points(allow_none=True)
    deviation_note = fields.String(metadata={"description": "偏差原因分析及改进措施"})


class SelfEvaluationOut(Schema):
    project_name = fields.String()
    competent_department = fields.String(metadata={"description": "主管部门"})
    unit_name = fields.String(metadata={"description": "实施单位"})
    year = Integer()
    funds = fields.Nested(FundsOut)
    targets = fields.String(metadata={"description": "年度总体目标：预期目标"})
    targets_achieved = fields.String(metadata={"description": "实际完成情况"})
    indicators = fields.List(fields.Nested(FormIndicatorOut))
    total = Points(allow_none=True, metadata={"description": "总分"})
    grade = fields.String(allow_none=True)
