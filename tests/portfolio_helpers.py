"""评价概览's world, for its API, page and browser tests: two units of one bureau and a unit of
another, evaluations in several stages, years and grades, one of them overdue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from conftest import Team, put_in_state
from sqlalchemy import update

from workflow.campaigns import operations as campaigns
from workflow.kernel import clock
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Evaluation
from workflow.scoring.models import ScoreFinalization


def finalised(session, team, evaluation, total: str, grade: str) -> None:
    """An archived evaluation with its 评分定稿 (the total and grade it locked)."""
    put_in_state(session, evaluation, "archived")
    session.add(
        ScoreFinalization(
            evaluation_id=evaluation.id,
            finalized_by_id=team.leader.id,
            round=1,
            total=Decimal(total),
            grade=grade,
        )
    )
    session.commit()


def bureau_world(make) -> tuple[Team, Team, Team, Evaluation]:
    """Two units of one bureau and a unit of another, in several stages and grades: the home
    unit's own evaluation (前期准备, overdue), three archived (优 96.5, 优 91, 中 72) and one of
    2024 in 领导小组审核 for 12 days and 3 days overdue; the neighbour's archived 优 100; the
    other bureau's archived 差 55. Returns (home, neighbour, elsewhere, the late one)."""
    home = Team(make)
    neighbour = Team(make, unit=make.make_unit("和平县教育局"))
    elsewhere = Team(make, unit=make.make_unit("别县公安局", make.make_bureau("别县财政局")))
    session = make.session
    for n, (total, grade) in enumerate([("96.50", "优"), ("91.00", "优"), ("72.00", "中")]):
        evaluation = make.make_evaluation(creator=home.leader, project_name=f"已归档{n}")
        finalised(session, home, evaluation, total, grade)
    finalised(session, neighbour, neighbour.evaluation, "100.00", "优")
    finalised(session, elsewhere, elsewhere.evaluation, "55.00", "差")
    late = make.make_evaluation(creator=home.leader, project_name="逾期未办", year=2024)
    deputies, members = [u.id for u in home.deputies], [u.id for u in home.members]
    spec = lifecycle.GroupSpec(home.leader.id, deputies, members, [])
    lifecycle.set_group(session, home.leader, late.id, spec)
    put_in_state(session, late, "group_review", submitted_by=home.leader)
    session.execute(
        update(Evaluation)
        .where(Evaluation.id == late.id)
        .values(
            due_date=clock.today_local() - timedelta(days=3),
            stage_entered_at=clock.now() - timedelta(days=12),
        )
    )
    session.commit()
    return home, neighbour, elsewhere, late


def campaign_world(make, home: Team, neighbour: Team, elsewhere: Team):
    """自评任务 beside `bureau_world`: the home bureau's 2024 campaign (due 2025-03-31) to the
    home unit (two projects: one archived, one still in 前期准备 and so 逾期未提交) and the
    neighbour (one in 财政局审核, one 取消下达), and the other bureau's campaign to its unit.
    Returns (the home bureau's campaign, the other bureau's)."""
    session = make.session
    home_unit, neighbour_unit = home.evaluation.unit_id, neighbour.evaluation.unit_id
    items = [campaigns.ItemSpec(home_unit, "自评甲"), campaigns.ItemSpec(home_unit, "自评乙"),
             campaigns.ItemSpec(neighbour_unit, "自评丙"),
             campaigns.ItemSpec(neighbour_unit, "自评丁")]  # fmt: skip
    spec = campaigns.CampaignSpec("2024年度项目支出绩效自评", 2024, date(2025, 3, 31),
                                  "unit_self", items)  # fmt: skip
    ours, opened = campaigns.dispatch(session, home.reviewer, spec)
    put_in_state(session, opened[0], "archived")
    put_in_state(session, opened[2], "finance_review")
    campaigns.withdraw(session, home.reviewer, ours.id, opened[3].id, "项目已撤销")
    far = [campaigns.ItemSpec(elsewhere.evaluation.unit_id, "别县项目")]
    other = campaigns.CampaignSpec("别县2024年度自评", 2024, date(2025, 3, 31), "unit_self", far)
    theirs, _ = campaigns.dispatch(session, elsewhere.reviewer, other)
    return ours, theirs
