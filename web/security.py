"""Browser hardening on every response (安全响应头): no framing, a strict Content-Security-Policy
(scripts and styles only from /static, no inline code), no referrer leaving the site, no
content sniffing; cookies marked `Secure` when the site is served over HTTPS (`JIXIAO_HTTPS=1`,
on in the deployment guide). Behind a reverse proxy, `JIXIAO_PROXY_HOPS=N` trusts the last N
proxies' X-Forwarded-For/-Proto/-Host (werkzeug's ProxyFix), so the login throttle counts each
client's own address; without it those headers are ignored, since anyone can send them."""

from __future__ import annotations

import os

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    app.config.setdefault("HTTPS", os.environ.get("JIXIAO_HTTPS", "") in ("1", "true", "yes"))
    app.config.setdefault("PROXY_HOPS", int(os.environ.get("JIXIAO_PROXY_HOPS") or 0))
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
