"""修改密码: anyone changes their own password with the current one; their other logins and
tokens end, this browser carries on."""

from __future__ import annotations

from conftest import PASSWORD
from page_helpers import Browser, page


def test_a_user_changes_their_own_password_on_the_page(client, auth, api, make):
    user = make.make_user()
    token = api.as_(user)
    browser = Browser(client, auth, user)
    assert "修改密码" in page(browser.get("/"))

    wrong = browser.post("/account/password", {"current": "nope", "new": "short", "again": "short"})
    assert wrong.status_code == 400
    assert "当前密码不正确" in page(wrong) and "新密码至少 8 位" in page(wrong)
    done = browser.post(
        "/account/password",
        {"current": PASSWORD, "new": "a-new-secret-9", "again": "a-new-secret-9"},
        follow_redirects=True,
    )
    assert "密码已修改" in page(done)
    assert client.get("/").status_code == 200  # this browser is still logged in
    assert token.get("/api/v1/evaluations").status_code == 401  # the old token is gone
    auth.logout()
    assert auth.login(user.username, "a-new-secret-9").status_code == 302


def test_the_api_changes_it_too(api, make):
    user = make.make_user()
    me = api.as_(user)
    res = me.put("/api/v1/users/me/password", json={"current": "bad", "new": "a-new-secret-9"})
    assert res.status_code == 400
    assert {f["field"] for f in res.json["fields"]} == {"current"}
    res = me.put("/api/v1/users/me/password", json={"current": PASSWORD, "new": "a-new-secret-9"})
    assert res.status_code == 204
    assert me.get("/api/v1/evaluations").status_code == 401
    login = api.client.post(
        "/api/v1/tokens", json={"username": user.username, "password": "a-new-secret-9"}
    )
    assert login.status_code == 201
