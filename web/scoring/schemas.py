"""API schemas of scores and the 评分表."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from web.schemas import DateTime, Integer
from workflow.scoring.rules import ScorecardNode, fmt


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


class ReopenIn(Schema):
    reason = fields.String(load_default="", metadata={"description": "解除定稿的理由（必填）"})


class SurveyCsvForm(Schema):
    reason = fields.String(load_default="")
    deviation_note = fields.String(load_default="")


class Points(fields.String):
    """A Decimal as the 评分表 prints it: two places, half up (`fmt`: "4.52", "96.00")."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return fmt(value)


class ScoreOut(Schema):
    code = fields.String()
    name = fields.String()
    weight = fields.String()
    target = fields.String()
    unit = fields.String()
    rule = fields.String()
    scorer = Integer(allow_none=True)
    scored = fields.Boolean()
    score = fields.String(allow_none=True, metadata={"description": "computed, decimal string"})
    actual = fields.String(allow_none=True, metadata={"description": "完成值"})
    actual_shown = fields.String(metadata={"description": "完成值 with its unit: 735人次, 98%"})
    previous_actual = fields.String(allow_none=True, metadata={"description": "上年完成值"})
    previous_score = fields.String(allow_none=True, metadata={"description": "上年得分"})
    rate = fields.String(allow_none=True, metadata={"description": "rate in %"})
    reason = fields.String()
    deviation_note = fields.String()
    deviation_note_required = fields.Boolean()
    not_applicable = fields.Boolean()
    inputs = fields.Raw(allow_none=True)
    details = fields.Raw(allow_none=True)
    scored_by = Integer(allow_none=True)
    scored_at = DateTime(allow_none=True)
    total = Points(allow_none=True, metadata={"description": "评价总分 so far"})
    grade = fields.String(allow_none=True, metadata={"description": "等级 so far"})


class DeductionOut(Schema):
    points = fields.String(metadata={"description": "扣分, as entered"})
    reason = fields.String()


BRANCH_FIELDS = {"code", "name", "weight", "score", "children"}


class ScorecardNodeOut(Schema):
    """A branch (code, name, weight, score, children) or a leaf (the other fields, no children)."""

    code = fields.String()
    name = fields.String()
    weight = Points()
    score = Points(allow_none=True)
    children = fields.List(fields.Nested(lambda: ScorecardNodeOut()))
    reason = fields.String(allow_none=True, metadata={"description": "扣分理由 / 不适用理由"})
    not_applicable = fields.Boolean()
    target = fields.String()
    unit = fields.String()
    rule = fields.String()
    direction = fields.String()
    standard = fields.String()
    scorer = Integer(allow_none=True)
    actual = fields.String(allow_none=True, metadata={"description": "完成值, as stored"})
    actual_text = fields.String(metadata={"description": "a 定性 完成值 (有效)"})
    completion_value = fields.String(metadata={"description": "完成值 with its unit: 735人次"})
    nature = fields.String(metadata={"description": "指标性质: ≥ ≤ = 定性"})
    rate = Points(allow_none=True)
    deviation_note = fields.String()
    deductions = fields.List(fields.Nested(DeductionOut))
    scored_at = DateTime(allow_none=True)

    @post_dump(pass_original=True)
    def _branch_or_leaf(self, data: dict, node: ScorecardNode, **kwargs: Any) -> dict:
        kept = BRANCH_FIELDS if not node.is_leaf else set(data) - {"children"}
        return {key: value for key, value in data.items() if key in kept}


class ScorecardOut(Schema):
    evaluation_id = Integer()
    project_name = fields.String()
    kind = fields.String()
    total = Points(allow_none=True)
    grade = fields.String(allow_none=True)
    rescaled = fields.Boolean(metadata={"description": "不适用 leaves: total rescaled to 100"})
    complete = fields.Boolean(metadata={"description": "every leaf scored or 不适用"})
    raw_total = Points(allow_none=True)
    applicable_weight = Points(allow_none=True)
    finalized = fields.Boolean()
    finalized_at = DateTime(allow_none=True)
    finalized_by = Integer(allow_none=True)
    levels = fields.List(fields.Nested(ScorecardNodeOut))
