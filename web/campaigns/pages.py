"""自评任务 pages: the bureau's list, 下达, and one campaign with its items by unit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

import roles
from web.auth import client_addr, page_user
from web.campaigns.files import send_forms, send_summary
from web.campaigns.forms import DispatchForm, WithdrawForm, parse_lines
from web.confirm import unconfirmed
from web.database import db
from web.ui import page_request, require_login
from workflow.campaigns import operations as campaigns
from workflow.campaigns import queries as campaign_queries
from workflow.indicators.queries import list_templates
from workflow.kernel.errors import FieldError, InvalidInput, NotAllowed
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.states import STATES

bp = Blueprint("campaign_pages", __name__)
require_login(bp)


@bp.route("/campaigns")
def index():
    """自评任务 list, newest first, with each one's submission rate."""
    user = page_user()
    page = campaign_queries.list_campaigns(db(), user, page_request())
    return render_template(
        "campaigns/index.html", page=page, can_dispatch=roles.can_dispatch_campaigns(user)
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new():
    """下达自评任务: the reviewer picks units of the bureau and types the projects."""
    user = page_user()
    if not roles.can_dispatch_campaigns(user):
        raise NotAllowed("仅财政局审核人和管理员可以下达自评任务")
    units = evaluations.visible_units(db(), user)
    form = DispatchForm()
    form.template.choices = [(t.key, t.title) for t in list_templates(db())]
    problems: list[str] = []
    if form.validate_on_submit():
        spec = campaigns.CampaignSpec(
            title=form.title.data,
            year=form.year.data,
            due_date=form.due_date.data,
            template=form.template.data,
            items=parse_lines(form.lines.data, {u.name: u.id for u in units}),
        )
        try:
            campaign, created = campaigns.dispatch(db(), user, spec, client_addr())
        except InvalidInput as exc:
            problems = [_line_label(p) for p in exc.errors]
        else:
            flash(f"已下达 {len(created)} 个自评项目", "success")
            return redirect(url_for("campaign_pages.show", campaign_id=campaign.id))
    return render_template("campaigns/new.html", form=form, units=units, problems=problems)


def _line_label(problem: FieldError) -> str:
    """ "items.3.unit_id：…" as the page's "第 4 行：…"; any other problem in words (a field's
    Chinese label, never its API name)."""
    if problem.field and problem.field.startswith("items."):
        index = problem.field.split(".")[1]
        if index.isdigit():
            return f"第 {int(index) + 1} 行：{problem.message}"
    return problem.text


@bp.route("/campaigns/<int:campaign_id>")
def show(campaign_id: int):
    """One campaign: progress, and a table per unit with state, score and grade (filters)."""
    user = page_user()
    detail = campaign_queries.campaign_detail(db(), user, campaign_id)
    state = request.args.get("state") if request.args.get("state") in STATES else None
    overdue = request.args.get("overdue") == "1"
    shown = [
        i
        for i in detail["items"]
        if (state is None or i["state"] == state) and (not overdue or i["overdue"])
    ]
    by_unit: dict[str, list[dict]] = {}
    for item in shown:
        by_unit.setdefault(item["unit_name"], []).append(item)
    return render_template(
        "campaigns/show.html",
        campaign=detail,
        by_unit=by_unit,
        state=state,
        overdue=overdue,
        withdraw_form=WithdrawForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/remind", methods=["POST"])
def remind(campaign_id: int):
    """催办 button."""
    sent = campaigns.remind(db(), page_user(), campaign_id, client_addr())
    flash(f"已发出 {sent} 条催办通知" if sent else "今天已催办过，未重复发送", "success")
    return redirect(url_for("campaign_pages.show", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/items/<int:evaluation_id>/withdraw", methods=["POST"])
def withdraw(campaign_id: int, evaluation_id: int):
    """取消下达, with a reason."""
    form = WithdrawForm()
    refusal = unconfirmed("cancel")
    if not form.validate_on_submit():
        flash("请求已失效，请重试", "error")
    elif refusal:
        flash(refusal, "error")
    else:
        try:
            campaigns.withdraw(
                db(), page_user(), campaign_id, evaluation_id, form.reason.data or "", client_addr()
            )
            flash("已取消下达", "success")
        except InvalidInput as exc:
            flash(exc.message, "error")
    return redirect(url_for("campaign_pages.show", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/summary.xlsx")
def summary(campaign_id: int):
    return send_summary(page_user(), campaign_id)


@bp.route("/campaigns/<int:campaign_id>/forms.zip")
def forms(campaign_id: int):
    return send_forms(page_user(), campaign_id)
