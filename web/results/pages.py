"""结果应用 and 评价结果公开 on the evaluation page (the bureau's card, the publication switch),
and the administrator's 结果应用规则 page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

import roles
from web.auth import client_addr, page_user
from web.database import db
from web.evaluations.pages import render_show
from web.results.forms import DecisionForm, PublicationForm, RulesForm
from web.ui import attach_field_errors, require_login, status_of
from workflow.kernel.access import get_visible
from workflow.kernel.errors import JixiaoError, NotFound
from workflow.results import operations as results
from workflow.results import queries
from workflow.results.rules import DECISIONS, Rule, label

bp = Blueprint("result_pages", __name__)
require_login(bp)


def _back(evaluation_id: int, anchor: str):
    return redirect(url_for("evaluation_pages.show", evaluation_id=evaluation_id, _anchor=anchor))


@bp.route("/evaluations/<int:evaluation_id>/decision", methods=["POST"])
def decide(evaluation_id: int):
    """确定结果应用 from the card: back to the page, or the page again with the problems.

    Someone the card offers no form gets the service's refusal, whatever they typed."""
    user = page_user()
    evaluation = get_visible(db(), user, evaluation_id)  # 404 before anything else
    form = DecisionForm()
    valid = form.validate_on_submit()
    if not valid and roles.can_decide_result(user, evaluation):
        return _show_again(evaluation_id, form, 400)
    spec = results.DecisionSpec(
        form.decision.data or "",
        form.percentage.data if valid else None,
        (form.comment.data or "").strip(),
    )
    try:
        results.decide_result(db(), user, evaluation_id, spec, client_addr())
    except NotFound:
        raise
    except JixiaoError as exc:
        if attach_field_errors(form, exc):
            return _show_again(evaluation_id, form, status_of(exc))
        flash(exc.message, "error")
        return _back(evaluation_id, "result-decision")
    flash(f"结果应用已确定：{label(spec.decision, spec.percentage)}", "success")
    return _back(evaluation_id, "result-decision")


def _show_again(evaluation_id: int, form: DecisionForm, status: int):
    """The evaluation page again, the card showing the input and its problems."""
    return render_show(evaluation_id, decision_form=form, status=status)


@bp.route("/evaluations/<int:evaluation_id>/publication", methods=["POST"])
def publish(evaluation_id: int):
    """评价结果公开 on or off from the switch."""
    user = page_user()
    form = PublicationForm()
    get_visible(db(), user, evaluation_id)
    if not form.validate_on_submit():
        flash("表单已过期，请刷新页面后重试", "error")
        return _back(evaluation_id, "publication")
    published = form.published.data == "1"
    try:
        results.set_publication(db(), user, evaluation_id, published, client_addr())
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
    else:
        flash("评价结果已公开" if published else "已取消公开，公开页面不再可以访问", "success")
    return _back(evaluation_id, "publication")


@bp.route("/admin/decision-rules", methods=["GET", "POST"])
def decision_rules():
    """结果应用规则 (administrators): each 等级's default decision."""
    user = page_user()
    roles.require_admin(user, "仅管理员可以访问系统管理")
    current = queries.rules_in_force(db())
    form = RulesForm()
    if not form.is_submitted():
        for name, grade in RulesForm.GRADES.items():
            form[name].decision.data = current[grade].decision
            form[name].percentage.data = current[grade].percentage
    error = None
    if form.validate_on_submit():
        rules = [
            Rule(grade, form[name].decision.data, form[name].percentage.data)
            for name, grade in RulesForm.GRADES.items()
        ]
        try:
            results.set_decision_rules(db(), user, rules)
        except JixiaoError as exc:
            error = exc
            _place(form, exc)
        else:
            flash("结果应用规则已保存", "success")
            return redirect(url_for(".decision_rules"))
    status = status_of(error) if error else (400 if form.is_submitted() else 200)
    html = render_template("admin/decision_rules.html", form=form, error=error, decisions=DECISIONS)
    return html, status


def _place(form: RulesForm, error: JixiaoError) -> None:
    """A rule's problem ("rules.2.percentage") at the field of its 等级's row."""
    names = list(RulesForm.GRADES)
    for problem in getattr(error, "errors", []):
        parts = (problem.field or "").split(".")
        if len(parts) == 3 and parts[0] == "rules" and parts[1].isdigit():
            row = form[names[int(parts[1])]]
            field = row[parts[2]] if parts[2] in ("decision", "percentage") else None
            if field is not None:
                field.errors = [*field.errors, problem.message]
