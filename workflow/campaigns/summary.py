"""自评任务汇总表: the campaign's items as a table for summary.xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from workflow.accounts.models import User
from workflow.campaigns.models import Campaign
from workflow.campaigns.queries import Item, items
from workflow.exports.tables import Table

SUMMARY_HEADERS = ["预算单位", "项目名称", "预算（万元）", "执行数（万元）", "预算执行率（%）",
                   "总分", "等级", "状态"]  # fmt: skip


def summary_table(session: Session, user: User, campaign: Campaign) -> Table:
    """汇总表: one row per item (withdrawn ones as 已取消), for summary.xlsx."""
    found = items(session, user, campaign)
    return Table(title=f"{campaign.title}汇总", headers=SUMMARY_HEADERS, rows=_rows(found))


def _rows(found: list[Item]) -> Iterator[list[Any]]:
    for i in found:
        yield [i.unit_name, i.project_name, i.budget, i.spent, i.rate, i.total, i.grade,
               i.state_label]  # fmt: skip
