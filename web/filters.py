"""Jinja filters and globals for the Chinese UI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from roles import ROLE_LABELS
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.kernel import clock
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.lifecycle.states import ACTIONS, FLOW, STATES
from workflow.scoring.rules import DIRECTIONS, RULE_TYPES
from workflow.tasks.models import TASK_KINDS, TASK_STATUSES
from workflow.tasks.queries import is_overdue

AUDIT_LABELS = {
    **ACTIONS,
    "create": "创建评价",
    "project_updated": "修改项目信息",
    "group_changed": "调整工作组",
    "document_uploaded": "上传文件",
    "indicators_replaced": "设置评价指标体系",
    "indicators_from_template": "从模板复制指标体系",
    "indicator_scored": "指标打分",
    "scores_finalized": "评分定稿",
    "scores_unlocked": "解除评分定稿",
    "task_created": "分派任务",
    "task_claimed": "领取任务",
    "task_transferred": "转交任务",
    "task_completed": "完成任务",
    "task_reopened": "重新打开任务",
    "task_section_set": "指定报告章节",
    "report_drafted": "生成报告初稿",
    "report_section_saved": "修改报告章节",
    "report_problem_added": "添加问题或建议",
    "report_problem_updated": "修改问题或建议",
    "report_problem_deleted": "删除问题或建议",
    "report_commented": "提出审核意见",
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
        RULE_TYPES=RULE_TYPES,
        DIRECTIONS=DIRECTIONS,
        TASK_KINDS=TASK_KINDS,
        TASK_STATUSES=TASK_STATUSES,
        task_overdue=is_overdue,
    )
