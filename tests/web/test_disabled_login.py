"""A deactivated account is told "账号已停用" (on the login page and for an API token), but only
once the password is right: a wrong password says "用户名或密码错误" as for anybody."""

from __future__ import annotations

from conftest import PASSWORD
from page_helpers import page

from workflow.accounts import operations as accounts


def test_a_disabled_account_is_told_so_on_the_login_page(client, auth, make):
    user = make.make_user(name="停用的人")
    accounts.deactivate_user(make.session, make.admin, user.id)
    res = auth.login(user.username)
    assert res.status_code == 400
    assert "账号已停用，请联系管理员" in page(res) and "用户名或密码错误" not in page(res)
    assert client.get("/").status_code == 302  # not logged in
    res = auth.login(user.username, "wrong-password")
    assert "用户名或密码错误" in page(res) and "账号已停用" not in page(res)


def test_a_disabled_account_gets_no_api_token_and_is_told_why(client, make):
    user = make.make_user()
    accounts.deactivate_user(make.session, make.admin, user.id)
    res = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert res.status_code == 403
    assert res.json == {"code": "account_disabled", "message": "账号已停用，请联系管理员"}
    res = client.post("/api/v1/tokens", json={"username": user.username, "password": "nope-nope"})
    assert res.json["code"] == "bad_credentials"
