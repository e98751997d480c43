"""评价报告 pages: the report with its checks and review comments, 编辑章节, 历史版本 and 版本比较,
存在的问题 / 有关建议, and the PDF and Word downloads (the signed PDF once archived).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

import roles
from web.auth import client_addr, page_user
from web.confirm import unconfirmed
from web.database import db
from web.files import DOCX, PDF, store
from web.forms import options
from web.presenters import evaluation_dict
from web.reports.api import send_report
from web.reports.forms import (
    CommentForm,
    CompareForm,
    DeleteForm,
    ProblemForm,
    RegenerateForm,
    SectionForm,
)
from web.ui import attach_field_errors, form_page, require_login, status_of, version_of
from workflow.accounts import operations as accounts
from workflow.kernel import access as access
from workflow.kernel.errors import Conflict, JixiaoError, NotAllowed, NotFound
from workflow.lifecycle.models import Evaluation
from workflow.reports import limits
from workflow.reports import operations as reports
from workflow.reports import page as report_page
from workflow.reports import queries as report_queries
from workflow.reports.draft import ITEM_SECTIONS
from workflow.reports.render.text import diff_rows, parse_body

bp = Blueprint("report_pages", __name__)
require_login(bp)


CHECK_LABELS = {
    "not_drafted": "尚未起草",
    "empty_section": "尚未填写",
    "stale_figure": "数据已变",
    "total_missing": "总分未写",
    "total_mismatch": "总分不符",
    "grade_mismatch": "等级不符",
    "rate_mismatch": "比率不符",
    "problem_without_measure": "缺整改措施",
}


BODY_HELP = [
    ("段落", "每行一段，空行不计。"),
    ("列表", "以“- ”（减号加空格）开头的连续各行。"),
    ("表格", "以“|”开头的连续各行，单元格以“|”分隔；第二行写“| --- | --- |”则首行为表头。"),
    ("小标题", "以“（一）”“（二）”……开头、不含句号的短行。"),
    (
        "篇幅",
        f"每章节不超过{limits.MAX_BODY}字，全文不超过{limits.MAX_REPORT_CHARS}字；全文表格合计"
        f"不超过{limits.MAX_TABLE_ROWS}行、{limits.MAX_TABLE_CELLS}个单元格，每行不超过"
        f"{limits.MAX_TABLE_COLUMNS}列，每格不超过{limits.MAX_CELL_CHARS}字。",
    ),
]


def _url(evaluation_id: int, anchor: str | None = None) -> str:
    return url_for(".report", evaluation_id=evaluation_id, _anchor=anchor)


def _require_editable(user, evaluation: Evaluation) -> None:
    """Refuse an edit page the user could not submit anyway (the service checks again)."""
    if not roles.can_edit_report(user, evaluation):
        raise NotAllowed("您无权修改此报告，或当前阶段不允许修改（仅报告撰写阶段可修改）")


def _owner_choices(evaluation: Evaluation) -> list:
    people = accounts.list_users(db(), unit_id=evaluation.unit_id)
    return options([("", "（不指定，或在右侧填写）"), *((u.id, u.display_name) for u in people)])


def _section_of(view: dict[str, Any], key: str) -> dict[str, Any]:
    section = next((s for s in view["sections"] if s["key"] == key), None)
    if section is None:
        raise NotFound(f"报告章节“{key}”不存在")
    return section


@bp.route("/evaluations/<int:evaluation_id>/report")
def report(evaluation_id: int):
    return _render(evaluation_id)


def _render(evaluation_id: int, posted: tuple[str, Any] | None = None, error=None, status=200):
    """The report page; `posted` is the (name, form) just submitted, shown again with its input."""
    user = page_user()
    session = db()
    view = report_page.report_view(session, user, evaluation_id)
    evaluation = access.get_visible(session, user, evaluation_id)
    problem_form = ProblemForm(formdata=None, prefix="problem")
    comment_forms = {
        s["key"]: CommentForm(formdata=None, prefix=f"comment-{s['key']}", section=s["key"])
        for s in view["sections"]
    }
    if posted:
        name, form = posted
        if name == "problem":
            attach_field_errors(form, error)  # a comment's refusal is shown above its field
            problem_form = form
        else:
            comment_forms[name] = form
    problem_form.owner_user.choices = _owner_choices(evaluation)
    for section in view["sections"]:
        section["blocks"] = parse_body(section["body"])
        section["open_checks"] = [c for c in view["checks"] if c["section"] == section["key"]]
    context = {
        "evaluation": evaluation,
        "info": evaluation_dict(session, user, evaluation),
        "view": view,
        "problem_form": problem_form,
        "comment_forms": comment_forms,
        "delete_form": DeleteForm(formdata=None),
        "regenerate_form": RegenerateForm(formdata=None),
        "error": error,
        "error_form": posted[0] if posted else None,
        "problem_checks": [c for c in view["checks"] if c["section"] == "problems"],
        "CHECK_LABELS": CHECK_LABELS,
        "ITEM_SECTIONS": ITEM_SECTIONS,
    }
    return render_template("reports/report.html", **context), status


@bp.route("/evaluations/<int:evaluation_id>/report/comments", methods=["POST"])
def comment(evaluation_id: int):
    """审核意见 on a section (approvers in 领导小组审核, finance reviewers in 财政局审核)."""
    key = request.form.get("section", "")
    form = CommentForm(prefix=f"comment-{key}")
    form.section.data = key
    if not form.validate_on_submit():
        return _render(evaluation_id, (key, form), None, 400)
    try:
        reports.add_comment(
            db(), page_user(), evaluation_id, key, form.body.data or "", client_addr()
        )
    except NotFound:
        raise
    except JixiaoError as exc:
        return _render(evaluation_id, (key, form), exc, status_of(exc))
    flash("审核意见已提交", "success")
    return redirect(_url(evaluation_id, f"section-{key}"))


@bp.route("/evaluations/<int:evaluation_id>/report/problems", methods=["POST"])
def add_problem(evaluation_id: int):
    form = ProblemForm(prefix="problem")
    if not form.validate_on_submit():
        return _render(evaluation_id, ("problem", form), None, 400)
    try:
        added = reports.add_problem(db(), page_user(), evaluation_id, form.spec(), client_addr())
    except NotFound:
        raise
    except JixiaoError as exc:
        return _render(evaluation_id, ("problem", form), exc, status_of(exc))
    flash(f"已添加{added['kind_label']}", "success")
    return redirect(_url(evaluation_id, "problems"))


@bp.route(
    "/evaluations/<int:evaluation_id>/report/problems/<int:problem_id>/edit",
    methods=["GET", "POST"],
)
def edit_problem(evaluation_id: int, problem_id: int):
    user = page_user()
    session = db()
    evaluation = access.get_visible(session, user, evaluation_id)
    _require_editable(user, evaluation)
    view = report_page.report_view(session, user, evaluation_id)
    problem = next((p for p in view["problems"] if p["id"] == problem_id), None)
    if problem is None:
        raise NotFound("问题或建议不存在")
    form = ProblemForm.of(problem)
    form.owner_user.choices = _owner_choices(evaluation)
    error = None
    if form.validate_on_submit():
        try:
            reports.update_problem(
                session, user, evaluation_id, problem_id, form.spec(), client_addr()
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
        else:
            flash(f"已保存{problem['kind_label']}", "success")
            return redirect(_url(evaluation_id, "problems"))
    return form_page("reports/problem.html", form, error, evaluation=evaluation, problem=problem)


@bp.route(
    "/evaluations/<int:evaluation_id>/report/problems/<int:problem_id>/delete", methods=["POST"]
)
def delete_problem(evaluation_id: int, problem_id: int):
    if refusal := unconfirmed("delete_problem"):
        flash(refusal, "error")
    elif DeleteForm().validate_on_submit():
        try:
            reports.delete_problem(db(), page_user(), evaluation_id, problem_id, client_addr())
        except NotFound:
            raise
        except JixiaoError as exc:
            flash(exc.message, "error")
        else:
            flash("已删除", "success")
    else:
        flash("页面已过期，请刷新后重试", "error")
    return redirect(_url(evaluation_id, "problems"))


@bp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/edit", methods=["GET", "POST"])
def edit_section(evaluation_id: int, key: str):
    user = page_user()
    session = db()
    evaluation = access.get_visible(session, user, evaluation_id)
    _require_editable(user, evaluation)
    view = report_page.report_view(session, user, evaluation_id)
    section = _section_of(view, key)
    form = SectionForm(body=section["body"], version=section["version"])
    error, theirs = None, None
    if form.validate_on_submit():
        try:
            saved = reports.save_section(
                session,
                user,
                evaluation_id,
                key,
                form.body.data or "",
                version_of(form.version) or 0,
                client_addr(),
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            error = exc
            if isinstance(exc, Conflict):
                # Someone saved first: show their text beside the user's, which is kept.
                view = report_page.report_view(session, user, evaluation_id)
                theirs = _section_of(view, key)
                theirs["rows"] = diff_rows(theirs["body"], form.body.data or "")
                form.version.data = theirs["version"]
        else:
            flash(
                f"已保存“{saved['number']}、{saved['title']}”（第{saved['version']}版）", "success"
            )
            return redirect(_url(evaluation_id, f"section-{key}"))
    return form_page(
        "reports/edit_section.html",
        form,
        error,
        evaluation=evaluation,
        section=section,
        theirs=theirs,
        checks=[c for c in view["checks"] if c["section"] == key],
        body_help=BODY_HELP,
    )


@bp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/regenerate", methods=["POST"])
def regenerate_section(evaluation_id: int, key: str):
    """按最新数据重新生成本章; the text until now stays in 历史版本."""
    form = RegenerateForm()
    if form.validate_on_submit():
        try:
            saved = reports.regenerate_section(
                db(), page_user(), evaluation_id, key, version_of(form.version), client_addr()
            )
        except NotFound:
            raise
        except JixiaoError as exc:
            flash(exc.message, "error")
        else:
            flash(
                f"已按最新数据重新生成“{saved['number']}、{saved['title']}”（第{saved['version']}版），"
                "原文字已保存为历史版本",
                "success",
            )
    else:
        flash("页面已过期，请刷新后重试", "error")
    return redirect(_url(evaluation_id, f"section-{key}"))


@bp.route("/evaluations/<int:evaluation_id>/report/sections/<key>/versions")
def versions(evaluation_id: int, key: str):
    """Every version of a section, and two of them side by side (`?from=A&to=B`)."""
    user = page_user()
    session = db()
    evaluation = access.get_visible(session, user, evaluation_id)
    section = _section_of(report_page.report_view(session, user, evaluation_id), key)
    rows = report_queries.section_versions(session, user, evaluation_id, key)
    numbers = [row["version"] for row in rows]
    form = CompareForm(request.args)
    choices = options((n, f"第{n}版") for n in reversed(numbers))
    form.old.choices = form.new.choices = choices
    if not request.args and numbers:
        form.old.data = numbers[-2] if len(numbers) > 1 else numbers[-1]
        form.new.data = numbers[-1]
    diff = None
    if form.old.data and form.new.data:
        diff = report_queries.section_diff(
            session, user, evaluation_id, key, form.old.data, form.new.data
        )
    return render_template(
        "reports/versions.html",
        evaluation=evaluation,
        section=section,
        versions=rows,
        form=form,
        diff=diff,
    )


@bp.route("/evaluations/<int:evaluation_id>/report.pdf")
def report_pdf(evaluation_id: int):
    """The report as PDF; once archived, the signed file, byte for byte."""
    return _download(evaluation_id, report_page.report_pdf, PDF)


@bp.route("/evaluations/<int:evaluation_id>/report.docx")
def report_docx(evaluation_id: int):
    return _download(evaluation_id, report_page.report_docx, DOCX)


def _download(evaluation_id: int, read, content_type: str):
    """Send the file; while the signed files are still being generated, say so on the page."""
    try:
        report = read(db(), page_user(), evaluation_id, store())
    except Conflict as exc:
        flash(exc.message, "info")
        return redirect(_url(evaluation_id, "archive"))
    return send_report(report, content_type)
