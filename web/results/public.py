"""评价结果公开: the public pages, no login — a published result, its signed PDF, and a
bureau's index of a year. Anything not published (or no longer) answers 404, as an unknown
token does."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from web.database import db
from web.files import PDF, store
from web.indicators.pages import card_children, is_settled, table_rows
from web.reports.api import send_report
from workflow.lifecycle.models import EVALUATION_KINDS, YEARS
from workflow.results import public

bp = Blueprint("public_pages", __name__, url_prefix="/public")


@bp.after_request
def _public(response):
    response.headers["Cache-Control"] = "no-cache"  # a switch-off takes effect at once
    return response


@bp.route("/<token>")
def result(token: str):
    """A published result: project, unit, year, 总分, 等级, the 评分表, a link to the PDF."""
    shown = public.published_result(db(), token)
    if shown is None:
        abort(404)
    card = shown.card
    return render_template(
        "results/public.html",
        result=shown,
        kinds=EVALUATION_KINDS,
        card=card,
        rows=table_rows(card.levels, card_children),
        any_scored=any(is_settled(leaf) for leaf in card.leaves()),
    )


@bp.route("/<token>/report.pdf")
def report_pdf(token: str):
    """The signed PDF of a published result, byte for byte as archived."""
    report = public.published_pdf(db(), token, store())
    if report is None:
        abort(404)
    return send_report(report, PDF)


@bp.route("/bureaus/<int:bureau_id>/<int:year>")
def index(bureau_id: int, year: int):
    """What a bureau has published for a year."""
    found = public.published_index(db(), bureau_id, year) if year in YEARS else None
    if found is None:
        abort(404)
    bureau, rows = found
    return render_template(
        "results/public_index.html", bureau=bureau, year=year, rows=rows, kinds=EVALUATION_KINDS
    )
