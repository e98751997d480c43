"""自评任务 services: 下达 (dispatch), 催办 (remind), 取消下达 (withdraw an item).

The only place a campaign changes. Each function checks permission through `roles`, writes the
audit event of every evaluation it touches, and runs as one unit of work: a dispatch of 500
items is one transaction, all or nothing, with every bad item named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import Unit, User
from workflow.campaigns.models import Campaign
from workflow.campaigns.queries import NOT_SUBMITTED, get_campaign
from workflow.indicators.operations import plant_template
from workflow.indicators.queries import get_template
from workflow.kernel import clock
from workflow.kernel.audit import _INSERT_AUDIT, audit_row
from workflow.kernel.db import unit_of_work
from workflow.kernel.errors import FieldError, InvalidInput, NotAllowed, NotFound
from workflow.kernel.money import to_money
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import YEARS, Evaluation, GroupMember
from workflow.lifecycle.states import DEFAULT_APPROVAL_POLICY, UNIT_SELF_VERSION
from workflow.reminders.events import Notice, send_all
from workflow.reminders.models import Notification

MAX_ITEMS = 2000  # one campaign's items: a bound on one request's work


@dataclass
class ItemSpec:
    """One 自评任务 item: a project of a unit, with its 组长 if named."""

    unit_id: int | None
    project_name: str
    budget: Any = None  # 万元, as given: checked with the others, never rounded
    competent_department: str = ""
    leader: int | None = None


@dataclass
class CampaignSpec:
    """自评任务下达: its title, year, due date, indicator template and items."""

    title: str
    year: int | None
    due_date: date | None
    template: str
    items: list[ItemSpec] = field(default_factory=list)


def _check_head(session: Session, spec: CampaignSpec) -> tuple[list[FieldError], Any]:
    problems: list[FieldError] = []
    if not spec.title.strip():
        problems.append(FieldError("title", "任务名称不能为空"))
    if spec.year not in YEARS:
        problems.append(FieldError("year", f"年度应在 {YEARS.start} 至 {YEARS.stop - 1} 之间"))
    if spec.due_date is None:
        problems.append(FieldError("due_date", "请填写完成期限"))
    if not spec.items:
        problems.append(FieldError("items", "请至少下达一个项目"))
    if len(spec.items) > MAX_ITEMS:
        problems.append(FieldError("items", f"一次最多下达 {MAX_ITEMS} 个项目"))
    template = None
    try:
        template = get_template(session, spec.template)
    except NotFound:
        problems.append(FieldError("template", "指标模板不存在"))
    return problems, template


def _check_items(
    actor: User, items: list[ItemSpec], units: dict[int, Unit], users: dict[int, User]
) -> tuple[list[FieldError], list[Decimal | None]]:
    """Every bad item, named by its index (`items.3.unit_id`): the dispatch is all or nothing."""
    problems: list[FieldError] = []
    budgets: list[Decimal | None] = []
    seen: set[tuple[int, str]] = set()
    for n, item in enumerate(items):
        where = f"items.{n}"
        unit = units.get(item.unit_id) if item.unit_id is not None else None
        if unit is None or not roles.can_dispatch_to(actor, unit):
            problems.append(FieldError(f"{where}.unit_id", "预算单位不存在或不属于本财政局"))
        name = item.project_name.strip()
        if not name:
            problems.append(FieldError(f"{where}.project_name", "项目名称不能为空"))
        elif (item.unit_id, name) in seen:
            problems.append(FieldError(f"{where}.project_name", "同一单位的项目重复下达"))
        seen.add((item.unit_id or 0, name))
        budget = None
        if item.budget not in (None, ""):
            try:
                budget = to_money(item.budget)
            except ValueError as exc:
                problems.append(FieldError(f"{where}.budget", f"预算金额{exc}"))
        budgets.append(budget)
        if item.leader is not None:
            leader = users.get(item.leader)
            if leader is None or leader.role != "unit_user" or leader.unit_id != item.unit_id:
                problems.append(FieldError(f"{where}.leader", "组长须为该单位的用户"))
            elif not leader.active:
                problems.append(FieldError(f"{where}.leader", f"{leader.display_name} 已停用"))
    return problems, budgets


def _bureau_of(actor: User, items: list[ItemSpec], units: dict[int, Unit]) -> int | None:
    if actor.role == "finance_reviewer":
        return actor.bureau_id
    bureaus = {units[i.unit_id].bureau_id for i in items if i.unit_id in units}
    return bureaus.pop() if len(bureaus) == 1 else None


@unit_of_work
def dispatch(
    session: Session, actor: User, spec: CampaignSpec, client_addr: str | None = None
) -> tuple[Campaign, list[Evaluation]]:
    """自评任务下达: one 单位自评 per item in its unit, with the template's indicators and the
    due date; a named 组长 leads its group and is told (campaign_assigned), otherwise every
    user of the unit is told and the first to form the group leads it."""
    if not roles.can_dispatch_campaigns(actor):
        raise NotAllowed("仅财政局审核人和管理员可以下达自评任务")
    problems, template = _check_head(session, spec)
    unit_ids = {i.unit_id for i in spec.items if i.unit_id is not None}
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    leader_ids = {i.leader for i in spec.items if i.leader is not None}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(leader_ids)))}
    item_problems, budgets = _check_items(actor, spec.items, units, users)
    problems += item_problems
    bureau_id = _bureau_of(actor, spec.items, units)
    if bureau_id is None and not problems:
        problems.append(FieldError("items", "一个自评任务的单位须属于同一财政局"))
    if problems:
        raise InvalidInput(errors=problems)
    now = clock.now()
    campaign = Campaign(
        bureau_id=bureau_id,
        title=spec.title.strip(),
        year=spec.year,
        due_date=spec.due_date,
        template=template.key,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    evaluations = [
        _evaluation(campaign, item, budget, units[item.unit_id], actor, now)
        for item, budget in zip(spec.items, budgets, strict=True)
    ]
    session.add_all(evaluations)
    session.flush()
    session.add_all(
        GroupMember(evaluation_id=e.id, user_id=item.leader, role="leader")
        for e, item in zip(evaluations, spec.items, strict=True)
        if item.leader is not None
    )
    rows = [
        audit_row(e, actor, "campaign_dispatched", role=actor.role, client_addr=client_addr)
        for e in evaluations
    ]
    session.connection().execute(_INSERT_AUDIT, rows)
    plant_template(session, actor, evaluations, template, client_addr)
    _tell_assigned(session, campaign, evaluations, spec.items, actor)
    return campaign, evaluations


def _evaluation(
    campaign: Campaign, item: ItemSpec, budget: Decimal | None, unit: Unit, actor: User, now
) -> Evaluation:
    return Evaluation(
        unit=unit,
        campaign_id=campaign.id,
        project_name=item.project_name.strip(),
        year=campaign.year,
        kind="unit_self",
        competent_department=item.competent_department.strip(),
        budget=budget,
        due_date=campaign.due_date,
        state="preparation",
        machine_version=UNIT_SELF_VERSION,
        round=1,
        approval_policy=DEFAULT_APPROVAL_POLICY[UNIT_SELF_VERSION],
        # 创建人 of record; `roles` gives a campaign's creator no rights
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
    )


def _unit_users(session: Session, unit_ids: set[int]) -> dict[int, list[int]]:
    """The active unit users of each unit, in one read."""
    found: dict[int, list[int]] = {uid: [] for uid in unit_ids}
    rows = session.execute(
        select(User.unit_id, User.id).where(
            User.unit_id.in_(unit_ids), User.role == "unit_user", User.active
        )
    )
    for unit_id, user_id in rows:
        found[unit_id].append(user_id)
    return found


def _notice(campaign: Campaign, evaluation: Evaluation, kind: str, body: str, event: str):
    return Notice(
        kind=kind,
        title=f"{campaign.title}：{evaluation.project_name}",
        body=f"「{evaluation.project_name}」{body}（完成期限 {campaign.due_date}）。",
        link=f"/evaluations/{evaluation.id}",
        target_type="evaluation",
        target_id=evaluation.id,
        evaluation_id=evaluation.id,
        event=event,
    )


def _tell_assigned(
    session: Session,
    campaign: Campaign,
    evaluations: list[Evaluation],
    items: list[ItemSpec],
    actor: User,
) -> None:
    unled = {e.unit_id for e, i in zip(evaluations, items, strict=True) if i.leader is None}
    staff = _unit_users(session, unled)
    notices = []
    for evaluation, item in zip(evaluations, items, strict=True):
        if item.leader is not None:
            body = "的绩效自评已由财政局下达，您为项目负责人（组长），请填报自评表"
            told = [item.leader]
        else:
            body = "的绩效自评已由财政局下达，请组建工作组（首位组建者为组长）并填报自评表"
            told = staff[evaluation.unit_id]
        event = f"campaign:{campaign.id}:evaluation:{evaluation.id}"
        notices.append((_notice(campaign, evaluation, "campaign_assigned", body, event), told))
    send_all(session, notices, actor)


@unit_of_work
def remind(session: Session, actor: User, campaign_id: int, client_addr: str | None = None) -> int:
    """催办: one notification to each 组长 (or, without one, the unit's users) of the items not
    yet submitted to 财政局审核, with the due date. Once a day: the dedupe key names the day,
    so a second call that day sends nothing and records nothing. Returns how many were sent."""
    campaign = managed_campaign(session, actor, campaign_id)
    pending = list(
        session.scalars(
            select(Evaluation)
            .where(Evaluation.campaign_id == campaign.id, Evaluation.state.in_(NOT_SUBMITTED))
            .order_by(Evaluation.id)
        )
    )
    leaders = _leaders(session, [e.id for e in pending])
    staff = _unit_users(session, {e.unit_id for e in pending if e.id not in leaders})
    today = clock.today_local()
    notices = []
    for evaluation in pending:
        told = leaders.get(evaluation.id) or staff[evaluation.unit_id]
        body = f"的绩效自评尚未提交财政局审核，请抓紧办理（{today} 催办）"
        event = f"campaign:{campaign.id}:evaluation:{evaluation.id}:{today}"
        notices.append((_notice(campaign, evaluation, "campaign_reminder", body, event), told))
    already = _already_reminded(session, notices)
    fresh = [(n, t) for n, t in notices if n.event not in already]
    sent = send_all(session, fresh, actor)
    reminded = {n.evaluation_id for n, told in fresh if told}
    rows = [
        audit_row(e, actor, "campaign_reminded", role=actor.role, client_addr=client_addr)
        for e in pending
        if e.id in reminded
    ]
    if rows:
        session.connection().execute(_INSERT_AUDIT, rows)
    return sent


def _leaders(session: Session, evaluation_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = session.execute(
        select(GroupMember.evaluation_id, GroupMember.user_id).where(
            GroupMember.evaluation_id.in_(evaluation_ids), GroupMember.role == "leader"
        )
    )
    for evaluation_id, user_id in rows:
        found.setdefault(evaluation_id, []).append(user_id)
    return found


def _already_reminded(session: Session, notices: list[tuple[Notice, list[int]]]) -> set[str]:
    """The events (one item, one day) someone was already reminded of: not sent or audited again."""
    evaluation_ids = [n.evaluation_id for n, _told in notices]
    if not evaluation_ids:
        return set()
    keys = session.scalars(
        select(Notification.dedupe_key).where(
            Notification.kind == "campaign_reminder",
            Notification.evaluation_id.in_(evaluation_ids),
        )
    )
    events = {n.event for n, _told in notices}
    return {key.split(":", 2)[2] for key in keys} & events


def managed_campaign(session: Session, actor: User, campaign_id: int) -> Campaign:
    """The campaign, if `actor` may manage it (催办、取消下达、导出): NotAllowed otherwise."""
    campaign = get_campaign(session, actor, campaign_id)
    if not roles.can_manage_campaign(actor, campaign.bureau_id):
        raise NotAllowed("仅下达任务的财政局可以催办、取消下达或导出")
    return campaign


@unit_of_work
def withdraw(
    session: Session,
    actor: User,
    campaign_id: int,
    evaluation_id: int,
    reason: str,
    client_addr: str | None = None,
) -> Evaluation:
    """取消下达: the campaign's bureau cancels one item (终止 through the lifecycle, with the
    reason, audited there); it stays listed, as withdrawn."""
    campaign = managed_campaign(session, actor, campaign_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "取消下达必须填写理由")
    belongs = session.scalar(
        select(Evaluation.id).where(
            Evaluation.id == evaluation_id, Evaluation.campaign_id == campaign.id
        )
    )
    if belongs is None:
        raise NotFound("该评价不属于此自评任务")
    return lifecycle.perform(
        session,
        actor,
        evaluation_id,
        "cancel",
        comment=f"取消下达：{reason}",
        client_addr=client_addr,
    )
