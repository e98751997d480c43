"""Jinja filters and globals for the Chinese UI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from roles import ROLE_LABELS
from workflow import clock
from workflow.machine import ACTIONS, FLOW, STATES
from workflow.models import DOCUMENT_CATEGORIES, EVALUATION_KINDS

AUDIT_LABELS = {
    **ACTIONS,
    "create": "创建评价",
    "project_updated": "修改项目信息",
    "group_changed": "调整工作组",
    "document_uploaded": "上传文件",
}


def local_time(ts: datetime | None) -> str:
    local = clock.to_local(ts)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def filesize(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(local_time=local_time, money=money, filesize=filesize)
    app.jinja_env.globals.update(
        STATES=STATES,
        FLOW=FLOW,
        ACTIONS=ACTIONS,
        AUDIT_LABELS=AUDIT_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        KINDS=EVALUATION_KINDS,
        DOC_CATEGORIES=DOCUMENT_CATEGORIES,
    )
