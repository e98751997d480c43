"""我的待办, 评价列表, 评价详情 and its forms (项目、工作组、文件、流程操作)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

import roles
from web.auth import client_addr, page_user
from web.confirm import unconfirmed
from web.database import db
from web.evaluations.forms import (
    ActionForm,
    DocumentForm,
    EvaluationForm,
    GroupForm,
    ProjectForm,
    fund_rows_data,
)
from web.exports import FORMATS, send_table
from web.files import send_document, store, uploaded
from web.forms import options
from web.indicators.pages import indicator_panel
from web.input import query_int
from web.jobs import background
from web.presenters import evaluation_dict, group_dict
from web.rectifications.pages import rectification_panel, rectification_todo
from web.results.panel import result_panel
from web.tasks.pages import PANEL_SIZE, task_panel, todo_sections
from web.ui import (
    attach_field_errors,
    filter_args,
    form_page,
    page_request,
    require_login,
    status_of,
    version_of,
)
from web.urls import local_path
from workflow.accounts import operations as accounts
from workflow.accounts.models import Unit, User
from workflow.campaigns import queries as campaign_queries
from workflow.documents import operations as documents
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.exports import tables
from workflow.kernel import access, clock
from workflow.kernel.audit import EVENTS as AUDIT_EVENTS
from workflow.kernel.errors import InvalidInput, JixiaoError, NotAllowed, NotFound
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.approvals import parse_policy, policy_label
from workflow.lifecycle.funds import amount_warnings, sources_of
from workflow.lifecycle.models import EVALUATION_KINDS as KINDS
from workflow.lifecycle.models import YEARS, Evaluation
from workflow.lifecycle.states import ACTIONS, STATES
from workflow.reminders import deadlines
from workflow.scoring.rules import percentage
from workflow.scoring.scorecard import execution_rate_of

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
        competent_department=form.competent_department.data or "",
        initial_budget=form.initial_budget.data,
        fund_sources=form.fund_sources(),
        targets_achieved=form.targets_achieved.data or "",
        execution_basis=form.execution_basis.data,
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
        {
            "key": "groups",
            "title": "待组建工作组的自评任务",
            "items": campaign_queries.awaiting_group(db(), user, page_request("groups_page")),
            "page_arg": "groups_page",
            "empty": "没有待组建工作组的自评任务。",
        },
        *todo_sections(db(), user),
        rectification_todo(db(), user),
    ]
    return render_template("evaluations/todo.html", sections=sections, today=clock.today_local())


@bp.route("/done")
def done():
    """我的已办: what I acted on, newest first, 50 a page."""
    events = evaluations.done(db(), page_user(), page_request())
    return render_template("evaluations/done.html", events=events)


@bp.route("/evaluations")
def index():
    """评价列表: 50 a page, filtered (阶段、单位、年度、类型、项目名称) and sorted in SQL."""
    user = page_user()
    filters = _list_filters()
    rows = evaluations.list_visible(db(), user, **filters, page=page_request())
    return render_template(
        "evaluations/index.html",
        rows=rows,
        units=evaluations.visible_units(db(), user),
        sorts={key: label for key, (label, _order) in evaluations.SORTS.items()},
        filtered=any(filters[k] for k in ("state", "unit_id", "year", "kind", "search")),
        # the query string names the search `q`
        export_args=filter_args({"q" if k == "search" else k: v for k, v in filters.items()}),
        today=clock.today_local(),
        **filters,
    )


def _list_filters() -> dict:
    """The list's filters from the query string; anything not one of the choices is no filter."""
    args = request.args
    return {
        "state": args.get("state") if args.get("state") in STATES else None,
        "unit_id": query_int("unit_id"),
        "year": _year(query_int("year")),
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "search": (args.get("q") or "").strip()[:100] or None,
        "sort": args.get("sort") if args.get("sort") in evaluations.SORTS else "newest",
    }


@bp.route("/evaluations/export.<fmt>")
def export(fmt: str):
    """导出评价列表 (Excel or CSV) with the filters the list shows."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式")
    return send_table(tables.evaluation_list(db(), page_user(), **_list_filters()), fmt)


@bp.route("/evaluations/<int:evaluation_id>/audit.<fmt>")
def export_audit(evaluation_id: int, fmt: str):
    """导出审计记录 (Excel or CSV)."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式")
    return send_table(tables.audit_trail(db(), page_user(), evaluation_id, audit_filter()), fmt)


def audit_filter() -> evaluations.AuditFilter:
    """The 审计记录 filters the page asks for (`?action=&actor=`); an unknown one is none."""
    action = request.args.get("action")
    return evaluations.AuditFilter(
        action if action in AUDIT_EVENTS else None, request.args.get("actor", type=int)
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
            _warn_about_amounts(evaluation)
            return redirect(url_for(".show", evaluation_id=evaluation.id))
    return form_page("evaluations/new.html", form, error)


@bp.route("/evaluations/<int:evaluation_id>/edit", methods=["GET", "POST"])
def edit(evaluation_id: int):
    user = page_user()
    evaluation = access.get_visible(db(), user, evaluation_id)
    _require(user, "edit_project", evaluation, "您无权修改此评价的项目信息，或当前阶段不允许修改")
    form = ProjectForm(obj=evaluation, **fund_rows_data(evaluation.fund_sources))
    error = None
    if form.validate_on_submit():
        try:
            saved = lifecycle.update_project(
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
            _warn_about_amounts(saved)
            return redirect(url_for(".show", evaluation_id=evaluation_id))
    return form_page("evaluations/edit.html", form, error, evaluation=evaluation)


def _warn_about_amounts(evaluation: Evaluation) -> None:
    """Saved, but said at once: amounts that look wrong (more spent than received …)."""
    for warning in amount_warnings(
        evaluation.budget, evaluation.funds_received, evaluation.funds_spent
    ):
        flash(warning, "warning")


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
    return render_show(evaluation_id)


def render_show(
    evaluation_id: int,
    upload_form: DocumentForm | None = None,
    status: int = 200,
    decision_form=None,
):
    """评价详情; a form posted from one of its cards and refused is shown again in its card."""
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
        "rates": {"received": percentage(evaluation.funds_received, evaluation.budget)},
        "execution": execution_rate_of(evaluation),
        "amount_warnings": amount_warnings(
            evaluation.budget, evaluation.funds_received, evaluation.funds_spent
        ),
        "fund_sources": sources_of(evaluation.fund_sources),
        "policy_label": policy_label(evaluation.approval_policy),
        "stage_deadline": deadlines.deadlines_of(session, evaluation).get(evaluation.state),
        "round_approvals": round_approvals,
        "documents": documents.list_documents(session, user, evaluation_id),
        "events": evaluations.audit_log(
            session,
            user,
            evaluation_id,
            page_request("events_page", PANEL_SIZE),
            newest_first=True,
            filters=audit_filter(),
        ),
        "audit_filter": audit_filter(),
        "audit_choices": evaluations.audit_choices(session, evaluation),
        "upload_form": upload_form or _upload_form(),
        "can_edit_project": roles.can(user, "edit_project", evaluation),
        "can_edit_group": roles.can(user, "edit_group", evaluation),
        "can_upload": roles.can(user, "upload_document", evaluation),
        **_document_changes(session, user, evaluation),
        "indicators": indicator_panel(session, user, evaluation),
        "results": result_panel(session, user, evaluation, decision_form),
        **task_panel(session, user, evaluation),
        **rectification_panel(session, user, evaluation),
        "today": clock.today_local(),
    }
    return render_template("evaluations/show.html", **context), status


def _upload_form() -> DocumentForm:
    """The empty upload form, with the category of the last upload (`?category=`) still
    chosen: several uploads of one kind in a row."""
    form = DocumentForm(formdata=None)
    if request.args.get("category") in DOCUMENT_CATEGORIES:
        form.category.data = request.args["category"]
    return form


def _document_changes(session, user: User, evaluation: Evaluation) -> dict:
    """评价文件: which ones `user` may change (删除, 替换, 改类别), and the deleted ones."""
    every = documents.list_documents(session, user, evaluation.id, deleted=True)
    return {
        "deleted_documents": [d for d in every if d.deleted],
        "changeable": {
            d.id
            for d in every
            if not d.deleted and roles.can_change_document(user, evaluation, d.uploaded_by_id)
        },
    }


def _document_change(evaluation_id: int, change, done: str):
    """One change to a document from its row (删除, 替换, 改类别): flash, back to the list."""
    try:
        change()
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for(".show", evaluation_id=evaluation_id, _anchor="documents"))


@bp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>/delete", methods=["POST"])
def delete_document(evaluation_id: int, document_id: int):
    reason = request.form.get("reason", "")
    return _document_change(
        evaluation_id,
        lambda: documents.delete_document(
            db(), page_user(), evaluation_id, document_id, reason, client_addr()
        ),
        "文件已删除（删除记录和理由已写入审计记录）",
    )


@bp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>/category", methods=["POST"])
def recategorise_document(evaluation_id: int, document_id: int):
    category = request.form.get("category", "")
    return _document_change(
        evaluation_id,
        lambda: documents.recategorise_document(
            db(), page_user(), evaluation_id, document_id, category, client_addr()
        ),
        "文件类别已修改",
    )


@bp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>/replace", methods=["POST"])
def replace_document(evaluation_id: int, document_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择用于替换的文件", "error")
        return redirect(url_for(".show", evaluation_id=evaluation_id, _anchor="documents"))
    return _document_change(
        evaluation_id,
        lambda: documents.replace_document(
            db(),
            page_user(),
            evaluation_id,
            document_id,
            upload.filename or "",
            upload.stream,
            store(),
            request.form.get("reason", ""),
            client_addr(),
        ),
        f"文件已替换为：{upload.filename}",
    )


@bp.route("/evaluations/<int:evaluation_id>/documents", methods=["POST"])
def upload(evaluation_id: int):
    """上传文件: each file chosen through the same checks, one upload each; the ones refused
    are named beside the file input (and above), the category stays chosen either way."""
    form = DocumentForm()
    try:
        files = uploaded(form.file) if form.validate_on_submit() else []
    except InvalidInput as exc:
        attach_field_errors(form, exc)
        files = []
    if not files:
        flash("未能上传：请按“评价文件”中的提示修改后重试", "error")
        return render_show(evaluation_id, form, 400)
    stored, refused = [], []
    for upload in files:
        try:
            document = documents.add_document(
                db(),
                page_user(),
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
            refused.append(exc)
        else:
            stored.append(document.filename)
    if stored:
        flash(f"已上传：{'、'.join(stored)}", "success")
    if not refused:
        back = url_for(".show", evaluation_id=evaluation_id, category=form.category.data)
        return redirect(f"{back}#upload")
    for exc in refused:  # the category's problem at the category, a file's at the files
        attach_field_errors(form, exc)
    flash(f"{len(refused)} 个文件未能上传，原因见“评价文件”中的提示", "error")
    return render_show(evaluation_id, form, status_of(refused[0]))


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
        flash(_outcome(evaluation, action), "success")
    return redirect(back)


def _outcome(evaluation: Evaluation, action: str) -> str:
    """What an action did: an approval that leaves the 领导小组 review open says who is left."""
    if action == "approve" and evaluation.state == "group_review":
        return evaluations.approval_progress(db(), evaluation).message()
    return f"已{ACTIONS[action]}，当前阶段：{STATES[evaluation.state]}"
