"""Every route the app has is covered from the day it is added: without a login each API
operation is 401 and each page sends the visitor to the login page, except the few that are
public by design (listed here, so that adding one is a decision)."""

from __future__ import annotations

import re

import pytest

from web import create_app

#: Reached without logging in, on purpose.
PUBLIC = {"auth.login", "static", "favicon"}
#: the OpenAPI document; 评价结果公开 (pages without login by design)
PUBLIC_PREFIXES = ("api-docs.", "public_pages.")
#: Token requests: anyone may ask, with a username and password (401 on a wrong one).
TOKEN_REQUEST = ("POST", "/api/v1/tokens")


def _sample(match: re.Match) -> str:
    """A value for a URL part: the first of an `any(…)`, 1 for an id, xlsx for a format."""
    spec = match[1]
    if spec.startswith("any("):
        return spec[4:].split(",")[0].strip(" )").split(":")[0]
    name = spec.split(":")[-1]
    return "xlsx" if name == "fmt" else "1"


def _routes():
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        url = re.sub(r"<([^>]+)>", _sample, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(url, method, id=f"{method} {rule.rule}")


@pytest.mark.parametrize(("url", "method"), list(_routes()))
def test_nothing_is_reachable_without_logging_in(client, url, method):
    res = client.open(url, method=method)
    if (method, url) == TOKEN_REQUEST:
        assert res.status_code == 400  # no username or password given
    elif url.startswith("/api/"):
        assert res.status_code == 401, (res.status_code, res.get_data(as_text=True)[:200])
    elif method == "GET":
        assert res.status_code == 302 and "/login" in res.headers["Location"]
    else:  # a form post: refused before anything happens (no session, so no CSRF token)
        assert res.status_code in (302, 400)
