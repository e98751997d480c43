"""Indicators API: the 评价指标体系, templates, 打分, 定稿 and the 评分表 (JSON and Excel)."""

from __future__ import annotations

import io

from flask import send_file
from flask.views import MethodView

from web.api import make_blueprint
from web.api.common import caller, document_errors, session
from web.api.schemas import (
    SCORE_CONTROLS,
    DocumentFile,
    IndicatorsIn,
    IndicatorsOut,
    ScorecardOut,
    ScoreIn,
    ScoreOut,
    SurveyCsvForm,
    TemplateEditIn,
    TemplateIn,
    TemplateOut,
)
from web.auth import client_addr
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.kernel.errors import InvalidInput
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards
from workflow.scoring.excel import scorecard_workbook

blp = make_blueprint("indicators", "评价指标体系、打分、评分定稿与评分表")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@blp.route("/evaluations/<int:evaluation_id>/indicators/from-template/<template>", methods=["POST"])
@blp.response(200, IndicatorsOut)
@document_errors(blp, 403, 404)
def from_template(evaluation_id, template):
    """Replace the tree with a copy of a template."""
    system = indicator_ops.copy_template(
        session(), caller(), evaluation_id, template, client_addr()
    )
    return _system(system)


def _scored(user, evaluation_id: int, leaf: scorecards.ScoredLeaf) -> dict:
    card = scorecards.get_scorecard(session(), user, evaluation_id)
    return {**leaf.as_dict(), "total": card["total"], "grade": card["grade"]}


@blp.route("/evaluations/<int:evaluation_id>/scores")
@blp.response(200, ScoreOut(many=True))
@document_errors(blp, 404)
def scores(evaluation_id):
    """Every leaf with its score so far (打分进度)."""
    return [leaf.as_dict() for leaf in scorecards.scored_leaves(session(), caller(), evaluation_id)]


@blp.route("/evaluations/<int:evaluation_id>/indicators/<code>/score", methods=["PUT"])
@blp.arguments(ScoreIn)
@blp.response(200, ScoreOut)
@document_errors(blp, 400, 403, 404, 409)
def score(data, evaluation_id, code):
    """Score a leaf from its rule's inputs (the answer has the computed `score`), or mark it
    不适用 with a `reason`. Below the weight a `reason` (扣分理由) is required."""
    user = caller()
    entry = scoring.ScoreEntry(
        inputs={k: v for k, v in data.items() if k not in SCORE_CONTROLS},
        reason=data["reason"],
        deviation_note=data["deviation_note"],
        not_applicable=data["not_applicable"],
    )
    leaf = scoring.score_leaf(session(), user, evaluation_id, code, entry, client_addr())
    return _scored(user, evaluation_id, leaf)


@blp.route("/evaluations/<int:evaluation_id>/indicators/<code>/survey-csv", methods=["POST"])
@blp.arguments(SurveyCsvForm, location="form")
@blp.arguments(DocumentFile, location="files")
@blp.response(200, ScoreOut)
@document_errors(blp, 400, 403, 404, 409)
def survey_csv(form, files, evaluation_id, code):
    """Score a `survey` leaf from a CSV of responses: multipart `file` (one answer per line)."""
    upload = files["file"]
    if not hasattr(upload, "read"):
        raise InvalidInput("请选择问卷文件（CSV）", details={"file": ["必填"]})
    user = caller()
    leaf = scoring.score_survey_csv(
        session(),
        user,
        evaluation_id,
        code,
        upload.read(),
        form["reason"],
        form["deviation_note"],
        client_addr(),
    )
    return _scored(user, evaluation_id, leaf)


@blp.route("/evaluations/<int:evaluation_id>/scores/finalize", methods=["POST"])
@blp.response(200, ScorecardOut)
@document_errors(blp, 403, 404, 409)
def finalize(evaluation_id):
    """评分定稿 (组长): every leaf scored or 不适用; the scores are locked afterwards."""
    user = caller()
    scoring.finalize_scores(session(), user, evaluation_id, client_addr())
    return scorecards.get_scorecard(session(), user, evaluation_id)


@blp.route("/evaluations/<int:evaluation_id>/scorecard")
@blp.response(200, ScorecardOut)
@document_errors(blp, 404)
def scorecard(evaluation_id):
    """评分表: levels with weights and scores (decimal strings), total, grade."""
    return scorecards.get_scorecard(session(), caller(), evaluation_id)


@blp.route("/evaluations/<int:evaluation_id>/scorecard.xlsx")
@blp.response(200, description="评分表 Excel 文件", content_type=XLSX)
@document_errors(blp, 404)
def scorecard_xlsx(evaluation_id):
    """评分表 as an Excel workbook."""
    card = scorecards.get_scorecard(session(), caller(), evaluation_id)
    return send_file(
        io.BytesIO(scorecard_workbook(card)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"评分表-{evaluation_id}.xlsx",
    )
