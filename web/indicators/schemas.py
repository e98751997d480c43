"""API schemas of the indicator tree and the templates."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from web.schemas import DateTime, Integer
from workflow.lifecycle.models import EVALUATION_KINDS


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
    direction = fields.Raw(metadata={"type": "string", "enum": ["positive", "negative", "equal"]})
    rule = fields.Raw(
        metadata={
            "type": "object",
            "description": '评分规则 (leaf): {"type": rate|completion|tiered|deduction|survey|'
            "manual, …params}",
        }
    )
    scorer = fields.Raw(allow_none=True, metadata={"type": "integer", "description": "打分人"})
    previous_actual = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "上年完成值 (leaf)"}
    )
    previous_score = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "上年得分 (leaf)"}
    )
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
    updated_by = Integer(allow_none=True, metadata={"description": "user id"})
    updated_at = DateTime(allow_none=True)


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
