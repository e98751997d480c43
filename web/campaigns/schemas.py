"""API schemas of 自评任务 (campaigns)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.schemas import Integer
from workflow.lifecycle.models import YEARS
from workflow.scoring.rules import GRADE_TITLES


class ItemIn(Schema):
    unit_id = Integer(required=True)
    project_name = fields.String(required=True, validate=validate.Length(max=300))
    # checked with the other items (every bad one named at once), never rounded
    budget = fields.Raw(load_default=None, metadata={"type": "string", "description": "万元"})
    competent_department = fields.String(load_default="", validate=validate.Length(max=200))
    leader = Integer(load_default=None, metadata={"description": "组长：该单位的用户 id"})


class CampaignIn(Schema):
    title = fields.String(required=True, validate=validate.Length(max=200))
    year = Integer(required=True, validate=validate.Range(min=YEARS.start, max=YEARS.stop - 1))
    due_date = fields.Date(required=True)
    template = fields.String(required=True, validate=validate.Length(max=60))
    items = fields.List(fields.Nested(ItemIn), required=True)


class CampaignCreatedOut(Schema):
    id = Integer()
    evaluations = fields.List(Integer())


class ItemOut(Schema):
    evaluation_id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    project_name = fields.String()
    state = fields.String()
    total = fields.Decimal(as_string=True, allow_none=True)
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADE_TITLES)})
    overdue = fields.Boolean()
    withdrawn = fields.Boolean(metadata={"description": "已取消下达"})


class CampaignSummaryOut(Schema):
    id = Integer()
    title = fields.String()
    year = Integer()
    due_date = fields.Date()
    template = fields.String()
    submitted = Integer(metadata={"description": "已提交财政局审核或已归档（不含已取消）"})
    total = Integer(metadata={"description": "项目数（不含已取消）"})
    rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "提交率 %"})


class CampaignOut(CampaignSummaryOut):
    counts = fields.Dict(keys=fields.String(), values=Integer())
    items = fields.List(fields.Nested(ItemOut))


class WithdrawIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class RemindOut(Schema):
    sent = Integer(metadata={"description": "本次发出的催办通知数（同一天重复催办不再发送）"})
