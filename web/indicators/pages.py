"""评价指标体系 (view, edit, copy from a template), 评分 (分析评价, 定稿) and the 评分表 pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

import roles
from web.auth import client_addr, page_user
from web.database import db
from web.forms import Form, options
from web.indicators.files import send_indicator_sheet
from web.indicators.forms import (
    ImportForm,
    IndicatorTreeForm,
    TemplateForm,
    apply_op,
    outline_totals,
    row_level,
    rows_from_tree,
    tree_from_rows,
)
from web.ui import require_login, status_of
from workflow.accounts.models import User
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.indicators import queries as indicator_templates
from workflow.indicators.tree import node_weight, self_evaluation_weight_warnings
from workflow.kernel import access as evaluations
from workflow.kernel.errors import InvalidInput, JixiaoError, NotAllowed, NotFound
from workflow.lifecycle.models import GROUP_ROLES, GROUP_WORKERS, Evaluation
from workflow.scoring import scorecard as scorecards
from workflow.scoring.previous import previous_evaluation
from workflow.scoring.rules import (
    DEFAULT_TARGET_RATE,
    MEASURES,
    RULE_TYPES,
    ZERO,
    ScorecardNode,
    fmt,
    split_rule,
)

bp = Blueprint("indicator_pages", __name__)
require_login(bp)


def group_people(evaluation: Evaluation) -> list[tuple[int, str]]:
    """组长、副组长、成员 as (id, "姓名（角色）"): who may score leaves and hold tasks."""
    people: dict[int, str] = {}
    for role in GROUP_WORKERS:
        for user in evaluation.users_in(role):
            people.setdefault(user.id, f"{user.display_name}（{GROUP_ROLES[role]}）")
    return list(people.items())


def _tree_children(node: dict[str, Any]) -> Sequence[dict[str, Any]]:
    return node.get("children") or []


def table_rows(
    levels: Sequence[Any], children: Callable[[Any], Sequence[Any]] = _tree_children
) -> list[dict[str, Any]]:
    """A three-level tree as table rows, one per leaf, with the rowspans of its 一级 and 二级
    cells (set on the first leaf of each; None on the others). The tree is in API shape, or
    give `children` for other nodes (`card_children` for the 评分表)."""
    rows = []
    for level1 in levels:
        span1 = sum(len(children(level2)) for level2 in children(level1))
        for j, level2 in enumerate(children(level1)):
            leaves = children(level2)
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


def card_children(node: ScorecardNode) -> Sequence[ScorecardNode]:
    return node.children


def is_settled(leaf: ScorecardNode) -> bool:
    """A scorecard leaf that has a score or is 不适用."""
    return leaf.score is not None or leaf.not_applicable


def indicator_panel(session, user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The 评价指标与评分 card of the evaluation page: what exists, and the links for the stage."""
    system = indicator_queries.system_of(session, evaluation)
    card = None
    if system.indicators:
        try:
            card = scorecards.scorecard_of(session, evaluation)
        except InvalidInput:  # every leaf 不适用: no total to show, the page still opens
            card = None
    leaves = card.leaves() if card else []
    done = sum(1 for leaf in leaves if is_settled(leaf))
    scoring_open = roles.stage_allows(evaluation, "score_indicators")
    return {
        "has_tree": bool(system.indicators),
        "valid": system.valid,
        "errors": system.errors if system.indicators else [],
        "leaves": len(leaves),
        "scored": done,
        "card": card,
        "can_edit": roles.can_edit_indicators(user, evaluation),
        "scoring_open": scoring_open,
        "show_scores": bool(system.indicators) and (scoring_open or done > 0),
    }


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


def _render_system(
    evaluation_id: int, template_form=None, error=None, status: int = 200, import_form=None
):
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
        "previous": previous_evaluation(session, evaluation),
        "import_form": import_form or ImportForm(formdata=None),
        "previous_form": Form(formdata=None),
        "error": error,
    }
    return render_template("indicators/system.html", **context), status


@bp.route("/evaluations/<int:evaluation_id>/indicators.xlsx")
def sheet(evaluation_id: int):
    """The tree as an Excel sheet in the 绩效目标申报表 layout."""
    return send_indicator_sheet(page_user(), evaluation_id)


@bp.route("/evaluations/<int:evaluation_id>/indicators/import", methods=["POST"])
def import_sheet(evaluation_id: int):
    """从 Excel 导入: replace the tree with the sheet's; its problems listed by row."""
    form = ImportForm()
    error = None
    if form.validate_on_submit():
        try:
            indicator_ops.import_indicators(
                db(), page_user(), evaluation_id, form.file.data.read(), client_addr()
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
        else:
            flash("已从 Excel 导入评价指标体系", "success")
            return redirect(url_for(".system", evaluation_id=evaluation_id))
    status = status_of(error) if error else 400
    return _render_system(evaluation_id, error=error, status=status, import_form=form)


@bp.route("/evaluations/<int:evaluation_id>/indicators/previous/<int:other_id>", methods=["POST"])
def copy_previous(evaluation_id: int, other_id: int):
    """复制上年: replace the tree with a copy of last year's evaluation's."""
    form = Form()
    error = None
    if form.validate_on_submit():
        try:
            indicator_ops.copy_from_evaluation(
                db(), page_user(), evaluation_id, other_id, client_addr()
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
        else:
            flash("已复制上年评价的指标体系（评分人需重新指定）", "success")
            return redirect(url_for(".system", evaluation_id=evaluation_id))
    status = status_of(error) if error else 400
    return _render_system(evaluation_id, error=error, status=status)


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
    if not roles.can_edit_indicators(user, evaluation):
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
