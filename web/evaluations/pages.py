"""我的待办, 评价列表, 评价详情 and its forms (项目、工作组、文件、流程操作)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

import roles
from web.auth import client_addr, page_user
from web.confirm import unconfirmed
from web.database import db
from web.evaluations.forms import ActionForm, DocumentForm, EvaluationForm, GroupForm, ProjectForm
from web.files import send_document, store
from web.forms import options
from web.indicators.pages import indicator_panel
from web.input import query_int
from web.jobs import background
from web.presenters import evaluation_dict, group_dict
from web.tasks.pages import PANEL_SIZE, task_panel, todo_sections
from web.ui import (
    attach_field_errors,
    form_page,
    local_path,
    page_request,
    require_login,
    status_of,
    version_of,
)
from workflow.accounts import operations as accounts
from workflow.accounts.models import Unit, User
from workflow.documents import operations as documents
from workflow.kernel import access, clock
from workflow.kernel.errors import JixiaoError, NotAllowed, NotFound
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.approvals import parse_policy, policy_label
from workflow.lifecycle.models import EVALUATION_KINDS as KINDS
from workflow.lifecycle.models import YEARS, Evaluation
from workflow.lifecycle.states import ACTIONS, STATES
from workflow.scoring.rules import percentage

bp = Blueprint("evaluation_pages", __name__)
require_login(bp)


def _project_fields(form: ProjectForm) -> lifecycle.ProjectFields:
    return lifecycle.ProjectFields(
        project_name=form.project_name.data or "",
        year=form.year.data,
        kind=form.kind.data,
        budget=form.budget.data,
        funds_received=form.funds_received.data,
        funds_spent=form.funds_spent.data,
        due_date=form.due_date.data,
        targets=form.targets.data or "",
    )


def _creatable_units(user: User) -> list[Unit]:
    return [u for u in accounts.list_units(db()) if roles.can_create_evaluation(user, u.id)]


def _require(user: User, permission: str, evaluation: Evaluation, message: str) -> None:
    """Refuse a form page the user could not submit anyway (the service checks again)."""
    if not roles.can(user, permission, evaluation):
        raise NotAllowed(message)


@bp.route("/")
def todo():
    """我的待办: the evaluations waiting on me, my tasks and the pool's, each a page at a time."""
    user = page_user()
    sections = [
        {
            "key": "evaluations",
            "title": "待我处理的评价",
            "items": evaluations.todo(db(), user, page_request()),
            "page_arg": "page",
            "empty": "目前没有需要您处理的评价。",
        },
        *todo_sections(db(), user),
    ]
    return render_template("evaluations/todo.html", sections=sections)


@bp.route("/done")
def done():
    """我的已办: what I acted on, newest first, 50 a page."""
    events = evaluations.done(db(), page_user(), page_request())
    return render_template("evaluations/done.html", events=events)


@bp.route("/evaluations")
def index():
    """评价列表: 50 a page, filtered (阶段、单位、年度、类型、项目名称) and sorted in SQL."""
    user = page_user()
    args = request.args
    filters = {
        "state": args.get("state") if args.get("state") in STATES else None,
        "unit_id": query_int("unit_id"),
        "year": _year(query_int("year")),
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "search": (args.get("q") or "").strip()[:100] or None,
        "sort": args.get("sort") if args.get("sort") in evaluations.SORTS else "newest",
    }
    rows = evaluations.list_visible(db(), user, **filters, page=page_request())
    return render_template(
        "evaluations/index.html",
        rows=rows,
        units=evaluations.visible_units(db(), user),
        sorts={key: label for key, (label, _order) in evaluations.SORTS.items()},
        filtered=any(filters[k] for k in ("state", "unit_id", "year", "kind", "search")),
        today=clock.today_local(),
        **filters,
    )


def _year(year: int | None) -> int | None:
    """A 评价年度 to filter by; one no evaluation can have is no filter."""
    return year if year in YEARS else None


@bp.route("/evaluations/new", methods=["GET", "POST"])
def new():
    user = page_user()
    units = _creatable_units(user)
    if not units:
        raise NotAllowed("您无权创建评价（仅单位用户和管理员可以开展评价）")
    form = EvaluationForm(
        unit_id=user.unit_id if user.unit_id in {u.id for u in units} else None,
        year=clock.today_local().year - 1,
    )
    form.unit_id.choices = options((u.id, u.name) for u in units)
    error = None
    if form.validate_on_submit():
        try:
            evaluation = lifecycle.create_evaluation(
                db(), user, form.unit_id.data, _project_fields(form), client_addr()
            )
        except JixiaoError as exc:
            error = exc
        else:
            flash("评价已创建。下一步：组建评价工作组并上传评价工作方案。", "success")
            return redirect(url_for(".show", evaluation_id=evaluation.id))
    return form_page("evaluations/new.html", form, error)


@bp.route("/evaluations/<int:evaluation_id>/edit", methods=["GET", "POST"])
def edit(evaluation_id: int):
    user = page_user()
    evaluation = access.get_visible(db(), user, evaluation_id)
    _require(user, "edit_project", evaluation, "您无权修改此评价的项目信息，或当前阶段不允许修改")
    form = ProjectForm(obj=evaluation)
    error = None
    if form.validate_on_submit():
        try:
            lifecycle.update_project(
                db(),
                user,
                evaluation_id,
                _project_fields(form),
                version_of(form.version),
                client_addr(),
            )
        except JixiaoError as exc:
            error = exc
        else:
            flash("项目与资金信息已保存", "success")
            return redirect(url_for(".show", evaluation_id=evaluation_id))
    return form_page("evaluations/edit.html", form, error, evaluation=evaluation)


def _person(user: User) -> str:
    return f"{user.display_name}（{user.title}）" if user.title else user.display_name


@bp.route("/evaluations/<int:evaluation_id>/group", methods=["GET", "POST"])
def group(evaluation_id: int):
    user = page_user()
    evaluation = access.get_visible(db(), user, evaluation_id)
    _require(user, "edit_group", evaluation, "您无权调整此评价的工作组，或当前阶段不允许调整")
    current = group_dict(evaluation)
    policy, quorum = parse_policy(evaluation.approval_policy)
    form = GroupForm(
        leader=current["leader"],
        deputies=current["deputies"],
        members=current["members"],
        approvers=current["approvers"],
        policy=policy,
        quorum=quorum,
        version=evaluation.version,
    )
    people = [
        (u.id, _person(u))
        for u in accounts.list_users(db(), unit_id=evaluation.unit_id)
        if u.active
    ]
    form.leader.choices = options([("", "（请选择组长）"), *people])
    form.deputies.choices = form.members.choices = form.approvers.choices = options(people)
    error = None
    if form.validate_on_submit():
        spec = lifecycle.GroupSpec(
            leader=form.leader.data,
            deputies=form.deputies.data,
            members=form.members.data,
            approvers=form.approvers.data,
            approval_policy=form.approval_policy(),
        )
        try:
            lifecycle.set_group(
                db(), user, evaluation_id, spec, version_of(form.version), client_addr()
            )
        except JixiaoError as exc:
            error = exc
        else:
            flash("评价工作组已保存", "success")
            return redirect(url_for(".show", evaluation_id=evaluation_id))
    return form_page("evaluations/group.html", form, error, evaluation=evaluation)


@bp.route("/evaluations/<int:evaluation_id>")
def show(evaluation_id: int):
    return _render_show(evaluation_id)


def _render_show(evaluation_id: int, upload_form: DocumentForm | None = None, status: int = 200):
    user = page_user()
    session = db()
    evaluation = access.get_visible(session, user, evaluation_id)
    info = evaluation_dict(session, user, evaluation)
    round_approvals = [
        a
        for a in evaluations.approvals(session, evaluation)
        if a.round == evaluation.round and a.stage == evaluation.state
    ]
    context = {
        "evaluation": evaluation,
        "info": info,
        "rates": {
            "received": percentage(evaluation.funds_received, evaluation.budget),
            "spent": percentage(evaluation.funds_spent, evaluation.budget),
        },
        "policy_label": policy_label(evaluation.approval_policy),
        "round_approvals": round_approvals,
        "documents": documents.list_documents(session, user, evaluation_id),
        "events": evaluations.audit_log(
            session,
            user,
            evaluation_id,
            page_request("events_page", PANEL_SIZE),
            newest_first=True,
        ),
        "upload_form": upload_form or DocumentForm(formdata=None),
        "can_edit_project": roles.can(user, "edit_project", evaluation),
        "can_edit_group": roles.can(user, "edit_group", evaluation),
        "can_upload": roles.can(user, "upload_document", evaluation),
        "indicators": indicator_panel(session, user, evaluation),
        **task_panel(session, user, evaluation),
    }
    return render_template("evaluations/show.html", **context), status


@bp.route("/evaluations/<int:evaluation_id>/documents", methods=["POST"])
def upload(evaluation_id: int):
    user = page_user()
    form = DocumentForm()
    if not form.validate_on_submit():
        return _render_show(evaluation_id, form, 400)
    upload = form.file.data
    try:
        document = documents.add_document(
            db(),
            user,
            evaluation_id,
            form.category.data,
            upload.filename or "",
            upload.stream,
            store(),
            client_addr(),
        )
    except (NotFound, NotAllowed):
        raise  # the error page: there is no upload form to show the message on
    except JixiaoError as exc:
        if not attach_field_errors(form, exc):  # the category's problem at the category
            form.file.errors = [*form.file.errors, exc.message]
        return _render_show(evaluation_id, form, status_of(exc))
    flash(f"已上传：{document.filename}", "success")
    return redirect(url_for(".show", evaluation_id=evaluation_id, _anchor="documents"))


@bp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>")
def download(evaluation_id: int, document_id: int):
    return send_document(page_user(), evaluation_id, document_id)


@bp.route("/evaluations/<int:evaluation_id>/actions/<action>", methods=["POST"])
def act(evaluation_id: int, action: str):
    """One action button (推进、审核通过、退回、撤回、终止): flash the outcome, back to the page.
    An irreversible one (终止, 撤回, 财政局 审核通过) is taken only with its box ticked."""
    form = ActionForm()
    back = local_path(form.next.data) or url_for(".show", evaluation_id=evaluation_id)
    state = access.get_visible(db(), page_user(), evaluation_id).state
    if refusal := unconfirmed(action, state):
        flash(refusal, "error")
        return redirect(back)
    try:
        evaluation = lifecycle.perform(
            db(),
            page_user(),
            evaluation_id,
            action,
            comment=form.comment.data or "",
            to=form.to.data or None,
            expected_version=version_of(form.version),
            client_addr=client_addr(),
            files=store(),
            background=background(),
        )
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash(f"已{ACTIONS[action]}，当前阶段：{STATES[evaluation.state]}", "success")
    return redirect(back)
