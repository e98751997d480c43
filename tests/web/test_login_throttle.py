"""Failed logins are throttled per account and per address, in the database (every worker
and host counts the same failures): 5 failures lock the account for a minute, each further
failure doubles the lock, with "登录失败次数过多，请N分钟后再试"; an unknown username costs a
password hash like a wrong password."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD

from workflow.accounts import operations as accounts

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock_at():
    from workflow.kernel import clock

    def move(moment: datetime) -> None:
        clock.set_now(lambda: moment)

    move(START)
    yield move
    clock.set_now(None)


def token(client, username: str, password: str, addr: str = "10.0.0.1"):
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def test_five_failures_lock_the_account_then_the_lock_grows(client, make, clock_at):
    user = make.make_user()
    for _ in range(4):
        assert token(client, user.username, "wrong-pass").status_code == 401
    assert token(client, user.username, "wrong-pass").status_code == 401  # the 5th: locked
    res = token(client, user.username, PASSWORD)  # even the right password waits
    assert res.status_code == 429
    assert res.json == {"code": "too_many_attempts", "message": "登录失败次数过多，请1分钟后再试"}
    clock_at(START + timedelta(minutes=1, seconds=1))
    assert token(client, user.username, "wrong-pass").status_code == 401  # 6th: 2 minutes
    clock_at(START + timedelta(minutes=2))
    assert (
        token(client, user.username, PASSWORD).json["message"] == "登录失败次数过多，请2分钟后再试"
    )
    clock_at(START + timedelta(minutes=3, seconds=2))
    assert token(client, user.username, PASSWORD).status_code == 201
    # a success forgets the account's failures
    assert token(client, user.username, "wrong-pass").status_code == 401
    assert token(client, user.username, PASSWORD).status_code == 201


def test_a_lock_of_one_account_leaves_the_others_alone(client, make, clock_at):
    victim, colleague = make.make_user(), make.make_user()
    for _ in range(5):
        token(client, victim.username, "wrong-pass", addr="10.0.0.9")
    assert token(client, victim.username, PASSWORD, addr="10.0.0.2").status_code == 429
    assert token(client, colleague.username, PASSWORD, addr="10.0.0.9").status_code == 201


def test_many_failures_from_one_address_lock_that_address(client, make, clock_at):
    users = [make.make_user() for _ in range(5)]
    for i in range(accounts.LOGIN_LIMITS["addr"]):
        token(client, users[i % 5].username, f"wrong-{i // 5}", addr="10.6.6.6")
    res = token(client, make.make_user().username, PASSWORD, addr="10.6.6.6")
    assert res.status_code == 429
    # four failures each: the accounts themselves are not locked elsewhere
    assert token(client, users[0].username, PASSWORD, addr="10.0.0.3").status_code == 201


def test_unknown_usernames_are_counted_and_locked_alike(client, make, clock_at):
    for _ in range(5):
        assert token(client, "nobody", "wrong-pass").status_code == 401
    assert token(client, "nobody", "wrong-pass").status_code == 429


def test_the_login_page_says_when_to_try_again(client, auth, make, clock_at):
    user = make.make_user()
    for _ in range(5):
        assert auth.login(user.username, "wrong-pass").status_code == 400
    res = auth.login(user.username)
    assert res.status_code == 429
    assert "登录失败次数过多，请1分钟后再试" in res.get_data(as_text=True)


def test_failures_older_than_an_hour_no_longer_count(client, make, clock_at):
    user = make.make_user()
    for _ in range(4):
        token(client, user.username, "wrong-pass")
    clock_at(START + timedelta(hours=2))
    token(client, user.username, "wrong-pass")
    assert token(client, user.username, PASSWORD).status_code == 201


def test_an_unknown_username_costs_a_password_hash(client, make, monkeypatch):
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(
        accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p)
    )
    assert token(client, "nobody", "wrong-pass").status_code == 401
    assert len(checked) == 1


def test_an_unknown_username_takes_as_long_as_a_wrong_password(client, make, monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:300000")
    user = make.make_user()

    def timed(username: str) -> float:
        began = time.perf_counter()
        assert token(client, username, "wrong-pass", addr=username).status_code == 401
        return time.perf_counter() - began

    timed("warm-up")
    wrong = min(timed(user.username) for _ in range(2))
    unknown = min(timed("nobody") for _ in range(2))
    assert 0.5 < unknown / wrong < 2
