"""API schemas of scores and the 评分表."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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
