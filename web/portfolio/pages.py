"""评价概览 page: the bureau's figures with charts drawn on the server (SVG, numbers beside)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from web.auth import page_user
from web.database import db
from web.exports import FORMATS, send_archive, send_table
from web.files import store
from web.input import query_int
from web.ui import filter_args, require_login
from workflow.exports import archive as archived
from workflow.exports import tables
from workflow.kernel import clock
from workflow.kernel.errors import NotFound
from workflow.lifecycle import queries as evaluations
from workflow.lifecycle.models import EVALUATION_KINDS, YEARS
from workflow.lifecycle.states import STATES
from workflow.portfolio import queries as portfolio
from workflow.scoring.rules import GRADE_TITLES

bp = Blueprint("portfolio_pages", __name__)
require_login(bp)


def _filters() -> portfolio.Filters:
    args = request.args
    year = query_int("year")
    return portfolio.Filters(
        year=year if year in YEARS else None,
        unit_id=query_int("unit_id"),
        kind=args.get("kind") if args.get("kind") in EVALUATION_KINDS else None,
        state=args.get("state") if args.get("state") in STATES else None,
        grade=args.get("grade") if args.get("grade") in GRADE_TITLES else None,
        overdue=args.get("overdue") == "1",
    )


@bp.route("/portfolio")
def index():
    """评价概览: counts per stage, 等级 and kind, the totals' distribution, stuck and overdue."""
    user = page_user()
    filters = _filters()
    figures = portfolio.portfolio(db(), user, filters)
    return render_template(
        "portfolio/index.html",
        figures=figures,
        filters=filters,
        export_args=filter_args(filters),
        units=evaluations.visible_units(db(), user),
        grades=GRADE_TITLES,
        by_state=[(label, figures.by_state.get(key, 0)) for key, label in STATES.items()],
        by_grade=[(title, figures.by_grade.get(title, 0)) for title in GRADE_TITLES],
        by_kind=[(label, figures.by_kind.get(k, 0)) for k, label in EVALUATION_KINDS.items()],
        bar_max=max([1, *figures.by_state.values(), *figures.by_grade.values()]),
        bin_max=max([1, *(b["count"] for b in figures.histogram)]),
    )


@bp.route("/portfolio/export.<fmt>")
def export(fmt: str):
    """导出评价概览 (Excel or CSV) with the page's filters."""
    if fmt not in FORMATS:
        raise NotFound("不支持的导出格式")
    return send_table(tables.portfolio_figures(db(), page_user(), _filters()), fmt)


@bp.route("/portfolio/archive.zip")
def archive():
    """A year's archived reports as one ZIP (the page's 年度, else last year)."""
    user = page_user()
    year = _filters().year or clock.today_local().year - 1
    files = archived.archived_files(db(), user, year, store())
    index = archived.archive_index(db(), user, year)
    return send_archive(files, index, f"{year}年度评价报告.zip")
