"""Schemas every area's API shares."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from web.input import INT_MAX, INT_MIN, RANGE_MESSAGE
from workflow.kernel.paging import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, PageRequest

Amount = lambda **kw: fields.Decimal(as_string=True, places=2, allow_nan=False, **kw)  # noqa: E731


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
