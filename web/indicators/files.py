"""The indicator sheet as a download, for the API and the pages alike."""

from __future__ import annotations

import io

from flask import send_file

from web.database import db
from web.files import XLSX
from workflow.accounts.models import User
from workflow.indicators import queries as indicator_queries
from workflow.indicators.excel import indicators_workbook


def send_indicator_sheet(user: User, evaluation_id: int):
    """The tree of an evaluation the user may see, in the 绩效目标申报表 layout."""
    evaluation, tree = indicator_queries.get_tree(db(), user, evaluation_id)
    return send_file(
        io.BytesIO(indicators_workbook(evaluation.project_name, tree)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"绩效指标-{evaluation_id}.xlsx",
    )
