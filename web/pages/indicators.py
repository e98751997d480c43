"""评价指标体系 (view, edit, copy from a template), 评分 (分析评价, 定稿) and the 评分表 pages."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, send_file, url_for

import roles
from web.auth import client_addr, page_user
from web.database import db
from web.pages.common import require_login, status_of
from web.pages.forms import options
from web.pages.indicator_forms import (
    IndicatorTreeForm,
    ScoreForm,
    TemplateForm,
    apply_op,
    outline_totals,
    row_level,
    rows_from_tree,
    score_form_data,
    score_inputs,
    tree_from_rows,
)
from workflow.accounts.models import User
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.indicators import queries as indicator_templates
from workflow.indicators.models import Indicator
from workflow.indicators.tree import iter_leaves, node_weight, self_evaluation_weight_warnings
from workflow.kernel import access as evaluations
from workflow.kernel.errors import InvalidInput, JixiaoError, NotAllowed, NotFound
from workflow.lifecycle.models import GROUP_ROLES, GROUP_WORKERS, Evaluation
from workflow.scoring import operations as scoring
from workflow.scoring import scorecard as scorecards
from workflow.scoring.excel import scorecard_workbook
from workflow.scoring.models import IndicatorScore
from workflow.scoring.rules import (
    BANDS,
    DEFAULT_TARGET_RATE,
    MEASURES,
    RULE_TYPES,
    ZERO,
    ScoreResult,
    band_limits,
    compute_score,
    fmt,
    split_rule,
    survey_options,
    survey_target_rate,
)

bp = Blueprint("indicator_pages", __name__)
require_login(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- shared presentation ------------------------------------------------------------------------


def group_people(evaluation: Evaluation) -> list[tuple[int, str]]:
    """组长、副组长、成员 as (id, "姓名（角色）"): who may score leaves and hold tasks."""
    people: dict[int, str] = {}
    for role in GROUP_WORKERS:
        for user in evaluation.users_in(role):
            people.setdefault(user.id, f"{user.display_name}（{GROUP_ROLES[role]}）")
    return list(people.items())


def table_rows(levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A three-level tree as table rows, one per leaf, with the rowspans of its 一级 and 二级
    cells (set on the first leaf of each; None on the others)."""
    rows = []
    for level1 in levels:
        span1 = sum(len(level2.get("children") or []) for level2 in level1["children"])
        for j, level2 in enumerate(level1["children"]):
            leaves = level2.get("children") or []
            for k, leaf in enumerate(leaves):
                rows.append(
                    {
                        "l1": level1 if j == 0 and k == 0 else None,
                        "l1_span": span1,
                        "l2": level2 if k == 0 else None,
                        "l2_span": len(leaves),
                        "leaf": leaf,
                    }
                )
    return rows


def rule_label(rule: dict[str, Any] | None) -> str:
    """评分规则 in words: "比率（预算执行率）", "满意度调查（目标90%）"."""
    rule_type, params = split_rule(rule)
    title = RULE_TYPES.get(rule_type or "", rule_type or "—")
    if rule_type == "rate":
        return f"{title}（{MEASURES.get(params.get('measure'), '—')}）"
    if rule_type == "survey":
        return f"{title}（目标{params.get('target_rate') or DEFAULT_TARGET_RATE}%）"
    return title


def _settled(leaf: dict[str, Any]) -> bool:
    """A scorecard leaf that has a score or is 不适用."""
    return leaf["score"] is not None or bool(leaf["not_applicable"])


def indicator_panel(session, user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The 评价指标与评分 card of the evaluation page: what exists, and the links for the stage."""
    system = indicator_queries.system_of(session, evaluation)
    card = None
    if system.indicators:
        try:
            card = scorecards.scorecard_of(session, evaluation)
        except InvalidInput:  # every leaf 不适用: no total to show, the page still opens
            card = None
    leaves = list(iter_leaves(card["levels"])) if card else []
    done = sum(1 for leaf in leaves if _settled(leaf))
    return {
        "has_tree": bool(system.indicators),
        "valid": system.valid,
        "errors": system.errors if system.indicators else [],
        "leaves": len(leaves),
        "scored": done,
        "card": card,
        "can_edit": indicator_queries.can_edit(user, evaluation),
        "scoring_open": evaluation.state == "analysis",
        "show_scores": bool(system.indicators) and (evaluation.state == "analysis" or done > 0),
    }


# --- 评价指标体系 -------------------------------------------------------------------------------


def _template_form() -> TemplateForm:
    form = TemplateForm()
    templates = indicator_templates.list_templates(db())
    form.template.choices = options((t.key, t.title) for t in templates)
    return form


def _scorer_names(evaluation: Evaluation) -> dict[int, str]:
    names = {user_id: label for user_id, label in group_people(evaluation)}
    for member in evaluation.members:  # a scorer who has since left the group
        names.setdefault(member.user_id, member.user.display_name)
    return names


@bp.route("/evaluations/<int:evaluation_id>/indicators")
def system(evaluation_id: int):
    return _render_system(evaluation_id)


def _render_system(evaluation_id: int, template_form=None, error=None, status: int = 200):
    user = page_user()
    session = db()
    evaluation = evaluations.get_visible(session, user, evaluation_id)
    system = indicator_queries.get_indicators(session, user, evaluation_id)
    context = {
        "evaluation": evaluation,
        "system": system,
        "rows": table_rows(system.indicators),
        "total": fmt(sum((node_weight(node) or ZERO for node in system.indicators), ZERO)),
        "scorers": _scorer_names(evaluation),
        "rule_label": rule_label,
        "template_form": template_form or _template_form(),
        "templates": indicator_templates.list_templates(session),
        "error": error,
    }
    return render_template("indicators/system.html", **context), status


@bp.route("/evaluations/<int:evaluation_id>/indicators/template", methods=["POST"])
def copy_template(evaluation_id: int):
    """从模板复制: replace the tree with a copy of the chosen template."""
    form = _template_form()
    error = None
    if form.validate_on_submit():
        try:
            indicator_ops.copy_template(
                db(), page_user(), evaluation_id, form.template.data, client_addr()
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
        else:
            title = indicator_templates.get_template(db(), form.template.data).title
            flash(f"已从模板“{title}”复制评价指标体系", "success")
            return redirect(url_for(".system", evaluation_id=evaluation_id))
    status = status_of(error) if error else 400
    return _render_system(evaluation_id, form, error, status)


def _tree_form(rows: list[dict[str, Any]], evaluation: Evaluation) -> IndicatorTreeForm:
    form = IndicatorTreeForm(formdata=None, data={"nodes": rows})
    _fit_tree_form(form, evaluation)
    return form


def _fit_tree_form(form: IndicatorTreeForm, evaluation: Evaluation) -> None:
    people = options([("", "由组长打分"), *group_people(evaluation)])
    for entry in form.nodes:
        entry.form.scorer.choices = people


@bp.route("/evaluations/<int:evaluation_id>/indicators/edit", methods=["GET", "POST"])
def edit(evaluation_id: int):
    """编辑评价指标体系: the whole tree as one outline form; “保存” replaces the stored tree."""
    user = page_user()
    session = db()
    evaluation = evaluations.get_visible(session, user, evaluation_id)
    if not indicator_queries.can_edit(user, evaluation):
        raise NotAllowed("只有组长、副组长可以在组织实施阶段编辑评价指标体系")
    error, focus, notice = None, None, None
    form = IndicatorTreeForm()
    if not form.is_submitted():
        stored = indicator_queries.get_indicators(session, user, evaluation_id).indicators
        rows = rows_from_tree(stored) or apply_op([], "add-root")[0]
        form = _tree_form(rows, evaluation)
    else:
        _fit_tree_form(form, evaluation)
        if form.validate():
            rows = [dict(entry.data) for entry in form.nodes]
            op = (form.op.data or "save").strip()
            if op != "save":
                rows, focus = apply_op(rows, op)
                form = _tree_form(rows, evaluation)
                notice = "已在编辑区调整，点击“保存指标体系”后生效。"
            else:
                try:
                    indicator_ops.replace_indicators(
                        session, user, evaluation_id, tree_from_rows(rows), client_addr()
                    )
                except NotFound:
                    raise
                except JixiaoError as exc:
                    error = exc
                else:
                    flash("评价指标体系已保存", "success")
                    return redirect(url_for(".system", evaluation_id=evaluation_id))
    rows = [dict(entry.data) for entry in form.nodes]
    status = status_of(error) if error else (400 if form.errors else 200)
    context = {
        "evaluation": evaluation,
        "form": form,
        "error": error,
        "notice": notice,
        "focus": focus,
        "totals": outline_totals(rows),
        "levels": [row_level(row) for row in rows],
        "warnings": _warnings(evaluation, rows),
    }
    return render_template("indicators/edit.html", **context), status


def _warnings(evaluation: Evaluation, rows: list[dict[str, Any]]) -> list[str]:
    """单位自评 weight warnings for the tree being edited (not saved yet)."""
    if evaluation.kind != "unit_self":
        return []
    return self_evaluation_weight_warnings(tree_from_rows(rows))


# --- 评分 ---------------------------------------------------------------------------------------


def form_prefix(code: str) -> str:
    """Each leaf's form on the 评分 page has its own field names and ids."""
    return "leaf" + re.sub(r"[^0-9A-Za-z]", "_", code)


@dataclass
class LeafItem:
    """A leaf on the 评分 page: its stored score, whether the reader may score it, its form."""

    leaf: Indicator
    score: IndicatorScore | None
    row: dict[str, Any]
    editable: bool
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
    card: dict[str, Any]
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
    rows = {row["code"]: row for row in iter_leaves(card["levels"])}
    amounts = scorecards.amounts_of(evaluation)
    items = {}
    for scored in scorecards.scored_leaves(session, user, evaluation_id):
        leaf = scored.indicator
        item = LeafItem(
            leaf=leaf,
            score=scored.score,
            row=rows[leaf.code],
            editable=lock is None and scoring.can_score(user, evaluation, leaf),
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
        "can_finalize": page.finalization is None
        and page.evaluation.state == "analysis"
        and roles.can(user, "finalize_scores", page.evaluation),
        "rule_label": rule_label,
        "measures": MEASURES,
    }
    return render_template("indicators/scores.html", **context), status


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
        item.error_text = _attach_field_errors(form, exc)
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
            raise InvalidInput("请选择问卷文件（CSV）")
        return scoring.score_survey_csv(
            session, user, evaluation_id, item.leaf.code, parsed.csv, reason, note, client_addr()
        )
    entry = scoring.ScoreEntry(parsed.inputs, reason=reason, deviation_note=note)
    return scoring.score_leaf(session, user, evaluation_id, item.leaf.code, entry, client_addr())


FIELD_PREFIXES = {"reason：": "reason", "deviation_note：": "deviation_note"}


def _attach_field_errors(form: ScoreForm, exc: JixiaoError) -> str:
    """Put "reason：…" and "deviation_note：…" problems next to their fields; returns the
    message for the top of the form."""
    details = exc.details if isinstance(exc.details, list) else []
    placed = 0
    for detail in details:
        for prefix, name in FIELD_PREFIXES.items():
            if isinstance(detail, str) and detail.startswith(prefix):
                field_ = getattr(form, name)
                field_.errors = [*field_.errors, detail.removeprefix(prefix)]
                placed += 1
    if details and placed == len(details):
        return "请按下方提示补充后再保存。"
    return exc.message


@bp.route("/evaluations/<int:evaluation_id>/scores/finalize", methods=["POST"])
def finalize(evaluation_id: int):
    """评分定稿 (组长): lock the scores once every leaf is scored or 不适用."""
    try:
        card = scoring.finalize_scores(db(), page_user(), evaluation_id, client_addr())
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash(f"评分已定稿：总分 {card['total']} 分，等级“{card['grade']}”", "success")
    return redirect(url_for(".scores", evaluation_id=evaluation_id))


# --- 评分表 -------------------------------------------------------------------------------------


@bp.route("/evaluations/<int:evaluation_id>/scorecard")
def scorecard(evaluation_id: int):
    user = page_user()
    session = db()
    evaluation = evaluations.get_visible(session, user, evaluation_id)
    card = scorecards.get_scorecard(session, user, evaluation_id)
    context = {
        "evaluation": evaluation,
        "card": card,
        "rows": table_rows(card["levels"]),
        "any_scored": any(_settled(leaf) for leaf in iter_leaves(card["levels"])),
        "finalization": scorecards.finalization(session, evaluation),
    }
    return render_template("indicators/scorecard.html", **context)


@bp.route("/evaluations/<int:evaluation_id>/scorecard.xlsx")
def scorecard_xlsx(evaluation_id: int):
    """评分表 as an Excel workbook (绩效评价指标体系及评分表)."""
    card = scorecards.get_scorecard(db(), page_user(), evaluation_id)
    return send_file(
        io.BytesIO(scorecard_workbook(card)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"评分表-{evaluation_id}.xlsx",
    )
