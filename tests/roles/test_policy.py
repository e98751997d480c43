"""The role × action table of README.md ("Roles and actions"), asked of `roles/` directly: no
HTTP, no database. The tables below are the README's, written as data; each row is checked for
every state and every person. (`tests/lifecycle/test_workflow_actions.py` keeps the same
question through the API, for the routes.)

The evaluation and the people are built in memory: one budget unit (单位) covered by one finance
bureau (财政局), and one person for each role, holding that role only. The group names its own
审批人, so the 组长 and 副组长 are not approvers here (their being approvers by default has a
test of its own).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import set_committed_value

import roles
import workflow.models  # noqa: F401 — every model mapped, so that instances can be built
from workflow.accounts.models import Unit, User
from workflow.indicators.models import Indicator
from workflow.kernel.errors import NotAllowed
from workflow.lifecycle.models import Evaluation
from workflow.lifecycle.states import ACTIONS, STATES, actions_from

UNIT, OTHER_UNIT = 1, 2
BUREAU, OTHER_BUREAU = 1, 2  # BUREAU covers UNIT

# --- the people -----------------------------------------------------------------------------

PEOPLE: dict[str, User] = {
    "leader": User(id=1, role="unit_user", unit_id=UNIT),  # 组长
    "deputy": User(id=2, role="unit_user", unit_id=UNIT),  # 副组长
    "member": User(id=3, role="unit_user", unit_id=UNIT),  # 成员
    "approver": User(id=4, role="unit_user", unit_id=UNIT),  # 领导小组审批人
    "submitter": User(id=5, role="unit_user", unit_id=UNIT),  # 提交人
    "creator": User(id=6, role="unit_user", unit_id=UNIT),  # 创建人
    "unit_colleague": User(id=7, role="unit_user", unit_id=UNIT),  # same unit, no role
    "admin": User(id=8, role="admin"),  # 管理员
    "finance_reviewer": User(id=9, role="finance_reviewer", bureau_id=BUREAU),  # covering
    "other_unit_user": User(id=10, role="unit_user", unit_id=OTHER_UNIT),
    "other_bureau_reviewer": User(id=11, role="finance_reviewer", bureau_id=OTHER_BUREAU),
}
for _user in PEOPLE.values():
    _user.active = True  # what the database default gives; a deactivated account holds no role
# `Evaluation.group_roles`: "group member id:role:user id", as the evaluation's SELECT loads it.
GROUP = "1:leader:1,2:deputy:2,3:member:3,4:approver:4"
GROUP_WITHOUT_APPROVERS = "1:leader:1,2:deputy:2,3:member:3"


def evaluation(state: str, group: str = GROUP, bureau_id: int | None = BUREAU) -> Evaluation:
    """An evaluation of UNIT in `state`, submitted by the submitter, created by the creator."""
    ev = Evaluation(
        id=1,
        unit_id=UNIT,
        unit=Unit(id=UNIT, name="单位", bureau_id=bureau_id),  # the covering bureau's
        state=state,
        machine_version="1",
        submitted_by_id=PEOPLE["submitter"].id,
        created_by_id=PEOPLE["creator"].id,
    )
    # A column_property (a subquery of the evaluation's SELECT): set as if loaded.
    set_committed_value(ev, "group_roles", group)
    return ev


# --- the README's table, as data ------------------------------------------------------------

WORKING = ("preparation", "implementation", "analysis", "reporting")  # 前期准备 … 报告撰写
OPEN = (*WORKING, "group_review", "finance_review")  # any open stage (not 已归档, 已终止)

# | action 操作 | stage 阶段 | who may |: each person acts as the role they are named after.
ACTION_TABLE: list[tuple[str, tuple[str, ...], set[str]]] = [
    ("advance", WORKING, {"leader"}),
    ("approve", ("group_review",), {"approver"}),
    ("approve", ("finance_review",), {"finance_reviewer"}),  # of the bureau covering the unit
    ("return", ("group_review",), {"approver"}),
    ("return", ("finance_review",), {"finance_reviewer"}),
    ("withdraw", ("group_review",), {"submitter"}),
    ("cancel", OPEN, {"admin"}),  # any stage but 已归档
]
PERMISSION_TABLE: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "edit_project": (WORKING, {"leader", "creator", "admin"}),
    "edit_group": (WORKING, {"leader", "creator", "admin"}),
    "upload_document": (OPEN, {"leader", "deputy", "member", "creator", "admin"}),
    "manage_documents": (OPEN, {"leader", "creator", "admin"}),  # and the uploader: below
    "edit_indicators": (("implementation",), {"leader", "deputy"}),
    "manage_tasks": (WORKING, {"leader"}),
    "work_on_tasks": (WORKING, {"leader", "deputy", "member"}),
    "score_indicators": (("analysis",), {"leader"}),  # and each leaf's scorer: below
    "finalize_scores": (("analysis",), {"leader"}),
    "reopen_scores": (("analysis",), {"leader"}),  # 解除定稿, once finalised
    "edit_report": (("reporting",), {"leader", "deputy", "member"}),
    "decide_result": (("archived",), {"finance_reviewer", "admin"}),  # 结果应用
    "publish_result": (("archived",), {"finance_reviewer"}),  # 评价结果公开
}
# 审核意见 on report sections: 审批人 in 领导小组审核, 财政局审核人 in 财政局审核.
COMMENT_TABLE = {"group_review": {"approver"}, "finance_review": {"finance_reviewer"}}
# 打分 of a leaf assigned to the person: the 组长, and a scorer of the working group.
SCORE_ASSIGNED_TABLE = {"analysis": {"leader", "deputy", "member"}}
# Who sees the evaluation: its unit's users, the covering bureau's reviewers, administrators.
INVISIBLE_TO = {"other_unit_user", "other_bureau_reviewer"}
# 系统管理: reminder policy, unit webhooks, 指标模板 (and bureaus, units, users).
ADMINISTERS = {"admin"}


def who_may_act(action: str, state: str) -> dict[str, str]:
    """From ACTION_TABLE: person → the role they act as, for `action` in `state`."""
    return {
        person: person
        for name, stages, people in ACTION_TABLE
        if name == action and state in stages
        for person in people
    }


def acting(action: str, state: str, group: str = GROUP) -> dict[str, str]:
    """What `roles/` (and the machine, which offers the action or not) answers."""
    ev = evaluation(state, group)
    if action not in actions_from(state):
        return {}
    answers = {person: roles.acting_role(user, action, ev) for person, user in PEOPLE.items()}
    return {person: role for person, role in answers.items() if role is not None}


# --- the table covers what roles/ knows -----------------------------------------------------


def test_the_table_names_every_action_and_permission_of_roles():
    assert {action for action, _, _ in ACTION_TABLE} == set(ACTIONS)
    assert {action for action, _ in roles.ACTION_ROLES} == set(ACTIONS)
    assert set(PERMISSION_TABLE) == set(roles.PERMISSION_ROLES) == set(roles.PERMISSION_STATES)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_machine_offers_each_action_in_the_stages_of_the_table(action):
    stages = {state for name, states, _ in ACTION_TABLE if name == action for state in states}
    assert {state for state in STATES if action in actions_from(state)} == stages


# --- actions: 推进, 审核通过, 退回, 撤回, 终止 --------------------------------------------------


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_may_take_each_action_in_each_state(action, state):
    assert acting(action, state) == who_may_act(action, state)


def test_roles_leave_the_stage_of_the_star_rows_to_the_machine():
    """`ACTION_ROLES` names no stage for advance and cancel ("*"): asked alone, `acting_role`
    says yes in any state; the machine offers them in the table's stages only (above)."""
    for state in STATES:
        ev = evaluation(state)
        assert roles.acting_role(PEOPLE["leader"], "advance", ev) == "leader"
        assert roles.acting_role(PEOPLE["admin"], "cancel", ev) == "admin"


@pytest.mark.parametrize("action", ["approve", "return"])
def test_without_named_approvers_the_leader_and_deputies_approve(action):
    assert acting(action, "group_review", GROUP_WITHOUT_APPROVERS) == {
        "leader": "approver",
        "deputy": "approver",
    }
    ev = evaluation("group_review", GROUP_WITHOUT_APPROVERS)
    commenting = {p for p, user in PEOPLE.items() if roles.can_comment_report(user, ev)}
    assert commenting == {"leader", "deputy"}


# --- permissions: the other things done to an evaluation ------------------------------------


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("permission", list(PERMISSION_TABLE))
def test_who_may_do_each_thing_in_each_state(permission, state):
    stages, people = PERMISSION_TABLE[permission]
    ev = evaluation(state)
    allowed = {person for person, user in PEOPLE.items() if roles.can(user, permission, ev)}
    assert allowed == (people if state in stages else set())


def leaf(scorer_id: int | None) -> Indicator:
    """A 三级指标 assigned to `scorer_id` (or to nobody)."""
    return Indicator(code="1.1.1", level=3, scorer_id=scorer_id)


@pytest.mark.parametrize("state", list(STATES))
def test_who_scores_a_leaf_assigned_to_them_and_one_assigned_to_nobody(state):
    ev = evaluation(state)
    assigned = {p for p, user in PEOPLE.items() if roles.can_score_leaf(user, ev, leaf(user.id))}
    unassigned = {p for p, user in PEOPLE.items() if roles.can_score_leaf(user, ev, leaf(None))}
    assert assigned == SCORE_ASSIGNED_TABLE.get(state, set())
    stages, people = PERMISSION_TABLE["score_indicators"]
    assert unassigned == (people if state in stages else set())


def test_a_leaf_assigned_to_someone_else_is_theirs_to_score():
    ev = evaluation("analysis")
    member, deputy = PEOPLE["member"], PEOPLE["deputy"]
    assert not roles.can_score_leaf(member, ev, leaf(deputy.id))
    assert roles.can_score_leaf(deputy, ev, leaf(deputy.id))


@pytest.mark.parametrize("state", list(STATES))
def test_who_comments_on_report_sections_in_each_state(state):
    ev = evaluation(state)
    commenting = {p for p, user in PEOPLE.items() if roles.can_comment_report(user, ev)}
    assert commenting == COMMENT_TABLE.get(state, set())


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(STATES))
def test_everyone_but_other_units_and_other_bureaus_sees_the_evaluation(state):
    ev = evaluation(state)
    invisible = {p for p, user in PEOPLE.items() if not roles.can_view(user, ev)}
    assert invisible == INVISIBLE_TO


def test_each_person_holds_the_role_named_after_them_and_outsiders_none():
    ev = evaluation("group_review")
    held = {person: roles.roles_in(user, ev) for person, user in PEOPLE.items()}
    assert held == {
        "leader": {"leader"},
        "deputy": {"deputy"},
        "member": {"member"},
        "approver": {"approver"},
        "submitter": {"submitter"},
        "creator": {"creator"},
        "unit_colleague": set(),
        "admin": {"admin"},
        "finance_reviewer": {"finance_reviewer"},
        "other_unit_user": set(),
        "other_bureau_reviewer": set(),
    }


def test_a_unit_not_covered_by_any_bureau_is_seen_by_no_reviewer():
    ev = evaluation("finance_review", bureau_id=None)
    reviewers = [PEOPLE["finance_reviewer"], PEOPLE["other_bureau_reviewer"]]
    assert not any(roles.can_view(user, ev) for user in reviewers)
    assert roles.acting_role(PEOPLE["finance_reviewer"], "approve", ev) is None


def test_a_role_in_the_group_gives_nothing_to_someone_who_cannot_see_the_evaluation():
    """Visibility comes first: a user of another unit named 组长 holds no role here."""
    outsider = PEOPLE["other_unit_user"]
    ev = evaluation("preparation", f"1:leader:{outsider.id}")
    assert roles.roles_in(outsider, ev) == set()
    assert roles.acting_role(outsider, "advance", ev) is None
    assert not any(roles.can(outsider, permission, ev) for permission in PERMISSION_TABLE)


# --- 系统管理 ---------------------------------------------------------------------------------


def test_only_administrators_administer():
    assert {p for p, user in PEOPLE.items() if roles.is_admin(user)} == ADMINISTERS
    assert {p for p, user in PEOPLE.items() if roles.can_manage_reminders(user)} == ADMINISTERS
    for person, user in PEOPLE.items():
        if person in ADMINISTERS:
            assert roles.require_admin(user) is user
        else:
            with pytest.raises(NotAllowed):
                roles.require_admin(user)
