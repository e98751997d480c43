"""自评任务 API: 下达, the list, one campaign, 催办, 取消下达, and its exports."""

from __future__ import annotations

from flask.views import MethodView

from web.auth import client_addr
from web.campaigns.files import send_forms, send_summary
from web.campaigns.schemas import (
    CampaignCreatedOut,
    CampaignIn,
    CampaignOut,
    CampaignSummaryOut,
    RemindOut,
    WithdrawIn,
)
from web.exports import ZIP
from web.files import XLSX
from web.rest import PAGED, caller, document_errors, make_blueprint, paged, session
from web.schemas import PageQuery
from workflow.campaigns import operations as campaigns
from workflow.campaigns import queries as campaign_queries

blp = make_blueprint("campaigns", "自评任务下达：下达、进度、催办、取消下达、汇总导出")


def campaign_spec(data: dict) -> campaigns.CampaignSpec:
    """The validated body as the operation's spec (named fields only)."""
    items = [
        campaigns.ItemSpec(
            unit_id=item["unit_id"],
            project_name=item["project_name"],
            budget=item["budget"],
            competent_department=item["competent_department"],
            leader=item["leader"],
        )
        for item in data["items"]
    ]
    return campaigns.CampaignSpec(
        title=data["title"],
        year=data["year"],
        due_date=data["due_date"],
        template=data["template"],
        items=items,
    )


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, CampaignSummaryOut(many=True), headers=PAGED)
    def get(self, query):
        """The caller's bureau's campaigns (a unit: those dispatched to it), newest first."""
        return paged(campaign_queries.list_campaigns(session(), caller(), query["page"]))

    @blp.arguments(CampaignIn)
    @blp.response(201, CampaignCreatedOut)
    @document_errors(blp, 400, 403)
    def post(self, data):
        """下达 (财政局审核人 of the bureau, or 管理员): one 单位自评 per item, all or nothing;
        every bad item is named by its index in `fields` (`items.3.unit_id`)."""
        campaign, evaluations = campaigns.dispatch(
            session(), caller(), campaign_spec(data), client_addr()
        )
        return {"id": campaign.id, "evaluations": [e.id for e in evaluations]}


@blp.route("/campaigns/<int:campaign_id>")
@blp.response(200, CampaignOut)
@document_errors(blp, 404)
def campaign(campaign_id):
    """One campaign: counts per state, submitted / total (withdrawn left out), its items."""
    return campaign_queries.campaign_detail(session(), caller(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/remind", methods=["POST"])
@blp.response(200, RemindOut)
@document_errors(blp, 403, 404)
def remind(campaign_id):
    """催办: the items not yet submitted to 财政局审核; once a day."""
    return {"sent": campaigns.remind(session(), caller(), campaign_id, client_addr())}


@blp.route("/campaigns/<int:campaign_id>/items/<int:evaluation_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawIn)
@blp.response(200, CampaignOut)
@document_errors(blp, 400, 403, 404, 409)
def withdraw(data, campaign_id, evaluation_id):
    """取消下达 (with a `reason`): the item is cancelled and stays listed as withdrawn."""
    campaigns.withdraw(
        session(), caller(), campaign_id, evaluation_id, data["reason"], client_addr()
    )
    return campaign_queries.campaign_detail(session(), caller(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/summary.xlsx")
@blp.response(200, description="自评任务汇总表", content_type=XLSX)
@document_errors(blp, 403, 404)
def summary_xlsx(campaign_id):
    """汇总表: unit, project, budget, spent, rate, total, grade, state."""
    return send_summary(caller(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/forms.zip")
@blp.response(200, description="已提交的自评表 PDF", content_type=ZIP)
@document_errors(blp, 403, 404)
def forms_zip(campaign_id):
    """The submitted items' 自评表 PDFs as one ZIP."""
    return send_forms(caller(), campaign_id)
