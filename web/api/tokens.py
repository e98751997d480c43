"""POST /api/v1/tokens: username + password → bearer token."""

from __future__ import annotations

from web.api import make_blueprint
from web.api.schemas import TokenIn, TokenOut
from web.database import db
from workflow.accounts import operations as accounts

blp = make_blueprint("tokens", "访问令牌 (bearer tokens)")


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
def create_token(data):
    """Log in: exchange a username and password for a bearer token."""
    return {"token": accounts.issue_token(db(), data["username"], data["password"])}
