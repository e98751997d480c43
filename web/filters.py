"""Jinja filters and globals for the Chinese UI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from roles import ROLE_LABELS
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.kernel import clock
from workflow.kernel.audit import EVENTS
from workflow.kernel.money import yuan
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.queries import waiting_days
from workflow.lifecycle.states import ACTIONS, FLOW, STATES, definition_label
from workflow.rectifications.models import RECTIFICATION_STATUSES
from workflow.scoring.rules import DIRECTIONS, RULE_TYPES, indicator_nature
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES
from workflow.tasks.queries import is_overdue


def local_time(ts: datetime | None) -> str:
    local = clock.to_local(ts)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def money(value: Decimal | None) -> str:
    """万元 on a page: two decimals (the exact figure is on the form, and in 元 via `yuan`)."""
    return "—" if value is None else f"{value:,.2f}"


def yuan_text(value: Decimal | None) -> str:
    """The exact amount in 元 ("387,664.62 元") for a 万元 figure."""
    exact = yuan(value)
    return "" if exact is None else f"{exact:,.2f} 元"


def filesize(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time, money=money, yuan=yuan_text, filesize=filesize
    )
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
        indicator_nature=indicator_nature,
        definition_label=definition_label,
    )
