"""Sessions and tokens as a government system needs them: a logout, a password change and a
deactivation end that user's sessions (and, for the last two, API tokens) at once; tokens can be
listed and revoked; an idle session expires; a wrong API password is a 401."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD, AuthActions
from page_helpers import Browser

from workflow.accounts import operations as accounts
from workflow.kernel import clock


def logged_in(client) -> bool:
    res = client.get("/evaluations")
    return res.status_code == 200


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_logout_no_longer_works(app, client, auth, make):
    user = make.make_user()
    Browser(client, auth, user)
    saved = cookie_of(client)
    assert logged_in(with_cookie(app, saved))
    auth.logout()
    assert not logged_in(with_cookie(app, saved))
    assert not logged_in(client)


def test_logout_ends_the_users_other_sessions_too(app, make):
    user = make.make_user()
    office, home = app.test_client(), app.test_client()
    Browser(office, AuthActions(office), user)
    Browser(home, AuthActions(home), user)
    AuthActions(office).logout()
    assert not logged_in(home)


def user_fields(user, **changes) -> accounts.UserFields:
    fields = {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "unit_id": user.unit_id,
        "bureau_id": user.bureau_id,
        "active": user.active,
        **changes,
    }
    return accounts.UserFields(**fields)


@pytest.mark.parametrize(
    "change",
    [
        lambda s, admin, u: accounts.save_user(
            s, admin, user_fields(u, password="new-pass-2"), u.id
        ),
        lambda s, admin, u: accounts.deactivate_user(s, admin, u.id),
        lambda s, admin, u: accounts.save_user(s, admin, user_fields(u, active=False), u.id),
    ],
    ids=["password", "deactivate", "edit-inactive"],
)
def test_password_change_and_deactivation_end_sessions_and_tokens(
    app, client, auth, api, make, session, change
):
    user = make.make_user()
    Browser(client, auth, user)
    token_client = api.as_(user)
    assert token_client.get("/api/v1/evaluations").status_code == 200
    saved = cookie_of(client)
    change(session, make.admin, user)
    assert not logged_in(with_cookie(app, saved))
    assert token_client.get("/api/v1/evaluations").status_code == 401
    # reactivating revives none of them
    session.refresh(user)
    accounts.save_user(session, make.admin, user_fields(user, active=True), user.id)
    assert not logged_in(with_cookie(app, saved))
    assert token_client.get("/api/v1/evaluations").status_code == 401


def test_editing_other_fields_keeps_sessions(app, client, auth, make, session):
    user = make.make_user()
    Browser(client, auth, user)
    accounts.save_user(session, make.admin, user_fields(user, title="科长"), user.id)
    assert logged_in(client)


def test_an_admin_changing_their_own_password_stays_logged_in(client, auth, make):
    admin = Browser(client, auth, make.admin)
    res = admin.post(
        f"/admin/users/{make.admin.id}/edit",
        {
            "username": "admin",
            "display_name": "系统管理员",
            "role": "admin",
            "password": "brand-new-pass",
            "active": "y",
        },
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    assert logged_in(client)


def test_tokens_are_listed_and_revoked(client, make):
    user = make.make_user()
    tokens = [
        client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD}).json[
            "token"
        ]
        for _ in range(2)
    ]
    first, second = ({"Authorization": f"Bearer {t}"} for t in tokens)
    listed = client.get("/api/v1/tokens", headers=first)
    assert listed.status_code == 200
    assert [t["current"] for t in listed.json] == [False, True]  # newest first
    assert set(listed.json[0]) >= {"id", "created_at", "expires_at", "current"}
    assert "token" not in listed.json[0]
    other = listed.json[0]["id"]
    assert client.delete(f"/api/v1/tokens/{other}", headers=first).status_code == 204
    assert client.get("/api/v1/evaluations", headers=second).status_code == 401
    assert client.get("/api/v1/evaluations", headers=first).status_code == 200


def test_another_users_token_cannot_be_revoked_and_looks_missing(client, api, make):
    owner, stranger = make.make_user(), make.make_user()
    api.as_(owner)
    own = api.as_(owner).get("/api/v1/tokens").json[0]["id"]
    res = api.as_(stranger).delete(f"/api/v1/tokens/{own}")
    missing = api.as_(stranger).delete("/api/v1/tokens/999999")
    assert res.status_code == missing.status_code == 404
    assert res.json == missing.json
    assert api.as_(owner).get("/api/v1/evaluations").status_code == 200


@pytest.mark.parametrize("method, url", [("get", "/api/v1/tokens"), ("delete", "/api/v1/tokens/1")])
def test_token_endpoints_need_a_token(client, method, url):
    assert getattr(client, method)(url).status_code == 401


def test_a_wrong_api_password_is_401(client, make):
    res = client.post("/api/v1/tokens", json={"username": "admin", "password": "wrong-pass"})
    assert res.status_code == 401
    assert res.json["code"] == "bad_credentials"


@pytest.fixture
def clock_at():
    def move(moment: datetime) -> None:
        clock.set_now(lambda: moment)

    yield move
    clock.set_now(None)


def test_an_idle_session_expires(app, client, auth, make, clock_at):
    app.config["SESSION_IDLE_MINUTES"] = 30
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock_at(start)
    Browser(client, auth, make.make_user())
    clock_at(start + timedelta(minutes=25))
    assert logged_in(client)  # in use: the idle clock starts again
    clock_at(start + timedelta(minutes=50))
    assert logged_in(client)
    clock_at(start + timedelta(minutes=81))
    res = client.get("/evaluations")
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    assert "登录已失效" in client.get("/login").get_data(as_text=True)
