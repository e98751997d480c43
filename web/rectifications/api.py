"""整改 API: the list (filters, paged) and its exports (Excel, CSV), one item, PATCH by its
owner or the 组长, evidence upload, 验收 and 退回重新整改 by the covering finance reviewer."""

from __future__ import annotations

from flask.views import MethodView

from web.auth import client_addr
from web.evaluations.schemas import DocumentFile
from web.exports import FORMATS, send_table
from web.files import XLSX, store
from web.rectifications.schemas import (
    RectificationExportQuery,
    RectificationOut,
    RectificationPatch,
    RectificationQuery,
    RectificationReopenIn,
    RectificationVersionIn,
)
from web.rest import PAGED, caller, document_errors, make_blueprint, paged, session
from workflow.exports import tables
from workflow.kernel.errors import FieldError, InvalidInput, NotFound
from workflow.rectifications import operations as rectifications
from workflow.rectifications import queries as rectification_queries

blp = make_blueprint("rectifications", "整改事项：清单、办理、佐证材料、验收与退回")


@blp.route("/rectifications")
@blp.arguments(RectificationQuery, location="query")
@blp.response(200, RectificationOut(many=True), headers=PAGED)
def list_items(query):
    """整改事项 the caller may see (a unit user their unit's, a finance reviewer their bureau's
    units', an administrator all), by `unit_id`, `status`, `overdue=1` (due before today and not
    done/accepted); the nearest due date first, a page at a time."""
    page = query.pop("page")
    filters = rectification_queries.Filters(**query)
    return paged(rectification_queries.list_items(session(), caller(), filters, page))


@blp.route("/rectifications.<fmt>")
@blp.arguments(RectificationExportQuery, location="query")
@blp.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
@document_errors(blp, 404)
def export_list(query, fmt):
    """整改事项 as Excel (`.xlsx`) or CSV (`.csv`, UTF-8 with BOM): the list's visibility,
    filters and order, every page, with 是否逾期, 验收时间 and 退回重新整改时间."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式（可选 xlsx、csv）")
    filters = rectification_queries.Filters(**query)
    return send_table(tables.rectification_list(session(), caller(), filters), fmt)


@blp.route("/rectifications/<int:item_id>")
class Item(MethodView):
    @blp.response(200, RectificationOut)
    @document_errors(blp, 404)
    def get(self, item_id):
        """One item with its 佐证材料 and history (every status change, oldest first)."""
        return rectification_queries.get_view(session(), caller(), item_id)

    @blp.arguments(RectificationPatch)
    @blp.response(200, RectificationOut)
    @document_errors(blp, 400, 403, 404, 409)
    def patch(self, data, item_id):
        """The owner or the 组长: 整改措施, 整改期限, 整改说明, and `status` in_progress (开始整改)
        or done (整改完成: needs a note and at least one evidence file); 400 for a move the
        status does not allow, 409 for a stale `version`."""
        changes = rectifications.Changes(
            status=data["status"],
            note=data["note"],
            measure=data["measure"],
            due_date=data["due_date"],
        )
        return rectifications.update_item(
            session(), caller(), item_id, changes, data["version"], client_addr()
        )


@blp.route("/rectifications/<int:item_id>/evidence", methods=["POST"])
@blp.arguments(DocumentFile, location="files")
@blp.response(201, RectificationOut)
@document_errors(blp, 400, 403, 404)
def add_evidence(files, item_id):
    """整改佐证材料 (the owner or the 组长, until handed in): multipart `file`, checked as every
    upload is, kept as a document of the evaluation (佐证材料)."""
    upload = files["file"]
    if not hasattr(upload, "stream"):
        raise InvalidInput("请选择要上传的文件", errors=[FieldError("file", "必填")])
    return rectifications.add_evidence(
        session(),
        caller(),
        item_id,
        [(upload.filename or "", upload.stream)],
        store(),
        client_addr=client_addr(),
    )


@blp.route("/rectifications/<int:item_id>/accept", methods=["POST"])
@blp.arguments(RectificationVersionIn)
@blp.response(200, RectificationOut)
@document_errors(blp, 400, 403, 404, 409)
def accept(data, item_id):
    """验收通过 (the finance reviewer covering the unit) of an item handed in."""
    return rectifications.accept_item(session(), caller(), item_id, data["version"], client_addr())


@blp.route("/rectifications/<int:item_id>/reopen", methods=["POST"])
@blp.arguments(RectificationReopenIn)
@blp.response(200, RectificationOut)
@document_errors(blp, 400, 403, 404, 409)
def reopen(data, item_id):
    """退回重新整改 (the finance reviewer covering the unit), with a `reason`."""
    return rectifications.reopen_item(
        session(), caller(), item_id, data["reason"], data["version"], client_addr()
    )
