"""API schemas of 结果应用 (decisions and their rules) and 评价结果公开."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Amount, Integer
from workflow.lifecycle.models import YEARS
from workflow.results.rules import DECISIONS
from workflow.scoring.rules import GRADE_TITLES

DECISION_HELP = "、".join(f"{key}（{label}）" for key, label in DECISIONS.items())


class DecisionIn(Schema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(list(DECISIONS)),
        metadata={"description": DECISION_HELP},
    )
    percentage = Amount(
        load_default=None, allow_none=True, metadata={"description": "压减/增加比例（%）"}
    )
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class RuleOut(Schema):
    """The default 结果应用 of one 等级."""

    grade = fields.String()
    decision = fields.String()
    decision_label = fields.String()
    percentage = Amount(allow_none=True)


class DecisionOut(Schema):
    evaluation_id = Integer()
    state = fields.String()
    total = Amount(allow_none=True, metadata={"description": "评分定稿的总分"})
    grade = fields.String(allow_none=True)
    decision = fields.String(allow_none=True, metadata={"description": "null until decided"})
    decision_label = fields.String(allow_none=True)
    percentage = Amount(allow_none=True)
    comment = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    suggested = fields.Nested(RuleOut, allow_none=True, metadata={"description": "按等级建议"})
    can_decide = fields.Boolean()


class RuleIn(Schema):
    grade = fields.String(required=True, validate=validate.OneOf(GRADE_TITLES))
    decision = fields.String(required=True, validate=validate.OneOf(list(DECISIONS)))
    percentage = Amount(load_default=None, allow_none=True)


class RulesIn(Schema):
    rules = fields.List(fields.Nested(RuleIn), required=True, validate=validate.Length(max=10))


class RulesOut(Schema):
    rules = fields.List(fields.Nested(RuleOut))


class YearQuery(Schema):
    year = Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))


class PublicationIn(Schema):
    published = fields.Boolean(required=True)


class PublicationOut(Schema):
    published = fields.Boolean()
    token = fields.String(allow_none=True, metadata={"description": "null unless published"})
    url = fields.String(allow_none=True, metadata={"description": "the public page"})
