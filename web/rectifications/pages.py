"""整改 pages: the list (a unit's items; for the bureau first its count per unit of items open
and overdue), the item page (its status buttons, 佐证材料 and history), and the archived
evaluation's 整改事项 card."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for

import roles
from web.auth import client_addr, page_user
from web.database import db
from web.exports import FORMATS, send_table
from web.files import store, uploaded
from web.input import query_int
from web.rectifications.forms import EditForm, EvidenceForm, FinishForm, ReopenForm, VersionForm
from web.ui import (
    attach_field_errors,
    filter_args,
    form_action,
    page_request,
    require_login,
    version_of,
)
from workflow.accounts.models import User
from workflow.exports import tables
from workflow.kernel import clock
from workflow.kernel.errors import NotFound
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.models import Evaluation
from workflow.rectifications import operations as rectifications
from workflow.rectifications import queries as rectification_queries
from workflow.rectifications.models import MOVES, RECTIFICATION_STATUSES, move_to

bp = Blueprint("rectification_pages", __name__)
require_login(bp)


def rectification_panel(session, user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation page's 整改事项 card: once archived, the items its problems became."""
    if evaluation.state != "archived":
        return {"rectifications": None}
    return {"rectifications": rectification_queries.of_evaluation(session, evaluation)}


def rectification_todo(session, user: User) -> dict[str, Any]:
    """我的待办's 整改事项 section: the items waiting on me, a page at a time."""
    return {
        "key": "rectifications",
        "title": "待办整改事项",
        "items": rectification_queries.waiting_on(session, user, page_request("rect_page")),
        "page_arg": "rect_page",
        "empty": "目前没有等待您办理的整改事项。",
    }


def _filters() -> rectification_queries.Filters:
    status = request.args.get("status")
    return rectification_queries.Filters(
        unit_id=query_int("unit_id"),
        status=status if status in RECTIFICATION_STATUSES else None,
        overdue=request.args.get("overdue") == "1",
    )


@bp.route("/rectifications")
def index():
    """整改事项: a unit user's unit's; for a finance reviewer (or an administrator) first how many
    are open and overdue per unit, then the items, filtered and paged."""
    user = page_user()
    session = db()
    filters = _filters()
    bureau_view = user.role in ("finance_reviewer", "admin")
    return render_template(
        "rectifications/index.html",
        filters=filters,
        filtered=bool(filters.unit_id or filters.status or filters.overdue),
        export_args=filter_args(filters),
        rows=rectification_queries.list_items(session, user, filters, page_request()),
        per_unit=rectification_queries.per_unit(session, user) if bureau_view else None,
        units=evaluations.visible_units(session, user) if bureau_view else [],
        statuses=RECTIFICATION_STATUSES,
        today=clock.today_local(),
    )


@bp.route("/rectifications/export.<fmt>")
def export(fmt: str):
    """导出整改事项 (Excel or CSV) with the filters the list shows."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式")
    return send_table(tables.rectification_list(db(), page_user(), _filters()), fmt)


FORMS = {
    "edit": EditForm,
    "start": VersionForm,
    "evidence": EvidenceForm,
    "finish": FinishForm,
    "accept": VersionForm,
    "reopen": ReopenForm,
}


@bp.route("/rectifications/<int:item_id>")
def show(item_id: int):
    return _render(item_id)


def _render(item_id: int, posted: tuple[str, Any] | None = None, error=None, status: int = 200):
    """The item page; `posted` is the (name, form) just submitted, shown again with its input."""
    user = page_user()
    view = rectification_queries.get_view(db(), user, item_id)
    item = view.item
    forms = {
        name: form(formdata=None, prefix=name, version=item.version) for name, form in FORMS.items()
    }
    forms["edit"] = EditForm(
        formdata=None,
        prefix="edit",
        version=item.version,
        measure=item.measure,
        due_date=item.due_date,
        note=item.note,
    )
    forms["finish"].note.data = item.note
    if posted:
        name, form = posted
        form.version.data = item.version  # the page now shows the item as it is
        attach_field_errors(form, error)
        forms[name] = form
    may_work = roles.can_rectification(user, "update", item)
    may_review = roles.can_rectification(user, "review", item)
    context = {
        "view": view,
        "item": item,
        "evaluation": item.evaluation,
        "forms": forms,
        "error": error,
        "error_form": posted[0] if posted and error else None,
        "labels": {name: label for name, (_sources, _dest, label) in MOVES.items()},
        "may": {
            "edit": may_work,
            "start": may_work and move_to(item.status, "in_progress") == "start",
            "finish": may_work,
            "evidence": may_work,
            "accept": may_review,
            "reopen": may_review,
        },
    }
    return render_template("rectifications/show.html", **context), status


def _act(item_id: int, name: str, call: Callable[[Any], Any], success: str):
    """One form of the item page: call its service, or show the page again with the message."""
    form = FORMS[name](prefix=name)
    done = url_for(".show", item_id=item_id)
    return form_action(
        form, call, success, done, lambda exc, status: _render(item_id, (name, form), exc, status)
    )


def _files(form) -> list:
    return [(f.filename or "", f.stream) for f in uploaded(form.files)]


@bp.route("/rectifications/<int:item_id>/edit", methods=["POST"])
def edit(item_id: int):
    return _act(
        item_id,
        "edit",
        lambda form: rectifications.update_item(
            db(),
            page_user(),
            item_id,
            rectifications.Changes(
                measure=form.measure.data or "",
                due_date=form.due_date.data,
                note=form.note.data or "",
            ),
            version_of(form.version),
            client_addr(),
        ),
        "整改事项已保存",
    )


@bp.route("/rectifications/<int:item_id>/start", methods=["POST"])
def start(item_id: int):
    return _act(
        item_id,
        "start",
        lambda form: rectifications.update_item(
            db(),
            page_user(),
            item_id,
            rectifications.Changes(status="in_progress"),
            version_of(form.version),
            client_addr(),
        ),
        "已开始整改",
    )


@bp.route("/rectifications/<int:item_id>/evidence", methods=["POST"])
def evidence(item_id: int):
    return _act(
        item_id,
        "evidence",
        lambda form: rectifications.add_evidence(
            db(),
            page_user(),
            item_id,
            _files(form),
            store(),
            version_of(form.version),
            client_addr(),
        ),
        "已上传佐证材料",
    )


@bp.route("/rectifications/<int:item_id>/finish", methods=["POST"])
def finish(item_id: int):
    return _act(
        item_id,
        "finish",
        lambda form: rectifications.finish_with_files(
            db(),
            page_user(),
            item_id,
            form.note.data or "",
            _files(form),
            store(),
            version_of(form.version),
            client_addr(),
        ),
        "已提交验收，等待财政局审核人验收",
    )


@bp.route("/rectifications/<int:item_id>/accept", methods=["POST"])
def accept(item_id: int):
    return _act(
        item_id,
        "accept",
        lambda form: rectifications.accept_item(
            db(), page_user(), item_id, version_of(form.version), client_addr()
        ),
        "整改事项已验收通过",
    )


@bp.route("/rectifications/<int:item_id>/reopen", methods=["POST"])
def reopen(item_id: int):
    return _act(
        item_id,
        "reopen",
        lambda form: rectifications.reopen_item(
            db(),
            page_user(),
            item_id,
            form.reason.data or "",
            version_of(form.version),
            client_addr(),
        ),
        "已退回重新整改",
    )
