"""自评任务's downloads: the summary workbook and the ZIP of submitted 自评表 PDFs."""

from __future__ import annotations

from zipfile import ZIP_STORED

from flask import Response, stream_with_context
from zipstream import ZipStream

from web.database import db
from web.exports import ZIP, _attachment, send_table
from workflow.accounts.models import User
from workflow.campaigns import queries as campaigns
from workflow.campaigns.operations import managed_campaign
from workflow.campaigns.summary import summary_table
from workflow.selfeval.form import get_self_evaluation
from workflow.selfeval.pdf import self_evaluation_pdf


def send_summary(user: User, campaign_id: int) -> Response:
    """summary.xlsx: one row per item, A4 landscape fit to width, header on every page."""
    campaign = managed_campaign(db(), user, campaign_id)
    return send_table(summary_table(db(), user, campaign), "xlsx")


def send_forms(user: User, campaign_id: int) -> Response:
    """forms.zip: the submitted items' 自评表 PDFs, each rendered when its turn comes."""
    session = db()
    campaign = managed_campaign(session, user, campaign_id)
    ids = campaigns.submitted_ids(session, user, campaign)
    archive = ZipStream(compress_type=ZIP_STORED)  # PDFs are compressed already
    for evaluation_id in ids:
        archive.add(_pdf(user, evaluation_id), f"项目支出绩效自评表-{evaluation_id}.pdf")
    response = Response(stream_with_context(iter(archive)), mimetype=ZIP)
    response.headers["Content-Disposition"] = _attachment(
        f"{campaign.title}-自评表.zip", "forms.zip"
    )
    return response


def _pdf(user: User, evaluation_id: int):
    yield self_evaluation_pdf(get_self_evaluation(db(), user, evaluation_id))
