"""The 自评表's files as downloads, for the API and the pages alike."""

from __future__ import annotations

import io

from flask import send_file

from web.database import db
from web.files import PDF, XLSX
from workflow.accounts.models import User
from workflow.selfeval.excel import self_evaluation_workbook
from workflow.selfeval.form import get_self_evaluation
from workflow.selfeval.pdf import self_evaluation_pdf

#: 自评表 file kinds: how each is made and its content type.
RENDERERS = {"xlsx": (self_evaluation_workbook, XLSX), "pdf": (self_evaluation_pdf, PDF)}


def send_self_evaluation(user: User, evaluation_id: int, kind: str):
    """The 自评表 of an evaluation the user may see, as an .xlsx or .pdf download."""
    render, mimetype = RENDERERS[kind]
    form = get_self_evaluation(db(), user, evaluation_id)
    return send_file(
        io.BytesIO(render(form)),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"项目支出绩效自评表-{evaluation_id}.{kind}",
    )
