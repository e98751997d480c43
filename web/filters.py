"""Jinja filters and globals for the Chinese UI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from roles import ROLE_LABELS
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.kernel import clock
from workflow.kernel.audit import EVENTS
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.queries import waiting_days
from workflow.lifecycle.states import ACTIONS, FLOW, STATES
from workflow.rectifications.models import RECTIFICATION_STATUSES
from workflow.scoring.rules import DIRECTIONS, RULE_TYPES
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES
from workflow.tasks.queries import is_overdue


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
        AUDIT_LABELS=EVENTS,
        ROLE_LABELS=ROLE_LABELS,
        KINDS=EVALUATION_KINDS,
        DOC_CATEGORIES=DOCUMENT_CATEGORIES,
        RULE_TYPES=RULE_TYPES,
        DIRECTIONS=DIRECTIONS,
        TASK_KINDS=TASK_KINDS,
        TASK_STATUSES=TASK_STATUSES,
        RECTIFICATION_STATUSES=RECTIFICATION_STATUSES,
        task_overdue=is_overdue,
        waiting_days=waiting_days,
    )
