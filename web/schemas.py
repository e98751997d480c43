"""Schemas every area's API shares."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from web.input import INT_MAX, INT_MIN, RANGE_MESSAGE
from workflow.kernel.money import MONEY_PLACES, money_str, to_money
from workflow.kernel.paging import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, PageRequest

#: An amount as the API writes it: 万元 as a decimal string, up to six places ("38.766462").
MONEY_PATTERN = rf"^[0-9]+(\.[0-9]{{1,{MONEY_PLACES}}})?$"


class Amount(fields.Field):
    """金额 in 万元 as a decimal string, exact to the 分 (`workflow.kernel.money`): "300" comes
    back as "300.00", "38.766462" as "38.766462"; finer or out of range is refused, not rounded."""

    def __init__(self, **kwargs: Any) -> None:
        said = {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "minimum": 0,  # a number, as the amount's value is
            "description": '金额（万元）：十进制字符串，最多 6 位小数，如 "38.766462"',
        }
        kwargs["metadata"] = said | kwargs.get("metadata", {})
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return money_str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        try:
            return to_money(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


#: A decimal string of two places, as the API writes amounts, scores and totals ("300.00").
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]{1,2})?$"


class DecimalString(fields.Decimal):
    """A decimal written as a string of two places ("96.50"), never a binary float; read
    from a string or a JSON number. The OpenAPI document says `type: string` with the pattern
    (`decimal_properties`)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {"pattern": DECIMAL_PATTERN, **kwargs["metadata"]}
        super().__init__(as_string=True, places=2, allow_nan=False, **kwargs)


def decimal_properties(self, field, ret: dict, **_kwargs) -> dict:
    """apispec: a decimal string's `minimum`/`maximum` as numbers, not the strings the field
    would write ("0.00"); they say what the value may be, as with a number."""
    if isinstance(field, DecimalString):
        for key in ("minimum", "maximum", "x-minimum", "x-maximum"):
            if key in ret:
                value = Decimal(str(ret.pop(key)))
                number = int(value) if value == value.to_integral_value() else float(value)
                ret[key.removeprefix("x-")] = number
    return {}


class DateTime(fields.DateTime):
    """A time, stored as naive UTC, written with its offset ("2026-12-02T03:13:38+00:00"); a
    time read with an offset becomes naive UTC, one without is taken as UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


class Integer(fields.Integer):
    """An integer the `integer` columns can hold (ids, years, counts): beyond it, 400 "超出范围"
    rather than the database's out-of-range error. Every API schema takes its integers here."""

    def __init__(self, **kwargs) -> None:
        bounds = validate.Range(min=INT_MIN, max=INT_MAX, error=RANGE_MESSAGE)
        kwargs["validate"] = [bounds, *_as_list(kwargs.get("validate"))]
        super().__init__(**kwargs)


def _as_list(validators) -> list:
    if validators is None:
        return []
    return list(validators) if isinstance(validators, list | tuple) else [validators]


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


class PageQuery(Schema):
    """分页 of an API list: `page` from 1 and `per_page` up to 200; the list's total and pages
    come in the `X-Pagination` header (flask-smorest's)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )

    @post_load
    def _page_request(self, data, **_kwargs):
        data["page"] = PageRequest(data.pop("page"), data.pop("per_page"))
        return data
