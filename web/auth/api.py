"""Bearer tokens (访问令牌): POST /api/v1/tokens exchanges a username and password for one;
GET lists the caller's own, DELETE revokes one."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from web.auth import api_token, client_addr
from web.database import db
from web.rest import caller, document_errors, make_blueprint
from web.schemas import DateTime, Integer
from workflow.accounts import operations as accounts

blp = make_blueprint("tokens", "访问令牌 (bearer tokens)", public=True)


class TokenIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenOut(Schema):
    token = fields.String()


class TokenInfoOut(Schema):
    id = Integer()
    created_at = DateTime()
    expires_at = DateTime()
    current = fields.Function(
        lambda row: (current := api_token()) is not None and current.id == row.id,
        metadata={"type": "boolean", "description": "the token of this request"},
    )


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    @document_errors(blp, 400, 401, 429)
    def post(self, data):
        """Log in: exchange a username and password for a bearer token (401 if wrong)."""
        token = accounts.issue_token(db(), data["username"], data["password"], client_addr())
        return {"token": token}

    @blp.response(200, TokenInfoOut(many=True))
    @document_errors(blp, 401)
    def get(self):
        """The caller's own unexpired tokens (the token itself is never shown again)."""
        return accounts.list_tokens(db(), caller())


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@document_errors(blp, 401, 404)
def revoke_token(token_id):
    """Revoke one of the caller's tokens; it stops working at once."""
    accounts.revoke_token(db(), caller(), token_id)


class PasswordIn(Schema):
    current = fields.String(required=True, load_only=True, metadata={"description": "当前密码"})
    new = fields.String(required=True, load_only=True, metadata={"description": "新密码"})


#: 我的账号: what a logged-in caller does to their own account (a token needed first).
account_blp = make_blueprint("account", "我的账号：修改密码")


@account_blp.route("/users/me/password", methods=["PUT"])
@account_blp.arguments(PasswordIn)
@account_blp.response(204)
@document_errors(account_blp, 400, 401)
def change_password(data):
    """修改密码 (one's own): every login and token of the caller ends, this token too."""
    accounts.change_own_password(db(), caller().id, data["current"], data["new"])
