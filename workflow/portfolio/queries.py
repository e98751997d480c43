"""评价概览: what a finance bureau (or an administrator, or a unit for itself) sees across its
evaluations — counts per stage, 等级 and kind, the distribution of totals, the evaluations
stuck longest and on whom, the overdue ones. Every figure is an SQL aggregate or a bounded
SELECT: the cost does not grow with the number of evaluations read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, select, union_all
from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.campaigns.queries import CampaignRate, portfolio_campaigns
from workflow.kernel import clock
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.queries import waiting_days, waiting_since
from workflow.lifecycle.states import CLOSED_STATES, OPEN_STATES, REVIEW_STAGES, WORKING_STATES
from workflow.rectifications.models import UNFINISHED, Rectification
from workflow.scoring.models import ScoreFinalization

#: The action that moves each open stage on: whoever may take it is who it waits on.
STAGE_ACTION = {stage: "advance" for stage in WORKING_STATES} | dict.fromkeys(
    REVIEW_STAGES, "approve"
)
BIN = 5  # the histogram's bins: 0–5, 5–10 … 95–100 points
STUCK = 10  # the evaluations stuck longest, shown by name
OVERDUE = 50  # overdue evaluations listed (all are counted)


@dataclass(frozen=True)
class Filters:
    """The portfolio's filters: 年度, 预算单位, 评价类型, 阶段, 等级, only the overdue."""

    year: int | None = None
    unit_id: int | None = None
    kind: str | None = None
    state: str | None = None
    grade: str | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Holder:
    id: int
    name: str


@dataclass(frozen=True)
class Waiting:
    """An evaluation waiting in its stage: on whom, since when."""

    evaluation_id: int
    project_name: str
    unit_name: str
    state: str
    since: datetime
    days: int
    due_date: date | None
    holders: list[Holder] = field(default_factory=list)


@dataclass(frozen=True)
class Portfolio:
    total: int
    by_state: dict[str, int]
    by_grade: dict[str, int]
    by_kind: dict[str, int]
    histogram: list[dict[str, int]]
    stuck: list[Waiting]
    overdue: list[Waiting]
    overdue_total: int
    campaigns: list[CampaignRate] = field(default_factory=list)  # 自评任务 and 提交率


def _conditions(user: User, filters: Filters, today: date) -> list[ColumnElement[bool]]:
    return [*_scope(user, filters), *_narrowing(filters, today)]


def _scope(user: User, filters: Filters) -> list[ColumnElement[bool]]:
    """Which evaluations are counted at all: the user's, of the 年度, 预算单位, 评价类型 chosen."""
    conditions = [roles.visible_evaluations(user)]
    if filters.year:
        conditions.append(Evaluation.year == filters.year)
    if filters.unit_id:
        conditions.append(Evaluation.unit_id == filters.unit_id)
    if filters.kind:
        conditions.append(Evaluation.kind == filters.kind)
    return conditions


def _narrowing(filters: Filters, today: date) -> list[ColumnElement[bool]]:
    """The filters on where an evaluation stands: 阶段, 等级, only the overdue."""
    conditions = []
    if filters.state:
        conditions.append(Evaluation.state == filters.state)
    if filters.grade:
        conditions.append(ScoreFinalization.grade == filters.grade)
    if filters.overdue:
        conditions.append(_overdue(today))
    return conditions


def _overdue(today: date) -> ColumnElement[bool]:
    """逾期: past its 完成期限 and neither archived nor cancelled."""
    return and_(Evaluation.due_date < today, Evaluation.state.notin_(CLOSED_STATES))


def _scoped(statement: Select, conditions: list) -> Select:
    return (
        statement.select_from(Evaluation)
        .outerjoin(ScoreFinalization, ScoreFinalization.evaluation_id == Evaluation.id)
        .where(*conditions)
    )


def _counted(session: Session, column, conditions: list) -> dict[str, int]:
    statement = _scoped(select(column, func.count()), conditions).group_by(column)
    return {key: n for key, n in session.execute(statement) if key is not None}


def _histogram(session: Session, conditions: list) -> list[dict[str, int]]:
    """Totals of finalised evaluations in 5-point bins (100 falls in the last)."""
    bins = 100 // BIN
    # A CASE, not floor(): SQLite may lack floor and PostgreSQL's integer cast rounds.
    bin_of = case(
        *((ScoreFinalization.total < (n + 1) * BIN, n) for n in range(bins - 1)),
        else_=bins - 1,
    )
    statement = _scoped(select(bin_of, func.count()), conditions).where(
        ScoreFinalization.total.is_not(None)
    )
    counts = dict(session.execute(statement.group_by(bin_of)).all())
    return [{"from": n * BIN, "to": (n + 1) * BIN, "count": counts.get(n, 0)} for n in range(bins)]


def _waiting(session: Session, statement: Select, today: date) -> list[Waiting]:
    evaluations = list(session.scalars(statement))
    holders = _holders(session, evaluations)
    return [
        Waiting(
            evaluation_id=e.id,
            project_name=e.project_name,
            unit_name=e.unit.name,
            state=e.state,
            since=e.stage_entered_at or e.created_at,
            days=waiting_days(e, today),
            due_date=e.due_date,
            holders=holders.get(e.id, []),
        )
        for e in evaluations
    ]


def _holders(session: Session, evaluations: list[Evaluation]) -> dict[int, list[Holder]]:
    """Who each open evaluation waits on (`roles.holders` of its stage's action), one SELECT."""
    ids = [e.id for e in evaluations if e.state in STAGE_ACTION]
    stages = sorted({e.state for e in evaluations if e.state in STAGE_ACTION})
    if not ids:
        return {}
    branches = []
    for stage in stages:
        holder = roles.holders(STAGE_ACTION[stage], stage)
        branches.append(
            select(holder.c.evaluation_id, User.id, User.display_name)
            .join(User, User.id == holder.c.user_id)
            .where(holder.c.evaluation_id.in_(ids))
        )
    found: dict[int, list[Holder]] = {}
    rows = session.execute(union_all(*branches) if len(branches) > 1 else branches[0])
    for evaluation_id, user_id, name in sorted(rows, key=lambda row: (row[0], row[1])):
        found.setdefault(evaluation_id, []).append(Holder(user_id, name))
    return found


def portfolio(session: Session, user: User, filters: Filters = Filters()) -> Portfolio:
    """评价概览 of the evaluations `user` may see, filtered."""
    today = clock.today_local()
    conditions = _conditions(user, filters, today)
    by_state = _counted(session, Evaluation.state, conditions)
    stuck = (
        _scoped(select(Evaluation), conditions)
        .where(Evaluation.state.in_(OPEN_STATES))
        .order_by(waiting_since(), Evaluation.id)
        .limit(STUCK)
    )
    late = [*conditions, _overdue(today)]
    overdue = _scoped(select(Evaluation), late).order_by(Evaluation.due_date, Evaluation.id)
    overdue_total = session.scalar(_scoped(select(func.count()), late)) or 0
    return Portfolio(
        total=sum(by_state.values()),
        by_state=by_state,
        by_grade=_counted(session, ScoreFinalization.grade, conditions),
        by_kind=_counted(session, Evaluation.kind, conditions),
        histogram=_histogram(session, conditions),
        stuck=_waiting(session, stuck, today),
        overdue=_waiting(session, overdue.limit(OVERDUE), today),
        overdue_total=overdue_total,
        campaigns=portfolio_campaigns(
            session, user, _scope(user, filters), _narrowing(filters, today)
        ),
    )


@dataclass(frozen=True)
class UnitOverview:
    """一个单位的概况: its evaluations by year with their grades, and its open 整改 items."""

    evaluations: list[dict]
    open_rectifications: int
    overdue_rectifications: int


def unit_overview(session: Session, user: User, unit_id: int, limit: int = 200) -> UnitOverview:
    """The unit's evaluations the user may see, newest year first (at most `limit`), with
    their 总分 and 等级, and how many of its 整改 items are open and overdue."""
    conditions = [roles.visible_evaluations(user), Evaluation.unit_id == unit_id]
    rows = session.execute(
        _scoped(
            select(
                Evaluation.id,
                Evaluation.year,
                Evaluation.project_name,
                Evaluation.state,
                ScoreFinalization.total,
                ScoreFinalization.grade,
            ),
            conditions,
        )
        .order_by(Evaluation.year.desc(), Evaluation.id.desc())
        .limit(limit)
    )
    evaluations = [
        {
            "id": id_,
            "year": year,
            "project_name": name,
            "state": state,
            "total": total,
            "grade": grade,
        }
        for id_, year, name, state, total, grade in rows
    ]
    items = (
        select(func.count())
        .select_from(Rectification)
        .join(Evaluation, Evaluation.id == Rectification.evaluation_id)
        .where(*conditions, Rectification.status.in_(UNFINISHED))
    )
    overdue = items.where(Rectification.due_date < clock.today_local())
    return UnitOverview(
        evaluations=evaluations,
        open_rectifications=session.scalar(items) or 0,
        overdue_rectifications=session.scalar(overdue) or 0,
    )
