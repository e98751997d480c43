"""Indicators API: the 评价指标体系, templates, 打分, 定稿 and the 评分表 (JSON and Excel)."""

from __future__ import annotations

from flask.views import MethodView

from web.auth import client_addr
from web.evaluations.schemas import DocumentFile
from web.files import XLSX
from web.indicators.files import send_indicator_sheet
from web.indicators.schemas import (
    IndicatorsIn,
    IndicatorsOut,
    TemplateEditIn,
    TemplateIn,
    TemplateOut,
)
from web.rest import caller, document_errors, make_blueprint, session
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.kernel.errors import InvalidInput

blp = make_blueprint("indicators", "评价指标体系、打分、评分定稿与评分表")


def _system(system: indicator_queries.IndicatorSystem) -> dict:
    return {
        "indicators": system.indicators,
        "valid": system.valid,
        "errors": system.errors,
        "warnings": system.warnings,
        "editable": system.editable,
    }


@blp.route("/evaluations/<int:evaluation_id>/indicators")
class Indicators(MethodView):
    @blp.response(200, IndicatorsOut)
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """The indicator tree, its validation problems and 单位自评 weight warnings."""
        return _system(indicator_queries.get_indicators(session(), caller(), evaluation_id))

    @blp.arguments(IndicatorsIn)
    @blp.response(200, IndicatorsOut)
    @document_errors(blp, 400, 403, 404)
    def put(self, data, evaluation_id):
        """Replace the tree (组长、副组长, in 组织实施); every problem is listed in `details`."""
        system = indicator_ops.replace_indicators(
            session(), caller(), evaluation_id, data["indicators"], client_addr()
        )
        return _system(system)


def _template_fields(data: dict) -> indicator_ops.TemplateFields:
    return indicator_ops.TemplateFields(
        title=data["title"],
        kinds=data["kinds"],
        description=data["description"],
        indicators=data["indicators"],
    )


@blp.route("/indicator-templates")
class Templates(MethodView):
    @blp.response(200, TemplateOut(many=True))
    def get(self):
        """Indicator templates: 共性指标框架, 单位自评, 雪亮工程 and those administrators added."""
        caller()
        return [t.as_dict() for t in indicator_queries.list_templates(session())]

    @blp.arguments(TemplateIn)
    @blp.response(201, TemplateOut)
    @document_errors(blp, 400, 403)
    def post(self, data):
        """Add a template (administrators); every problem is listed in `details`."""
        template = indicator_ops.save_template(
            session(), caller(), data["key"], _template_fields(data), create=True
        )
        return template.as_dict()


@blp.route("/indicator-templates/<key>")
class TemplateItem(MethodView):
    @blp.response(200, TemplateOut)
    @document_errors(blp, 404)
    def get(self, key):
        """One template with its tree."""
        caller()
        return indicator_queries.get_template(session(), key).as_dict()

    @blp.arguments(TemplateEditIn)
    @blp.response(200, TemplateOut)
    @document_errors(blp, 400, 403, 404)
    def put(self, data, key):
        """Edit a template, built-in ones too (administrators); the key stays."""
        template = indicator_ops.save_template(session(), caller(), key, _template_fields(data))
        return template.as_dict()

    @blp.response(204)
    @document_errors(blp, 400, 403, 404)
    def delete(self, key):
        """Delete a template an administrator added; a built-in one is refused (400)."""
        indicator_ops.delete_template(session(), caller(), key)


@blp.route("/evaluations/<int:evaluation_id>/indicators.xlsx")
class IndicatorsSheet(MethodView):
    @blp.response(200, description="指标表 Excel（绩效目标申报表格式）", content_type=XLSX)
    @document_errors(blp, 404)
    def get(self, evaluation_id):
        """The tree as a sheet: 一级, 二级, 三级, 指标性质, 指标值, 度量单位, 分值, 评分标准,
        指标代码, 评分规则 (PUT it back to get the same tree)."""
        return send_indicator_sheet(caller(), evaluation_id)

    @blp.arguments(DocumentFile, location="files")
    @blp.response(200, IndicatorsOut)
    @document_errors(blp, 400, 403, 404)
    def put(self, files, evaluation_id):
        """Replace the tree from a sheet (multipart `file`); every problem named by its row."""
        upload = files["file"]
        if not hasattr(upload, "read"):
            raise InvalidInput.field("file", "请选择 Excel 指标表")
        system = indicator_ops.import_indicators(
            session(), caller(), evaluation_id, upload.read(), client_addr()
        )
        return _system(system)


@blp.route(
    "/evaluations/<int:evaluation_id>/indicators/from-evaluation/<int:other_id>", methods=["POST"]
)
@blp.response(200, IndicatorsOut)
@document_errors(blp, 400, 403, 404)
def from_evaluation(evaluation_id, other_id):
    """复制上年: replace the tree with a copy of an earlier evaluation's (scorers unassigned)."""
    system = indicator_ops.copy_from_evaluation(
        session(), caller(), evaluation_id, other_id, client_addr()
    )
    return _system(system)


@blp.route("/evaluations/<int:evaluation_id>/indicators/from-template/<template>", methods=["POST"])
@blp.response(200, IndicatorsOut)
@document_errors(blp, 403, 404)
def from_template(evaluation_id, template):
    """Replace the tree with a copy of a template."""
    system = indicator_ops.copy_template(
        session(), caller(), evaluation_id, template, client_addr()
    )
    return _system(system)
