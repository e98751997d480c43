"""工作任务 pages: 分派任务 (组长), the task page (领取、转交、完成、重新打开、指定报告章节, its
history),
the evaluation page's 任务 card and the 我的任务 / 可认领的任务 sections of 我的待办.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

import roles
from web.auth import client_addr, page_user
from web.database import db
from web.files import store, uploaded
from web.forms import options
from web.indicators.pages import group_people
from web.tasks.forms import (
    ClaimForm,
    CompleteForm,
    ReopenForm,
    SectionForm,
    TaskForm,
    TransferForm,
)
from web.ui import (
    attach_field_errors,
    form_action,
    form_page,
    page_request,
    require_login,
    version_of,
)
from workflow.accounts.models import User
from workflow.kernel import access
from workflow.kernel.errors import JixiaoError, NotAllowed, NotFound
from workflow.kernel.paging import PageRequest
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.models import Evaluation
from workflow.reports import queries as report_queries
from workflow.reports.draft import numeral
from workflow.tasks import operations as tasks
from workflow.tasks import queries as task_queries
from workflow.tasks.models import Task

bp = Blueprint("task_pages", __name__)
require_login(bp)


POOL = "（任务池：组内成员自行领取）"

#: A task's history on its page: its latest events (a task is done in a few dozen at most).
HISTORY = PageRequest(1, 200)


NO_SECTION = "（仅“报告章节”任务选择）"


def section_options(evaluation: Evaluation, blank: str | None = None) -> list:
    """The report sections of the evaluation's outline, numbered as in the report."""
    sections = [
        (key, f"{numeral(n)}、{title}")
        for n, (key, title) in enumerate(task_queries.section_choices(evaluation), start=1)
    ]
    return options([("", blank), *sections] if blank else sections)


#: Tasks and audit events on the evaluation page: the latest, a page of them at a time.
PANEL_SIZE = 20


def task_panel(session, user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The 工作任务 card of the evaluation page: the latest tasks, "更多" for the rest."""
    page = page_request("tasks_page", PANEL_SIZE)
    return {
        "tasks": task_queries.list_tasks(session, user, evaluation.id, page, newest_first=True),
        "can_manage_tasks": roles.can(user, "manage_tasks", evaluation),
    }


def todo_sections(session, user: User) -> list[dict[str, Any]]:
    """我的待办: my open tasks across evaluations, and the pool tasks I may claim, a page each."""
    return [
        {
            "key": "tasks",
            "title": "我的任务",
            "items": task_queries.my_tasks(
                session, user, task_queries.MINE, page_request("tasks_page")
            ),
            "page_arg": "tasks_page",
            "empty": "目前没有分派给您的任务。",
        },
        {
            "key": "pool",
            "title": "可认领的任务",
            "items": task_queries.my_tasks(
                session, user, task_queries.POOL, page_request("pool_page")
            ),
            "page_arg": "pool_page",
            "empty": "任务池中暂无可认领的任务。",
        },
    ]


@bp.route("/evaluations/<int:evaluation_id>/tasks/new", methods=["GET", "POST"])
def new(evaluation_id: int):
    user = page_user()
    evaluation = access.get_visible(db(), user, evaluation_id)
    if not roles.can(user, "manage_tasks", evaluation):
        raise NotAllowed("只有组长可以分派任务，且评价须处于办理阶段")
    form = TaskForm()
    form.assignee.choices = options([("", POOL), *group_people(evaluation)])
    form.section.choices = section_options(evaluation, NO_SECTION)
    error = None
    if form.validate_on_submit():
        spec = tasks.TaskSpec(
            kind=form.kind.data,
            title=form.title.data or "",
            description=form.description.data or "",
            assignee_id=form.assignee.data,
            due_date=form.due_date.data,
            required=form.required.data,
            section=form.section.data or None,
        )
        try:
            task = tasks.create_task(db(), user, evaluation_id, spec, client_addr())
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
        else:
            flash(f"已分派任务：{task.title}", "success")
            return redirect(
                url_for("evaluation_pages.show", evaluation_id=evaluation_id, _anchor="tasks")
            )
    return form_page("tasks/new.html", form, error, evaluation=evaluation)


@bp.route("/tasks/<int:task_id>")
def show(task_id: int):
    return _render(task_id)


def _render(task_id: int, posted: tuple[str, Any] | None = None, error=None, status: int = 200):
    """The task page; `posted` is the (name, form) just submitted, shown again with its input."""
    user = page_user()
    session = db()
    task = task_queries.get_task(session, user, task_id)
    forms: dict[str, Any] = {
        "claim": ClaimForm(formdata=None, prefix="claim", version=task.version),
        "transfer": TransferForm(formdata=None, prefix="transfer", version=task.version),
        "complete": CompleteForm(formdata=None, prefix="complete", version=task.version),
        "reopen": ReopenForm(formdata=None, prefix="reopen", version=task.version),
        "section": SectionForm(
            formdata=None, prefix="section", version=task.version, section=task.section
        ),
    }
    if posted:
        name, form = posted
        form.version.data = task.version  # the page now shows the task as it is
        attach_field_errors(form, error)
        forms[name] = form
    forms["section"].section.choices = section_options(task.evaluation)
    forms["transfer"].to.choices = options(
        [("", "（请选择接收人）")]
        + [(uid, label) for uid, label in group_people(task.evaluation) if uid != task.assignee_id]
    )
    history = evaluations.audit_log(
        session, user, task.evaluation_id, HISTORY, newest_first=True, task_id=task.id
    ).items
    context = {
        "task": task,
        "evaluation": task.evaluation,
        "forms": forms,
        "error": error,
        "error_form": posted[0] if posted and error else None,
        "history": history,
        "overdue": task_queries.is_overdue(task),
        "section_title": task_queries.section_title(task),
        "may_edit_section": roles.can_edit_report(user, task.evaluation),
        "scoring_open": roles.stage_allows(task.evaluation, "score_indicators"),
        "report_drafted": bool(
            task.section and report_queries.sections_of(session, task.evaluation)
        ),
        "blockers": task_queries.completion_blockers(session, task)
        if task.status != "done"
        else [],
        "may": {
            "claim": roles.can_claim_task(user, task),
            "transfer": roles.can_transfer_task(user, task),
            "complete": roles.can_complete_task(user, task),
            "reopen": roles.can_reopen_task(user, task),
            "set_section": roles.can_set_task_section(user, task),
        },
    }
    return render_template("tasks/show.html", **context), status


def _act(task_id: int, name: str, form, call: Callable[[Any], Task], success: str):
    """One button of the task page: call its service, or show the page again with the message."""
    done = url_for(".show", task_id=task_id)
    return form_action(
        form, call, success, done, lambda exc, status: _render(task_id, (name, form), exc, status)
    )


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
def claim(task_id: int):
    return _act(
        task_id,
        "claim",
        ClaimForm(prefix="claim"),
        lambda form: tasks.claim_task(
            db(), page_user(), task_id, version_of(form.version), client_addr()
        ),
        "已领取任务",
    )


@bp.route("/tasks/<int:task_id>/transfer", methods=["POST"])
def transfer(task_id: int):
    return _act(
        task_id,
        "transfer",
        TransferForm(prefix="transfer"),
        lambda form: tasks.transfer_task(
            db(),
            page_user(),
            task_id,
            form.to.data,
            form.reason.data or "",
            version_of(form.version),
            client_addr(),
        ),
        "已转交任务",
    )


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
def complete(task_id: int):
    return _act(
        task_id,
        "complete",
        CompleteForm(prefix="complete"),
        lambda form: tasks.complete_task_with_files(
            db(),
            page_user(),
            task_id,
            form.note.data or "",
            [(f.filename or "", f.stream) for f in uploaded(form.files)],
            store(),
            version_of(form.version),
            client_addr(),
        ),
        "任务已完成",
    )


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
def reopen(task_id: int):
    return _act(
        task_id,
        "reopen",
        ReopenForm(prefix="reopen"),
        lambda form: tasks.reopen_task(
            db(),
            page_user(),
            task_id,
            form.reason.data or "",
            version_of(form.version),
            client_addr(),
        ),
        "任务已重新打开",
    )


@bp.route("/tasks/<int:task_id>/section", methods=["POST"])
def set_section(task_id: int):
    return _act(
        task_id,
        "section",
        SectionForm(prefix="section"),
        lambda form: tasks.set_task_section(
            db(),
            page_user(),
            task_id,
            form.section.data or "",
            version_of(form.version),
            client_addr(),
        ),
        "已指定报告章节",
    )
