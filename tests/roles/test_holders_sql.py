"""The SQL form of the permission rules says what the Python predicates say.

`roles.holders(action, stage)` is "who holds this review and has not approved yet" for the
reminder sweep; it is built from the same table as `roles.acting_role` and
`roles.allowed_actions`. Here both answer on generated data: evaluations in 领导小组审核 and
财政局审核 (and the other stages), named and default approvers, approvals in this round and
in an earlier one, finance reviewers of covering and other bureaus, deactivated accounts and
people who have moved to another unit or role since the group was formed.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from conftest import Team, put_in_state
from sqlalchemy import select, update

import roles
from workflow.accounts import operations as accounts
from workflow.accounts.models import User
from workflow.campaigns import operations as campaigns
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.approvals import (
    approvals_this_round,
    approved_this_round,
    required_approvals,
)
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import ACTIONS, MACHINE_VERSION, STATES, UNIT_SELF_VERSION


def _approve(session, evaluation, users, rng, *, stay: bool = False) -> list:
    """Some of the approvers approve, while the evaluation is in 领导小组审核 (`stay`: fewer
    than its policy needs, so that it stays there)."""
    most = required_approvals(session.get(Evaluation, evaluation.id)) - 1 if stay else len(users)
    approved = []
    for user in rng.sample(users, k=rng.randint(0, most)):
        if session.get(Evaluation, evaluation.id).state != "group_review":
            break
        lifecycle.perform(session, user, evaluation.id, "approve")
        approved.append(user)
    return approved


STAGES = ["group_review", "finance_review", "group_review", "reporting"] * 2


def generate(session, make, seed: int) -> None:
    """Evaluations of three units (two bureaus) in various stages, groups and rounds."""
    rng = random.Random(seed)
    other_bureau = make.make_bureau()
    units = [make.unit, make.make_unit(), make.make_unit(bureau=other_bureau)]
    reviewers = [make.make_user("finance_reviewer", bureau=b) for b in (make.bureau, make.bureau)]
    make.make_user("finance_reviewer", bureau=other_bureau)
    make.make_user("admin")
    waiting = []  # approvers who have not approved in a 领导小组审核 under way
    for n, target in enumerate(STAGES):
        unit = units[n % len(units)]
        team = Team(make, unit=unit)
        evaluation = team.evaluation
        if n % 3 == 1:  # a 单位自评 on the lighter definition, beside the full one
            session.execute(
                update(Evaluation)
                .where(Evaluation.id == evaluation.id)
                .values(kind="unit_self", machine_version=UNIT_SELF_VERSION)
            )
            session.commit()
        approvers = team.approvers
        named = n % 4 < 2
        if named:  # named 审批人: some of the group, perhaps someone from outside it
            pool = [*team.deputies, *team.members, make.make_user(unit=unit)]
            approvers = rng.sample(pool, k=rng.randint(1, 3))
        policy = rng.choice(["all", "any", "quorum:2"] if len(approvers) > 1 else ["all", "any"])
        lifecycle.set_group(
            session,
            team.leader,
            evaluation.id,
            lifecycle.GroupSpec(
                team.leader.id,
                [u.id for u in team.deputies],
                [u.id for u in team.members],
                [u.id for u in approvers] if named else [],
                policy,
            ),
        )
        if target == "reporting":
            put_in_state(session, evaluation, "reporting")
            continue
        put_in_state(session, evaluation, "group_review", submitted_by=team.leader)
        if rng.random() < 0.5:  # a round with approvals, returned, and submitted again
            _approve(session, evaluation, approvers, rng)
            stage = session.get(Evaluation, evaluation.id).state  # 财政局审核 once approved
            who = approvers[0] if stage == "group_review" else team.reviewer
            lifecycle.perform(session, who, evaluation.id, "return", comment="补充", to="reporting")
            put_in_state(session, evaluation, "group_review", submitted_by=team.leader)
        approved = _approve(session, evaluation, approvers, rng, stay=target == "group_review")
        if target == "finance_review":
            put_in_state(session, evaluation, "finance_review")
        elif session.get(Evaluation, evaluation.id).state == "group_review":
            waiting += [u for u in approvers if u not in approved]
    # 自评任务: the dispatching bureau may 终止 (取消下达) its items, led or not yet.
    leader = make.make_user(unit=make.unit)
    items = [campaigns.ItemSpec(make.unit.id, "自评项目甲", leader=leader.id),
             campaigns.ItemSpec(make.unit.id, "自评项目乙")]  # fmt: skip
    spec = campaigns.CampaignSpec("自评任务", 2024, date(2025, 3, 31), "unit_self", items)
    _campaign, (led, _unled) = campaigns.dispatch(session, reviewers[0], spec)
    put_in_state(session, led, "group_review", submitted_by=leader)
    # Since then: accounts deactivated, people moved to another unit or to the finance bureau.
    people = list(session.scalars(select(User).where(User.id != make.admin.id)))
    waiting = rng.sample(waiting, k=len(waiting))
    for user in {reviewers[1], *waiting[:2], *rng.sample(people, k=len(people) // 8)}:
        accounts.deactivate_user(session, make.admin, user.id)
    unit_users = [u for u in people if u.role == "unit_user"]
    for user in [*waiting[2:3], *rng.sample(unit_users, k=2)]:
        values = {"unit_id": next(u for u in units if u.id != user.unit_id).id}
        session.execute(update(User).where(User.id == user.id).values(**values))
    for user in [*waiting[3:4], *rng.sample(unit_users, k=2)]:
        values = {"role": "finance_reviewer", "unit_id": None, "bureau_id": make.bureau.id}
        session.execute(update(User).where(User.id == user.id).values(**values))
    session.commit()
    session.expire_all()


def sql_answer(session, action: str, stage: str) -> set[tuple[int, int]]:
    holders = roles.holders(action, stage)
    rows = session.execute(select(holders.c.evaluation_id, holders.c.user_id)).all()
    assert len(rows) == len(set(rows)), "each holder once"
    return set(rows)


def covered(session, evaluations, users, bureau) -> set[str]:
    """The cases the data holds (the test asserts they are all there)."""
    by_id = {user.id: user for user in users}
    cases = set()
    for evaluation in evaluations:
        stage = evaluation.state
        if evaluation.campaign_id is not None:
            cases.add("campaign item")
        approvers = [by_id[i] for i in evaluation.approver_ids]
        approved = {a.user_id for a in approvals_this_round(session, evaluation, stage)}
        if stage in ("group_review", "finance_review"):
            cases.add(f"{stage} on definition {evaluation.machine_version}")
        if stage == "group_review":
            cases.add("named approvers" if evaluation.ids_in("approver") else "default approvers")
            cases |= {"approved this round"} if approved else set()
            cases |= {"approved in an earlier round"} if evaluation.round > 1 else set()
            cases |= {"inactive approver"} if any(not u.active for u in approvers) else set()
            moved = any(not roles.can_view(u, evaluation) for u in approvers)
            cases |= {"approver moved away"} if moved else set()
        if stage == "finance_review":
            which = "this" if evaluation.bureau_id == bureau.id else "another"
            cases.add(f"finance review, {which} bureau")
            covering = [u for u in users if u.bureau_id == evaluation.bureau_id]
            cases |= {"inactive reviewer"} if any(not u.active for u in covering) else set()
    return cases


@pytest.fixture(params=[1, 2, 3])
def generated(request, session, make):
    generate(session, make, request.param)
    evaluations = list(session.scalars(select(Evaluation)))
    users = list(session.scalars(select(User)))
    assert covered(session, evaluations, users, make.bureau) == {
        "named approvers",
        "default approvers",
        "approved this round",
        "approved in an earlier round",
        "inactive approver",
        "approver moved away",
        "finance review, this bureau",
        "finance review, another bureau",
        "inactive reviewer",
        "campaign item",
        *(f"{stage} on definition {v}" for stage in ("group_review", "finance_review")
          for v in (MACHINE_VERSION, UNIT_SELF_VERSION)),
    }  # fmt: skip
    return evaluations, users


def test_review_holders_in_sql_are_the_python_approvers_who_have_not_approved(session, generated):
    evaluations, users = generated
    stages = {e.state for e in evaluations}
    assert {"group_review", "finance_review"} <= stages, "the data covers both reviews"
    for stage in ("group_review", "finance_review"):
        python = set()
        for evaluation in (e for e in evaluations if e.state == stage):
            approved = {a.user_id for a in approvals_this_round(session, evaluation, stage)}
            python |= {
                (evaluation.id, user.id)
                for user in users
                if roles.acting_role(user, "approve", evaluation) is not None
                and user.id not in approved
            }
        assert sql_answer(session, "approve", stage) == python, stage


def test_holders_in_sql_are_allowed_actions_for_every_action_and_stage(session, generated):
    evaluations, users = generated
    allowed = {}
    for evaluation in evaluations:
        approved = approved_this_round(session, evaluation)
        for user in users:
            allowed[evaluation.id, user.id] = roles.allowed_actions(user, evaluation, approved)
    for stage in STATES:
        for action in ACTIONS:
            python = {
                (evaluation.id, user.id)
                for evaluation in evaluations
                if evaluation.state == stage
                for user in users
                if action in allowed[evaluation.id, user.id]
            }
            assert sql_answer(session, action, stage) == python, (action, stage)


def test_every_role_that_takes_an_action_has_its_sql():
    assert set(roles.ROLE_SQL) == {role for held in roles.ACTION_ROLES.values() for role in held}


def test_my_todo_in_sql_is_allowed_actions_for_every_user(session, generated):
    """我的待办's one query (`roles.waiting_actions`) gives, for each person, exactly the
    evaluations and actions `allowed_actions` offers them one evaluation at a time (终止 aside)."""
    evaluations, users = generated
    checked = 0
    for user in users:
        python = set()
        for evaluation in evaluations:
            approved = approved_this_round(session, evaluation)
            offered = roles.allowed_actions(user, evaluation, approved)
            python |= {(evaluation.id, a) for a in offered if a in roles.TODO_ACTIONS}
        waiting = roles.waiting_actions().subquery()
        rows = session.execute(
            select(waiting.c.evaluation_id, waiting.c.action), {roles.WAITING_USER: user.id}
        ).all()
        assert len(rows) == len(set(rows)), "each action once"
        assert set(rows) == python, user.username
        checked += bool(python)
    assert checked >= 5, "the data gives several people something to do"
