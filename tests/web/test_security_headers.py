"""Every response carries the browser hardening headers (no framing, a strict CSP, no referrer
off the site, no sniffing); the pages need no inline script or style for that CSP; cookies are
`Secure` when the site says it is served over HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from web import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The PDF's own template is rendered by xhtml2pdf, never sent to a browser.
BROWSER_TEMPLATES = [p for p in TEMPLATES.rglob("*.html") if p.name != "pdf.html"]


def assert_hardened(res) -> None:
    csp = res.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert res.headers["X-Frame-Options"] == "DENY"
    assert res.headers["Referrer-Policy"] == "same-origin"
    assert res.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "/login",
        "/evaluations",
        "/api/v1/evaluations",
        "/api/v1/openapi.json",
        "/static/style.css",
        "/no-such-page",
        "/api/v1/evaluations/999",
    ],
)
def test_every_response_is_hardened(client, url):
    assert_hardened(client.get(url))


def test_logged_in_pages_and_errors_are_hardened(client, auth, make):
    auth.login("admin")
    for url in ("/", "/evaluations/999", "/admin/users"):
        assert_hardened(client.get(url))
    assert_hardened(client.post("/login", data={"username": "admin"}))  # a CSRF refusal


@pytest.mark.parametrize("template", BROWSER_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_needs_inline_script_or_style(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "javascript:" not in html


def test_cookies_are_secure_over_https(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "t",
            "HTTPS": True,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    client = app.test_client()
    res = client.get("/login")
    assert "Secure" in res.headers["Set-Cookie"] and "HttpOnly" in res.headers["Set-Cookie"]
    assert res.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cookies_are_not_secure_over_plain_http(client):
    res = client.get("/login")
    assert "Secure" not in res.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in res.headers
