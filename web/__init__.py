"""jixiao's web application: pages (Chinese UI) and the JSON API under /api/v1."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for

ROOT = Path(__file__).resolve().parent.parent


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, made on first start: never a known default,
    which would let anyone sign a session cookie."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then environment, then `test_config`."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("JIXIAO_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "web" / "static"),
    )
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY") or _instance_secret(Path(app.instance_path)),
        DATABASE_URL=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'jixiao.db'}",
        # On several hosts: a directory they all mount (NFS or similar, docs/deploy.md).
        UPLOAD_DIR=os.environ.get("JIXIAO_UPLOAD_DIR") or str(Path(app.instance_path) / "uploads"),
        MAX_UPLOAD_BYTES=int(os.environ.get("JIXIAO_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        API_TITLE="jixiao 绩效评价 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # X-Jixiao-Statements on every response (web/diagnostics.py), for bench/scale only.
        STATEMENT_HEADER=os.environ.get("JIXIAO_STATEMENT_HEADER") == "1",
        # How an archived report's signed files are rendered after the approval (web/jobs.py).
        REPORT_RENDER=os.environ.get("JIXIAO_REPORT_RENDER", "thread"),
    )
    if test_config:
        app.config.update(test_config)
    # Requests may carry a little more than one file (the form fields); the exact file limit
    # is checked by the document service with a clear message.
    app.config.setdefault("MAX_CONTENT_LENGTH", app.config["MAX_UPLOAD_BYTES"] + 1024 * 1024)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from web import auth, database, diagnostics, errors, filters, input, security
    from web.extensions import csrf, login_manager

    input.init_app(app)  # first: routes added later take its `int` converter
    database.init_app(app)
    diagnostics.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    filters.init_app(app)
    register_api(app)
    register_pages(app)
    errors.init_app(app)  # after the API: flask-smorest registers an HTTP error handler too
    return app


def register_api(app: Flask) -> None:
    """/api/v1: one flask-smorest blueprint per area, bearer tokens instead of CSRF."""
    from web.admin import api as admin
    from web.auth import api as tokens
    from web.campaigns import api as campaigns
    from web.evaluations import api as evaluations
    from web.extensions import api, csrf
    from web.indicators import api as indicators
    from web.notifications import api as notifications
    from web.portfolio import api as portfolio
    from web.rectifications import api as rectifications
    from web.reports import api as reports
    from web.results import api as results
    from web.schemas import DecimalString, decimal_properties
    from web.scoring import api as scoring
    from web.selfeval import api as selfeval
    from web.tasks import api as tasks

    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_field(DecimalString, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(decimal_properties)
    areas = (
        tokens,
        admin,
        evaluations,
        indicators,
        scoring,
        selfeval,
        tasks,
        notifications,
        reports,
        campaigns,
    )
    for blp in (*(m.blp for m in (*areas, portfolio, results, rectifications)), tokens.account_blp):
        csrf.exempt(blp)  # bearer tokens, not cookies: CSRF does not apply
        api.register_blueprint(blp)


def register_pages(app: Flask) -> None:
    """The Chinese UI: one blueprint per area, and the header's menu for every page."""
    from web.admin import pages as admin
    from web.auth import pages as auth
    from web.campaigns import pages as campaigns
    from web.confirm import consequence
    from web.evaluations import pages as evaluations
    from web.indicators import pages as indicators
    from web.notifications import pages as notifications
    from web.notifications import settings as reminder_settings
    from web.portfolio import pages as portfolio
    from web.rectifications import pages as rectifications
    from web.reports import pages as reports
    from web.results import pages as results
    from web.results import public
    from web.resume import posted_form_page
    from web.scoring import pages as scoring
    from web.selfeval import pages as selfeval
    from web.tasks import pages as tasks
    from web.ui import nav, page_url, refusal_lines

    areas = (auth, evaluations, indicators, scoring, selfeval, tasks, reports, notifications, admin)
    settings = (reminder_settings,)
    for module in (*areas, *settings, portfolio, results, public, rectifications, campaigns):
        app.register_blueprint(module.bp)
    app.context_processor(nav)
    app.add_template_global(refusal_lines)
    app.add_template_global(page_url)
    # Browsers ask for /favicon.ico on their own: the site's icon, not a 404 in every log.
    app.add_url_rule(
        "/favicon.ico",
        "favicon",
        lambda: redirect(url_for("static", filename="favicon.svg"), code=301),
    )
    app.add_template_global(consequence)
    app.add_template_global(posted_form_page)
