"""Schemas every area's API shares."""

from __future__ import annotations

from marshmallow import Schema, fields

Amount = lambda **kw: fields.Decimal(as_string=True, places=2, allow_nan=False, **kw)  # noqa: E731


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
