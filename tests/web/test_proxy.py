"""Behind a reverse proxy (`JIXIAO_PROXY_HOPS`, docs/deploy.md): the login throttle counts each
client's own address from X-Forwarded-For, which is ignored when no proxy is trusted (anyone
can send the header)."""

from __future__ import annotations

import pytest
from conftest import PASSWORD

from web import create_app
from workflow.accounts import operations as accounts

PROXY = "127.0.0.1"  # nginx on the same host: every request comes from it


def token(client, username: str, password: str, forwarded_for: str, addr: str = PROXY):
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": addr},
    )


def fail_from(client, make, forwarded_for: str, addr: str = PROXY) -> None:
    """As many failures as lock an address, spread over five accounts (none locked itself)."""
    users = [make.make_user() for _ in range(5)]
    for i in range(accounts.LOGIN_LIMITS["addr"]):
        token(client, users[i % 5].username, f"wrong-{i // 5}", forwarded_for, addr)


@pytest.fixture
def proxied(shared_app, app, db_url):
    """The app as `JIXIAO_PROXY_HOPS=1` makes it, on this test's database."""
    config = {k: shared_app.config[k] for k in ("TESTING", "SECRET_KEY", "UPLOAD_DIR")}
    behind = create_app({**config, "DATABASE_URL": db_url, "PROXY_HOPS": 1})
    yield behind
    behind.extensions["jixiao.engine"].dispose()


def test_behind_a_trusted_proxy_one_clients_failures_lock_only_that_client(proxied, make):
    client = proxied.test_client()
    fail_from(client, make, "203.0.113.9")
    assert token(client, make.make_user().username, PASSWORD, "203.0.113.9").status_code == 429
    # another office behind the same proxy still logs in
    assert token(client, make.make_user().username, PASSWORD, "198.51.100.7").status_code == 201


def test_the_proxy_sees_https_and_the_client_address(proxied):
    seen = {}

    @proxied.get("/_test_proxy_seen")
    def _seen():
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return "ok"

    proxied.test_client().get(
        "/_test_proxy_seen",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": PROXY},
    )
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}


def test_without_a_trusted_proxy_a_forged_forwarded_for_dodges_nothing(client, make):
    users = [make.make_user() for _ in range(5)]
    for i in range(accounts.LOGIN_LIMITS["addr"]):
        forged = f"192.0.2.{i}"  # a new address each time, all from one machine
        token(client, users[i % 5].username, f"wrong-{i // 5}", forged, addr="10.6.6.6")
    res = token(client, make.make_user().username, PASSWORD, "192.0.2.250", addr="10.6.6.6")
    assert res.status_code == 429
