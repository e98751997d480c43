"""自评任务 as read: the bureau's list, one campaign with its items, the summary table.

Each answer costs a fixed number of statements, whatever the number of items: the items, their
units and their 定稿 (`score_finalizations.total`/`grade`) come in one SELECT."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import Unit, User
from workflow.campaigns.models import Campaign
from workflow.kernel import clock
from workflow.kernel.errors import NotFound
from workflow.kernel.paging import Page, PageRequest, paginate
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import STATES, WORKING_STATES
from workflow.scoring.models import ScoreFinalization
from workflow.scoring.rules import percentage

#: 已提交: reached 财政局审核 or 已归档.
SUBMITTED = ("finance_review", "archived")
#: Not yet submitted to 财政局审核 (催办 goes to these).
NOT_SUBMITTED = (*WORKING_STATES, "group_review")
WITHDRAWN = "cancelled"  # 取消下达 is the lifecycle's 终止
WITHDRAWN_LABEL = "已取消"


@dataclass(frozen=True)
class Item:
    """One item of a campaign: its evaluation, unit, state and 定稿 score."""

    evaluation_id: int
    unit_id: int
    unit_name: str
    project_name: str
    state: str
    budget: Decimal | None
    spent: Decimal | None
    total: Decimal | None
    grade: str | None
    due_date: date | None
    today: date

    @property
    def withdrawn(self) -> bool:
        return self.state == WITHDRAWN

    @property
    def submitted(self) -> bool:
        return self.state in SUBMITTED

    @property
    def overdue(self) -> bool:
        """逾期: past the due date and not yet submitted to 财政局审核."""
        return bool(self.due_date and self.due_date < self.today and self.state in NOT_SUBMITTED)

    @property
    def rate(self) -> Decimal | None:
        """预算执行率 in %."""
        return percentage(self.spent, self.budget)

    @property
    def state_label(self) -> str:
        return WITHDRAWN_LABEL if self.withdrawn else STATES[self.state]

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluation_id": self.evaluation_id,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "project_name": self.project_name,
            "state": self.state,
            "total": self.total,
            "grade": self.grade,
            "overdue": self.overdue,
            "withdrawn": self.withdrawn,
        }


def get_campaign(session: Session, user: User, campaign_id: int) -> Campaign:
    """The campaign if `user` may see it; NotFound otherwise (another bureau's looks missing)."""
    campaign = session.scalar(
        select(Campaign).where(Campaign.id == campaign_id, roles.visible_campaigns(user))
    )
    if campaign is None:
        raise NotFound("自评任务不存在或无权查看")
    return campaign


def items(session: Session, user: User, campaign: Campaign) -> list[Item]:
    """The campaign's items `user` may see (a unit its own), by unit: one statement."""
    statement = (
        select(
            Evaluation.id,
            Evaluation.unit_id,
            Unit.name,
            Evaluation.project_name,
            Evaluation.state,
            Evaluation.budget,
            Evaluation.funds_spent,
            ScoreFinalization.total,
            ScoreFinalization.grade,
            Evaluation.due_date,
        )
        .join(Unit, Unit.id == Evaluation.unit_id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(Evaluation.campaign_id == campaign.id, roles.visible_evaluations(user))
        .order_by(Unit.name, Evaluation.id)
    )
    today = clock.today_local()
    return [Item(*row, today=today) for row in session.execute(statement)]


def progress(found: list[Item]) -> dict[str, Any]:
    """counts per state; submitted and total leave withdrawn items out."""
    live = [i for i in found if not i.withdrawn]
    submitted = sum(1 for i in live if i.submitted)
    return {
        "counts": dict(Counter(i.state for i in found)),
        "submitted": submitted,
        "total": len(live),
        "rate": percentage(Decimal(submitted), Decimal(len(live))) if live else None,
    }


def head(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "year": campaign.year,
        "due_date": campaign.due_date,
        "template": campaign.template,
    }


def campaign_detail(session: Session, user: User, campaign_id: int) -> dict[str, Any]:
    """One campaign: its head, counts per state, submitted / total, and its items."""
    campaign = get_campaign(session, user, campaign_id)
    found = items(session, user, campaign)
    return {
        **head(campaign),
        **progress(found),
        "items": [item.as_dict() for item in found],
        "can_manage": roles.can_manage_campaign(user, campaign.bureau_id),
    }


def list_campaigns(session: Session, user: User, page: PageRequest) -> Page[dict[str, Any]]:
    """The campaigns `user` sees, newest first, with submitted / total: two statements."""
    statement = select(Campaign).where(roles.visible_campaigns(user)).order_by(Campaign.id.desc())
    found = paginate(session, statement, page)
    tallies = _tallies(session, user, [c.id for c in found.items])
    return found.map(lambda c: {**head(c), **tallies.get(c.id, _EMPTY)})


_EMPTY = {"submitted": 0, "total": 0, "rate": None}


def _tallies(session: Session, user: User, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    live = Evaluation.state != WITHDRAWN
    statement = (
        select(
            Evaluation.campaign_id,
            func.count(case((Evaluation.state.in_(SUBMITTED), 1))),
            func.count(case((live, 1))),
        )
        .where(Evaluation.campaign_id.in_(ids), roles.visible_evaluations(user))
        .group_by(Evaluation.campaign_id)
    )
    return {
        cid: {
            "submitted": submitted,
            "total": total,
            "rate": percentage(Decimal(submitted), Decimal(total)) if total else None,
        }
        for cid, submitted, total in session.execute(statement)
    }


@dataclass(frozen=True)
class CampaignRate:
    """评价概览's row for one 自评任务: 单位数 and 项目数 (取消下达 left out), 已提交, 逾期未提交,
    提交率 %."""

    id: int
    title: str
    year: int
    due_date: date
    units: int
    submitted: int
    total: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        return percentage(Decimal(self.submitted), Decimal(self.total)) if self.total else None


def portfolio_campaigns(
    session: Session,
    user: User,
    scope: list[ColumnElement[bool]],
    narrowing: list[ColumnElement[bool]] | None = None,
    limit: int = 20,
) -> list[CampaignRate]:
    """评价概览's 自评任务, newest first, in one statement: the campaigns `user` sees with items
    in `scope` (the page's visibility, 年度, 预算单位, 评价类型), each counted over those items.
    With `narrowing` (the 阶段, 等级, 逾期 filters) only the campaigns that have a matching
    item are listed; their 提交率 still counts all their items in scope."""
    today = clock.today_local()
    late = and_(Evaluation.due_date < today, Evaluation.state.in_(NOT_SUBMITTED))
    live = Evaluation.state != WITHDRAWN
    statement = (
        select(
            Campaign.id,
            Campaign.title,
            Campaign.year,
            Campaign.due_date,
            func.count(func.distinct(case((live, Evaluation.unit_id)))),
            func.count(case((Evaluation.state.in_(SUBMITTED), 1))),
            func.count(case((live, 1))),
            func.count(case((late, 1))),
        )
        .join(Evaluation, Evaluation.campaign_id == Campaign.id)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(Campaign.id.in_(_visible_ids(user)), *scope)
        .group_by(Campaign.id, Campaign.title, Campaign.year, Campaign.due_date)
        .order_by(Campaign.id.desc())
        .limit(limit)
    )
    if narrowing:
        statement = statement.having(func.count(case((and_(*narrowing), 1))) > 0)
    return [CampaignRate(*row) for row in session.execute(statement)]


def _visible_ids(user: User) -> Select:
    """The campaigns `user` sees, as their own subquery (so it keeps its FROM beside a join
    of evaluations)."""
    return select(Campaign.id).where(roles.visible_campaigns(user))


def submitted_ids(session: Session, user: User, campaign: Campaign) -> list[int]:
    """The items whose 自评表 the bureau collects: submitted (财政局审核, 已归档)."""
    return [i.evaluation_id for i in items(session, user, campaign) if i.submitted]


def awaiting_group(session: Session, user: User, page: PageRequest) -> Page[Evaluation]:
    """我的待办's 组建工作组: the unit's campaign evaluations with no 组长 yet, oldest first."""
    statement = select(Evaluation).where(roles.awaiting_group(user)).order_by(Evaluation.id)
    return paginate(session, statement, page)
