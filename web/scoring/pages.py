"""The scoring pages (打分, 评分定稿, 评分表 and its Excel file)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

import roles
from web.auth import client_addr, page_user
from web.confirm import unconfirmed
from web.database import db
from web.files import XLSX
from web.forms import options
from web.indicators.pages import card_children, is_settled, rule_label, table_rows
from web.scoring.forms import ScoreForm, score_form_data, score_inputs
from web.ui import attach_field_errors, refusal_lines, require_login, status_of
from workflow.accounts.models import User
from workflow.indicators import queries as indicator_queries
from workflow.indicators.models import Indicator
from workflow.kernel import access as evaluations
from workflow.kernel.errors import InvalidInput, JixiaoError, NotFound
from workflow.lifecycle.models import Evaluation
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards
from workflow.scoring.excel import scorecard_workbook, workbook_filename
from workflow.scoring.models import IndicatorScore
from workflow.scoring.previous import PreviousValue
from workflow.scoring.rules import (
    BANDS,
    MEASURES,
    Scorecard,
    ScorecardNode,
    ScoreResult,
    band_limits,
    compute_score,
    fmt,
    split_rule,
    survey_options,
    survey_target_rate,
)

bp = Blueprint("scoring_pages", __name__)
require_login(bp)


def form_prefix(code: str) -> str:
    """Each leaf's form on the 评分 page has its own field names and ids."""
    return "leaf" + re.sub(r"[^0-9A-Za-z]", "_", code)


@dataclass
class LeafItem:
    """A leaf on the 评分 page: its stored score, whether the reader may score it, its form."""

    leaf: Indicator
    score: IndicatorScore | None
    row: ScorecardNode
    editable: bool
    previous: PreviousValue | None = None  # 上年完成值、上年得分
    option_names: list[str] = field(default_factory=list)
    option_values: list[str] = field(default_factory=list)
    bands: list[tuple[str, str, str, str]] = field(default_factory=list)
    preview: ScoreResult | None = None
    preview_error: str | None = None
    rule_text: str = ""
    target_rate: str = ""
    form: ScoreForm | None = None
    error: JixiaoError | None = None
    error_text: str = ""

    @property
    def rule_type(self) -> str:
        return self.leaf.rule_type or ""

    @property
    def prefix(self) -> str:
        return form_prefix(self.leaf.code)


@dataclass
class ScoringPage:
    evaluation: Evaluation
    card: Scorecard
    items: dict[str, LeafItem]
    finalization: Any

    def item(self, code: str) -> LeafItem:
        if code not in self.items:
            raise NotFound(f"指标“{code}”不存在")
        return self.items[code]


def _scoring(session, user: User, evaluation_id: int) -> ScoringPage:
    evaluation = evaluations.get_visible(session, user, evaluation_id)
    card = scorecards.scorecard_of(session, evaluation)
    lock = scorecards.finalization(session, evaluation)
    rows = {row.code: row for row in card.leaves()}
    amounts = scorecards.amounts_of(evaluation)
    items = {}
    for scored in scorecards.scored_leaves(session, user, evaluation_id):
        leaf = scored.indicator
        item = LeafItem(
            leaf=leaf,
            previous=scored.previous,
            score=scored.score,
            row=rows[leaf.code],
            editable=roles.can_score_leaf(user, evaluation, leaf, finalized=lock is not None),
        )
        _describe_rule(item, amounts)
        items[leaf.code] = item
    return ScoringPage(evaluation, card, items, lock)


def _describe_rule(item: LeafItem, amounts) -> None:
    """What the form shows besides its fields: bands in points, survey options, the rate."""
    leaf = item.leaf
    rule = indicator_queries.leaf_dict(leaf)["rule"]
    rule_type, params = split_rule(rule)
    item.rule_text = rule_label(rule)
    if rule_type == "tiered":
        item.bands = [
            (
                key,
                title,
                fmt(band_limits(leaf.weight, key)[0]),
                fmt(band_limits(leaf.weight, key)[1]),
            )
            for key, (_, _, title) in BANDS.items()
        ]
    elif rule_type == "survey":
        values = survey_options(params)
        item.target_rate = format(survey_target_rate(params).normalize(), "f")
        item.option_names = list(values)
        item.option_values = [format(v.normalize(), "f") for v in values.values()]
    elif rule_type == "rate":
        try:
            item.preview = compute_score(indicator_queries.leaf_dict(leaf), {}, amounts)
        except InvalidInput as exc:
            item.preview_error = exc.message


def _score_form(item: LeafItem, formdata: bool) -> ScoreForm:
    """The leaf's form: the posted input, or what was stored, with blank rows to fill in."""
    if formdata:
        form = ScoreForm(prefix=item.prefix)
    else:
        data = score_form_data(item.score.inputs if item.score else None, item.option_names)
        if item.score is not None:
            data.update(
                reason=item.score.reason,
                deviation_note=item.score.deviation_note,
                not_applicable=item.score.not_applicable,
            )
        form = ScoreForm(formdata=None, prefix=item.prefix, data=data)
    form.band.choices = options(
        (key, f"{title}（{low}～{high} 分）") for key, title, low, high in item.bands
    )
    while len(form.counts) < len(item.option_names):
        form.counts.append_entry()
    filled = sum(1 for row in form.deductions if (row.points.data or row.reason.data))
    while len(form.deductions) < max(2, filled + 1):
        form.deductions.append_entry()
    return form


@bp.route("/evaluations/<int:evaluation_id>/scores")
def scores(evaluation_id: int):
    page = _scoring(db(), page_user(), evaluation_id)
    return _render_scores(page)


def _render_scores(page: ScoringPage, status: int = 200):
    for item in page.items.values():
        if item.editable and item.form is None:
            item.form = _score_form(item, formdata=False)
    user = page_user()
    mine = [item for item in page.items.values() if item.leaf.scorer_id == user.id]
    context = {
        "evaluation": page.evaluation,
        "card": page.card,
        "items": page.items,
        "finalization": page.finalization,
        "mine": mine,
        "done": sum(1 for item in page.items.values() if item.score is not None),
        "can_finalize": roles.can_finalize_scores(
            user, page.evaluation, finalized=page.finalization is not None
        ),
        "can_reopen": roles.can_reopen_scores(
            user, page.evaluation, finalized=page.finalization is not None
        ),
        "scoring_open": roles.stage_allows(page.evaluation, "score_indicators"),
        "rule_label": rule_label,
        "measures": MEASURES,
    }
    return render_template("scoring/scores.html", **context), status


@bp.route("/evaluations/<int:evaluation_id>/indicators/<code>/score", methods=["POST"])
def score(evaluation_id: int, code: str):
    """打分: one leaf's form; the score is computed by the service from the rule's inputs."""
    user = page_user()
    session = db()
    page = _scoring(session, user, evaluation_id)
    item = page.item(code)
    form = item.form = _score_form(item, formdata=True)
    if not form.validate_on_submit():
        return _render_scores(page, 400)
    if form.op.data == "add_row":
        form.deductions.append_entry()
        return _render_scores(page)
    try:
        scored = _save_score(session, user, evaluation_id, item, form)
    except NotFound:
        raise
    except JixiaoError as exc:
        item.error = exc
        attach_field_errors(form, exc)
        item.error_text = "；".join(refusal_lines(exc, form))
        return _render_scores(page, status_of(exc))
    result = (
        "不适用"
        if scored.score.not_applicable
        else f"得分 {fmt(scored.score.score)} / {fmt(item.leaf.weight)} 分"
    )
    flash(f"已保存“{item.leaf.name}”：{result}", "success")
    return redirect(url_for(".scores", evaluation_id=evaluation_id, _anchor=f"leaf-{item.prefix}"))


def _save_score(session, user: User, evaluation_id: int, item: LeafItem, form: ScoreForm):
    reason = form.reason.data or ""
    note = form.deviation_note.data or ""
    if form.not_applicable.data:
        entry = scoring.ScoreEntry(reason=reason, not_applicable=True)
        return scoring.score_leaf(
            session, user, evaluation_id, item.leaf.code, entry, client_addr()
        )
    parsed = score_inputs(form, item.rule_type, item.option_names)
    if parsed.csv is not None:
        if not parsed.csv:
            raise InvalidInput.field("file", "请选择问卷文件（CSV）")
        return scoring.score_survey_csv(
            session, user, evaluation_id, item.leaf.code, parsed.csv, reason, note, client_addr()
        )
    entry = scoring.ScoreEntry(parsed.inputs, reason=reason, deviation_note=note)
    return scoring.score_leaf(session, user, evaluation_id, item.leaf.code, entry, client_addr())


@bp.route("/evaluations/<int:evaluation_id>/scores/finalize", methods=["POST"])
def finalize(evaluation_id: int):
    """评分定稿 (组长): lock the scores once every leaf is scored or 不适用 (box ticked)."""
    if refusal := unconfirmed("finalize_scores"):
        flash(refusal, "error")
        return redirect(url_for(".scores", evaluation_id=evaluation_id))
    try:
        card = scoring.finalize_scores(db(), page_user(), evaluation_id, client_addr())
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash(f"评分已定稿：总分 {fmt(card.total)} 分，等级“{card.grade}”", "success")
    return redirect(url_for(".scores", evaluation_id=evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/scores/reopen", methods=["POST"])
def reopen(evaluation_id: int):
    """解除定稿 (组长, in 分析评价): the reason is required; the scores can change again."""
    try:
        scoring.reopen_scores(
            db(), page_user(), evaluation_id, request.form.get("reason", ""), client_addr()
        )
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash("已解除评分定稿，可以修改评分；修改后请重新定稿", "success")
    return redirect(url_for(".scores", evaluation_id=evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/scorecard")
def scorecard(evaluation_id: int):
    user = page_user()
    session = db()
    evaluation = evaluations.get_visible(session, user, evaluation_id)
    card = scorecards.get_scorecard(session, user, evaluation_id)
    context = {
        "evaluation": evaluation,
        "card": card,
        "rows": table_rows(card.levels, card_children),
        "any_scored": any(is_settled(leaf) for leaf in card.leaves()),
        "finalization": scorecards.finalization(session, evaluation),
    }
    return render_template("scoring/scorecard.html", **context)


@bp.route("/evaluations/<int:evaluation_id>/scorecard.xlsx")
def scorecard_xlsx(evaluation_id: int):
    """评分表 as an Excel workbook (绩效评价指标体系及评分表)."""
    card = scorecards.get_scorecard(db(), page_user(), evaluation_id)
    return send_file(
        io.BytesIO(scorecard_workbook(card)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=workbook_filename(card),
    )
