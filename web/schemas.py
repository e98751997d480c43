"""Schemas every area's API shares."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields

from workflow.kernel.money import money_str, to_money


class Amount(fields.Field):
    """金额 in 万元 as a decimal string, exact to the 分 (`workflow.kernel.money`): "300" comes
    back as "300.00", "38.766462" as "38.766462"; finer or out of range is refused, not rounded."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"type": "string", "description": "万元，最多 6 位小数"})
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return money_str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        try:
            return to_money(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class FieldErrorSchema(Schema):
    field = fields.String(
        allow_none=True,
        metadata={"description": "the field's name in the request (null: the input as a whole)"},
    )
    message = fields.String(metadata={"description": "中文说明"})


class ErrorSchema(Schema):
    code = fields.String(metadata={"description": "machine code, e.g. guard_failed"})
    message = fields.String(metadata={"description": "中文说明"})
    details = fields.Raw(metadata={"description": "unmet guards or field messages"})
    field_errors = fields.List(
        fields.Nested(FieldErrorSchema),
        data_key="fields",
        metadata={"description": "bad input (400): each problem with the field it concerns"},
    )
