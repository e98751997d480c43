"""API schemas of bureaus, units and users."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Integer
from workflow.accounts.models import SYSTEM_ROLES


class BureauIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    region = fields.String(load_default="", validate=validate.Length(max=200))


class BureauOut(Schema):
    id = Integer()
    name = fields.String()
    region = fields.String()


class UnitIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    bureau_id = Integer(required=True)


class UnitOut(Schema):
    id = Integer()
    name = fields.String()
    bureau_id = Integer()


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(load_default=None, load_only=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(
        load_default="unit_user",
        validate=validate.OneOf(SYSTEM_ROLES),
        metadata={"description": "admin, unit_user (the default, with unit_id), finance_reviewer"},
    )
    unit_id = Integer(load_default=None, allow_none=True)
    bureau_id = Integer(load_default=None, allow_none=True)
    title = fields.String(load_default="", validate=validate.Length(max=100))
    email = fields.Email(load_default=None, allow_none=True)
    active = fields.Boolean(load_default=True)


class UserUpdate(UserIn):
    """Editing names the role: a missing one must not turn anybody into a 单位用户."""

    role = fields.String(required=True, validate=validate.OneOf(SYSTEM_ROLES))


class UserOut(Schema):
    id = Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit_id = Integer(allow_none=True)
    bureau_id = Integer(allow_none=True)
    title = fields.String()
    email = fields.String(allow_none=True)
    active = fields.Boolean()
