"""POST /api/v1/tokens: username + password → bearer token."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.database import db
from web.rest import make_blueprint
from workflow.accounts import operations as accounts

blp = make_blueprint("tokens", "访问令牌 (bearer tokens)")


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenOut(Schema):
    token = fields.String()


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def create_token(data):
    """Log in: exchange a username and password for a bearer token."""
    return {"token": accounts.issue_token(db(), data["username"], data["password"])}
