"""打分 through the API: scores, survey CSV, 评分定稿, the 评分表."""

from __future__ import annotations

import io

from flask import send_file

from web.auth import client_addr
from web.evaluations.schemas import DocumentFile
from web.files import XLSX
from web.rest import caller, document_errors, make_blueprint, session
from web.scoring.schemas import (
    SCORE_CONTROLS,
    ReopenIn,
    ScorecardOut,
    ScoreIn,
    ScoreOut,
    SurveyCsvForm,
)
from workflow.kernel.errors import FieldError, InvalidInput
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards
from workflow.scoring.excel import scorecard_workbook, workbook_filename

blp = make_blueprint("scoring", "打分、评分定稿与评分表")


def _scored(user, evaluation_id: int, leaf: scorecards.ScoredLeaf) -> dict:
    card = scorecards.get_scorecard(session(), user, evaluation_id)
    return {**leaf.as_dict(), "total": card.total, "grade": card.grade}


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
        raise InvalidInput(
            "请选择问卷文件（CSV）", details={"file": ["必填"]}, errors=[FieldError("file", "必填")]
        )
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


@blp.route("/evaluations/<int:evaluation_id>/scores/reopen", methods=["POST"])
@blp.arguments(ReopenIn)
@blp.response(200, ScorecardOut)
@document_errors(blp, 400, 403, 404, 409)
def reopen(data, evaluation_id):
    """解除定稿 (组长, in 分析评价, after 定稿): `reason` required; the scores can change again."""
    user = caller()
    scoring.reopen_scores(session(), user, evaluation_id, data["reason"], client_addr())
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
        download_name=workbook_filename(card),
    )
