"""Evaluations API: create, read, group, documents, workflow actions and the audit log."""

from __future__ import annotations

from flask.views import MethodView

from web.auth import client_addr
from web.evaluations.schemas import (
    ActionIn,
    AuditEventOut,
    AuditFilters,
    AuditQuery,
    DocumentDeleteIn,
    DocumentFile,
    DocumentListQuery,
    DocumentOut,
    DocumentPatch,
    DocumentReplace,
    DocumentUpload,
    DoneOut,
    EvaluationExportQuery,
    EvaluationIn,
    EvaluationListQuery,
    EvaluationOut,
    EvaluationUpdate,
    GroupIn,
    GroupOut,
    TodoOut,
)
from web.exports import FORMATS, send_table
from web.files import XLSX, send_document, store
from web.jobs import background
from web.presenters import evaluation_dict, group_dict
from web.rest import PAGED, caller, document_errors, make_blueprint, paged, session
from web.schemas import PageQuery
from workflow.documents import operations as documents
from workflow.exports import tables
from workflow.kernel import access, clock
from workflow.kernel.audit import EVENTS
from workflow.kernel.errors import FieldError, InvalidInput, NotFound
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.approvals import approved_this_round_of
from workflow.lifecycle.funds import FundSource
from workflow.lifecycle.states import STATES

blp = make_blueprint("evaluations", "绩效评价：创建、工作组、文件、流程操作、审计记录")


def _fields(data) -> lifecycle.ProjectFields:
    return lifecycle.ProjectFields(
        project_name=data["project_name"],
        year=data["year"],
        kind=data["kind"],
        budget=data["budget"],
        funds_received=data["funds_received"],
        funds_spent=data["funds_spent"],
        due_date=data["due_date"],
        targets=data["targets"],
        competent_department=data["competent_department"],
        initial_budget=data["initial_budget"],
        fund_sources=[FundSource(**row) for row in data["fund_sources"]],
        targets_achieved=data["targets_achieved"],
        execution_basis=data["execution_basis"],
    )


@blp.route("/evaluations")
class Evaluations(MethodView):
    @blp.arguments(EvaluationListQuery, location="query")
    @blp.response(200, EvaluationOut(many=True), headers=PAGED)
    def get(self, query):
        """The evaluations the caller may see, a page at a time (`page`, `per_page` ≤ 200;
        the total in `X-Pagination`), filtered by state, unit_id, year, kind, q and sorted."""
        user = caller()
        rows = evaluations.list_visible(session(), user, **query, with_group=True)
        approved = approved_this_round_of(session(), rows.items)
        return paged(
            rows,
            [
                evaluation_dict(session(), user, e, guards=False, approved_by=approved[e.id])
                for e in rows.items
            ],
        )

    @blp.arguments(EvaluationIn)
    @blp.response(201, EvaluationOut)
    def post(self, data):
        """Open an evaluation (开展评价) for a project and year; amounts in 万元."""
        user = caller()
        evaluation = lifecycle.create_evaluation(
            session(), user, data["unit_id"], _fields(data), client_addr()
        )
        return evaluation_dict(session(), user, evaluation)


@blp.route("/evaluations/<int:evaluation_id>")
class EvaluationItem(MethodView):
    @blp.response(200, EvaluationOut)
    def get(self, evaluation_id):
        """One evaluation with `state`, `round` and the caller's `available_actions`."""
        user = caller()
        return evaluation_dict(session(), user, access.get_visible(session(), user, evaluation_id))

    @blp.arguments(EvaluationUpdate)
    @blp.response(200, EvaluationOut)
    def put(self, data, evaluation_id):
        """Edit the project and fund figures."""
        user = caller()
        evaluation = lifecycle.update_project(
            session(), user, evaluation_id, _fields(data), data["version"], client_addr()
        )
        return evaluation_dict(session(), user, evaluation)


@blp.route("/evaluations/<int:evaluation_id>/group")
class Group(MethodView):
    @blp.response(200, GroupOut)
    def get(self, evaluation_id):
        user = caller()
        return group_dict(access.get_visible(session(), user, evaluation_id))

    @blp.arguments(GroupIn)
    @blp.response(200, GroupOut)
    def put(self, data, evaluation_id):
        """Form the working group (组长、副组长、成员) and the leading group's approvers."""
        spec = lifecycle.GroupSpec(
            leader=data["leader"],
            deputies=data["deputies"],
            members=data["members"],
            approvers=data["approvers"],
            approval_policy=data["approval_policy"],
        )
        evaluation = lifecycle.set_group(
            session(), caller(), evaluation_id, spec, data["version"], client_addr()
        )
        return group_dict(evaluation)


@blp.route("/evaluations/<int:evaluation_id>/documents")
class Documents(MethodView):
    @blp.arguments(DocumentListQuery, location="query")
    @blp.response(200, DocumentOut(many=True))
    def get(self, query, evaluation_id):
        """The evaluation's documents; deleted ones only with `?deleted=1`."""
        return documents.list_documents(
            session(), caller(), evaluation_id, deleted=query["deleted"]
        )

    @blp.arguments(DocumentUpload, location="form")
    @blp.arguments(DocumentFile, location="files")
    @blp.response(201, DocumentOut)
    def post(self, form, files, evaluation_id):
        """Upload a document: multipart `file` + `category` (work_plan, basis, evidence, other)."""
        upload = _upload(files)
        return documents.add_document(
            session(),
            caller(),
            evaluation_id,
            form["category"],
            upload.filename or "",
            upload.stream,
            store(),
            client_addr(),
        )


def _upload(files) -> object:
    upload = files["file"]
    if not hasattr(upload, "stream"):
        raise InvalidInput(
            "请选择要上传的文件",
            details={"file": ["必填"]},
            errors=[FieldError("file", "必填")],
        )
    return upload


@blp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>")
class DocumentItem(MethodView):
    @blp.response(200)
    def get(self, evaluation_id, document_id):
        """Download a document (anyone who may see the evaluation; a deleted one until 归档)."""
        return send_document(caller(), evaluation_id, document_id)

    @blp.arguments(DocumentDeleteIn)
    @blp.response(200, DocumentOut)
    def delete(self, data, evaluation_id, document_id):
        """Delete a document (soft, with `reason`) while the stage is open; 409 once 已归档."""
        return documents.delete_document(
            session(), caller(), evaluation_id, document_id, data["reason"], client_addr()
        )

    @blp.arguments(DocumentPatch)
    @blp.response(200, DocumentOut)
    def patch(self, data, evaluation_id, document_id):
        """Re-categorise a document while the stage is open; 409 once 已归档."""
        return documents.recategorise_document(
            session(), caller(), evaluation_id, document_id, data["category"], client_addr()
        )


@blp.route("/evaluations/<int:evaluation_id>/documents/<int:document_id>/replace", methods=["POST"])
@blp.arguments(DocumentReplace, location="form")
@blp.arguments(DocumentFile, location="files")
@blp.response(201, DocumentOut)
def replace_document(form, files, evaluation_id, document_id):
    """Replace a document by a new file (multipart `file`, optional `reason`) in its category;
    the old one is deleted (soft) and names its replacement."""
    upload = _upload(files)
    return documents.replace_document(
        session(),
        caller(),
        evaluation_id,
        document_id,
        upload.filename or "",
        upload.stream,
        store(),
        form["reason"],
        client_addr(),
    )


@blp.route("/evaluations/<int:evaluation_id>/actions/<action>", methods=["POST"])
@blp.arguments(ActionIn)
@blp.response(200, EvaluationOut)
def act(data, evaluation_id, action):
    """Take a workflow action: advance, approve, return (with `to`), withdraw, cancel."""
    user = caller()
    evaluation = lifecycle.perform(
        session(),
        user,
        evaluation_id,
        action,
        comment=data["comment"],
        to=data["to"],
        expected_version=data["version"],
        client_addr=client_addr(),
        files=store(),
        background=background(),
    )
    return evaluation_dict(session(), user, evaluation)


@blp.route("/evaluations/<int:evaluation_id>/audit")
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditEventOut(many=True), headers=PAGED)
def audit(query, evaluation_id):
    """The audit timeline (审计记录), oldest first, a page at a time; `action` (事件类型) and
    `actor` (操作人) narrow it."""
    filters = AuditFilters().to_filter(query)
    return paged(
        evaluations.audit_log(session(), caller(), evaluation_id, query["page"], filters=filters)
    )


@blp.route("/me/todo")
@blp.arguments(PageQuery, location="query")
@blp.response(200, TodoOut)
def my_todo(query):
    """我的待办: the evaluations waiting on me (the one waiting longest first), with the actions
    I may take and `waiting_days`; my tasks are at /tasks."""
    page = evaluations.todo(session(), caller(), query["page"])
    today = clock.today_local()
    items = [
        {
            "evaluation_id": e.id,
            "project_name": e.project_name,
            "unit_name": e.unit.name,
            "year": e.year,
            "state": e.state,
            "state_label": STATES[e.state],
            "round": e.round,
            "actions": actions,
            "due_date": e.due_date,
            "since": e.stage_entered_at or e.created_at,
            "waiting_days": evaluations.waiting_days(e, today),
        }
        for e, actions in page.items
    ]
    return {"items": items, "total": page.total}


@blp.route("/me/done")
@blp.arguments(PageQuery, location="query")
@blp.response(200, DoneOut)
def my_done(query):
    """我的已办: what I acted on (approved, returned, scored, completed …), newest first."""
    page = evaluations.done(session(), caller(), query["page"])
    items = [
        {
            "action": event.action,
            "action_label": EVENTS.get(event.action, event.action),
            "evaluation_id": event.evaluation_id,
            "project_name": event.evaluation.project_name,
            "task_id": (event.details or {}).get("task_id"),
            "at": event.at,
            "comment": event.comment,
        }
        for event in page.items
    ]
    return {"items": items, "total": page.total}


@blp.route("/evaluations.<fmt>")
@blp.arguments(EvaluationExportQuery, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
@document_errors(blp, 404)
def export_list(query, fmt):
    """评价列表 as Excel (`.xlsx`) or CSV (`.csv`, UTF-8 with BOM): the list's filters and
    order, every page, with 总分 and 等级."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式（可选 xlsx、csv）")
    return send_table(tables.evaluation_list(session(), caller(), **query), fmt)


@blp.route("/evaluations/<int:evaluation_id>/audit.<fmt>")
@blp.arguments(AuditFilters, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
@document_errors(blp, 404)
def export_audit(query, evaluation_id, fmt):
    """An evaluation's 审计记录 as Excel or CSV, oldest first; the list's filters (`action`,
    `actor`) apply."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式（可选 xlsx、csv）")
    filters = AuditFilters().to_filter(query)
    return send_table(tables.audit_trail(session(), caller(), evaluation_id, filters), fmt)
