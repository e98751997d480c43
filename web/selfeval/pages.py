"""The 自评表's downloads for a logged-in user (the scorecard page links to them)."""

from __future__ import annotations

from flask import Blueprint

from web.auth import page_user
from web.selfeval.files import send_self_evaluation
from web.ui import require_login

bp = Blueprint("selfeval_pages", __name__)
require_login(bp)


@bp.route("/evaluations/<int:evaluation_id>/self-evaluation.<any(xlsx, pdf):kind>")
def download(evaluation_id: int, kind: str):
    """项目支出绩效自评表 as Excel or PDF."""
    return send_self_evaluation(page_user(), evaluation_id, kind)
